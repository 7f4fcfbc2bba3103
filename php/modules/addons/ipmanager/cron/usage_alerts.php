<?php
/**
 * IP Manager daily job: usage alerts and, when enabled, the IP Cleaner.
 * Run it from the system cron, e.g.:  php -q /path/to/whmcs/modules/addons/ipmanager/cron/usage_alerts.php
 * (WHMCS's own daily cron also runs it through the DailyCronJob hook.)
 */

$ipmanagerJob = __FILE__;
require __DIR__ . '/cli.php';

try {
    foreach (IpManager\Addon\Cron::daily() as $line) {
        echo $line, "\n";
    }
} catch (IpManager\Exception | IpManager\Addon\ExtensionMissing $e) {
    fwrite(STDERR, 'IP Manager: ' . $e->getMessage() . "\n");
    exit(1);
}
