<?php
// One PHP worker of the concurrency test: waits for the start signal, then allocates for its
// services and prints one JSON line per result. Argv: start-file pool-id service...
[$_, $startFile, $poolId] = $argv;
$services = array_slice($argv, 3);
ipmanager_configure(json_decode((string) getenv('IPMANAGER_TEST_DB'), true));
$deadline = microtime(true) + 30;
while (!file_exists($startFile) && microtime(true) < $deadline) {
    usleep(1000);
}
foreach ($services as $service) {
    try {
        $got = ipmanager_allocate(['pool_id' => (int) $poolId, 'service_id' => (int) $service]);
        echo json_encode(['service' => (int) $service, 'address' => $got[0]['address'], 'new' => $got[0]['new']]), "\n";
    } catch (IpManager\Exception $e) {
        echo json_encode(['service' => (int) $service, 'error' => get_class($e), 'message' => $e->getMessage()]), "\n";
    }
}
// How many attempts this process had to repeat (deadlocks, certification conflicts), and how
// long its allocations held the subnet's lock.
$status = ipmanager_status();
echo json_encode(['retries' => $status['retried_attempts'], 'timed' => $status['allocations_timed'],
    'lock_hold_us' => $status['mean_lock_hold_us']]), "\n";
