<?php
// PHPUnit bootstrap: the harness WHMCS root, on a database of its own (never the demo's).

if (!extension_loaded('ipmanager')) {
    fwrite(STDERR, "The ipmanager extension is not loaded: run through `make test` "
        . "(php -d extension=\$PWD/target/release/libipmanager.so /usr/bin/phpunit ...).\n");
    exit(1);
}
$database = getenv('IPMANAGER_HARNESS_DB');
if ($database === false || strpos($database, 'ipm_test_') !== 0) {
    fwrite(STDERR, "Set IPMANAGER_HARNESS_DB=ipm_test_<name>: tests reset their database.\n");
    exit(1);
}
define('WHMCS', true);
define('ROOTDIR', dirname(__DIR__) . '/harness/whmcs');
require dirname(__DIR__) . '/harness/lib/bootstrap.php';

$c = Harness\Config::db();
$server = new PDO(sprintf('mysql:host=%s;port=%d', $c['host'], $c['port']), $c['username'], $c['password']);
$server->exec("CREATE DATABASE IF NOT EXISTS `$database` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
Harness\Db::reset();
$_SESSION = [];

require __DIR__ . '/HarnessTestCase.php';
