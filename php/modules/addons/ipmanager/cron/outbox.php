<?php
/**
 * IP Manager panel changes: delivers what waits in the outbox (run it every few minutes).
 * Run it from the system cron every few minutes, e.g. this crontab line:
 *   0-59/5 * * * * php -q /path/to/whmcs/modules/addons/ipmanager/cron/outbox.php
 * (WHMCS's own cron also runs it after each run, through the AfterCronJob hook.)
 */

// Delivering changes data (a confirmed removal frees its address): it must never run
// because someone requested this file over the web.
if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    header('Content-Type: text/plain');
    exit("This job runs from the command line only (php -q modules/addons/ipmanager/cron/outbox.php).\n");
}

define('IPMANAGER_CRON', true);
// The WHMCS root is five levels up from this file as it was invoked.
$whmcsRoot = dirname($_SERVER['SCRIPT_FILENAME'] ?? __FILE__, 5);
if (!is_file($whmcsRoot . '/init.php')) {
    $whmcsRoot = dirname(__DIR__, 4);
}
require $whmcsRoot . '/init.php';
require_once __DIR__ . '/../lib/bootstrap.php';

try {
    echo IpManager\Addon\Cron::outbox(IpManager\Addon\Runtime::lang()), "\n";
} catch (IpManager\Exception | IpManager\Addon\ExtensionMissing $e) {
    fwrite(STDERR, 'IP Manager: ' . $e->getMessage() . "\n");
    exit(1);
}
