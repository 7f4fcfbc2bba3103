<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Cron;
use IpManager\Addon\Html;

/** Settings: what is configured, and the daily jobs on demand. */
final class SettingsPage
{
    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $messages = [];
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $do = (string) ($_POST['do'] ?? '');
            $lines = $do === 'run_cleaner'
                ? Cron::cleaner($lang, (string) ($vars['ip_cleaner_behavior'] ?? 'notify'))
                : ($do === 'run_alerts' ? Cron::usageAlerts($lang) : []);
            foreach ($lines as $line) {
                $messages[] = ['success', $line];
            }
        }
        $rows = [
            'setting_threshold' => ($vars['usage_alert_threshold'] ?? '80') . ' %',
            'setting_cleaner' => ($vars['ip_cleaner_enabled'] ?? '') === 'on' ? $lang['yes'] : $lang['no'],
            'setting_behavior' => ($vars['ip_cleaner_behavior'] ?? 'notify') === 'mark_free' ? $lang['cleaner_marked_free'] : $lang['cleaner_notify_only'],
            'setting_custom_field' => ($vars['use_custom_field'] ?? '') === 'on' ? $lang['yes'] : $lang['no'],
            'setting_quarantine' => ($vars['release_quarantine_hours'] ?? '24') . ' h',
        ];
        $html = '<h2>' . Html::e($lang['settings_title']) . '</h2><p>' . Html::e($lang['settings_help']) . '</p><table class="table table-condensed" id="ipm-settings">';
        foreach ($rows as $key => $value) {
            $html .= '<tr><th>' . Html::e($lang[$key]) . '</th><td>' . Html::e($value) . '</td></tr>';
        }
        $action = Html::e(Html::link($vars['modulelink'], ['action' => 'settings']));
        foreach (['run_alerts' => 'settings_run_alerts', 'run_cleaner' => 'settings_run_cleaner'] as $do => $label) {
            $html .= '<form method="post" style="display:inline" action="' . $action . '">' . Layout::tokenField()
                . '<input type="hidden" name="do" value="' . $do . '"><button class="btn btn-default" type="submit">'
                . Html::e($lang[$label]) . '</button></form> ';
        }
        return [$messages, $html . '</table>'];
    }
}
