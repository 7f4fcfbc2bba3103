<?php

/** Synchronize (dry run, run, second addresses) and releasing orphans through the pages. */
final class SyncAndOrphansTest extends BrowserTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->natives();
        ipmanager_subnet_create(['cidr' => '203.0.113.0/24', 'name' => 'legacy']);
        $this->loginAdmin();
    }

    public function testADryRunWritesNothingAndTheRunImports(): void
    {
        // vps1 already holds .200 in IP Manager, which its WHMCS fields do not list.
        ipmanager_assign(['service_id' => $this->ids['service_demo_vps'], 'address' => '203.0.113.200']);
        \Harness\Db::run("UPDATE tblhosting SET dedicatedip = '203.0.113.10', assignedips = '' WHERE id = ?", [$this->ids['service_demo_vps']]);
        $this->visit('sync');
        $this->clickAndWait('#ipm-sync-dry');
        $this->assertStringContainsString('Dry run, nothing written.', $this->el('#ipm-sync-summary')->text());
        $this->assertSame(1, ipmanager_address_list()['total'], 'nothing imported by the dry run');
        $second = $this->el('#ipm-sync-second_address')->text();
        $this->assertStringContainsString('203.0.113.10', $second);
        $this->assertStringContainsString('also holds 203.0.113.200', $second);
        $this->shot('dry-run');

        $this->clickAndWait('#ipm-sync-run');
        $this->assertStringContainsString('2 imported', $this->el('#ipm-sync-summary')->text());
        $this->assertStringContainsString('<code>203.0.113.50</code>', $this->browser->source());
        $this->assertSame(3, ipmanager_address_list()['total']);
        $this->shot('run');
    }

    public function testOrphansAreReleasedOneByOneOrAll(): void
    {
        $gone = \Harness\Seed::service($this->ids['client_other'], $this->ids['product_vps'], 0, 'gone.example', 'Cancelled', '', '');
        $gone2 = \Harness\Seed::service($this->ids['client_other'], $this->ids['product_vps'], 0, 'gone2.example', 'Terminated', '', '');
        ipmanager_assign(['service_id' => $gone, 'address' => '203.0.113.101']);
        ipmanager_assign(['service_id' => $gone2, 'address' => '203.0.113.102']);
        $this->visit('dashboard');
        $this->assertSame('2', $this->el('#ipm-fig-orphans .h3')->text());
        $this->clickAndWait('#ipm-fig-orphans');
        $this->assertSame('orphans', $this->el('.nav-tabs li.active')->attribute('data-page'), 'the figure links to the page that acts');
        $this->assertCount(2, $this->browser->findAll('#ipm-orphans tbody tr'));
        $this->shot('orphans');

        $question = $this->clickConfirmed('#ipm-orphans tbody tr:first-child button');
        $this->assertStringContainsString('Release 203.0.113.101?', $question);
        $this->assertStringContainsString('The server is not told', $question);
        $this->assertSame(['Released: 203.0.113.101.'], $this->messages());
        $this->assertCount(1, $this->browser->findAll('#ipm-orphans tbody tr'));

        $this->el('#ipm-release-all [name=mode]')->select('free');
        $question = $this->clickConfirmed('#ipm-release-all button');
        $this->assertStringContainsString('Release all 1 orphaned IPs?', $question);
        $this->assertSame(['Released: 203.0.113.102.'], $this->messages());
        $this->assertSame(['No orphaned IPs.'], $this->texts('.alert-info'));
    }
}
