<?php
// 32 PHP processes with the real extension allocating from one pool at once: allocations
// per second, measured from the start signal until the last process is done, and how long
// each allocation held the pool's subnet lock (which serialises them).

require __DIR__ . '/setup.php';

const PROCESSES = 32;
const EACH = 50;

echo "32 concurrent PHP processes allocating (" . PROCESSES . " x " . EACH . " allocations)\n";
foreach ([
    'sparse IPv4 /16 pool' => [['cidr' => '10.200.0.0/16', 'name' => 'bench sparse', 'store_free_ips' => false], []],
    'stored IPv4 /16 pool' => [['cidr' => '10.201.0.0/16', 'name' => 'bench stored', 'store_free_ips' => true], []],
    'IPv6 /64 per service' => [['cidr' => '2001:db8:b000::/40', 'name' => 'bench v6'], ['prefix_len' => 64]],
] as $label => [$subnet, $pool]) {
    $s = ipmanager_subnet_create($subnet);
    $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => $label] + $pool);
    $start = tempnam(sys_get_temp_dir(), 'ipm-bench-');
    unlink($start);
    $env = ['IPMANAGER_TEST_DB' => json_encode(IpManager\Addon\Runtime::credentials())] + getenv();
    $procs = [];
    $pipes = [];
    for ($i = 0; $i < PROCESSES; $i++) {
        $services = array_map('strval', range(100000 + $s['id'] * 10000 + $i * EACH, 100000 + $s['id'] * 10000 + $i * EACH + EACH - 1));
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . getenv('IPMANAGER_EXT'), dirname(__DIR__) . '/phpunit/workers/allocate.php', $start, (string) $p['id']], $services);
        $procs[$i] = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$i], null, $env);
    }
    usleep(300000); // let every process start and connect before the signal
    $t = hrtime(true);
    touch($start);
    $ok = 0;
    $failed = 0;
    $timed = 0;
    $heldUs = 0.0;
    foreach ($procs as $i => $proc) {
        $out = (string) stream_get_contents($pipes[$i][1]);
        stream_get_contents($pipes[$i][2]);
        proc_close($proc);
        foreach (array_filter(explode("\n", $out)) as $line) {
            $r = json_decode($line, true);
            if (!isset($r['retries'])) {
                isset($r['address']) ? $ok++ : $failed++;
            } else {
                $timed += $r['timed'];
                $heldUs += $r['timed'] * $r['lock_hold_us'];
            }
        }
    }
    $seconds = (hrtime(true) - $t) / 1e9;
    unlink($start);
    printf("  %-24s %5d allocations in %.2f s: %6.0f allocations/s (%d failed)\n", $label, $ok, $seconds, $ok / $seconds, $failed);
    printf("  %-24s subnet lock held per allocation: at least %.0f µs (read answered to COMMIT acknowledged);\n"
        . "  %-24s wall time per allocation, all of them serialised on that lock: %.0f µs\n",
        '', $timed ? $heldUs / $timed : 0, '', $seconds / max(1, $ok) * 1e6);
}
