<?php

use Harness\AddonModule;
use Harness\Db;
use Harness\LocalApi;
use Harness\Seed;
use IpManager\Addon\Runtime;

/** Usage alerts (not repeated until usage falls and crosses again), the IP Cleaner, cron. */
final class AlertsCleanerTest extends HarnessTestCase
{
    private array $pool;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        AddonModule::saveSettings(['usage_alert_threshold' => '50']);
        Runtime::connect();
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/29', 'name' => 'tiny']);
        $this->pool = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'tiny pool']);
    }

    private function emails(): array
    {
        return LocalApi::calls('SendAdminEmail');
    }

    public function testAnAlertIsSentOnceAndAgainOnlyAfterUsageFellAndCrossedAgain(): void
    {
        foreach ([1, 2, 3] as $svc) {
            ipmanager_allocate(['pool_id' => $this->pool['id'], 'service_id' => $svc]);
        }
        $lines = IpManager\Addon\Cron::usageAlerts(AddonModule::lang());
        $this->assertSame(['Usage check: alert sent for 2 subnet(s)/pool(s).'], $lines, 'the /29 and its pool are at 50%');
        $this->assertCount(1, $this->emails());
        $mail = $this->emails()[0]['params'];
        $this->assertSame('system', $mail['type']);
        $this->assertStringContainsString('2 subnet(s)/pool(s) reached 50% usage', $mail['customsubject']);
        $this->assertStringContainsString('Hello Ada Admin', $mail['custommessage']);
        $this->assertStringContainsString('Pool tiny pool (192.0.2.0/29): 50% used, 3 of 6', $mail['custommessage']);

        IpManager\Addon\Cron::usageAlerts(AddonModule::lang());
        $this->assertCount(1, $this->emails(), 'not repeated while still above');

        ipmanager_release(['service_id' => 3, 'mode' => 'free']);
        ipmanager_release(['service_id' => 2, 'mode' => 'free']);
        $this->assertSame(['Usage check: nothing newly reached 50%.'], IpManager\Addon\Cron::usageAlerts(AddonModule::lang()));
        ipmanager_allocate(['pool_id' => $this->pool['id'], 'service_id' => 4, 'count' => 2]);
        IpManager\Addon\Cron::usageAlerts(AddonModule::lang());
        $this->assertCount(2, $this->emails(), 'crossed again after falling below');
    }

    public function testTheCleanerNotifiesOrMarksFreeIpsWhmcsNoLongerLists(): void
    {
        $svc = Seed::service($this->ids['client_demo'], $this->ids['product_vps'], 0, 'c.example', 'Active', '', '');
        $ip = ipmanager_allocate(['pool_id' => $this->pool['id'], 'service_id' => $svc, 'count' => 2]);
        Db::run('UPDATE tblhosting SET dedicatedip = ?, assignedips = ? WHERE id = ?', [$ip[0]['address'], '', $svc]);

        $lines = IpManager\Addon\Cron::cleaner(AddonModule::lang(), 'notify');
        $this->assertSame(['IP Cleaner: 1 IP(s) no longer listed by their service: ' . $ip[1]['address'] . '. Notify only: nothing was changed.'], $lines);
        $this->assertStringContainsString($ip[1]['address'] . ' of service #' . $svc . '; WHMCS lists: ' . $ip[0]['address'], $this->emails()[0]['params']['custommessage']);
        $this->assertSame(2, ipmanager_address_list(['service_id' => $svc])['total']);

        IpManager\Addon\Cron::cleaner(AddonModule::lang(), 'mark_free');
        $this->assertSame([$ip[0]['address']], array_column(ipmanager_address_list(['service_id' => $svc])['items'], 'address'));
        $this->assertSame(['IP Cleaner: every assignment matches WHMCS.'], IpManager\Addon\Cron::cleaner(AddonModule::lang(), 'notify'));
    }

    public function testTheCronScriptAndTheDailyHookRunTheJobsWithTheConfiguredCleaner(): void
    {
        ipmanager_allocate(['pool_id' => $this->pool['id'], 'service_id' => 1, 'count' => 3]);
        AddonModule::saveSettings(['ip_cleaner_enabled' => true, 'ip_cleaner_behavior' => 'mark_free']);
        $script = ROOTDIR . '/modules/addons/ipmanager/cron/usage_alerts.php';
        $so = getenv('IPMANAGER_EXT') ?: dirname(__DIR__, 2) . '/target/release/libipmanager.so';
        $proc = proc_open([PHP_BINARY, '-d', 'extension=' . $so, $script], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        $this->assertSame(0, proc_close($proc), $err);
        $this->assertStringContainsString('Usage check: alert sent for 2 subnet(s)/pool(s).', $out);
        $this->assertStringContainsString('IP Cleaner: 3 IP(s) no longer listed by their service: ', $out, 'service #1 lists other IPs');
        $this->assertStringContainsString('. Mark free', $out);
        $this->assertSame(0, ipmanager_address_list(['service_id' => 1])['total']);
        $this->assertSame('cron', ipmanager_log_list(['action' => 'address.release'])['items'][0]['actor_type']);

        AddonModule::loadHooks();
        ipmanager_allocate(['pool_id' => $this->pool['id'], 'service_id' => 2]);
        run_hook('DailyCronJob', []);
        $this->assertSame(0, ipmanager_address_list(['service_id' => 2])['total'], 'the hook ran the cleaner too');
    }
}
