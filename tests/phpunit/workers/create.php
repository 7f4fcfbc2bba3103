<?php
// One WHMCS request running CreateAccount for a service (concurrency test).
// Argv: start-file service-id. Uses the harness database named in IPMANAGER_HARNESS_DB.
[$_, $startFile, $serviceId] = $argv;
define('WHMCS', true);
define('ROOTDIR', dirname(__DIR__, 2) . '/harness/whmcs');
require dirname(__DIR__, 2) . '/harness/lib/bootstrap.php';
Harness\AddonModule::loadHooks();
$deadline = microtime(true) + 30;
while (!file_exists($startFile) && microtime(true) < $deadline) {
    usleep(1000);
}
$result = Harness\Provisioning::create((int) $serviceId);
echo json_encode(['result' => $result['result'], 'dedicatedip' => $result['params']['dedicatedip'] ?? null]), "\n";
