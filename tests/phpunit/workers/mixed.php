<?php
// One PHP worker of the mixed race: waits for the start signal, then runs its role for a
// number of rounds and prints one JSON line per call. Argv: start-file role seed rounds.
// IPMANAGER_TEST_DB: the credentials; IPMANAGER_RACE: subnet and pool ids, service range.
[$_, $startFile, $role, $seed, $rounds] = $argv;
$db = json_decode((string) getenv('IPMANAGER_TEST_DB'), true);
$race = json_decode((string) getenv('IPMANAGER_RACE'), true);
ipmanager_configure($db);
mt_srand((int) $seed);
$pdo = new PDO("mysql:host={$db['host']};port={$db['port']};dbname={$db['database']}", $db['username'], $db['password']);
$deadline = microtime(true) + 30;
while (!file_exists($startFile) && microtime(true) < $deadline) {
    usleep(1000);
}
$service = fn () => mt_rand($race['first_service'], $race['last_service']);
$report = function (string $op, array $fields) {
    echo json_encode(['op' => $op] + $fields), "\n";
};
for ($i = 0; $i < (int) $rounds; $i++) {
    try {
        switch ($role) {
            case 'allocate':
                $s = $service();
                $target = [['pool_id' => $race['singles']], ['pool_id' => $race['blocks']], ['subnet_id' => $race['subnet']]][mt_rand(0, 2)];
                $got = ipmanager_allocate($target + ['service_id' => $s, 'count' => mt_rand(1, 2)]);
                foreach ($got as $a) {
                    $report('allocate', ['service' => $s, 'address' => $a['address'], 'new' => $a['new']]);
                }
                break;
            case 'release':
                $s = $service();
                $mode = mt_rand(0, 1) ? ['mode' => 'free'] : ['mode' => 'quarantine', 'quarantine_hours' => 0];
                $done = ipmanager_release(['service_id' => $s] + $mode);
                $report('release', ['service' => $s, 'count' => count($done)]);
                break;
            case 'unassign':
                $list = ipmanager_assignment_list(['per_page' => 50, 'page' => mt_rand(1, 3)])['items'];
                if ($list !== []) {
                    $a = $list[mt_rand(0, count($list) - 1)];
                    $r = ipmanager_unassign(['id' => $a['id'], 'service_id' => $a['service_id'], 'mode' => 'free']);
                    $report('unassign', ['service' => $a['service_id'], 'address' => $r['address']]);
                }
                break;
            case 'orphans':
                $s = $service();
                $pdo->prepare("UPDATE tblhosting SET domainstatus = ? WHERE id = ?")->execute([mt_rand(0, 1) ? 'Suspended' : 'Active', $s]);
                $r = ipmanager_orphan_release(['all' => true, 'mode' => 'free']);
                $report('orphans', ['released' => count($r['released']), 'skipped' => count($r['skipped'])]);
                break;
            case 'cleaner':
                $r = ipmanager_clean('mark_free');
                $report('cleaner', ['stale' => count($r['stale'])]);
                break;
            case 'rules':
                $pick = fn () => $race['prefix'] . mt_rand(1, 254);
                $excluded = [];
                for ($k = mt_rand(0, 3); $k > 0; $k--) {
                    $excluded[] = $pick();
                }
                $gateway = mt_rand(0, 1) ? $pick() : '';
                ipmanager_subnet_update($race['subnet'], ['name' => 'race', 'gateway' => $gateway,
                    'excluded' => implode(',', $excluded), 'reserve_first' => mt_rand(0, 3)]);
                $report('rules', ['excluded' => $excluded, 'gateway' => $gateway]);
                break;
        }
    } catch (IpManager\Exception $e) {
        $report($role, ['error' => get_class($e), 'message' => $e->getMessage()]);
    }
}
