<?php
/**
 * The 3-node Galera cluster beside one plain server, in one run: 48 PHP processes allocating
 * from one pool (20 each), with every writer on one node and spread over all three.
 * Prints allocations per second and retries per allocation (certification conflicts and
 * deadlocks ridden out). Usage: as tests/galera/race.php, plus the plain server's settings
 * in var/db.env.
 */

const WORKERS = 48;
const EACH = 20;

$nodes = [];
foreach (array_filter(explode("\n", (string) ($argv[1] ?? ''))) as $line) {
    [$name, $host, $port, $user, $password] = explode(' ', trim($line));
    $nodes[$name] = ['host' => $host, 'port' => (int) $port, 'username' => $user, 'password' => $password, 'database' => 'ipm_galera_bench'];
}
$env = parse_ini_file(dirname(__DIR__, 2) . '/var/db.env');
$plain = ['host' => $env['DB_HOST'], 'port' => (int) $env['DB_PORT'], 'username' => $env['DB_USER'], 'password' => $env['DB_PASSWORD'], 'database' => 'ipm_test_bench_galera'];
$ext = (string) getenv('IPMANAGER_EXT');

/** Runs the workers, each against the node its index picks; returns [allocations, seconds, retries, failures]. */
function race(array $targets, int $poolId, int $serviceBase, string $ext): array
{
    $start = tempnam(sys_get_temp_dir(), 'ipm-gbench-');
    unlink($start);
    $procs = [];
    for ($w = 0; $w < WORKERS; $w++) {
        $target = $targets[$w % count($targets)];
        $services = array_map('strval', range($serviceBase + $w * EACH, $serviceBase + $w * EACH + EACH - 1));
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $ext, dirname(__DIR__) . '/phpunit/workers/allocate.php', $start, (string) $poolId], $services);
        $procs[] = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, ['IPMANAGER_TEST_DB' => json_encode($target)] + getenv());
        $allPipes[] = $pipes;
    }
    usleep(500000);
    $t = hrtime(true);
    touch($start);
    [$ok, $retries, $failed] = [0, 0, 0];
    foreach ($procs as $i => $proc) {
        $out = (string) stream_get_contents($allPipes[$i][1]);
        stream_get_contents($allPipes[$i][2]);
        proc_close($proc);
        foreach (array_filter(explode("\n", $out)) as $line) {
            $r = json_decode($line, true);
            if (isset($r['retries'])) {
                $retries += $r['retries'];
            } elseif (isset($r['address'])) {
                $ok++;
            } else {
                $failed++;
            }
        }
    }
    $seconds = (hrtime(true) - $t) / 1e9;
    unlink($start);
    return [$ok, $seconds, $retries, $failed];
}

function prepare(array $db): int
{
    (new PDO("mysql:host={$db['host']};port={$db['port']}", $db['username'], $db['password']))
        ->exec("DROP DATABASE IF EXISTS `{$db['database']}`; CREATE DATABASE `{$db['database']}`");
    ipmanager_configure($db);
    ipmanager_migrate();
    $s = ipmanager_subnet_create(['cidr' => '10.120.0.0/20', 'name' => 'bench']);
    return ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'bench'])['id'];
}

echo "Galera: " . WORKERS . " PHP processes x " . EACH . " allocations from one pool\n";
$rows = [];
$pool = prepare($plain);
$rows['one plain server'] = race([$plain], $pool, 100000, $ext);
$pool = prepare(reset($nodes));
$rows['3-node cluster, writers on node 1'] = race([reset($nodes)], $pool, 200000, $ext);
$rows['3-node cluster, writers on all nodes'] = race(array_values($nodes), $pool, 300000, $ext);
$base = null;
foreach ($rows as $label => [$ok, $seconds, $retries, $failed]) {
    $rate = $ok / $seconds;
    $base ??= $rate;
    printf("  %-38s %5d allocations in %5.2f s: %6.0f/s (%.2fx the plain server), %.2f retries per allocation%s\n",
        $label, $ok, $seconds, $rate, $rate / $base, $retries / max(1, $ok), $failed ? ", $failed FAILED" : '');
}
