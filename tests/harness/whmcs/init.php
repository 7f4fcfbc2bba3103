<?php
// The harness's init.php: what WHMCS's init.php provides to modules and pages.

if (!defined('WHMCS')) {
    define('WHMCS', true);
}
if (!defined('ROOTDIR')) {
    define('ROOTDIR', __DIR__);
}
require_once dirname(__DIR__) . '/lib/bootstrap.php';

Harness\Session::start();
Harness\AddonModule::loadHooks();
