<?php

use Harness\ClientArea;
use Harness\Db;
use Harness\Orders;
use Harness\Provisioning;
use Harness\Session;
use IpManager\Addon\Runtime;

/**
 * "Order additional IPs" through WHMCS's own ordering, the whole path: the client's page
 * links the upgrade, the order and its invoice change nothing, paying it makes WHMCS
 * complete the upgrade (or activate the addon) and run AfterConfigOptionsUpgrade (or
 * AddonActivation), IP Manager assigns what the relations now add up to — all or nothing —
 * writes WHMCS's IP fields, and the client sees the new IPs.
 */
final class OrderMoreTest extends HarnessTestCase
{
    private array $pool;
    private int $vps;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
        $subnet = ipmanager_subnet_create(['cidr' => '198.18.7.0/24', 'name' => 'more']);
        $this->pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'more', 'range' => '198.18.7.10-198.18.7.15']);
        $config = ipmanager_configuration_save(['name' => 'VPS with extras', 'ipv4_count' => 1, 'ipv6_count' => 0]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $this->ids['product_vps'], 'pool_id' => $this->pool['id']]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'configoption', 'target_id' => $this->ids['option_extra_ips'],
            'extra_count' => 1, 'pool_id' => $this->pool['id']]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'addon', 'target_id' => $this->ids['addon_extra_ip'],
            'extra_count' => 2, 'pool_id' => $this->pool['id']]);
        $this->vps = $this->ids['service_demo_vps'];
        Db::run("UPDATE tblhosting SET dedicatedip = '', assignedips = '', domainstatus = 'Pending' WHERE id = ?", [$this->vps]);
        $this->assertSame('success', Provisioning::create($this->vps)['result']);
        Session::actAsClient($this->ids['client_demo']);
    }

    private function held(): array
    {
        $view = ipmanager_client_services($this->ids['client_demo']);
        foreach ($view['services'] as $s) {
            if ($s['id'] === $this->vps) {
                return array_column($s['addresses'], 'address');
            }
        }
        return [];
    }

    public function testAQuantityUpgradeAddsItsIpsOnceTheInvoiceIsPaid(): void
    {
        $this->assertSame(['198.18.7.10'], $this->held());
        $page = ClientArea::request(['m' => 'ipmanager'])->body;
        $this->assertStringContainsString('href="upgrade.php?type=configoptions&amp;id=' . $this->vps . '"', $page);
        $this->assertStringContainsString('Order additional IPs (Extra IPs)', $page);
        $this->assertStringContainsString('href="cart.php?gid=addons"', $page);

        $invoice = Orders::upgradeQuantity($this->vps, $this->ids['option_extra_ips'], 2);
        $this->assertSame(['198.18.7.10'], $this->held(), 'nothing before the invoice is paid');
        Orders::pay($invoice);
        $this->assertSame(['198.18.7.10', '198.18.7.11', '198.18.7.12'], $this->held());
        $fields = Db::one('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?', [$this->vps]);
        $this->assertSame(['198.18.7.10', "198.18.7.11\n198.18.7.12"], [$fields['dedicatedip'], $fields['assignedips']]);
        $this->assertNotNull(Db::one("SELECT id FROM tblactivitylog WHERE description = ?", ['IP Manager assigned 198.18.7.11, 198.18.7.12 to service #' . $this->vps . ' (upgrade or addon)']));
        $page = ClientArea::request(['m' => 'ipmanager'])->body;
        $this->assertStringContainsString('<code>198.18.7.12</code>', $page, 'the client sees them');

        // Paying again (or the hook running twice) assigns nothing more.
        Orders::pay($invoice);
        ipmanager_service_grow(['upgrade_id' => (int) Db::value('SELECT MAX(id) FROM tblupgrades')]);
        $this->assertCount(3, $this->held());
    }

    public function testAnAddonAddsItsIpsAndAPoolTooSmallTakesNothing(): void
    {
        Orders::pay(Orders::addon($this->vps, $this->ids['addon_extra_ip']));
        $this->assertSame(['198.18.7.10', '198.18.7.11', '198.18.7.12'], $this->held());
        // 3 held; two more addons want 4 more but only 3 remain (.13-.15): nothing is taken.
        $first = Orders::addon($this->vps, $this->ids['addon_extra_ip']);
        Orders::pay($first);
        $this->assertCount(5, $this->held());
        Orders::pay(Orders::addon($this->vps, $this->ids['addon_extra_ip']));
        $this->assertCount(5, $this->held(), 'all or nothing');
        $log = Db::value("SELECT description FROM tblactivitylog WHERE description LIKE 'IP Manager (upgrade or addon):%' ORDER BY id DESC LIMIT 1");
        $this->assertStringContainsString('Pool "more" (198.18.7.10-198.18.7.15 in 198.18.7.0/24) has no free address left for service #' . $this->vps . ' (it needs 7, holds 5)', (string) $log, 'the pool is named');
        $this->assertSame(['198.18.7.10', '198.18.7.11', '198.18.7.12', '198.18.7.13', '198.18.7.14'], $this->held());
    }

    public function testAGrowRequestIsCheckedAndUnknownOnesAreRefused(): void
    {
        $this->expectFailure(\IpManager\Exception\InvalidInput::class, "Give either 'upgrade_id'", fn () => ipmanager_service_grow([]));
        $this->expectFailure(\IpManager\Exception\NotFound::class, 'Upgrade #999 does not exist', fn () => ipmanager_service_grow(['upgrade_id' => 999]));
        $this->expectFailure(\IpManager\Exception\NotFound::class, 'Service #999 does not exist', fn () => ipmanager_service_grow(['service_id' => 999]));
    }
}
