<?php

use Harness\Seed;
use IpManager\Addon\Runtime;

/** Synchronize: WHMCS's existing IPs into IP Manager, with every kind of bad row. */
final class SyncTest extends HarnessTestCase
{
    private array $services = [];

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
        $s = ipmanager_subnet_create(['cidr' => '203.0.113.0/24', 'name' => 'legacy', 'gateway' => '203.0.113.1']);
        ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'legacy pool', 'range' => '203.0.113.10-203.0.113.99']);
        ipmanager_subnet_create(['cidr' => '2001:db8:1::/48', 'name' => 'legacy v6']);
        $c = $this->ids['client_demo'];
        $p = $this->ids['product_vps'];
        $this->services = [
            'suspended' => Seed::service($c, $p, 0, 's.example', 'Suspended', '203.0.113.20', ''),
            'terminated' => Seed::service($c, $p, 0, 't.example', 'Terminated', '203.0.113.21', ''),
            'gateway' => Seed::service($c, $p, 0, 'g.example', 'Active', '203.0.113.1', ''),
            'outside' => Seed::service($c, $p, 0, 'o.example', 'Active', '198.51.100.7', ''),
            'garbage' => Seed::service($c, $p, 0, 'x.example', 'Pending', '', "203.0.113.31\nbanana"),
            'first' => Seed::service($c, $p, 0, 'f.example', 'Active', '203.0.113.30', '2001:db8:1:5::/64'),
            'second' => Seed::service($c, $p, 0, 'd.example', 'Active', '203.0.113.30', ''),
        ];
    }

    private static function pairs(array $lines): array
    {
        return array_map(fn ($l) => $l['service_id'] . ' ' . $l['address'], $lines);
    }

    public function testEveryKindOfRowIsReportedAndNoAddressAServiceStillKeepsIsLeftFree(): void
    {
        $r = ipmanager_sync();
        $this->assertTrue($r['live_only']);
        $s = $this->services;
        $demo = $this->ids['service_demo_vps'];
        $other = $this->ids['service_other_vps'];
        $this->assertSame([
            "$demo 203.0.113.10", "$demo 203.0.113.11", "$demo 203.0.113.12", "$other 203.0.113.50",
            "{$s['suspended']} 203.0.113.20", "{$s['garbage']} 203.0.113.31", "{$s['first']} 203.0.113.30",
            "{$s['first']} 2001:db8:1:5::/64",
        ], self::pairs($r['imported']));
        // A suspended VPS still uses its IP: it is held for it (and listed on Orphaned).
        $this->assertStringContainsString('service is Suspended', $r['imported'][4]['reason']);
        $this->assertSame('', $r['imported'][0]['reason']);
        $this->assertSame(["{$s['outside']} 198.51.100.7"], self::pairs($r['not_in_subnet']));
        $this->assertSame(["{$s['garbage']} banana"], self::pairs($r['unparsable']));
        $this->assertStringContainsString('not an IPv4 or IPv6 address', $r['unparsable'][0]['reason']);
        $this->assertSame(["{$s['gateway']} 203.0.113.1", "{$s['second']} 203.0.113.30"], self::pairs($r['conflicting']));
        $this->assertStringContainsString('gateway', $r['conflicting'][0]['reason']);
        $this->assertStringContainsString("assigned to service #{$s['first']}; it was not moved", $r['conflicting'][1]['reason']);
        $this->assertSame([], $r['already_correct']);
        $this->assertSame(1, ipmanager_address_list(['service_id' => $s['suspended']])['total']);
        $this->assertSame(0, ipmanager_address_list(['service_id' => $s['terminated']])['total'], 'terminated keeps nothing');
        $orphans = array_column(ipmanager_orphan_list()['items'], 'address');
        $this->assertContains('203.0.113.20', $orphans);

        $pool = ipmanager_pool_list()[0];
        $this->assertSame(7, $pool['utilization']['assigned'], 'imports inside the pool count for it');
        // Nothing handed out afterwards collides with an imported address.
        $handed = [];
        for ($i = 0; $i < 20; $i++) {
            $handed[] = ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => 9000 + $i])[0]['address'];
        }
        $this->assertSame([], array_intersect($handed, ['203.0.113.20', '203.0.113.30', '203.0.113.31', '203.0.113.50']));
    }

    public function testADryRunReportsTheSameAndWritesNothing(): void
    {
        $dry = ipmanager_sync(['dry_run' => true]);
        $this->assertTrue($dry['dry_run']);
        $this->assertSame(0, ipmanager_address_list()['total']);
        $this->assertSame(0, ipmanager_log_list(['action' => 'address.import'])['total']);
        $real = ipmanager_sync();
        unset($dry['dry_run'], $real['dry_run']);
        $this->assertSame($real, $dry);
    }

    public function testRunningItTwiceChangesNothingTheSecondTime(): void
    {
        $first = ipmanager_sync();
        $rows = ipmanager_address_list(['per_page' => 500]);
        $second = ipmanager_sync();
        $this->assertSame([], $second['imported']);
        $this->assertSame(self::pairs($first['imported']), self::pairs($second['already_correct']));
        $this->assertSame(self::pairs($first['conflicting']), self::pairs($second['conflicting']));
        $this->assertSame($rows, ipmanager_address_list(['per_page' => 500]));
    }

    public function testAFullSyncIncludesEveryStatus(): void
    {
        $r = ipmanager_sync(['live_only' => false]);
        $this->assertContains($this->services['terminated'] . ' 203.0.113.21', self::pairs($r['imported']));
    }
}
