<?php

/** The dashboard's operational figures, each a link to the page that acts on it. */
final class DashboardTest extends BrowserTestCase
{
    public function testTheFiguresShowWhatNeedsAttention(): void
    {
        $this->natives();
        \Harness\AddonModule::saveSettings(['usage_alert_threshold' => '50']);
        $full = ipmanager_subnet_create(['cidr' => '192.0.2.0/29', 'name' => 'nearly full']);
        $pool = ipmanager_pool_create(['subnet_id' => $full['id'], 'name' => 'small pool']);
        ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $this->ids['service_demo_vps'], 'count' => 4]);
        ipmanager_subnet_create(['cidr' => '2001:db8::/48', 'name' => 'empty v6']);
        ipmanager_usage_check();
        ipmanager_sync(['dry_run' => false]);
        $this->loginAdmin();
        $this->visit('dashboard');
        $this->shot('figures');

        $subnets = $this->texts('#ipm-fullest-subnets tr');
        $this->assertStringContainsString('192.0.2.0/29 nearly full', $subnets[0], 'fullest first');
        $this->assertStringContainsString('4 of 6 addresses used', $subnets[0]);
        $this->assertStringContainsString('0 of 65,536 /64 prefixes used', $subnets[1]);
        $this->assertStringContainsString('small pool', $this->el('#ipm-fullest-pools')->text());
        $this->assertSame('2', $this->el('#ipm-fig-alerts .h3')->text(), 'the subnet and its pool crossed 50 %');
        $runs = $this->el('.ipm-last-runs')->text();
        $this->assertStringContainsString('Last Synchronize: ' . gmdate('Y-m-d'), $runs);
        $this->assertStringContainsString('Last IP Cleaner run: never', $runs);

        $this->clickAndWait('#ipm-fullest-subnets a');
        $this->assertSame('addresses', $this->el('.nav-tabs li.active')->attribute('data-page'));
        $this->assertCount(4, $this->browser->findAll('#ipm-addresses tbody tr'), 'the link opens that subnet\'s addresses');
        $this->visit('dashboard');
        $this->clickAndWait('#ipm-fig-sync');
        $this->assertSame('sync', $this->el('.nav-tabs li.active')->attribute('data-page'));
    }
}
