<?php
// Provisioning benchmarks: PreModuleCreate end to end against the bare allocate call,
// orphan listing over 100,000 assignments, and synchronize throughput.

require __DIR__ . '/setup.php';

use Harness\Db;

function p50p99(array $s): array
{
    sort($s);
    return [$s[intdiv(count($s), 2)], $s[(int) floor((count($s) - 1) * 0.99)]];
}

echo "Provisioning benchmarks\n\n";
$vps = (int) Db::value("SELECT id FROM tblproducts WHERE name = 'VPS S'");
$s = ipmanager_subnet_create(['cidr' => '10.90.0.0/16', 'name' => 'bench', 'store_free_ips' => false]);
$hooked = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'via hook', 'range' => '10.90.0.1-10.90.127.255']);
$s6 = ipmanager_subnet_create(['cidr' => '2001:db8:e000::/36', 'name' => 'bench v6']);
$hooked6 = ipmanager_pool_create(['subnet_id' => $s6['id'], 'name' => 'via hook v6', 'prefix_len' => 64]);
$config = ipmanager_configuration_save(['name' => 'bench', 'ipv4_count' => 1, 'ipv6_count' => 1]);
foreach ([$hooked, $hooked6] as $pool) {
    ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $vps, 'pool_id' => $pool['id']]);
}
Harness\AddonModule::loadHooks();
Db::pdo()->exec('CREATE TABLE IF NOT EXISTS bench_floor (id INT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB');
Db::pdo()->exec('REPLACE INTO bench_floor VALUES (1, 0)');
$floorPdo = new PDO(...(function () { $c = Harness\Config::db(); return [sprintf('mysql:host=%s;port=%d;dbname=%s', $c['host'], $c['port'], getenv('IPMANAGER_HARNESS_DB')), $c['username'], $c['password']]; })());

echo "1. PreModuleCreate for one IPv4 address and one IPv6 /64, each part timed apart, interleaved with the floor\n";
echo "   (BEGIN; SELECT … FOR UPDATE; UPDATE …; COMMIT through PDO) in one loop of 1000 rounds\n";
$floor = $params = $native = $whole = [];
for ($i = 0; $i < 1000; $i++) {
    $service = Harness\Seed::service(1, $vps, 0, "b$i.example", 'Pending', '', '');
    $t = hrtime(true);
    $floorPdo->exec('BEGIN');
    $floorPdo->query('SELECT n FROM bench_floor WHERE id = 1 FOR UPDATE')->fetchAll();
    $floorPdo->exec('UPDATE bench_floor SET n = n + 1 WHERE id = 1');
    $floorPdo->exec('COMMIT');
    $floor[] = (hrtime(true) - $t) / 1000;
    $t = hrtime(true);
    $p = Harness\Provisioning::params($service);
    $params[] = (hrtime(true) - $t) / 1000;
    $t = hrtime(true);
    ipmanager_premodule_create($p);
    $native[] = (hrtime(true) - $t) / 1000;
    $second = Harness\Seed::service(1, $vps, 0, "c$i.example", 'Pending', '', '');
    $t = hrtime(true);
    Harness\Provisioning::create($second);
    $whole[] = (hrtime(true) - $t) / 1000;
}
[$f50, $f99] = p50p99($floor);
foreach ([
    'floor transaction (PDO)' => $floor,
    'the harness building the module parameters' => $params,
    'ipmanager_premodule_create() (the extension)' => $native,
    'the whole create through the harness' => $whole,
] as $name => $samples) {
    [$p50, $p99] = p50p99($samples);
    printf("  %-46s p50 %7.0f µs  p99 %7.0f µs   %5.2fx / %5.2fx\n", $name, $p50, $p99, $p50 / $f50, $p99 / $f99);
}
echo "  (goal for the extension's part: <= 1.5x the floor)\n\n";

echo "2. synchronize 100,000 services (each with a dedicated IP not yet known to IP Manager)\n";
$t = hrtime(true);
$orphanSubnet = ipmanager_subnet_create(['cidr' => '10.100.0.0/15', 'name' => 'orphans', 'store_free_ips' => false]);
$pdo = Db::pdo();
$pdo->exec('ALTER TABLE tblhosting AUTO_INCREMENT = 1000000');
for ($batch = 0; $batch < 100; $batch++) {
    $hosting = [];
    for ($i = 0; $i < 1000; $i++) {
        $n = $batch * 1000 + $i;
        $hosting[] = sprintf("(%d, 1, %d, 0, 'o%d.example', 'Active', '%s', '')", 1000000 + $n, $vps, $n, long2ip(ip2long('10.100.0.0') + $n + 1));
    }
    $pdo->exec('INSERT INTO tblhosting (id, userid, packageid, server, domain, domainstatus, dedicatedip, assignedips) VALUES ' . implode(',', $hosting));
}
printf("  (set-up: 100,000 services in WHMCS, %.1f s)\n", (hrtime(true) - $t) / 1e9);
$t = hrtime(true);
$report = ipmanager_sync();
$seconds = (hrtime(true) - $t) / 1e9;
printf("  %d services scanned, %d imported, %d already correct in %.2f s (goal < 5 s)\n",
    $report['services_scanned'], count($report['imported']), count($report['already_correct']), $seconds);
$t = hrtime(true);
$again = ipmanager_sync(['dry_run' => true]);
printf("  the same as a dry run once imported: %d already correct in %.2f s\n\n", count($again['already_correct']), (hrtime(true) - $t) / 1e9);

echo "3. orphan listing over those 100,000 assignments once their services are terminated (first page of 50)\n";
$pdo->exec("UPDATE tblhosting SET domainstatus = 'Terminated' WHERE id >= 1000000");
$times = [];
for ($i = 0; $i < 7; $i++) {
    $t = hrtime(true);
    $page = ipmanager_orphan_list(['per_page' => 50]);
    $times[] = (hrtime(true) - $t) / 1e6;
}
sort($times);
printf("  ipmanager_orphan_list(): median %.1f ms for %d orphans (goal < 200 ms)\n", $times[3], $page['total']);
