<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Cron;
use IpManager\Addon\Panels;
use IpManager\Addon\Runtime;

/**
 * Integrations: which hosting-panel integrations are on and which WHMCS modules they serve,
 * how each server is reached (TLS, pin, timeouts) with "Test connection", and the outbox of
 * panel changes (retry now, force, deliver what is due).
 */
final class IntegrationsPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = Request::isPost() ? self::act($lang) : [];
        $overview = ipmanager_integrations(['page' => Request::get('page'), 'per_page' => '25']);
        // Lists as the page shows them (Smarty's implode modifier takes its arguments the other way round).
        foreach ($overview['integrations'] as &$integration) {
            $integration['modules_text'] = implode(', ', $integration['modules']);
        }
        foreach ($overview['queue']['items'] as &$change) {
            $change['addresses_text'] = implode(', ', $change['job']['addresses']);
        }
        unset($integration, $change);
        return new Page('integrations.tpl', ['overview' => $overview], $messages);
    }

    private static function act(array $lang): array
    {
        try {
            switch (Request::post('do')) {
                case 'save_integration':
                    $saved = ipmanager_integration_save([
                        'integration' => Request::post('integration'),
                        'enabled' => Request::post('enabled'),
                        'modules' => Request::post('modules'),
                        'push_on_create' => Request::post('push_on_create'),
                        'remove_on_release' => Request::post('remove_on_release'),
                        'options' => Request::postGroup('options'),
                    ]);
                    return [['success', sprintf($lang['integration_saved'], $saved['label'])]];
                case 'save_server':
                    ipmanager_server_settings_save([
                        'server_id' => Request::post('server_id'),
                        'verify_tls' => Request::post('verify_tls'),
                        'fingerprint' => Request::post('fingerprint'),
                        'connect_timeout_ms' => Request::post('connect_timeout_ms'),
                        'timeout_ms' => Request::post('timeout_ms'),
                    ]);
                    return [['success', sprintf($lang['server_saved'], Request::post('server_id'))]];
                case 'test':
                    $version = Panels::run(static fn () => ipmanager_integration_test((int) Request::post('server_id')));
                    return [['success', sprintf($lang['test_ok'], Request::post('server_id'), $version)]];
                case 'retry':
                    $done = Panels::run(static fn () => ipmanager_outbox_retry((int) Request::post('id')));
                    if ($done === null) {
                        return [['info', sprintf($lang['outbox_busy'], Request::post('id'))]];
                    }
                    return [$done['error'] === null
                        ? ['success', sprintf($lang['outbox_delivered'], $done['id'])]
                        : ['warning', sprintf($lang['outbox_still_failing'], $done['id'], $done['error'])]];
                case 'force':
                    $actor = Runtime::actor();
                    $forced = ipmanager_outbox_force((int) Request::post('id'), 'admin #' . (int) ($actor['id'] ?? 0));
                    return [['warning', sprintf($lang['outbox_forced'], $forced['id'])]];
                case 'run':
                    return [['success', Cron::outbox($lang)]];
            }
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        return [['danger', $lang['unknown_action']]];
    }
}
