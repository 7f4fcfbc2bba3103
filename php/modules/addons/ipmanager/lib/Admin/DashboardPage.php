<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Runtime;

/**
 * What needs the admin's attention (fullest subnets and pools, orphans, addresses
 * releasing, alerts, last sync and cleaner runs), then the module's status; runs pending
 * migrations on request.
 */
final class DashboardPage
{
    public static function handle(array $vars): Page
    {
        $messages = [];
        if (Request::isPost() && Request::post('do') === 'migrate') {
            $report = ipmanager_migrate();
            $lang = $vars['_lang'];
            $messages[] = ['success', $report['applied'] === []
                ? $lang['migrations_none']
                : sprintf($lang['migrations_done'], $report['from_version'], $report['to_version'])];
        }
        $status = ipmanager_status();
        $data = ['status' => $status, 'addon_version' => Runtime::ADDON_VERSION, 'figures' => null, 'rdns' => null];
        // The figures read every table: only once the schema is up to date.
        if ($status['connected'] && $status['schema_version'] === $status['latest_schema_version']) {
            try {
                $data['figures'] = ipmanager_dashboard();
                // PowerDNS's box: asked within 2 s, only once reverse DNS is configured.
                $rdns = ipmanager_dns_status();
                $data['rdns'] = $rdns['reachable'] === null ? null : $rdns;
            } catch (\IpManager\Exception $e) {
                $messages[] = ['danger', $e->getMessage()];
            }
        }
        return new Page('dashboard.tpl', $data, $messages);
    }
}
