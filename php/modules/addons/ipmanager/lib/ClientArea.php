<?php

namespace IpManager\Addon;

/** index.php?m=ipmanager: the logged-in client's services and their IPs. */
final class ClientArea
{
    public static function page(array $vars): array
    {
        $lang = $vars['_lang'];
        $clientId = (int) ($_SESSION['uid'] ?? 0);
        $services = [];
        $error = '';
        if ($clientId > 0) {
            try {
                Runtime::connect();
                $services = ipmanager_client_services($clientId);
            } catch (\IpManager\Exception | ExtensionMissing $e) {
                // The client sees a plain message; the detail goes to the admin's activity log.
                logActivity('IP Manager client area: ' . $e->getMessage(), $clientId);
                $error = $lang['client_error'];
            }
        }
        return [
            'pagetitle' => $lang['client_title'],
            'breadcrumb' => [$vars['modulelink'] => $lang['client_title']],
            'templatefile' => 'clienthome',
            'requirelogin' => true,
            'forcessl' => false,
            'vars' => [
                'lang' => $lang,
                'services' => $services,
                'error' => $error,
            ],
        ];
    }
}
