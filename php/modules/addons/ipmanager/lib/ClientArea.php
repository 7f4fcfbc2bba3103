<?php

namespace IpManager\Addon;

/**
 * index.php?m=ipmanager: the logged-in client's services with the IPs IP Manager assigned,
 * and giving one back (a confirmation page, then a POST with WHMCS's CSRF token). Whose
 * address it is, and whether the setting allows it, is decided by the extension for the
 * session's client, never from the request.
 */
final class ClientArea
{
    public static function page(array $vars): array
    {
        $lang = $vars['_lang'];
        $clientId = (int) ($_SESSION['uid'] ?? 0);
        $page = ['template' => 'clienthome', 'vars' => ['lang' => $lang, 'services' => [], 'policy' => 'additional',
            'error' => '', 'messages' => [], 'modulelink' => $vars['modulelink']]];
        if ($clientId > 0) {
            try {
                Runtime::connect();
                $page = self::route($clientId, $lang, $page);
            } catch (\IpManager\Exception | ExtensionMissing $e) {
                // The client sees a plain message; the detail goes to the admin's activity log.
                logActivity('IP Manager client area: ' . $e->getMessage(), $clientId);
                $page['vars']['error'] = $lang['client_error'];
            }
        }
        return [
            'pagetitle' => $lang['client_title'],
            'breadcrumb' => [$vars['modulelink'] => $lang['client_title']],
            'templatefile' => $page['template'],
            'requirelogin' => true,
            'forcessl' => false,
            'vars' => $page['vars'] + ['token' => generate_token('plain')],
        ];
    }

    private static function route(int $clientId, array $lang, array $page): array
    {
        $action = (string) ($_GET['a'] ?? '');
        $id = (int) ($_GET['id'] ?? $_POST['id'] ?? 0);
        if ($action === 'unassign' && ($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            check_token('WHMCS.default');
            try {
                $done = ipmanager_client_unassign($clientId, $id);
                $page['vars']['messages'][] = $done['error'] === null
                    ? ['success', sprintf($lang['client_unassigned'], $done['address'])]
                    : ['warning', sprintf($lang['client_unassign_pending'], $done['address'])];
            } catch (\IpManager\Exception $e) {
                logActivity('IP Manager client area: ' . $e->getMessage(), $clientId);
                $page['vars']['messages'][] = ['danger', $e->getMessage()];
            }
        }
        if ($action === 'ptr' && ($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            check_token('WHMCS.default');
            $host = trim((string) ($_POST['hostname'] ?? ''));
            try {
                $done = ipmanager_client_ptr_set($clientId, (string) ($_POST['address'] ?? ''), $host === '' ? null : $host);
                $page['vars']['messages'][] = ['success', $done['hostname'] === null
                    ? sprintf($lang['client_ptr_default'], $done['address'])
                    : sprintf($lang['client_ptr_set'], $done['address'], rtrim($done['hostname'], '.'))];
            } catch (\IpManager\Exception $e) {
                logActivity('IP Manager client area (reverse DNS): ' . $e->getMessage(), $clientId);
                $page['vars']['messages'][] = ['danger', $e->getMessage()];
            }
        }
        $view = ipmanager_client_services($clientId);
        $page['vars']['services'] = $view['services'];
        $page['vars']['policy'] = $view['policy'];
        if ($action === 'ptr') {
            foreach ($view['services'] as $service) {
                foreach ($service['addresses'] as $address) {
                    if ($address['id'] === $id && $address['reverse_dns']) {
                        $page['template'] = 'clientptr';
                        $page['vars']['service'] = $service;
                        $page['vars']['address'] = $address;
                        return $page;
                    }
                }
            }
            if (($_SERVER['REQUEST_METHOD'] ?? 'GET') !== 'POST') {
                $page['vars']['messages'][] = ['danger', $lang['client_cannot_ptr']];
            }
            return $page;
        }
        if ($action === 'unassign' && ($_SERVER['REQUEST_METHOD'] ?? 'GET') !== 'POST') {
            foreach ($view['services'] as $service) {
                foreach ($service['addresses'] as $address) {
                    if ($address['id'] === $id && $address['can_unassign']) {
                        $page['template'] = 'clientunassign';
                        $page['vars']['service'] = $service;
                        $page['vars']['address'] = $address;
                        return $page;
                    }
                }
            }
            logActivity(sprintf('IP Manager client area: assignment #%d is not this client\'s to give back; nothing changed.', $id), $clientId);
            $page['vars']['messages'][] = ['danger', $lang['client_cannot_unassign']];
        }
        return $page;
    }

    /**
     * The service's own page (ClientAreaProductDetailsOutput): its IPs, for the client who
     * owns it only.
     */
    public static function productDetails(int $serviceId, int $ownerId): string
    {
        $clientId = (int) ($_SESSION['uid'] ?? 0);
        if ($clientId <= 0 || $clientId !== $ownerId) {
            return '';
        }
        $lang = Runtime::lang();
        try {
            Runtime::connect();
            $view = ipmanager_client_services($clientId);
        } catch (\IpManager\Exception | ExtensionMissing $e) {
            logActivity('IP Manager product details: ' . $e->getMessage(), $clientId);
            return '';
        }
        foreach ($view['services'] as $service) {
            if ($service['id'] === $serviceId && $service['addresses'] !== []) {
                $rows = '';
                foreach ($service['addresses'] as $a) {
                    $rows .= '<li><code>' . Html::e($a['address']) . '</code>'
                        . ($a['primary'] ? ' <span class="label label-primary badge badge-primary">' . Html::e($lang['client_primary']) . '</span>' : '')
                        . '</li>';
                }
                return '<div class="ipmanager-product-ips" id="ipm-product-ips"><h4>' . Html::e($lang['client_ips']) . '</h4><ul class="list-unstyled">'
                    . $rows . '</ul><a href="index.php?m=ipmanager" class="btn btn-default btn-sm">' . Html::e($lang['client_manage']) . '</a></div>';
            }
        }
        return '';
    }
}
