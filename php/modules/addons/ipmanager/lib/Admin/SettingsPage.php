<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Cron;

/** Settings: the values set under Setup → Addon Modules → Configure, and the daily jobs on demand. */
final class SettingsPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = [];
        if (Request::isPost()) {
            $do = Request::post('do');
            $lines = $do === 'run_cleaner'
                ? Cron::cleaner($lang, (string) ($vars['ip_cleaner_behavior'] ?? 'notify'))
                : ($do === 'run_alerts' ? Cron::usageAlerts($lang) : []);
            foreach ($lines as $line) {
                $messages[] = ['success', $line];
            }
        }
        return new Page('settings.tpl', ['settings' => self::rows($vars)], $messages);
    }

    /** Each field of ipmanager_config() with the value WHMCS passes, as the admin set it. */
    private static function rows(array $vars): array
    {
        $rows = [];
        foreach (ipmanager_config()['fields'] as $key => $field) {
            $value = (string) ($vars[$key] ?? ($field['Default'] ?? ''));
            $rows[] = ['key' => $key, 'label' => $field['FriendlyName'], 'type' => $field['Type'],
                'value' => $field['Type'] === 'dropdown' ? ($field['Options'][$value] ?? $value) : $value,
                'on' => $value === 'on', 'description' => $field['Description'] ?? ''];
        }
        return $rows;
    }
}
