<?php
/**
 * IP Manager panel changes: delivers what waits in the outbox. Run it from the system cron
 * every few minutes, e.g. this crontab line:
 *   0-59/5 * * * * php -q /path/to/whmcs/modules/addons/ipmanager/cron/outbox.php
 * (WHMCS's own cron also delivers after each run, through the AfterCronJob hook.)
 */

$ipmanagerJob = __FILE__;
require __DIR__ . '/cli.php';

try {
    echo IpManager\Addon\Cron::outbox(IpManager\Addon\Runtime::lang()), "\n";
} catch (IpManager\Exception | IpManager\Addon\ExtensionMissing $e) {
    fwrite(STDERR, 'IP Manager: ' . $e->getMessage() . "\n");
    exit(1);
}
