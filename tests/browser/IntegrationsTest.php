<?php

use Harness\Db;

/**
 * The Integrations page as an admin uses it: an integration turned on for its module, a
 * server's TLS and timeouts, Test connection, and a panel that cannot be reached — the add
 * waits in the outbox, the unassign says the panel is told and keeps the address
 * releasing, Retry now, Force. The panel is a closed loopback port: nothing leaves the
 * machine.
 */
final class IntegrationsTest extends BrowserTestCase
{
    private array $pool;

    protected function setUp(): void
    {
        parent::setUp();
        $this->natives();
        Db::run("UPDATE tblservers SET ipaddress = '127.0.0.1', hostname = '127.0.0.1', port = 9, secure = '' WHERE id = ?", [$this->ids['server_cpanel']]);
        Db::run('UPDATE tblhosting SET server = ?, username = ? WHERE id = ?', [$this->ids['server_cpanel'], 'demo', $this->ids['service_demo_web']]);
        $subnet = ipmanager_subnet_create(['cidr' => '198.51.100.0/24', 'name' => 'DE-FRE1']);
        $this->pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'Web pool', 'range' => '198.51.100.10-198.51.100.20']);
        $this->loginAdmin();
    }

    public function testAPanelIsSetUpAndAnUnreachableOneKeepsItsChangesWaiting(): void
    {
        $this->visit('integrations');
        $this->assertSame(['cPanel off', 'DirectAdmin off', 'Plesk off', 'Proxmox VE off', 'SolusVM off'], $this->texts('#ipm-integrations .panel-heading'));
        $this->assertStringContainsString('documents no call that gives an IP to an existing user', $this->el('form[data-integration=directadmin]')->text());

        // cPanel on, for WHMCS's "cpanel" module.
        $cpanel = 'form[data-integration=cpanel]';
        $this->el("$cpanel input[type=checkbox][name=enabled]")->click();
        $this->el("$cpanel [name=modules]")->fill('cpanel');
        $this->clickAndWait("$cpanel button[type=submit]");
        $this->assertSame(['cPanel saved.'], $this->messages());
        $this->assertSame('cPanel on', trim($this->el("$cpanel .panel-heading")->text()));
        $this->assertStringContainsString('cPanel', $this->el('#ipm-servers tr[data-server-id="' . $this->ids['server_cpanel'] . '"]')->text());

        // A pin that is not a fingerprint is refused under the server; good timeouts are kept.
        $server = '#ipm-servers tr[data-server-id="' . $this->ids['server_cpanel'] . '"]';
        $this->submit("$server form.form-inline", ['fingerprint' => 'not-a-fingerprint']);
        $this->assertStringContainsString('64 hex digits', $this->messages()[0]);
        $this->submit("$server form.form-inline", ['fingerprint' => '', 'connect_timeout_ms' => '500', 'timeout_ms' => '1000']);
        $this->assertSame(['Server #' . $this->ids['server_cpanel'] . ' saved.'], $this->messages());
        $this->assertSame('1000', $this->el("$server [name=timeout_ms]")->property('value'));

        // Test connection says exactly why it failed.
        $this->clickAndWait("$server .ipm-test");
        $this->assertStringContainsString('the connection was refused', $this->messages()[0]);
        $this->shot('integrations');

        // An assign is kept for the panel; the admin sees why it waits.
        $web = $this->ids['service_demo_web'];
        $this->visit('assignments');
        $this->submit('#ipm-assign-form', ['f[service_id]' => (string) $web, 'f[draws_from]' => 'pool:' . $this->pool['id']]);
        $messages = $this->messages();
        $this->assertSame("198.51.100.10 assigned to service #$web.", $messages[0]);
        $this->assertStringContainsString('The panel did not take 198.51.100.10 yet', $messages[1]);

        $this->visit('integrations');
        $this->assertStringContainsString('1 waiting, 1 of them failing.', $this->el('#ipm-outbox-counts')->text());
        $add = '#ipm-outbox tr[data-status=pending]';
        $this->assertStringContainsString('connection was refused', $this->el("$add .ipm-last-error")->text());
        $this->clickAndWait("$add .ipm-retry");
        $this->assertStringContainsString('still failing', $this->messages()[0]);

        // Unassigning says the panel is told first, and the address waits for it.
        $this->visit('assignments', ['service_id' => (string) $web]);
        $question = $this->clickConfirmed('#ipm-assignments tbody tr button');
        $this->assertStringContainsString('cPanel removes it from the server first', $question);
        $this->assertSame('releasing', ipmanager_address_list(['search' => '198.51.100.10'])['items'][0]['state']);

        // Forcing the removal, after a question that names the risk, releases it; the queue names the admin.
        $this->visit('integrations');
        $remove = '#ipm-outbox tr[data-status=pending]';
        $this->assertStringContainsString('remove', $this->el($remove)->text());
        $question = $this->clickConfirmed("$remove button.btn-danger");
        $this->assertStringContainsString('without the panel\'s confirmation', $question);
        $this->assertStringContainsString('closed without the panel', $this->messages()[0]);
        $this->assertSame(['forced', 'superseded'], array_map(fn ($t) => strtok($t, "\n"), $this->texts('#ipm-outbox tbody tr td:nth-child(6)')));
        $this->assertStringContainsString('admin #' . $this->ids['admin'], $this->el('#ipm-outbox tbody tr td:nth-child(6)')->text());
        $this->assertSame('quarantined', ipmanager_address_list(['search' => '198.51.100.10'])['items'][0]['state'], 'released as an unassign releases');
        $this->shot('outbox');
    }
}
