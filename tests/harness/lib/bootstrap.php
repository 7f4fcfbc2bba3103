<?php
// Loads the harness: WHMCS's globals and the classes that imitate WHMCS around the addon.

foreach (['Config', 'Db', 'Hooks', 'LocalApi', 'Crypto', 'Csrf', 'Logs', 'MenuItem', 'Response',
    'Session', 'TestDatabase', 'AddonModule', 'AdminChrome', 'AdminArea', 'AddonModulesPage', 'ClientArea', 'Seed', 'Provisioning', 'Orders'] as $class) {
    require_once __DIR__ . "/$class.php";
}
require_once __DIR__ . '/functions.php';

// WHMCS loads Smarty 3 on every page and keeps configuration.php's $templates_compiledir global.
require_once '/usr/share/php/smarty3/Smarty.class.php';

// Debian's Smarty 3.1.47 predates PHP 8.2 and creates dynamic properties in its own classes
// (WHMCS ships a Smarty patched for it). Only those deprecations are silenced; every other
// notice, ours included, is reported as usual.
set_error_handler(static function (int $level, string $message, string $file): bool {
    return $level === E_DEPRECATED
        && strpos($message, 'Creation of dynamic property Smarty') === 0
        && (strpos($file, '/smarty3/') !== false || strpos($file, '/var/smarty/') !== false);
});
