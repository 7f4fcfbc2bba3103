<?php
// Harness command line: php tests/harness/bin/whmcs.php schema|reset|seed|activate|ipam-demo|status
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
        $services = array_column(Harness\Db::all("SELECT id FROM tblhosting ORDER BY id"), 'id');
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
    case 'status':
        Harness\AddonModule::load();
        IpManager\Addon\Runtime::connect();
        foreach (ipmanager_status() as $key => $value) {
            printf("%-22s %s\n", $key, var_export($value, true));
        }
        break;
    default:
        fwrite(STDERR, "usage: whmcs.php schema|reset|seed|activate|ipam-demo|status\n");
        exit(2);
}
