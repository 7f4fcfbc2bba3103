<?php
/**
 * The multi-writer race on a 3-node Galera cluster (make test-galera): 48 PHP processes,
 * 16 per node, ask for 192 addresses from a pool of 100 — three rounds. Required:
 * no address handed out twice, no error but PoolExhausted, every caller told exactly what
 * was committed (and every fresh service told `new`), and on every node the rows, the log
 * and the counters agreeing with a recount.
 *
 * Usage: IPMANAGER_EXT=/abs/libipmanager.so php -d extension=$IPMANAGER_EXT tests/galera/race.php \
 *          "$(scripts/galera.sh env)"
 * Exits 1 with the failures listed.
 */

const WORKERS = 48;
const SERVICES_EACH = 4;
const CAPACITY = 100;
const ROUNDS = 3;

$nodes = [];
foreach (array_filter(explode("\n", (string) ($argv[1] ?? ''))) as $line) {
    [$name, $host, $port, $user, $password] = explode(' ', trim($line));
    $nodes[$name] = ['host' => $host, 'port' => (int) $port, 'username' => $user, 'password' => $password, 'database' => 'ipm_galera_race'];
}
if (count($nodes) !== 3) {
    fwrite(STDERR, "expected three nodes from scripts/galera.sh env\n");
    exit(2);
}
$failures = [];
$fail = function (string $what) use (&$failures) {
    $failures[] = $what;
    echo "  FAIL: $what\n";
};
$pdo = fn (array $n, bool $withDb = true) => new PDO(
    "mysql:host={$n['host']};port={$n['port']}" . ($withDb ? ";dbname={$n['database']}" : ''),
    $n['username'], $n['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]
);
$first = reset($nodes);
$pdo($first, false)->exec('DROP DATABASE IF EXISTS ipm_galera_race; CREATE DATABASE ipm_galera_race');
ipmanager_configure($first);
ipmanager_migrate();

$worker = dirname(__DIR__) . '/phpunit/workers/allocate.php';
$ext = (string) getenv('IPMANAGER_EXT');

for ($round = 1; $round <= ROUNDS; $round++) {
    $subnet = ipmanager_subnet_create(['cidr' => "10.9$round.0.0/24", 'name' => "galera $round"]);
    $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => "galera $round", 'range' => "10.9$round.0.10-10.9$round.0.109"]);
    // Every node has the pool before the race starts.
    foreach ($nodes as $n) {
        $c = $pdo($n);
        $c->exec('SET SESSION wsrep_sync_wait = 1');
        $c->query('SELECT id FROM mod_ipmanager_pools WHERE id = ' . (int) $pool['id'])->fetchColumn() !== false
            or $fail("round $round: the pool did not reach {$n['port']}");
    }
    $start = tempnam(sys_get_temp_dir(), 'ipm-galera-');
    unlink($start);
    $procs = [];
    $names = array_keys($nodes);
    $began = microtime(true);
    for ($w = 0; $w < WORKERS; $w++) {
        $node = $nodes[$names[$w % 3]];
        $services = [];
        for ($j = 0; $j < SERVICES_EACH; $j++) {
            $services[] = (string) ($round * 100000 + $w * SERVICES_EACH + $j);
        }
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $ext, $worker, $start, (string) $pool['id']], $services);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, ['IPMANAGER_TEST_DB' => json_encode($node)] + getenv());
        $procs[] = [$proc, $pipes, $node['port']];
    }
    touch($start);
    $told = [];
    $errors = [];
    $retries = 0;
    foreach ($procs as [$proc, $pipes, $port]) {
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        if (proc_close($proc) !== 0 || $err !== '') {
            $fail("round $round: a worker on port $port died: $err");
        }
        foreach (array_filter(explode("\n", $out)) as $line) {
            $r = json_decode($line, true);
            if (isset($r['retries'])) {
                $retries += $r['retries'];
            } elseif (isset($r['error'])) {
                $errors[] = $r;
            } else {
                $told[$r['service']] = $r;
            }
        }
    }
    unlink($start);
    $seconds = microtime(true) - $began;
    $exhausted = count(array_filter($errors, fn ($e) => $e['error'] === 'IpManager\Exception\PoolExhausted'));
    printf("round %d: %d allocated, %d PoolExhausted, %d other errors, %d retries, %.1f s\n",
        $round, count($told), $exhausted, count($errors) - $exhausted, $retries, $seconds);
    foreach ($errors as $e) {
        if ($e['error'] !== 'IpManager\Exception\PoolExhausted') {
            $fail("round $round: service {$e['service']} got {$e['error']}: {$e['message']}");
        }
    }
    count($told) === CAPACITY or $fail("round $round: " . count($told) . ' services got an address, the pool has ' . CAPACITY);
    $addresses = array_column($told, 'address');
    count(array_unique($addresses)) === count($addresses) or $fail("round $round: an address was handed out twice");
    foreach ($told as $service => $r) {
        $r['new'] === true or $fail("round $round: fresh service $service was told new=false");
    }
    // Every node holds exactly what the callers were told, once, with counters to match.
    foreach ($nodes as $name => $n) {
        $c = $pdo($n);
        $c->exec('SET SESSION wsrep_sync_wait = 1');
        $rows = $c->query("SELECT service_id, INET6_NTOA(address) a FROM mod_ipmanager_addresses WHERE pool_id = {$pool['id']} AND state = 'assigned'")
            ->fetchAll(PDO::FETCH_KEY_PAIR);
        $expected = array_map(fn ($r) => $r['address'], $told);
        ksort($rows);
        ksort($expected);
        $rows == $expected or $fail("round $round, $name: the rows differ from what the callers were told");
        $subnetCount = $c->query("SELECT CAST(assigned_count AS CHAR) FROM mod_ipmanager_subnets WHERE id = {$subnet['id']}")->fetchColumn();
        $poolCount = $c->query("SELECT assigned_count FROM mod_ipmanager_pools WHERE id = {$pool['id']}")->fetchColumn();
        ((int) $subnetCount === CAPACITY && (int) $poolCount === CAPACITY)
            or $fail("round $round, $name: counters subnet $subnetCount, pool $poolCount, rows " . count($rows));
        $logs = $c->query("SELECT COUNT(*) FROM mod_ipmanager_logs WHERE action = 'address.assign' AND JSON_VALUE(after_json, '$.pool_id') = {$pool['id']}")->fetchColumn();
        (int) $logs === CAPACITY or $fail("round $round, $name: $logs log rows for " . CAPACITY . ' assignments');
    }
}
echo $failures === [] ? "galera race: OK\n" : 'galera race: ' . count($failures) . " failure(s)\n";
exit($failures === [] ? 0 : 1);
