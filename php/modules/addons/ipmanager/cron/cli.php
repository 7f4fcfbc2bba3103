<?php
/**
 * What every IP Manager cron script does first: refuse to run for a web request (the jobs
 * change data), then load WHMCS and the addon. The including script names itself in
 * $ipmanagerJob for the refusal.
 */

if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    header('Content-Type: text/plain');
    exit('This job runs from the command line only (php -q modules/addons/ipmanager/cron/' . basename((string) ($ipmanagerJob ?? 'job.php')) . ").\n");
}

define('IPMANAGER_CRON', true);
// The WHMCS root is five levels up from the script as it was invoked.
$whmcsRoot = dirname($_SERVER['SCRIPT_FILENAME'] ?? __FILE__, 5);
if (!is_file($whmcsRoot . '/init.php')) {
    $whmcsRoot = dirname(__DIR__, 4);
}
require $whmcsRoot . '/init.php';
require_once __DIR__ . '/../lib/bootstrap.php';
