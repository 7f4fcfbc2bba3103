<?php

use Harness\Db;
use Harness\LocalApi;
use Harness\Provisioning;
use Harness\Seed;
use IpManager\Addon\Runtime;

/** Auto-assign on order: PreModuleCreate through the real hooks.php in the harness. */
final class ProvisioningTest extends HarnessTestCase
{
    private array $v4;
    private array $v6;
    private int $config;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
        $s4 = ipmanager_subnet_create(['cidr' => '192.0.2.0/24', 'name' => 'v4', 'gateway' => '192.0.2.1']);
        $this->v4 = ipmanager_pool_create(['subnet_id' => $s4['id'], 'name' => 'VPS v4', 'range' => '192.0.2.10-192.0.2.19']);
        $s6 = ipmanager_subnet_create(['cidr' => '2001:db8:1::/48', 'name' => 'v6']);
        $this->v6 = ipmanager_pool_create(['subnet_id' => $s6['id'], 'name' => 'VPS /64', 'prefix_len' => 64]);
        $this->config = ipmanager_configuration_save(['name' => 'Proxmox VPS', 'ipv4_count' => 1, 'ipv6_count' => 1]);
        ipmanager_relation_add(['configuration_id' => $this->config, 'target_type' => 'product', 'target_id' => $this->ids['product_vps'], 'pool_id' => $this->v4['id']]);
        ipmanager_relation_add(['configuration_id' => $this->config, 'target_type' => 'product', 'target_id' => $this->ids['product_vps'], 'pool_id' => $this->v6['id']]);
    }

    private function newVps(): int
    {
        return Seed::service($this->ids['client_demo'], $this->ids['product_vps'], $this->ids['server_pve'], 'new.example', 'Pending', '', '');
    }

    public function testAnOrderGetsItsIpsInWhmcsAndInTheModuleParameters(): void
    {
        $service = $this->newVps();
        $result = Provisioning::create($service);
        $this->assertSame('success', $result['result']);
        $module = Provisioning::lastModuleParams($service);
        $this->assertSame('192.0.2.10', $module['dedicatedip']);
        $this->assertSame('2001:db8:1:1::/64', $module['assignedips']);
        $row = Db::one('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?', [$service]);
        $this->assertSame(['dedicatedip' => '192.0.2.10', 'assignedips' => '2001:db8:1:1::/64'], $row);
        $this->assertStringContainsString('IP Manager assigned 192.0.2.10 2001:db8:1:1::/64 to service #' . $service,
            (string) Db::value('SELECT description FROM tblactivitylog ORDER BY id DESC LIMIT 1'));

        // AfterModuleCreate ran; with no panel integration enabled it changed nothing.
        $this->assertSame(0, ipmanager_log_list(['action' => 'provider.'])['total']);
        $this->assertSame(['integration' => null, 'addresses' => ['192.0.2.10', '2001:db8:1:1::/64'], 'error' => null, 'outbox_id' => null],
            ipmanager_after_module_create($module));

        // Create retried: the same IPs, nothing new taken.
        $again = Provisioning::create($service);
        $this->assertSame('192.0.2.10', $again['params']['dedicatedip']);
        $this->assertSame(1, ipmanager_pool_get($this->v4['id'])['utilization']['assigned']);
        $this->assertSame(1, ipmanager_pool_get($this->v6['id'])['utilization']['assigned']);
    }

    public function testAnExhaustedPoolAbortsTheCreateAndTakesNothingAnywhere(): void
    {
        $small = ipmanager_pool_create(['subnet_id' => $this->v4['subnet_id'], 'name' => 'one left', 'range' => '192.0.2.30-192.0.2.30']);
        $config = ipmanager_configuration_save(['name' => 'Tiny', 'ipv4_count' => 1, 'ipv6_count' => 1]);
        $tiny = Db::insert('tblproducts', ['type' => 'server', 'name' => 'Tiny VPS', 'servertype' => 'proxmox']);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $tiny, 'pool_id' => $small['id']]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $tiny, 'pool_id' => $this->v6['id']]);
        $first = Seed::service($this->ids['client_demo'], $tiny, 0, 'a.example', 'Pending', '', '');
        $second = Seed::service($this->ids['client_demo'], $tiny, 0, 'b.example', 'Pending', '', '');
        $this->assertSame('success', Provisioning::create($first)['result']);
        $v6Before = ipmanager_pool_get($this->v6['id'])['utilization']['assigned'];

        $result = Provisioning::create($second);
        $this->assertStringContainsString('Pool "one left"', $result['result']);
        $this->assertStringContainsString('could not assign IPs to service #' . $second, $result['result']);
        $this->assertNull(Provisioning::lastModuleParams($second), 'the module never ran');
        $this->assertSame(['dedicatedip' => '', 'assignedips' => ''], Db::one('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?', [$second]));
        $this->assertSame($v6Before, ipmanager_pool_get($this->v6['id'])['utilization']['assigned'], 'all or nothing');
    }

    public function testAServiceWithoutRelationsIsLeftAlone(): void
    {
        $service = Seed::service($this->ids['client_demo'], $this->ids['product_web'], 0, 'web.example', 'Pending', '', '');
        $result = Provisioning::create($service);
        $this->assertSame('success', $result['result']);
        $this->assertSame('', $result['params']['dedicatedip']);
        $this->assertSame(0, ipmanager_address_list(['service_id' => $service])['total']);
    }

    public function testServerAndProductBeatProductAloneAndExtrasAddUp(): void
    {
        $node = ipmanager_pool_create(['subnet_id' => $this->v4['subnet_id'], 'name' => 'node pool', 'range' => '192.0.2.100-192.0.2.120']);
        $extra = ipmanager_pool_create(['subnet_id' => $this->v4['subnet_id'], 'name' => 'extra pool', 'range' => '192.0.2.200-192.0.2.220']);
        $nodeConfig = ipmanager_configuration_save(['name' => 'DE-FRE1 nodes', 'ipv4_count' => 1, 'ipv6_count' => 0]);
        ipmanager_relation_add(['configuration_id' => $nodeConfig, 'target_type' => 'product', 'target_id' => $this->ids['product_vps'], 'pool_id' => $this->v4['id']]);
        ipmanager_relation_add(['configuration_id' => $nodeConfig, 'target_type' => 'server', 'target_id' => $this->ids['server_pve'], 'pool_id' => $node['id']]);
        $addon = Db::insert('tbladdons', ['packages' => (string) $this->ids['product_vps'], 'name' => '2 extra IPs']);
        ipmanager_relation_add(['configuration_id' => $nodeConfig, 'target_type' => 'addon', 'target_id' => $addon, 'extra_count' => 2, 'pool_id' => $extra['id']]);
        $service = $this->newVps();
        Db::insert('tblhostingaddons', ['hostingid' => $service, 'addonid' => $addon, 'userid' => $this->ids['client_demo'], 'name' => '', 'status' => 'Active']);

        $params = Provisioning::create($service)['params'];
        $this->assertSame('192.0.2.100', $params['dedicatedip'], 'the server+product configuration, with the node pool');
        $this->assertSame("192.0.2.200\n192.0.2.201", $params['assignedips']);
    }

    public function testACustomFieldCanTakeTheExtraIpsAndTheDedicatedIpCanBeOmitted(): void
    {
        Harness\AddonModule::saveSettings(['use_custom_field' => true]);
        $field = Db::insert('tblcustomfields', ['type' => 'product', 'relid' => $this->ids['product_vps'], 'fieldname' => 'IP addresses', 'fieldtype' => 'textarea']);
        ipmanager_configuration_save(['id' => $this->config, 'name' => 'Proxmox VPS', 'ipv4_count' => 2, 'ipv6_count' => 1,
            'custom_field' => 'IP addresses', 'omit_dedicated_ip' => true]);
        $service = $this->newVps();
        $params = Provisioning::create($service)['params'];
        $this->assertSame('', $params['dedicatedip']);
        $this->assertSame("192.0.2.10\n192.0.2.11\n2001:db8:1:1::/64", $params['customfields']['IP addresses']);
        $this->assertSame('', $params['assignedips'], 'assignedips is left to WHMCS');
        $this->assertSame("192.0.2.10\n192.0.2.11\n2001:db8:1:1::/64", Db::value('SELECT value FROM tblcustomfieldsvalues WHERE fieldid = ? AND relid = ?', [$field, $service]));
    }

    public function testRelationsToUnknownTargetsOrDeletedPoolsAreRefused(): void
    {
        $this->expectFailure(IpManager\Exception\NotFound::class, 'Product #999 does not exist in WHMCS',
            fn () => ipmanager_relation_add(['configuration_id' => $this->config, 'target_type' => 'product', 'target_id' => 999, 'pool_id' => $this->v4['id']]));
        $this->expectFailure(IpManager\Exception\NotFound::class, 'Pool #999 does not exist',
            fn () => ipmanager_relation_add(['configuration_id' => $this->config, 'target_type' => 'server', 'target_id' => $this->ids['server_pve'], 'pool_id' => 999]));
        $this->expectFailure(IpManager\Exception\InvalidInput::class, "'planet:1' is not a choice from the list",
            fn () => ipmanager_relation_add(['configuration_id' => $this->config, 'target_type' => 'planet', 'target_id' => 1, 'pool_id' => $this->v4['id']]));
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'Choose the one pool or subnet',
            fn () => ipmanager_relation_add(['configuration_id' => $this->config, 'target_type' => 'product', 'target_id' => $this->ids['product_vps']]));
        $this->assertCount(2, ipmanager_configuration_list()[0]['relations']);
    }

    public function testTwoServicesOrderedAtOnceOnOnePoolGetDifferentIps(): void
    {
        $services = [$this->newVps(), $this->newVps(), $this->newVps(), $this->newVps()];
        $start = tempnam(sys_get_temp_dir(), 'ipm-create-');
        unlink($start);
        $so = getenv('IPMANAGER_EXT') ?: dirname(__DIR__, 2) . '/target/release/libipmanager.so';
        $procs = [];
        foreach ($services as $i => $service) {
            $procs[$i] = proc_open([PHP_BINARY, '-d', 'extension=' . $so, __DIR__ . '/workers/create.php', $start, (string) $service],
                [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$i]);
        }
        touch($start);
        $ips = [];
        foreach ($procs as $i => $proc) {
            $out = json_decode((string) stream_get_contents($pipes[$i][1]), true);
            $err = stream_get_contents($pipes[$i][2]);
            $this->assertSame(0, proc_close($proc), (string) $err);
            $this->assertSame('success', $out['result']);
            $ips[] = $out['dedicatedip'];
        }
        unlink($start);
        sort($ips);
        $this->assertSame(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13'], $ips);
    }
}
