<?php

use Harness\Db;
use Harness\Seed;
use IpManager\Addon\Runtime;

/** Orphaned assignments through the natives, as the admin page will drive them. */
final class OrphansTest extends HarnessTestCase
{
    public function testSuspendedServicesAreListedAndReleasedIntoQuarantineWithTheirFieldsCleared(): void
    {
        $this->activate();
        Runtime::connect();
        $s = ipmanager_subnet_create(['cidr' => '198.51.100.0/28', 'name' => 'orphans']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'orphan pool']);
        $gone = Seed::service($this->ids['client_demo'], $this->ids['product_vps'], $this->ids['server_pve'], 'gone.example', 'Terminated', '', '');
        $live = Seed::service($this->ids['client_demo'], $this->ids['product_vps'], $this->ids['server_pve'], 'live.example', 'Active', '', '');
        $ip = ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $gone])[0]['address'];
        ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $live]);
        Db::run('UPDATE tblhosting SET dedicatedip = ? WHERE id = ?', [$ip, $gone]);

        $orphans = ipmanager_orphan_list();
        $this->assertSame(1, $orphans['total']);
        $this->assertSame([$ip, 'Terminated', 'Dana Demo', 'VPS S'], [$orphans['items'][0]['address'],
            $orphans['items'][0]['service_status'], $orphans['items'][0]['client'], $orphans['items'][0]['product']]);

        $report = ipmanager_orphan_release(['id' => $orphans['items'][0]['id']]);
        $this->assertSame([$ip], $report['released']);
        $this->assertSame('', Db::value('SELECT dedicatedip FROM tblhosting WHERE id = ?', [$gone]));
        $this->assertSame('quarantined', ipmanager_address_list(['service_id' => $gone])['items'][0]['state']);
        $this->assertSame(0, ipmanager_orphan_list()['total']);
        $this->expectFailure(IpManager\Exception\InvalidInput::class, "'all' => true", fn () => ipmanager_orphan_release([]));
    }
}
