<?php

/** Assign and unassign through the Assignments page; mismatches with WHMCS are flagged. */
final class AssignmentsTest extends BrowserTestCase
{
    private array $pool;

    protected function setUp(): void
    {
        parent::setUp();
        $this->natives();
        $subnet = ipmanager_subnet_create(['cidr' => '198.51.100.0/24', 'name' => 'DE-FRE1']);
        $this->pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'VPS pool', 'range' => '198.51.100.10-198.51.100.20']);
        $this->loginAdmin();
    }

    public function testAssigningToALiveServiceAndUnassigningWithAnHonestQuestion(): void
    {
        $web = $this->ids['service_demo_web'];
        $this->visit('assignments');
        $this->assertSame(['No assignments match.'], $this->texts('.alert-info'));
        $this->submit('#ipm-assign-form', ['f[service_id]' => (string) $web, 'f[draws_from]' => 'pool:' . $this->pool['id']]);
        $this->assertSame(["198.51.100.10 assigned to service #$web."], $this->messages(), 'a Pending service is live: no question');
        $row = '#ipm-assignments tbody tr';
        $this->assertStringContainsString('198.51.100.10', $this->el($row)->text());
        $this->assertStringContainsString('#' . $web . ' demo.example', $this->el($row)->text());
        $this->assertFalse($this->browser->has('.ipm-mismatch'), 'WHMCS got the address too');
        $this->assertSame('1 assignment', trim(explode('·', $this->el('.ipm-pager')->text())[1]));

        $this->submit('#ipm-assignment-filters', ['service_id' => (string) $web]);
        $question = $this->clickConfirmed("$row button");
        $this->assertStringContainsString('Unassign 198.51.100.10 from service #' . $web, $question);
        $this->assertSame((string) $web, $this->el('#ipm-assignment-filters [name=service_id]')->property('value'), 'the filtered list stays');
        $this->assertStringContainsString('service_id=' . $web, $this->browser->url());
        $this->assertStringContainsString('The server is not told', $question, 'says what happens to the panel');
        $this->assertSame(['198.51.100.10 unassigned.'], $this->messages());
        $this->assertSame('', \Harness\Db::value('SELECT dedicatedip FROM tblhosting WHERE id = ?', [$web]));
    }

    public function testAServiceThatIsNotLiveIsAskedAboutFirst(): void
    {
        $suspended = \Harness\Seed::service($this->ids['client_demo'], $this->ids['product_vps'], 0, 'paused.example', 'Suspended', '', '');
        $this->visit('assignments');
        $this->submit('#ipm-assign-form', ['f[service_id]' => (string) $suspended, 'f[draws_from]' => 'pool:' . $this->pool['id']]);
        $this->assertStringContainsString("Service #$suspended paused.example is Suspended, not live", $this->el('.ipm-confirm')->text());
        $this->assertSame(0, ipmanager_address_list(['service_id' => $suspended])['total'], 'nothing assigned before confirming');
        $this->assertSame((string) $suspended, $this->el('#ipm-assign-form [name="f[service_id]"]')->property('value'));
        $this->shot('assign-confirm');
        $this->clickAndWait('#ipm-assign-anyway');
        $this->assertSame(["198.51.100.10 assigned to service #$suspended."], $this->messages());
        $this->assertSame(1, ipmanager_address_list(['service_id' => $suspended])['total']);

        $this->submit('#ipm-assign-form', ['f[service_id]' => '999999']);
        $this->assertSame(['Service #999999 does not exist in WHMCS.'], $this->messages());
        $this->assertTrue($this->browser->has('#ipm-assignments'), 'the list is still there');
    }

    public function testAnAddressWhmcsDoesNotListIsFlagged(): void
    {
        $vps = $this->ids['service_demo_vps'];
        ipmanager_assign(['service_id' => $vps, 'pool_id' => $this->pool['id']]);
        \Harness\Db::run("UPDATE tblhosting SET dedicatedip = '203.0.113.99', assignedips = '' WHERE id = ?", [$vps]);
        $this->visit('assignments');
        $this->assertCount(1, $this->browser->findAll('#ipm-assignments tr.ipm-mismatch'));
        $this->assertStringContainsString('not in WHMCS', $this->el('tr.ipm-mismatch')->text());
        $this->shot('mismatch');
    }
}
