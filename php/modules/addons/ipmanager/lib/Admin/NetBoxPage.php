<?php

namespace IpManager\Addon\Admin;


/**
 * NetBox: where it is and how IP Manager reaches it (connection state, Test connection),
 * each subnet's scope, sync from NetBox (dry run or run), the full push, and the queue of
 * changes mirrored as they happen (retry now, force, send what is due).
 */
final class NetBoxPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        [$messages, $report] = Request::isPost() ? self::act($lang) : [[], null];
        $overview = ipmanager_netbox_overview(['page' => Request::get('page'), 'per_page' => '25']);
        foreach (['last_push', 'last_sync'] as $key) {
            if ($overview[$key] !== null) {
                $overview[$key]['when'] = gmdate('Y-m-d H:i', (int) $overview[$key]['at']) . ' UTC';
            }
        }
        foreach ($overview['queue']['items'] as &$change) {
            $change['addresses_text'] = implode(', ', $change['job']['addresses']);
        }
        unset($change);
        return new Page('netbox.tpl', ['overview' => $overview, 'settings' => $overview['settings'],
            'last' => $overview['last_push'], 'scopes' => ipmanager_netbox_scopes(), 'report' => $report], $messages);
    }

    /** @return array{0: list<array{0:string,1:string}>, 1: ?array} messages, and a sync report to show */
    private static function act(array $lang): array
    {
        try {
            switch (Request::post('do')) {
                case 'save':
                    $f = Request::postGroup('f');
                    ipmanager_netbox_settings_save([
                        'enabled' => $f['enabled'] ?? '0',
                        'url' => $f['url'] ?? '',
                        'token' => $f['token'] ?? '',
                        'verify_tls' => $f['verify_tls'] ?? '0',
                        'fingerprint' => $f['fingerprint'] ?? '',
                        'connect_timeout_ms' => $f['connect_timeout_ms'] ?? '',
                        'timeout_ms' => $f['timeout_ms'] ?? '',
                        'tag' => $f['tag'] ?? '',
                        'release_action' => $f['release_action'] ?? '',
                        'push_on_assign' => $f['push_on_assign'] ?? '0',
                    ]);
                    return [[['success', $lang['netbox_saved']]], null];
                case 'test':
                    return [[['success', sprintf($lang['netbox_test_ok'], ipmanager_netbox_test())]], null];
                case 'scope':
                    ipmanager_netbox_scope_save(['subnet_id' => Request::post('subnet_id'), 'site_id' => Request::post('site_id'),
                        'tenant_id' => Request::post('tenant_id'), 'vrf_id' => Request::post('vrf_id')]);
                    return [[['success', sprintf($lang['netbox_scope_saved'], Request::post('subnet_id'))]], null];
                case 'push':
                    $r = ipmanager_netbox_push();
                    $messages = [['success', sprintf($lang['netbox_pushed'], $r['prefixes']['created'], $r['prefixes']['updated'],
                        $r['prefixes']['retired'], $r['addresses']['created'], $r['addresses']['updated'], $r['addresses']['retired'],
                        $r['prefixes']['unchanged'] + $r['addresses']['unchanged'], $r['took_ms'] / 1000)]];
                    foreach ($r['conflicts'] as $conflict) {
                        $messages[] = ['warning', $conflict];
                    }
                    return [$messages, null];
                case 'sync':
                    $dry = Request::post('dry_run') === '1';
                    $r = ipmanager_netbox_sync(['dry_run' => $dry]);
                    $counts = sprintf($lang['netbox_synced'], count($r['subnets']), count($r['reserved']), count($r['assigned']),
                        count($r['unchanged']), count($r['conflicts']), count($r['skipped']));
                    return [[[$dry ? 'info' : 'success', ($dry ? $lang['netbox_sync_dry'] . ' ' : '') . $counts]], $r];
                case 'drain':
                    $done = ipmanager_netbox_drain();
                    $failed = array_values(array_filter($done, static fn ($d) => $d['error'] !== null));
                    $messages = [[$failed ? 'warning' : 'success', sprintf($lang['netbox_drained'], count($done) - count($failed), count($done))]];
                    foreach ($failed as $d) {
                        $messages[] = ['warning', sprintf($lang['netbox_change_failing'], $d['id'], $d['error'])];
                    }
                    return [$messages, null];
                case 'retry':
                case 'force':
                    return [QueueActions::act(Request::post('do'), $lang, 'netbox'), null];
            }
        } catch (\IpManager\Exception $e) {
            return [[['danger', $e->getMessage()]], null];
        }
        return [[['danger', $lang['unknown_action']]], null];
    }
}
