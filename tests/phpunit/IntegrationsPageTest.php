<?php

use Harness\AdminArea;
use Harness\Db;
use Harness\Session;
use IpManager\Addon\Runtime;

/**
 * The Integrations page and the outbox as an admin drives them: settings saved (and refused
 * without a token or with a bad value), a panel that cannot be reached keeping the change
 * waiting with the reason, retry, force with the admin named, the module log without
 * secrets. The panel here is a closed loopback port: nothing leaves the machine.
 */
final class IntegrationsPageTest extends HarnessTestCase
{
    private array $pool;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Session::actAsAdmin($this->ids['admin']);
        Runtime::connect();
        // The seeded cPanel server, moved to a loopback port where nothing listens.
        Db::run("UPDATE tblservers SET ipaddress = '127.0.0.1', hostname = '127.0.0.1', port = 9, secure = '' WHERE id = ?", [$this->ids['server_cpanel']]);
        Db::run('UPDATE tblhosting SET server = ?, username = ? WHERE id = ?', [$this->ids['server_cpanel'], 'demo', $this->ids['service_demo_web']]);
        $s = ipmanager_subnet_create(['cidr' => '198.51.100.0/28', 'name' => 'web']);
        $this->pool = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'web pool']);
    }

    private function page(array $post = [], array $query = []): string
    {
        $get = ['module' => 'ipmanager', 'action' => 'integrations'] + $query;
        if ($post === []) {
            return AdminArea::request($get)->body;
        }
        preg_match('/name="token" value="([^"]+)"/', AdminArea::request($get)->body, $m);
        return AdminArea::request($get, $post + ['token' => $m[1]], 'POST')->body;
    }

    private function enableCpanel(): void
    {
        $html = $this->page(['do' => 'save_integration', 'integration' => 'cpanel', 'enabled' => '1', 'modules' => 'cPanel',
            'push_on_create' => '1', 'remove_on_release' => '1']);
        $this->assertStringContainsString('cPanel saved.', $html);
    }

    public function testSettingsAreSavedAndBadOnesRefusedWithoutChange(): void
    {
        $html = $this->page();
        foreach (['cPanel', 'DirectAdmin', 'Plesk', 'Proxmox VE', 'SolusVM'] as $label) {
            $this->assertStringContainsString("<strong>$label</strong>", $html);
        }
        $this->assertStringContainsString('data-server-id="' . $this->ids['server_pve'] . '"', $html);

        $this->enableCpanel();
        $this->assertEquals(['1', 'cpanel'], array_values(Db::one("SELECT enabled, modules FROM mod_ipmanager_integrations WHERE integration = 'cpanel'")));
        $html = $this->page(['do' => 'save_integration', 'integration' => 'plesk', 'enabled' => '1', 'modules' => 'cpanel']);
        $this->assertStringContainsString('already served by cPanel', $html);
        $this->assertNull(Db::one("SELECT * FROM mod_ipmanager_integrations WHERE integration = 'plesk'"));

        $server = $this->ids['server_pve'];
        $html = $this->page(['do' => 'save_server', 'server_id' => (string) $server, 'verify_tls' => '1', 'fingerprint' => 'ab:cd',
            'connect_timeout_ms' => '1000', 'timeout_ms' => '2000']);
        $this->assertStringContainsString('64 hex digits', $html);
        $this->assertNull(Db::one('SELECT * FROM mod_ipmanager_server_settings WHERE server_id = ?', [$server]));
        $pin = implode(':', array_fill(0, 32, 'ab'));
        $this->page(['do' => 'save_server', 'server_id' => (string) $server, 'verify_tls' => '1', 'fingerprint' => str_replace(':', '', $pin),
            'connect_timeout_ms' => '1000', 'timeout_ms' => '2000']);
        $this->assertSame(strtoupper($pin), Db::value('SELECT fingerprint FROM mod_ipmanager_server_settings WHERE server_id = ?', [$server]));

        // Without a valid token nothing is saved.
        $before = Db::all('SELECT * FROM mod_ipmanager_integrations ORDER BY integration');
        $response = AdminArea::request(['module' => 'ipmanager', 'action' => 'integrations'],
            ['do' => 'save_integration', 'integration' => 'cpanel', 'enabled' => '0', 'modules' => 'cpanel', 'token' => 'forged'], 'POST');
        $this->assertStringNotContainsString('cPanel saved.', $response->body);
        $this->assertSame($before, Db::all('SELECT * FROM mod_ipmanager_integrations ORDER BY integration'));
    }

    public function testAnUnreachablePanelKeepsTheChangeWaitingUntilRetriedOrForced(): void
    {
        $this->enableCpanel();
        $web = $this->ids['service_demo_web'];
        $report = IpManager\Addon\Panels::run(fn () => ipmanager_assign_report(['service_id' => $web, 'pool_id' => $this->pool['id']]));
        $this->assertSame('198.51.100.1', $report['address']);
        $this->assertStringContainsString('connection was refused', $report['panel_error']);

        $html = $this->page();
        $this->assertStringContainsString('1 waiting, 1 of them failing.', $html);
        $this->assertMatchesRegularExpression('/data-outbox-id="' . $report['outbox_id'] . '" data-status="pending"/', $html);
        $this->assertStringContainsString('connection was refused', $html);

        $html = $this->page(['do' => 'retry', 'id' => (string) $report['outbox_id']]);
        $this->assertStringContainsString('Panel change #' . $report['outbox_id'] . ' still failing', $html);
        $this->assertSame('2', (string) Db::value('SELECT attempts FROM mod_ipmanager_outbox WHERE id = ?', [$report['outbox_id']]));

        // Unassigning waits for the panel: the address stays releasing, never free.
        $row = ipmanager_assignment_list(['service_id' => $web])['items'][0];
        $r = IpManager\Addon\Panels::run(fn () => ipmanager_unassign(['id' => $row['id'], 'mode' => 'free']));
        $this->assertNotNull($r['error']);
        $this->assertSame('releasing', ipmanager_address_list(['search' => '198.51.100.1'])['items'][0]['state']);
        $this->assertSame('198.51.100.2', ipmanager_assign(['service_id' => $this->ids['service_other_vps'], 'pool_id' => $this->pool['id']]),
            'a releasing address is never handed out');

        // The add never reached the panel, so the removal superseded it; forcing the removal frees the address.
        $removal = (int) Db::value("SELECT id FROM mod_ipmanager_outbox WHERE operation = 'remove'");
        $this->assertSame('superseded', Db::value('SELECT status FROM mod_ipmanager_outbox WHERE id = ?', [$report['outbox_id']]));
        $html = $this->page(['do' => 'force', 'id' => (string) $removal]);
        $this->assertStringContainsString("Panel change #$removal closed without the panel", $html);
        $this->assertSame('198.51.100.1', ipmanager_assign(['service_id' => $this->ids['service_other_vps'], 'address' => '198.51.100.1']));
        $log = ipmanager_log_list(['search' => 'forced'])['items'];
        $this->assertStringContainsString('admin #' . $this->ids['admin'] . ' forced panel change #' . $removal, $log[0]['message'] ?? json_encode($log));

        // Every panel call is in WHMCS's module log, the API token never.
        $logged = Db::all('SELECT action, request, response FROM tblmodulelog');
        $this->assertNotEmpty($logged);
        $this->assertStringContainsString('cPanel: setsiteip', $logged[0]['action']);
        $this->assertStringNotContainsString('WHM-TOKEN', json_encode($logged));
    }

    public function testWhmcsCronRetriesWhatIsDueAndLogsWhatStillWaits(): void
    {
        $this->enableCpanel();
        $report = IpManager\Addon\Panels::run(fn () => ipmanager_assign_report(['service_id' => $this->ids['service_demo_web'], 'pool_id' => $this->pool['id']]));
        run_hook('AfterCronJob', []);
        $this->assertSame('1', (string) Db::value('SELECT attempts FROM mod_ipmanager_outbox WHERE id = ?', [$report['outbox_id']]), 'not due yet: left alone');
        Db::run('UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE id = ?', [$report['outbox_id']]);
        run_hook('AfterCronJob', []);
        $this->assertSame('2', (string) Db::value('SELECT attempts FROM mod_ipmanager_outbox WHERE id = ?', [$report['outbox_id']]));
        $this->assertStringContainsString('Panel and NetBox changes: 0 delivered, 1 still waiting. #' . $report['outbox_id'] . ' add 198.51.100.1',
            (string) Db::value('SELECT description FROM tblactivitylog ORDER BY id DESC LIMIT 1'));
    }

    public function testWhatThePanelCannotTakeIsNotedAndNeverWaits(): void
    {
        $this->enableCpanel();
        $v6 = ipmanager_subnet_create(['cidr' => '2001:db8:7::/48', 'name' => 'v6']);
        $routed = ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'routed', 'prefix_len' => 64]);
        $report = IpManager\Addon\Panels::run(fn () => ipmanager_assign_report(['service_id' => $this->ids['service_demo_web'], 'pool_id' => $routed['id']]));
        $this->assertStringStartsWith('2001:db8:7:', $report['address']);
        $this->assertNull($report['panel_error'], 'the panel was not asked: nothing to wait for');
        $this->assertStringContainsString('not supported by cPanel', $report['panel_note']);
        $html = $this->page();
        $this->assertStringContainsString('0 waiting, 0 of them failing.', $html);
        $this->assertStringContainsString('class="text-warning ipm-note">' . $report['address'] . ': IPv6 and prefixes are not supported by cPanel', $html);
    }
}
