<?php

use Harness\AddonModule;
use IpManager\Addon\Runtime;

/** The IPAM natives as PHP sees them: results, and a specific exception for bad input. */
final class IpamFunctionsTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
    }

    public function testBadSubnetsAreRefusedWithAPreciseMessageAndNothingIsCreated(): void
    {
        ipmanager_subnet_create(['cidr' => '10.0.0.0/16', 'name' => 'parent', 'store_free_ips' => false]);
        $invalid = IpManager\Exception\InvalidInput::class;
        $cases = [
            [['cidr' => 'ten.zero/8', 'name' => 'x'], "'ten.zero' is not an IPv4 or IPv6 address"],
            [['cidr' => '10.1.2.3/16', 'name' => 'x'], 'did you mean 10.1.0.0/16?'],
            [['cidr' => '10.1.0.0/33', 'name' => 'x'], 'prefix length is 0 to 32'],
            [['cidr' => '10.0.4.0/24', 'name' => 'x'], 'lies inside 10.0.0.0/16'],
            [['cidr' => '10.2.0.0/24', 'name' => 'x', 'gateway' => '10.3.0.1'], 'Gateway 10.3.0.1 is outside the subnet 10.2.0.0/24'],
            [['cidr' => '10.2.0.0/24', 'name' => 'x', 'excluded' => '10.2.0.5, 10.9.9.9'], 'Excluded address 10.9.9.9 is outside'],
            [['cidr' => '2001:db8::/32', 'name' => 'x', 'store_free_ips' => true], 'IPv4 only'],
            [['cidr' => '10.2.0.0/24'], "needs a name"],
        ];
        foreach ($cases as [$input, $message]) {
            $this->expectFailure($invalid, $message === 'needs a name' ? 'Give the subnet a name' : $message, fn () => ipmanager_subnet_create($input));
        }
        $this->assertCount(1, ipmanager_subnet_list());
    }

    public function testBadPoolsAndAllocationsAreRefused(): void
    {
        $stored = ipmanager_subnet_create(['cidr' => '192.0.2.0/24', 'name' => 'v4']);
        $v6 = ipmanager_subnet_create(['cidr' => '2001:db8:1::/48', 'name' => 'v6']);
        $invalid = IpManager\Exception\InvalidInput::class;
        $this->expectFailure($invalid, 'outside the subnet', fn () => ipmanager_pool_create(['subnet_id' => $stored['id'], 'name' => 'p', 'range' => '192.0.2.10-192.0.3.1']));
        $this->expectFailure($invalid, 'does not fit', fn () => ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'p', 'prefix_len' => 64, 'cidr' => '2001:db8:1::/96']));
        $this->expectFailure($invalid, 'larger than the subnet', fn () => ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'p', 'prefix_len' => 32]));
        $this->expectFailure(IpManager\Exception\NotFound::class, 'Pool #999 does not exist', fn () => ipmanager_allocate(['pool_id' => 999, 'service_id' => 1]));
        $this->expectFailure($invalid, "'service_id'", fn () => ipmanager_allocate(['pool_id' => 1]));
        $this->expectFailure($invalid, "either 'pool_id' or 'subnet_id'", fn () => ipmanager_allocate(['pool_id' => 1, 'subnet_id' => 1, 'service_id' => 1]));
        $this->expectFailure($invalid, 'Subnet id must be a positive whole number', fn () => ipmanager_subnet_get('abc'));
        $this->assertSame([], ipmanager_pool_list());

        $tiny = ipmanager_pool_create(['subnet_id' => $stored['id'], 'name' => 'Tiny', 'range' => '192.0.2.0-192.0.2.0']);
        $this->assertSame(0, $tiny['utilization']['usable'], 'the network address is reserved');
        $this->expectFailure(IpManager\Exception\PoolExhausted::class, 'Pool "Tiny"', fn () => ipmanager_allocate(['pool_id' => $tiny['id'], 'service_id' => 1]));
    }

    public function testDeletingASubnetInUseIsAConflictUnlessForced(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => 'small']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'small pool']);
        ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $this->ids['service_demo_vps']]);
        $this->expectFailure(IpManager\Exception\Conflict::class, 'in use', fn () => ipmanager_subnet_delete($s['id']));
        $this->expectFailure(IpManager\Exception\Conflict::class, 'in use', fn () => ipmanager_pool_delete($p['id']));
        $this->assertSame(1, ipmanager_pool_delete($p['id'], true));
        $report = ipmanager_subnet_delete($s['id'], false);
        $this->assertSame(0, $report['released_addresses']);
        $this->assertSame([], ipmanager_subnet_list());
    }

    public function testReleaseUsesTheQuarantineSettingAndFreeReleasesAtOnce(): void
    {
        AddonModule::saveSettings(['release_quarantine_hours' => '6']);
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/29', 'name' => 'q']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'q pool']);
        $first = ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => 11])[0]['address'];
        $released = ipmanager_release(['service_id' => 11]);
        $this->assertSame('quarantined', $released[0]['state']);
        $listed = ipmanager_address_list(['state' => 'quarantined'])['items'][0];
        $this->assertSame($first, $listed['address']);
        $hours = (strtotime($listed['quarantine_until'] . ' UTC') - time()) / 3600;
        $this->assertEqualsWithDelta(6, $hours, 0.1);
        $this->assertNotSame($first, ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => 12])[0]['address']);

        $this->assertSame('free', ipmanager_release(['address' => $first, 'mode' => 'free'])[0]['state']);
        $this->assertSame($first, ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => 13])[0]['address']);
        $this->expectFailure(IpManager\Exception\NotFound::class, 'is not assigned', fn () => ipmanager_release(['address' => '192.0.2.6']));
        $this->expectFailure(IpManager\Exception\InvalidInput::class, "mode 'later'", fn () => ipmanager_release(['address' => $first, 'mode' => 'later']));
    }

    public function testAddressListFiltersAndPaginates(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '2001:db8:5::/64', 'name' => 'list']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'list pool']);
        for ($svc = 1; $svc <= 7; $svc++) {
            ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $svc]);
        }
        $page = ipmanager_address_list(['subnet_id' => $s['id'], 'per_page' => 3, 'page' => 3]);
        $this->assertSame(7, $page['total']);
        $this->assertSame(['2001:db8:5::7'], array_column($page['items'], 'address'));
        $this->assertSame(['2001:db8:5::4'], array_column(ipmanager_address_list(['service_id' => 4])['items'], 'address'));
        $this->assertSame(3, ipmanager_address_list(['search' => '2001:db8:5::/126'])['total']);
        $this->assertSame(['2001:db8:5::8', '2001:db8:5::9'], ipmanager_free_list(['pool_id' => $p['id'], 'limit' => 2]));
        $this->assertSame(['2001:db8:5::a'], ipmanager_free_list(['pool_id' => $p['id'], 'after' => '2001:db8:5::9', 'limit' => 1]));
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'ipmanager_free_list', fn () => ipmanager_address_list(['state' => 'free']));
    }

    public function testIpv6CountsBeyondPhpIntegersComeAsStrings(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '2001:db8::/32', 'name' => 'huge']);
        $this->assertSame('79228162514264337593543950336', $s['utilization']['total']);
        $this->assertSame('79228162514264337593543950335', $s['utilization']['usable']);
    }
}
