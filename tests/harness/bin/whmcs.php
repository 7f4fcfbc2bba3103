<?php
// Harness command line: php tests/harness/bin/whmcs.php schema|reset|seed|activate|ipam-demo|provision-demo|status
// Runs with the extension loaded (-d extension=...), against the database in configuration.php.

// Not init.php: the tables may not exist yet when this runs.
define('WHMCS', true);
define('ROOTDIR', dirname(__DIR__) . '/whmcs');
require dirname(__DIR__) . '/lib/bootstrap.php';

$command = $argv[1] ?? '';
switch ($command) {
    case 'schema':
        Harness\Db::applySchema();
        echo "WHMCS tables present in the harness database.\n";
        break;
    case 'reset':
        Harness\Db::reset();
        echo "Harness database reset to an empty WHMCS install.\n";
        break;
    case 'seed':
        $ids = Harness\Seed::base();
        printf("Seeded %d rows: admin 'admin' / '%s', client 'demo@example.com' / '%s'.\n",
            count($ids), Harness\Seed::ADMIN_PASSWORD, Harness\Seed::CLIENT_PASSWORD);
        break;
    case 'activate':
        $result = Harness\AddonModule::activate([1]);
        printf("Activate: %s — %s\n", $result['status'], $result['description']);
        exit($result['status'] === 'error' ? 1 : 0);
    case 'ipam-demo':
        // The IPAM part of make demo: an IPv4 /24 with a gateway and a stored pool, an IPv6
        // /48 with a /64-per-VPS pool, and allocations from both for the demo services.
        Harness\AddonModule::load();
        IpManager\Addon\Runtime::connect();
        $v4 = ipmanager_subnet_create(['cidr' => '95.90.94.0/24', 'name' => 'DE-FRE1 VPS', 'gateway' => '95.90.94.1',
            'excluded' => '95.90.94.250-95.90.94.254', 'vlan' => 100, 'description' => 'Frankfurt, rack 12']);
        $v4pool = ipmanager_pool_create(['subnet_id' => $v4['id'], 'name' => 'Proxmox VPS pool', 'range' => '95.90.94.10-95.90.94.200']);
        $v6 = ipmanager_subnet_create(['cidr' => '2a01:4f8:c0de::/48', 'name' => 'DE-FRE1 IPv6']);
        $v6pool = ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'Routed /64 per VPS', 'prefix_len' => 64]);
        $services = array_column(Harness\Db::all("SELECT id FROM tblhosting WHERE domainstatus IN ('Active', 'Pending') ORDER BY id"), 'id');
        foreach ($services as $service) {
            $a = ipmanager_allocate(['pool_id' => $v4pool['id'], 'service_id' => (int) $service])[0]['address'];
            $b = ipmanager_allocate(['pool_id' => $v6pool['id'], 'service_id' => (int) $service])[0]['address'];
            printf("  service #%d: %-15s %s\n", $service, $a, $b);
        }
        // One release into quarantine, so every state shows on the pages.
        ipmanager_allocate(['pool_id' => $v4pool['id'], 'service_id' => 999]);
        ipmanager_release(['service_id' => 999]);
        foreach (ipmanager_subnet_list() as $subnet) {
            $u = $subnet['utilization'];
            printf("  %-20s %-14s %s of %s usable in use (%s%%)\n", $subnet['cidr'], $subnet['name'],
                $u['assigned'], $u['usable'], $u['percent']);
        }
        foreach (ipmanager_pool_list() as $pool) {
            $u = $pool['utilization'];
            printf("  pool %-20s %-18s %s of %s %s assigned\n", '"' . $pool['name'] . '"', $pool['hands_out'],
                $u['assigned'], $u['usable'], $u['unit'] === 'address' ? 'addresses' : $u['unit'] . ' prefixes');
        }
        break;
    case 'provision-demo':
        // The provisioning part of make demo: a configuration, ~20 orders through
        // PreModuleCreate, a synchronize of legacy services, orphans released.
        Harness\AddonModule::load();
        Harness\AddonModule::loadHooks();
        IpManager\Addon\Runtime::connect();
        $pools = [];
        foreach (ipmanager_pool_list() as $pool) {
            $pools[$pool['name']] = $pool['id'];
        }
        $vps = (int) Harness\Db::value("SELECT id FROM tblproducts WHERE name = 'VPS S'");
        $server = (int) Harness\Db::value("SELECT id FROM tblservers ORDER BY id LIMIT 1");
        $config = ipmanager_configuration_save(['name' => 'Proxmox VPS/VDS', 'ipv4_count' => 1, 'ipv6_count' => 1]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $vps, 'pool_id' => $pools['Proxmox VPS pool']]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $vps, 'pool_id' => $pools['Routed /64 per VPS']]);
        echo "Orders (CreateAccount through PreModuleCreate):\n";
        $client = (int) Harness\Db::value("SELECT id FROM tblclients ORDER BY id LIMIT 1");
        $ordered = [];
        for ($i = 1; $i <= 20; $i++) {
            $service = Harness\Seed::service($client, $vps, $server, "vps$i.demo.example", 'Pending', '', '');
            $result = Harness\Provisioning::create($service);
            $ordered[] = $service;
            printf("  #%-3d %-20s %-8s %-15s %s\n", $service, "vps$i.demo.example", $result['result'],
                $result['params']['dedicatedip'] ?? '', $result['params']['assignedips'] ?? '');
        }
        echo "\nSynchronize legacy services (live only):\n";
        $legacy = [['95.90.94.150', ''], ['95.90.94.151', "95.90.94.152\n95.90.94.153"], ['95.90.94.1', ''], ['198.51.100.7', ''], ['95.90.94.160', 'not-an-ip'], ['95.90.94.150', '']];
        foreach ($legacy as $n => [$dedicated, $assigned]) {
            Harness\Seed::service($client, $vps, $server, "legacy$n.demo.example", 'Active', $dedicated, $assigned);
        }
        $report = ipmanager_sync();
        foreach (['imported', 'already_correct', 'not_in_subnet', 'conflicting', 'unparsable'] as $section) {
            printf("  %-16s %d\n", str_replace('_', ' ', $section), count($report[$section]));
            foreach ($report[$section] as $line) {
                if ($section !== 'imported' && $section !== 'already_correct') {
                    printf("      #%d %s: %s\n", $line['service_id'], $line['address'], $line['reason']);
                }
            }
        }
        echo "\nOrphans (three orders cancelled):\n";
        foreach (array_slice($ordered, 0, 3) as $service) {
            Harness\Db::run("UPDATE tblhosting SET domainstatus = 'Cancelled' WHERE id = ?", [$service]);
        }
        $orphans = ipmanager_orphan_list();
        foreach ($orphans['items'] as $o) {
            printf("  %-22s service #%d (%s)\n", $o['address'], $o['service_id'], $o['service_status']);
        }
        $released = ipmanager_orphan_release(['all' => true]);
        printf("  released into quarantine: %d, left releasing: %d\n", count($released['released']), count($released['failed']));
        break;
    case 'status':
        Harness\AddonModule::load();
        IpManager\Addon\Runtime::connect();
        foreach (ipmanager_status() as $key => $value) {
            printf("%-22s %s\n", $key, var_export($value, true));
        }
        break;
    default:
        fwrite(STDERR, "usage: whmcs.php schema|reset|seed|activate|ipam-demo|provision-demo|status\n");
        exit(2);
}
