<?php
// Loads the harness: WHMCS's globals and the classes that imitate WHMCS around the addon.

foreach (['Config', 'Db', 'Hooks', 'LocalApi', 'Crypto', 'Csrf', 'Logs', 'MenuItem', 'Response',
    'Session', 'AddonModule', 'AdminArea', 'ClientArea', 'Seed', 'Provisioning'] as $class) {
    require_once __DIR__ . "/$class.php";
}
require_once __DIR__ . '/functions.php';
