<?php

namespace IpManager\Addon\Admin;

/** NetBox: where it is and how IP Manager reaches it, and Test connection. */
final class NetBoxPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = Request::isPost() ? self::act($lang) : [];
        return new Page('netbox.tpl', ['settings' => ipmanager_netbox_settings()], $messages);
    }

    private static function act(array $lang): array
    {
        try {
            switch (Request::post('do')) {
                case 'save':
                    // What the page does not offer yet (mirroring comes with the rest of
                    // the NetBox work) is kept as it is.
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
                        'tag' => $current['tag'],
                        'release_action' => $current['release_action'],
                        'push_on_assign' => $current['push_on_assign'],
                    ]);
                    return [['success', $lang['netbox_saved']]];
                case 'test':
                    return [['success', sprintf($lang['netbox_test_ok'], ipmanager_netbox_test())]];
            }
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        return [['danger', $lang['unknown_action']]];
    }
}
