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
$bare = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'bare', 'range' => '10.90.128.0-10.90.255.254']);
$config = ipmanager_configuration_save(['name' => 'bench', 'ipv4_count' => 1, 'ipv6_count' => 0]);
ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $vps, 'pool_id' => $hooked['id']]);
Harness\AddonModule::loadHooks();

echo "1. PreModuleCreate end to end (params, hook, allocate, tblhosting, module call) against ipmanager_allocate()\n";
$viaHook = $viaAllocate = [];
for ($i = 0; $i < 300; $i++) {
    $service = Harness\Seed::service(1, $vps, 0, "b$i.example", 'Pending', '', '');
    $t = hrtime(true);
    Harness\Provisioning::create($service);
    $viaHook[] = (hrtime(true) - $t) / 1000;
    $t = hrtime(true);
    ipmanager_allocate(['pool_id' => $bare['id'], 'service_id' => 900000 + $i]);
    $viaAllocate[] = (hrtime(true) - $t) / 1000;
}
[$h50, $h99] = p50p99($viaHook);
[$a50, $a99] = p50p99($viaAllocate);
printf("  through the hook  p50 %7.0f µs  p99 %7.0f µs\n  bare allocate     p50 %7.0f µs  p99 %7.0f µs\n  ratio p50 %.2fx\n\n", $h50, $h99, $a50, $a99, $h50 / $a50);

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
