<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;
use IpManager\Addon\Runtime;

/** Version, PHP build, database and schema state; runs pending migrations on request. */
final class DashboardPage
{
    /** @return array{0: list<array{0:string,1:string}>, 1: string} */
    public static function handle(array $vars): array
    {
        $messages = [];
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST' && ($_POST['do'] ?? '') === 'migrate') {
            $messages = self::migrate($vars);
        }
        return [$messages, self::render($vars)];
    }

    private static function migrate(array $vars): array
    {
        $report = ipmanager_migrate();
        $lang = $vars['_lang'];
        $text = $report['applied'] === []
            ? $lang['migrations_none']
            : sprintf($lang['migrations_done'], $report['from_version'], $report['to_version']);
        return [['success', $text]];
    }

    public static function render(array $vars): string
    {
        $lang = $vars['_lang'];
        $s = ipmanager_status();
        if (!$s['configured']) {
            $db = $lang['database_not_configured'];
        } elseif ($s['connected']) {
            $db = $lang['database_connected'] . ' — ' . $s['endpoint'];
        } else {
            $db = $lang['database_not_connected'] . ' — ' . $s['endpoint'] . ': ' . $s['error'];
        }
        $schema = '—';
        $behind = false;
        if ($s['schema_version'] !== null) {
            $behind = $s['schema_version'] < $s['latest_schema_version'];
            $schema = $s['schema_version'] . ' / ' . $s['latest_schema_version'] . ' ('
                . ($behind ? $lang['schema_behind'] : $lang['schema_up_to_date']) . ')';
        }
        $rows = [
            'extension_version' => $s['version'],
            'addon_version' => Runtime::ADDON_VERSION,
            'php_build' => $s['php_version_built'] . ' (' . $s['php_build'] . ')',
            'database' => $db,
            'server_version' => $s['server_version'] ?? '—',
            'schema_version' => $schema,
        ];
        $html = '<h2>' . Html::e($lang['dashboard_title']) . '</h2>';
        $html .= '<h3>' . Html::e($lang['status_heading']) . '</h3><table class="table table-condensed" id="ipm-status">';
        foreach ($rows as $key => $value) {
            $html .= '<tr data-key="' . Html::e($key) . '"><th>' . Html::e($lang[$key]) . '</th><td>'
                . Html::e($value) . '</td></tr>';
        }
        $html .= '</table>';
        if ($behind) {
            $html .= '<form method="post" action="' . Html::e(Html::link($vars['modulelink'], ['action' => 'dashboard']))
                . '">' . Layout::tokenField() . '<input type="hidden" name="do" value="migrate">'
                . '<button type="submit" class="btn btn-primary">' . Html::e($lang['run_migrations'])
                . '</button></form>';
        }
        return $html;
    }
}
