<?php

use Harness\AdminArea;
use Harness\Db;
use Harness\Session;
use IpManager\Addon\Runtime;

/** Every change writes a log row: who, what, before and after; listed and filtered. */
final class LogsTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
    }

    public function testChangesAreLoggedWithTheActingAdminAndTheStateBeforeAndAfter(): void
    {
        Session::actAsAdmin($this->ids['admin']);
        Runtime::connect();
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => 'logged']);
        ipmanager_subnet_update($s['id'], ['name' => 'renamed', 'excluded' => '192.0.2.9']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'logged pool']);
        ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => 42]);
        ipmanager_release(['service_id' => 42, 'mode' => 'free']);

        $log = ipmanager_log_list();
        $this->assertSame(5, $log['total'], implode(', ', array_column($log['items'], 'action')));
        $this->assertSame(['address.release', 'address.assign', 'pool.create', 'subnet.update', 'subnet.create'], array_column($log['items'], 'action'));
        foreach ($log['items'] as $entry) {
            $this->assertSame('admin', $entry['actor_type']);
            $this->assertSame($this->ids['admin'], $entry['actor_id']);
        }
        $update = $log['items'][3];
        $this->assertSame('logged', $update['before']['name']);
        $this->assertSame('renamed', $update['after']['name']);
        $this->assertSame('192.0.2.9', $update['after']['excluded']);
        $this->assertSame('192.0.2.1 assigned to service #42 from pool "logged pool".', $log['items'][1]['message']);
        $this->assertSame('assigned', $log['items'][0]['before']['state']);
        $this->assertSame('free', $log['items'][0]['after']['state']);
    }

    public function testTheLogIsFilteredByAreaActorAndText(): void
    {
        Session::actAsClient($this->ids['client_demo']);
        Runtime::connect();
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => 'by client']);
        Session::logout();
        Runtime::connect();
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'by system']);
        ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => 7]);

        $this->assertSame(['subnet.create'], array_column(ipmanager_log_list(['actor_type' => 'client'])['items'], 'action'));
        $this->assertSame(['address.assign'], array_column(ipmanager_log_list(['action' => 'address.'])['items'], 'action'));
        $this->assertSame(['pool.create'], array_column(ipmanager_log_list(['action' => 'pool.create'])['items'], 'action'));
        $this->assertSame(1, ipmanager_log_list(['search' => '192.0.2.1 assigned'])['total']);
        $this->assertSame(0, ipmanager_log_list(['search' => '%'])['total'], 'wildcards are searched literally');
        $page = ipmanager_log_list(['per_page' => 1, 'page' => 2]);
        $this->assertSame([3, 1], [$page['total'], count($page['items'])]);
        $this->expectException(IpManager\Exception\InvalidInput::class);
        ipmanager_set_actor(['type' => 'admin']);
    }

    public function testARefusedChangeLeavesNoLogRow(): void
    {
        Runtime::connect();
        try {
            ipmanager_subnet_create(['cidr' => '192.0.2.1/28', 'name' => 'bad']);
        } catch (IpManager\Exception\InvalidInput $e) {
        }
        $this->assertSame(0, ipmanager_log_list()['total']);
    }

    public function testTheLogsPageShowsWhoDidWhat(): void
    {
        Session::actAsAdmin($this->ids['admin']);
        Runtime::connect();
        ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => '<i>x</i>']);
        $html = AdminArea::request(['module' => 'ipmanager', 'action' => 'logs'])->body;
        $name = Db::value("SELECT CONCAT(firstname, ' ', lastname) FROM tbladmins WHERE id = ?", [$this->ids['admin']]);
        $this->assertStringContainsString('<td>Admin ' . htmlspecialchars($name) . '</td>', $html, 'who, by name');
        $this->assertStringContainsString('<td title="subnet.create">Subnet added</td>', $html, 'what, in words');
        $this->assertStringContainsString('Subnet 192.0.2.0/28 (&lt;i&gt;x&lt;/i&gt;) added.', $html);
        $this->assertStringNotContainsString('<i>x</i>', $html);
    }
}
