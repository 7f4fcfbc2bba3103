<?php
// The global functions WHMCS provides to modules, as far as shared/whmcs.md documents them.

use Harness\Crypto;
use Harness\Csrf;
use Harness\Hooks;
use Harness\LocalApi;
use Harness\Logs;

function add_hook($hookPoint, $priority, $function)
{
    Hooks::add((string) $hookPoint, (int) $priority, $function);
}

function run_hook($hookPoint, $vars)
{
    return Hooks::run((string) $hookPoint, $vars);
}

function localAPI($command, $values = [], $adminUser = '')
{
    return LocalApi::call((string) $command, (array) $values);
}

function logActivity($message, $userId = 0)
{
    Logs::activity((string) $message, (int) $userId);
}

function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = [])
{
    Logs::moduleCall((string) $module, (string) $action, $requestString, $responseData, $processedData, (array) $replaceVars);
}

function encrypt($string)
{
    return Crypto::encrypt((string) $string);
}

function decrypt($string)
{
    return Crypto::decrypt((string) $string);
}

function generate_token($type = 'form')
{
    $token = Csrf::token();
    return $type === 'plain' ? $token : '<input type="hidden" name="token" value="' . $token . '" />';
}

function check_token($namespace = 'WHMCS.default', $token = null)
{
    if ($token !== null) {
        $_POST['token'] = $token;
    }
    Csrf::check();
    return true;
}
