<?php
/**
 * IP Manager hooks. WHMCS loads this file on every page while the addon is active, so it
 * only registers callbacks; each callback makes one native call at most.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/bootstrap.php';

// Provisioning: allocate per the configurations' relations before the module creates the
// account, and hand it the IPs through the overriding parameters. Any failure stops the
// create with a message rather than provisioning a server without its IP.
add_hook('PreModuleCreate', 1, static function ($vars) {
    $params = $vars['params'] ?? [];
    try {
        \IpManager\Addon\Runtime::connect();
        $result = ipmanager_premodule_create($params);
    } catch (\IpManager\Exception | \IpManager\Addon\ExtensionMissing $e) {
        $result = ['abortcmd' => true, 'abortmsg' => 'IP Manager could not assign IPs: ' . $e->getMessage()];
    }
    if (!empty($result['abortcmd'])) {
        logActivity($result['abortmsg'], (int) ($params['userid'] ?? 0));
    } elseif ($result !== []) {
        logActivity(sprintf('IP Manager assigned %s to service #%d', trim(($result['dedicatedip'] ?? '') . ' ' . str_replace("\n", ' ', $result['assignedips'] ?? '')), (int) ($params['serviceid'] ?? 0)), (int) ($params['userid'] ?? 0));
    }
    return $result === [] ? null : $result;
});

// After the account exists: the service's IPs go to the panel integration serving the
// module, through the outbox, within 10 s in all. A panel that refuses or does not answer
// keeps the change waiting for cron; the create itself has already succeeded.
add_hook('AfterModuleCreate', 1, static function ($vars) {
    $params = $vars['params'] ?? [];
    try {
        \IpManager\Addon\Runtime::connect();
        $report = \IpManager\Addon\Panels::run(static fn () => ipmanager_after_module_create($params));
        if ($report['error'] !== null) {
            logActivity('IP Manager: ' . $report['integration'] . ' did not take the IPs of service #'
                . (int) ($params['serviceid'] ?? 0) . ' yet (retried from the outbox): ' . $report['error'], (int) ($params['userid'] ?? 0));
        }
    } catch (\IpManager\Exception | \IpManager\Addon\ExtensionMissing $e) {
        logActivity('IP Manager (after create): ' . $e->getMessage(), (int) ($params['userid'] ?? 0));
    }
});

// "Order additional IPs": a completed configurable-options upgrade or an activated product
// addon gives the service the IPs its relations now add up to (IpManager\Addon\Grow).
add_hook('AfterConfigOptionsUpgrade', 1, static function ($vars) {
    \IpManager\Addon\Grow::run(['upgrade_id' => (int) ($vars['upgradeid'] ?? 0)], 0);
});
add_hook('AddonActivation', 1, static function ($vars) {
    \IpManager\Addon\Grow::run(['service_id' => (int) ($vars['serviceid'] ?? 0)], (int) ($vars['userid'] ?? 0));
});

// After every run of WHMCS's cron (usually every 5 minutes): deliver the panel changes that
// are due.
add_hook('AfterCronJob', 10, static function () {
    try {
        \IpManager\Addon\Cron::outbox(\IpManager\Addon\Runtime::lang());
    } catch (\IpManager\Exception | \IpManager\Addon\ExtensionMissing $e) {
        logActivity('IP Manager panel changes: ' . $e->getMessage());
    }
});

// WHMCS's daily cron: usage alerts, and the IP Cleaner when enabled.
add_hook('DailyCronJob', 10, static function () {
    try {
        \IpManager\Addon\Cron::daily();
    } catch (\IpManager\Exception | \IpManager\Addon\ExtensionMissing $e) {
        logActivity('IP Manager daily job: ' . $e->getMessage());
    }
});

// Client area: a navbar entry to the client's IP list, for logged-in clients only.
add_hook('ClientAreaPrimaryNavbar', 10, static function ($navbar) {
    // WHMCS passes the MenuItem itself to navbar hooks.
    if (empty($_SESSION['uid']) || $navbar === null) {
        return;
    }
    $services = $navbar->getChild('Services');
    $target = $services ?? $navbar;
    $target->addChild('ipmanager', [
        'uri' => 'index.php?m=ipmanager',
        'label' => \IpManager\Addon\Runtime::lang()['client_title'],
        'order' => 90,
    ]);
});

// The service's own page in the client area: the IPs IP Manager assigned to it, shown to
// the client who owns it only.
add_hook('ClientAreaProductDetailsOutput', 1, static function ($vars) {
    $service = $vars['service'] ?? null;
    if (!is_object($service)) {
        return '';
    }
    return \IpManager\Addon\ClientArea::productDetails((int) $service->id, (int) $service->clientId);
});
