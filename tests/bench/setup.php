<?php
// Shared set-up of the PHP benchmarks: the harness on a database of its own, activated.

define('WHMCS', true);
define('ROOTDIR', dirname(__DIR__) . '/harness/whmcs');
require dirname(__DIR__) . '/harness/lib/bootstrap.php';

$benchDb = getenv('IPMANAGER_HARNESS_DB');
$c = Harness\Config::db();
(new PDO(sprintf('mysql:host=%s;port=%d', $c['host'], $c['port']), $c['username'], $c['password']))
    ->exec("CREATE DATABASE IF NOT EXISTS `$benchDb`");
Harness\Db::reset();
Harness\Seed::base();
Harness\AddonModule::activate([1]);
IpManager\Addon\Runtime::connect();
