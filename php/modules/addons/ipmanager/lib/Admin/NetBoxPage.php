<?php

namespace IpManager\Addon\Admin;

/** NetBox: where it is and how IP Manager reaches it, Test connection, and the full push. */
final class NetBoxPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = Request::isPost() ? self::act($lang) : [];
        $last = ipmanager_netbox_last_push();
        if ($last !== null) {
            $last['when'] = gmdate('Y-m-d H:i', (int) $last['at']) . ' UTC';
        }
        return new Page('netbox.tpl', ['settings' => ipmanager_netbox_settings(), 'last' => $last,
            'scopes' => ipmanager_netbox_scopes()], $messages);
    }

    private static function act(array $lang): array
    {
        try {
            switch (Request::post('do')) {
                case 'save':
                    // What the page does not offer yet (mirroring each change comes with
                    // the rest of the NetBox work) is kept as it is.
                    $current = ipmanager_netbox_settings();
                    $f = Request::postGroup('f');
                    ipmanager_netbox_settings_save([
                        'enabled' => $current['enabled'],
                        'url' => $f['url'] ?? '',
                        'token' => $f['token'] ?? '',
                        'verify_tls' => $f['verify_tls'] ?? '0',
                        'fingerprint' => $f['fingerprint'] ?? '',
                        'connect_timeout_ms' => $f['connect_timeout_ms'] ?? '',
                        'timeout_ms' => $f['timeout_ms'] ?? '',
                        'tag' => $f['tag'] ?? '',
                        'release_action' => $f['release_action'] ?? '',
                        'push_on_assign' => $current['push_on_assign'],
                    ]);
                    return [['success', $lang['netbox_saved']]];
                case 'test':
                    return [['success', sprintf($lang['netbox_test_ok'], ipmanager_netbox_test())]];
                case 'scope':
                    ipmanager_netbox_scope_save(['subnet_id' => Request::post('subnet_id'), 'site_id' => Request::post('site_id'),
                        'tenant_id' => Request::post('tenant_id'), 'vrf_id' => Request::post('vrf_id')]);
                    return [['success', sprintf($lang['netbox_scope_saved'], Request::post('subnet_id'))]];
                case 'push':
                    $r = ipmanager_netbox_push();
                    $messages = [['success', sprintf($lang['netbox_pushed'], $r['prefixes']['created'], $r['prefixes']['updated'],
                        $r['prefixes']['retired'], $r['addresses']['created'], $r['addresses']['updated'], $r['addresses']['retired'],
                        $r['prefixes']['unchanged'] + $r['addresses']['unchanged'], $r['took_ms'] / 1000)]];
                    foreach ($r['conflicts'] as $conflict) {
                        $messages[] = ['warning', $conflict];
                    }
                    return $messages;
            }
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        return [['danger', $lang['unknown_action']]];
    }
}
