<?php
/**
 * IP Manager daily job: usage alerts and, when enabled, the IP Cleaner.
 * Run it from the system cron, e.g.:  php -q /path/to/whmcs/modules/addons/ipmanager/cron/usage_alerts.php
 * (WHMCS's own daily cron also runs it through the DailyCronJob hook.)
 */

// The daily job changes data (the IP Cleaner may mark addresses free): it must never run
// because someone requested this file over the web.
if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    header('Content-Type: text/plain');
    exit("This job runs from the command line only (php -q modules/addons/ipmanager/cron/usage_alerts.php).\n");
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
    foreach (IpManager\Addon\Cron::daily() as $line) {
        echo $line, "\n";
    }
} catch (IpManager\Exception | IpManager\Addon\ExtensionMissing $e) {
    fwrite(STDERR, 'IP Manager: ' . $e->getMessage() . "\n");
    exit(1);
}
