<?php

/** Settings through Setup → Addon Modules → Configure, the jobs run now, logs and their filters. */
final class SettingsAndLogsTest extends BrowserTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->loginAdmin();
    }

    public function testSettingsAreChangedThroughConfigureAndShownAsValues(): void
    {
        $this->visit('settings');
        $this->clickAndWait('#ipm-configure');
        $this->assertStringEndsWith('/admin/configaddonmods.php#ipmanager', $this->browser->url());
        $this->shot('configure');
        $this->submit('#addon-configure form', ['fields[usage_alert_threshold]' => '90', 'fields[ip_cleaner_enabled]' => true,
            'fields[ip_cleaner_behavior]' => 'Mark free', 'fields[release_quarantine_hours]' => '0'], '#addon-save');
        $this->visit('settings');
        $value = fn (string $key) => $this->el("#ipm-settings tr[data-setting=$key] .ipm-setting-value")->text();
        $this->assertSame('90', $value('usage_alert_threshold'));
        $this->assertSame('yes', $value('ip_cleaner_enabled'));
        $this->assertSame('Mark free', $value('ip_cleaner_behavior'));
        $this->assertSame('0', $value('release_quarantine_hours'));
        $this->shot('settings');

        // The IP Cleaner names the addresses it found and, set to mark free, frees them.
        $this->natives();
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => 'c']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'c pool']);
        $vps = $this->ids['service_demo_vps'];
        $ip = ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $vps])[0]['address'];
        $this->submit('form:has(#ipm-run-cleaner)', [], '#ipm-run-cleaner');
        $this->assertStringContainsString("IP Cleaner: 1 IP(s) no longer listed by their service: $ip.", $this->messages()[0]);
        $this->assertSame(0, ipmanager_address_list(['service_id' => $vps, 'state' => 'assigned'])['total']);
    }

    public function testLogsNameWhoAndWhatAndFilter(): void
    {
        $this->natives();
        ipmanager_set_actor(['type' => 'admin', 'id' => $this->ids['admin']]);
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => 'logged']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'logged pool']);
        ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $this->ids['service_demo_vps']]);
        $this->visit('logs');
        $this->assertSame('3 changes', trim(explode('·', $this->el('.ipm-pager')->text())[1]));
        $this->assertContains('Subnet added', $this->texts('#ipm-logs tbody td:nth-child(3)'));
        $this->assertContains('Admin Ada Admin', $this->texts('#ipm-logs tbody td:nth-child(2)'));
        $this->assertTrue($this->el('#ipm-logs thead th.text-nowrap')->displayed(), 'the time column does not wrap');
        $this->shot('logs');

        $this->submit('#ipm-log-filters', ['area' => 'Addresses']);
        $this->assertSame(['Address assigned'], $this->texts('#ipm-logs tbody td:nth-child(3)'));
        $this->assertSame('1 change', trim(explode('·', $this->el('.ipm-pager')->text())[1]));
        $this->assertSame('address.', $this->el('#ipm-log-filters [name=area]')->property('value'), 'the filter stays chosen');

        $this->submit('#ipm-log-filters', ['area' => '', 'search' => '(logged)']);
        $this->assertSame(['Subnet added'], $this->texts('#ipm-logs tbody td:nth-child(3)'));
    }

    public function testARefusedFilterShowsTheMessageAboveTheSamePage(): void
    {
        $this->natives();
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/28', 'name' => 'f']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'f pool']);
        $ip = ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $this->ids['service_demo_vps']])[0]['address'];
        $this->visit('addresses');
        $this->submit('#ipm-address-filters', ['search' => 'not-an-ip']);
        $this->assertCount(1, $this->texts('.ipm-messages .alert-danger'));
        $this->assertSame('not-an-ip', $this->el('#ipm-address-filters [name=search]')->property('value'), 'the typed value stays');
        $this->assertTrue($this->browser->has('#ipm-addresses'), 'the list is still there');
        $row = $this->el('#ipm-addresses tbody tr')->text();
        $this->assertStringContainsString($ip, $row);
        $this->assertStringContainsString('#' . $this->ids['service_demo_vps'] . ' vps1.demo.example — Dana Demo', $row, 'names, not ids');
        $this->assertStringContainsString('f pool', $row);
        $this->shot('addresses-refused-filter');
    }
}
