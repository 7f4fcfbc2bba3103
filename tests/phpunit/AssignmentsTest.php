<?php

use Harness\AdminArea;
use Harness\Db;
use Harness\Seed;
use Harness\Session;
use IpManager\Addon\Runtime;

/** Assignments: the list with WHMCS's view, filters, manual assign and unassign. */
final class AssignmentsTest extends HarnessTestCase
{
    private array $pool;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Session::actAsAdmin($this->ids['admin']);
        Runtime::connect();
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => 'a']);
        $this->pool = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'a pool']);
    }

    public function testAssignListFilterAndUnassign(): void
    {
        $vps = $this->ids['service_demo_web'];
        $first = ipmanager_assign(['service_id' => $vps, 'pool_id' => $this->pool['id']]);
        $chosen = ipmanager_assign(['service_id' => $vps, 'address' => '192.0.2.9']);
        $this->assertSame('192.0.2.1', $first);
        $this->assertSame(['dedicatedip' => '192.0.2.1', 'assignedips' => '192.0.2.9'], Db::one('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?', [$vps]));
        $this->expectFailure(IpManager\Exception\Conflict::class, '192.0.2.9 is assigned by service #' . $vps, fn () => ipmanager_assign(['service_id' => $this->ids['service_other_vps'], 'address' => '192.0.2.9']));
        $this->expectFailure(IpManager\Exception\Conflict::class, 'reserved', fn () => ipmanager_assign(['service_id' => $vps, 'address' => '192.0.2.15']));

        $list = ipmanager_assignment_list(['client_id' => $this->ids['client_demo']]);
        $this->assertSame(['192.0.2.1', '192.0.2.9'], array_column($list['items'], 'address'));
        $this->assertSame(['Pending', 'Dana Demo', 'Web Hosting', '192.0.2.1'], [$list['items'][0]['service_status'], $list['items'][0]['client'], $list['items'][0]['product'], $list['items'][0]['whmcs_dedicatedip']]);
        $this->assertSame(0, ipmanager_assignment_list(['status' => 'Active'])['total']);
        $this->assertSame(1, ipmanager_assignment_list(['search' => '192.0.2.8/29'])['total']);

        $r = ipmanager_unassign(['id' => $list['items'][1]['id'], 'mode' => 'free']);
        $this->assertSame(['address' => '192.0.2.9', 'error' => null], $r);
        $this->assertSame('', Db::value('SELECT assignedips FROM tblhosting WHERE id = ?', [$vps]));
        $this->expectFailure(IpManager\Exception\NotFound::class, 'not yours',
            fn () => ipmanager_unassign(['id' => $list['items'][0]['id'], 'client_id' => $this->ids['client_other']]));
    }

    public function testTheAssignmentsPage(): void
    {
        ipmanager_assign(['service_id' => $this->ids['service_demo_web'], 'pool_id' => $this->pool['id']]);
        $html = AdminArea::request(['module' => 'ipmanager', 'action' => 'assignments'])->body;
        $this->assertStringContainsString('<code>192.0.2.1</code>', $html);
        $this->assertStringContainsString('Dana Demo', $html);
        preg_match('/name="token" value="([^"]+)"/', $html, $m);
        $html = AdminArea::request(['module' => 'ipmanager', 'action' => 'assignments'],
            ['do' => 'assign', 'f' => ['service_id' => (string) $this->ids['service_demo_web'], 'draws_from' => 'pool:' . $this->pool['id'], 'address' => ''], 'token' => $m[1]], 'POST')->body;
        $this->assertStringContainsString('192.0.2.2 assigned to service #' . $this->ids['service_demo_web'], $html);
    }
}
