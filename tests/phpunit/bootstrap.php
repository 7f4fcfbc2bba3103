<?php
// PHPUnit bootstrap: the harness WHMCS root, on a database of its own (never the demo's).

define('WHMCS', true);
define('ROOTDIR', dirname(__DIR__) . '/harness/whmcs');
require dirname(__DIR__) . '/harness/lib/bootstrap.php';
Harness\TestDatabase::prepare('run through `make test` (php -d extension=$PWD/target/release/libipmanager.so /usr/bin/phpunit ...).');
$_SESSION = [];

require __DIR__ . '/HarnessTestCase.php';
