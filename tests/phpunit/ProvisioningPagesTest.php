<?php

use Harness\AdminArea;
use Harness\Db;
use Harness\Seed;
use Harness\Session;
use IpManager\Addon\Runtime;

/** The Configurations, Synchronize and Orphaned admin pages. */
final class ProvisioningPagesTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
        Session::actAsAdmin($this->ids['admin']);
    }

    private function page(string $action, array $post = null): string
    {
        if ($post === null) {
            $response = AdminArea::request(['module' => 'ipmanager', 'action' => $action]);
        } else {
            preg_match('/name="token" value="([^"]+)"/', $this->page('dashboard') . generate_token(), $m);
            $response = AdminArea::request(['module' => 'ipmanager', 'action' => $action], $post + ['token' => $m[1]], 'POST');
        }
        $this->assertSame(200, $response->status);
        return $response->body;
    }

    public function testAConfigurationAndItsRelationAreAddedThroughThePage(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/24', 'name' => 'v4']);
        $pool = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'VPS pool']);
        $html = $this->page('configurations', ['do' => 'save_configuration', 'f' => ['name' => 'Proxmox VPS', 'ipv4_count' => '1', 'ipv6_count' => '0', 'omit_dedicated_ip' => '0', 'custom_field' => '']]);
        $this->assertStringContainsString('Configuration Proxmox VPS saved.', $html);
        $this->assertStringContainsString('<option value="product:' . $this->ids['product_vps'] . '" data-kind="product">VPS S</option>', $html);
        $config = ipmanager_configuration_list()[0]['id'];
        $html = $this->page('configurations', ['do' => 'add_relation', 'r' => ['configuration_id' => (string) $config,
            'target' => 'product:' . $this->ids['product_vps'], 'draws_from' => 'pool:' . $pool['id']]]);
        $this->assertStringContainsString('Relation added.', $html);
        $this->assertMatchesRegularExpression('#Product: VPS S</td>\s*<td>pool &quot;VPS pool&quot;#', $html);
        $html = $this->page('configurations', ['do' => 'add_relation', 'r' => ['configuration_id' => (string) $config,
            'target' => 'product:999', 'draws_from' => 'pool:' . $pool['id']]]);
        $this->assertStringContainsString('Product #999 does not exist in WHMCS', $html);
    }

    public function testSynchronizeOffersADryRunAndShowsTheReport(): void
    {
        ipmanager_subnet_create(['cidr' => '203.0.113.0/24', 'name' => 'legacy']);
        $dry = $this->page('sync', ['do' => 'dry_run', 'live_only' => '1']);
        $this->assertStringContainsString('Dry run, nothing written. 2 services scanned: 4 would be imported', $dry);
        $this->assertSame(0, ipmanager_address_list()['total']);
        $run = $this->page('sync', ['do' => 'run', 'live_only' => '1']);
        $this->assertStringContainsString('2 services scanned: 4 imported', $run);
        $this->assertStringContainsString('<code>203.0.113.50</code>', $run);
    }

    public function testOrphansAreListedAndReleasedFromThePage(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '198.51.100.0/28', 'name' => 'o']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'o pool']);
        $gone = Seed::service($this->ids['client_demo'], $this->ids['product_vps'], 0, 'gone.example', 'Cancelled', '', '');
        $ip = ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $gone])[0]['address'];
        $html = $this->page('orphans');
        $this->assertStringContainsString('<code>' . $ip . '</code>', $html);
        $this->assertStringContainsString('Cancelled', $html);
        $html = $this->page('orphans', ['do' => 'release_all', 'mode' => 'free']);
        $this->assertStringContainsString("Released: $ip.", $html);
        $this->assertStringContainsString('No orphaned IPs.', $html);
    }

    public function testTheSettingsPageShowsTheSettingsAndRunsTheJobsNow(): void
    {
        Harness\AddonModule::saveSettings(['usage_alert_threshold' => '90', 'ip_cleaner_behavior' => 'mark_free']);
        $html = $this->page('settings');
        $this->assertMatchesRegularExpression('#<th>Usage Alert Threshold \(%\)</th>\s*<td class="ipm-setting-value">90</td>#', $html);
        $this->assertMatchesRegularExpression('#<th>IP Cleaner Behavior</th>\s*<td class="ipm-setting-value">Mark free</td>#', $html);
        $html = $this->page('settings', ['do' => 'run_alerts']);
        $this->assertStringContainsString('Usage check: nothing newly reached 90%.', $html);
        $html = $this->page('settings', ['do' => 'run_cleaner']);
        $this->assertStringContainsString('IP Cleaner: every assignment matches WHMCS.', $html);
    }
}
