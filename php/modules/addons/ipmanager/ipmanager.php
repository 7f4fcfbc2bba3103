<?php
/**
 * IP Manager for WHMCS — addon module entry points.
 *
 * All logic lives in the `ipmanager` PHP extension (Rust); this file only adapts WHMCS's
 * calling conventions to it. The native functions deliberately avoid the names WHMCS
 * reserves for entry points (ipmanager_activate, ipmanager_output, ...).
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/bootstrap.php';

use IpManager\Addon\Admin\Router;
use IpManager\Addon\ClientArea;
use IpManager\Addon\Runtime;

function ipmanager_config()
{
    return [
        'name' => 'IP Manager',
        'description' => 'IPv4/IPv6 subnets, pools and automatic IP assignment for your services.',
        'version' => Runtime::ADDON_VERSION,
        'author' => 'IP Manager',
        'language' => 'english',
        'fields' => [
            'usage_alert_threshold' => [
                'FriendlyName' => 'Usage Alert Threshold (%)',
                'Type' => 'text',
                'Size' => '3',
                'Default' => '80',
                'Description' => 'Email the first admin when a subnet or pool reaches this usage.',
            ],
            'ip_cleaner_enabled' => [
                'FriendlyName' => 'IP Cleaner Enabled',
                'Type' => 'yesno',
                'Description' => 'Run the IP Cleaner from the daily cron.',
            ],
            'ip_cleaner_behavior' => [
                'FriendlyName' => 'IP Cleaner Behavior',
                'Type' => 'dropdown',
                'Options' => ['notify' => 'Notify only', 'mark_free' => 'Mark free'],
                'Default' => 'notify',
                'Description' => 'What to do with IPs that WHMCS no longer lists for their service.',
            ],
            'use_custom_field' => [
                'FriendlyName' => 'Use Custom Field Instead Of Assigned IP',
                'Type' => 'yesno',
                'Description' => 'Write IPs to the custom field a configuration names, instead of Assigned IPs.',
            ],
            'client_unassign' => [
                'FriendlyName' => 'Clients may give back',
                'Type' => 'dropdown',
                'Options' => ['none' => 'Nothing', 'additional' => 'Additional IPs only', 'any' => 'Any IP, the main one included'],
                'Default' => 'additional',
                'Description' => 'What a client may unassign from their own services in the client area.',
            ],
            'release_quarantine_hours' => [
                'FriendlyName' => 'Release quarantine (hours)',
                'Type' => 'text',
                'Size' => '4',
                'Default' => '24',
                'Description' => 'How long a released IP waits before it can be handed out again (0 = at once).',
            ],
            'delete_data_on_deactivate' => [
                'FriendlyName' => 'Delete data on deactivate',
                'Type' => 'yesno',
                'Description' => 'Drop all IP Manager tables when the module is deactivated. '
                    . 'Also requires the confirmation below.',
            ],
            'delete_data_confirmation' => [
                'FriendlyName' => 'Confirm data deletion',
                'Type' => 'text',
                'Size' => '25',
                'Default' => '',
                'Description' => 'Type DELETE ALL IP DATA to confirm; anything else keeps the data.',
            ],
        ],
    ];
}

function ipmanager_activate()
{
    return Runtime::lifecycle(static fn () => ipmanager_lifecycle_activate());
}

function ipmanager_deactivate()
{
    return Runtime::lifecycle(static fn () => ipmanager_lifecycle_deactivate());
}

function ipmanager_upgrade($vars)
{
    $result = Runtime::lifecycle(static fn () => ipmanager_lifecycle_upgrade((string) ($vars['version'] ?? '')));
    if (($result['status'] ?? '') === 'error') {
        logActivity('IP Manager upgrade failed: ' . $result['description']);
    }
}

function ipmanager_output($vars)
{
    echo (new Router($vars))->render();
}

function ipmanager_sidebar($vars)
{
    return Router::sidebar($vars);
}

function ipmanager_clientarea($vars)
{
    return ClientArea::page($vars);
}
