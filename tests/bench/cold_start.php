<?php
// Cold start: the first native call of a fresh PHP process (the pool connects then) against
// the calls after it, from the command line and under PHP-FPM as WHMCS runs, where a worker
// keeps its pool from one request to the next.

require __DIR__ . '/setup.php';
require dirname(__DIR__) . '/phpunit/fpm/Fpm.php';

const FRESH = 20;
const WARM = 200;

function median(array $s): float
{
    sort($s);
    return $s[intdiv(count($s), 2)];
}

$subnet = ipmanager_subnet_create(['cidr' => '10.150.0.0/16', 'name' => 'cold start', 'store_free_ips' => false]);
$pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'cold start']);
$credentials = json_encode(IpManager\Addon\Runtime::credentials());
$extension = (string) getenv('IPMANAGER_EXT');
$service = 7000000;

echo "Cold start: ipmanager_allocate() as the first native call of a process (connect included)\n";
echo "against the same call once the process's pool is open\n";

// From the command line: a fresh php process per sample; its second call is warm.
$worker = <<<'PHP'
ipmanager_configure(json_decode(getenv('IPMANAGER_TEST_DB'), true));
$times = [];
foreach ([1, 2] as $k) {
    $t = hrtime(true);
    ipmanager_allocate(['pool_id' => (int) $argv[1], 'service_id' => (int) $argv[1 + $k]]);
    $times[] = (hrtime(true) - $t) / 1000;
}
echo json_encode($times);
PHP;
$cold = $warm = [];
for ($i = 0; $i < FRESH; $i++) {
    $cmd = sprintf('IPMANAGER_TEST_DB=%s %s -n -d extension=%s -r %s %d %d %d', escapeshellarg($credentials),
        PHP_BINARY, escapeshellarg($extension), escapeshellarg($worker), $pool['id'], ++$service, ++$service);
    [$first, $second] = json_decode((string) shell_exec($cmd), true);
    $cold[] = $first;
    $warm[] = $second;
}
printf("  php-cli, first call of a fresh process   median %7.0f µs  (%d processes)\n", median($cold), FRESH);
printf("  php-cli, second call of the same process median %7.0f µs\n", median($warm));
printf("  ratio first/second: %.2fx\n", median($cold) / median($warm));

// Under PHP-FPM: one worker; its first request connects, the next ones reuse the pool.
$script = dirname(__DIR__) . '/phpunit/fpm/native_call.php';
$cold = $warm = $connections = [];
for ($i = 0; $i < FRESH; $i++) {
    $fpm = new Fpm($extension);
    for ($r = 0; $r < WARM / FRESH + 1; $r++) {
        $answer = json_decode($fpm->request($script, ['IPMANAGER_TEST_DB' => $credentials,
            'POOL_ID' => $pool['id'], 'SERVICE_ID' => ++$service]), true);
        $r === 0 ? $cold[] = $answer['us'] : $warm[] = $answer['us'];
        $connections[$answer['connection_id']] = true;
    }
    unset($fpm);
}
printf("  php-fpm, first request of a fresh worker  median %7.0f µs  (%d workers)\n", median($cold), FRESH);
printf("  php-fpm, later requests of that worker    median %7.0f µs  (%d requests)\n", median($warm), count($warm));
printf("  ratio first/later: %.2fx; %d connections opened for %d requests (one per worker)\n\n",
    median($cold) / median($warm), count($connections), count($cold) + count($warm));
