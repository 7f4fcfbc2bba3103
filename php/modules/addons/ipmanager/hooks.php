<?php
/**
 * IP Manager hooks. WHMCS loads this file on every page while the addon is active, so it
 * only registers callbacks; each callback makes one native call at most.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/bootstrap.php';

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
