<?php
// Browser tests: the harness served by `php -S` (with the extension, on a database of its
// own) and driven by Debian's chromedriver + headless Chromium. Both are started here, on
// free ports, and stopped when the run ends.

define('WHMCS', true);
define('ROOTDIR', dirname(__DIR__) . '/harness/whmcs');
require dirname(__DIR__) . '/harness/lib/bootstrap.php';
require __DIR__ . '/lib/WebDriver.php';
require __DIR__ . '/lib/Servers.php';
require __DIR__ . '/BrowserTestCase.php';
$database = Harness\TestDatabase::prepare('run through `make test-browser`.');

Browser\Servers::start((string) getenv('IPMANAGER_EXT'), $database);
