<?php

use Harness\AdminArea;
use Harness\Session;
use IpManager\Addon\Runtime;

/**
 * The NetBox page against the real NetBox make test starts (scripts/netbox.sh): settings
 * saved, the token taken and never shown again, Test connection with NetBox's version or
 * its refusal, a bad value refused without change, CSRF; the connection state, each change
 * mirrored and the queue (NetBox away, retry, force); sync from NetBox with its dry run.
 */
final class NetBoxPageTest extends HarnessTestCase
{
    private array $netbox;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Session::actAsAdmin($this->ids['admin']);
        Runtime::connect();
        $env = dirname(__DIR__, 2) . '/var/netbox/netbox.env';
        $this->assertFileExists($env, 'start NetBox with `make netbox` first');
        $this->netbox = parse_ini_file($env);
    }

    private function page(array $post = []): string
    {
        $get = ['module' => 'ipmanager', 'action' => 'netbox'];
        if ($post === []) {
            return AdminArea::request($get)->body;
        }
        preg_match('/name="token" value="([^"]+)"/', AdminArea::request($get)->body, $m);
        return AdminArea::request($get, $post + ['token' => $m[1]], 'POST')->body;
    }

    private function save(string $url, string $token, array $more = []): string
    {
        return $this->page(['do' => 'save', 'f' => $more + ['url' => $url, 'token' => $token, 'verify_tls' => '1',
            'fingerprint' => '', 'connect_timeout_ms' => '1000', 'timeout_ms' => '8000', 'tag' => 'ip-manager', 'release_action' => 'deprecate']]);
    }

    public function testSettingsAndTestConnection(): void
    {
        $html = $this->page(['do' => 'test']);
        $this->assertStringContainsString('NetBox has no URL or API token yet', $html);

        $html = $this->save($this->netbox['NETBOX_URL'], $this->netbox['NETBOX_TOKEN']);
        $this->assertStringContainsString('NetBox settings saved.', $html);
        $this->assertStringNotContainsString($this->netbox['NETBOX_TOKEN'], $html, 'the token is never shown');
        $this->assertStringContainsString('a token is stored', $html);

        $html = $this->page(['do' => 'test']);
        $this->assertStringContainsString('NetBox answered: NetBox 4.7.3', $html);

        // A v1 token works too; a token NetBox does not know is refused in its words.
        $this->save($this->netbox['NETBOX_URL'], $this->netbox['NETBOX_TOKEN_V1']);
        $this->assertStringContainsString('NetBox answered: NetBox 4.7.3', $this->page(['do' => 'test']));
        $stranger = 'nbt_AAAAAAAAAAAA.' . str_repeat('C', 40);
        $this->save($this->netbox['NETBOX_URL'], $stranger);
        $html = $this->page(['do' => 'test']);
        $this->assertStringContainsString('NetBox refused the API token (HTTP 403)', $html);
        $this->assertStringNotContainsString(str_repeat('C', 40), $html);
    }

    public function testBadValuesAndForgedPostsChangeNothing(): void
    {
        $this->save($this->netbox['NETBOX_URL'], $this->netbox['NETBOX_TOKEN']);
        $before = ipmanager_netbox_settings();
        $this->assertStringContainsString('http:// or https://', $this->save('netbox.example.net', ''));
        $this->assertStringContainsString('request timeout', $this->save($this->netbox['NETBOX_URL'], '', ['timeout_ms' => '5']));
        $response = AdminArea::request(['module' => 'ipmanager', 'action' => 'netbox'],
            ['do' => 'save', 'f' => ['url' => 'http://127.0.0.1:1'], 'token' => 'forged'], 'POST');
        $this->assertStringNotContainsString('NetBox settings saved.', $response->body);
        $this->assertSame($before, ipmanager_netbox_settings());
    }

    /** NetBox's REST API, for set-up and checks: the decoded answer. */
    private function api(string $method, string $path, ?array $body = null): ?array
    {
        $ctx = ['Authorization: Bearer ' . $this->netbox['NETBOX_TOKEN'], 'Content-Type: application/json', 'Accept: application/json'];
        $options = ['method' => $method, 'header' => $ctx, 'ignore_errors' => true];
        if ($body !== null) {
            $options['content'] = json_encode($body);
        }
        $answer = file_get_contents($this->netbox['NETBOX_URL'] . '/api/' . $path, false, stream_context_create(['http' => $options]));
        return json_decode((string) $answer, true);
    }

    private function removeUnder(string $cidr): void
    {
        foreach (['ipam/ip-addresses/?parent=', 'ipam/prefixes/?within_include='] as $list) {
            $found = $this->api('GET', $list . urlencode($cidr));
            $ids = array_map(fn ($o) => ['id' => $o['id']], $found['results']);
            if ($ids !== []) {
                $this->api('DELETE', strtok($list, '?'), $ids);
            }
        }
    }

    public function testEachChangeIsMirroredAndTheQueueShowsWhatWaits(): void
    {
        $salt = getmypid() % 250 + 1;
        $tag = 'ipm-queue-' . $salt . '-' . random_int(1, 99999);
        $on = ['enabled' => '1', 'push_on_assign' => '1', 'tag' => $tag];
        $html = $this->save($this->netbox['NETBOX_URL'], $this->netbox['NETBOX_TOKEN'], $on);
        $this->assertStringContainsString('NetBox settings saved.', $html);
        $this->assertMatchesRegularExpression('/label-success">connected<\/span> NetBox 4\.7\.3/', $html);
        $this->assertStringContainsString('Changes for NetBox: 0 waiting, 0 of them failing.', $html);
        $cidr = "10.$salt." . random_int(1, 250) . '.0/24';
        try {
            $s = ipmanager_subnet_create(['cidr' => $cidr, 'name' => 'queue']);
            $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'queue pool']);
            $first = ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $this->ids['service_demo_vps']])[0]['address'];
            // Sent right after the change: NetBox has it, the queue shows it delivered.
            $found = $this->api('GET', 'ipam/ip-addresses/?address=' . $first)['results'];
            $this->assertCount(1, $found);
            $this->assertSame('active', $found[0]['status']['value']);
            $this->assertStringStartsWith('WHMCS service #' . $this->ids['service_demo_vps'], $found[0]['description']);
            $html = $this->page();
            $this->assertMatchesRegularExpression('/data-status="delivered">.*?<code>' . preg_quote($first, '/') . '<\/code>/s', $html);

            // NetBox away: the allocation stands, the change waits with the error, the page says so.
            $this->save('http://127.0.0.1:1', '', $on);
            $second = ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $this->ids['service_demo_vps'], 'count' => 2])[1]['address'];
            $html = $this->page();
            $this->assertStringContainsString('label-danger">not answering', $html);
            $this->assertStringContainsString('Changes for NetBox: 1 waiting, 1 of them failing.', $html);
            $this->assertMatchesRegularExpression('/data-status="pending">.*?<code>' . preg_quote($second, '/') . '<\/code>.*?ipm-last-error">[^<]*127\.0\.0\.1:1/s', $html);
            $this->assertSame([], $this->api('GET', 'ipam/ip-addresses/?address=' . $second)['results']);
            preg_match('/data-outbox-id="(\d+)" data-status="pending"/', $html, $m);

            // Back: Retry now sends it.
            $this->save($this->netbox['NETBOX_URL'], '', $on);
            $html = $this->page(['do' => 'retry', 'id' => $m[1]]);
            $this->assertStringContainsString('NetBox change #' . $m[1] . ' sent.', $html);
            $this->assertCount(1, $this->api('GET', 'ipam/ip-addresses/?address=' . $second)['results']);
            $this->assertStringContainsString('Changes for NetBox: 0 waiting, 0 of them failing.', $html);

            // Force closes one that cannot be sent, and says how to catch up.
            $this->save('http://127.0.0.1:1', '', $on);
            ipmanager_release(['address' => $second, 'mode' => 'free']);
            preg_match('/data-outbox-id="(\d+)" data-status="pending"/', $this->page(), $m);
            $html = $this->page(['do' => 'force', 'id' => $m[1]]);
            $this->assertStringContainsString('NetBox change #' . $m[1] . ' closed without sending it', $html);
            $this->assertStringContainsString('Changes for NetBox: 0 waiting', $html);
        } finally {
            $this->removeUnder($cidr);
        }
    }

    public function testSyncFromNetBoxShowsItsDryRunThenBringsItIn(): void
    {
        $this->assertStringContainsString('Not synced from NetBox yet.', $this->page());
        $salt = getmypid() % 250 + 1;
        $tag = 'ipm-sync-page-' . $salt . '-' . random_int(1, 99999);
        $this->save($this->netbox['NETBOX_URL'], $this->netbox['NETBOX_TOKEN'], ['tag' => $tag]);
        $base = "10.$salt." . random_int(1, 250);
        $cidr = "$base.0/24";
        try {
            $s = ipmanager_subnet_create(['cidr' => $cidr, 'name' => 'sync page']);
            $this->api('POST', 'ipam/ip-addresses/', ['address' => "$base.9/24", 'status' => 'active', 'description' => 'switch <b>']);
            $this->api('POST', 'ipam/prefixes/', ['prefix' => "$base.128/26", 'description' => 'NetBox block']);
            $html = $this->page(['do' => 'sync', 'dry_run' => '1']);
            $this->assertStringContainsString('Dry run, nothing was changed:', $html);
            $this->assertMatchesRegularExpression('/ipm-sync-reserved.*?<code>' . preg_quote("$base.9/24", '/') . '<\/code>/s', $html);
            $this->assertMatchesRegularExpression('/ipm-sync-subnets.*?<code>' . preg_quote("$base.128/26", '/') . '<\/code><\/td><td>added as a subnet inside/s', $html);
            $ours = fn () => array_values(array_filter(ipmanager_subnet_list(), fn ($x) => str_starts_with($x['cidr'], "$base.")));
            $this->assertCount(1, $ours(), 'the dry run kept nothing');
            $this->assertStringContainsString('Not synced from NetBox yet.', $html);

            $html = $this->page(['do' => 'sync', 'dry_run' => '0']);
            $this->assertStringNotContainsString('Dry run, nothing was changed', $html);
            $this->assertCount(2, $ours());
            $this->assertStringContainsString("$base.9", ipmanager_subnet_get($s['id'])['reserved']);
            $this->assertMatchesRegularExpression('/Last sync [0-9-]+ [0-9:]+ UTC: \d+ subnet\(s\) added/', $html);
            $html = $this->page(['do' => 'sync', 'dry_run' => '0']);
            $this->assertMatchesRegularExpression('/0 subnet\(s\) added, 0 address\(es\) reserved, 0 assigned, [1-9]\d* unchanged/', $html);
        } finally {
            $this->removeUnder($cidr);
        }
    }

    public function testPushShowsWhatWasSentAndIsRemembered(): void
    {
        $this->assertStringContainsString('Not pushed yet.', $this->page());
        $salt = getmypid() % 250 + 1;
        $tag = 'ipm-page-' . $salt . '-' . random_int(1, 99999);
        $this->save($this->netbox['NETBOX_URL'], $this->netbox['NETBOX_TOKEN'], ['tag' => $tag]);
        $cidr = "10.$salt." . random_int(1, 250) . '.0/24';
        $s = ipmanager_subnet_create(['cidr' => $cidr, 'name' => 'page']);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'page pool']);
        ipmanager_allocate(['pool_id' => $p['id'], 'service_id' => $this->ids['service_demo_vps']]);
        $html = $this->page(['do' => 'scope', 'subnet_id' => (string) $s['id'], 'site_id' => 'x', 'tenant_id' => '', 'vrf_id' => '']);
        $this->assertStringContainsString('site_id', $html, 'a bad id is refused in words');
        $html = $this->page(['do' => 'scope', 'subnet_id' => (string) $s['id'], 'site_id' => '', 'tenant_id' => '', 'vrf_id' => '']);
        $this->assertStringContainsString('NetBox scope of subnet #' . $s['id'] . ' saved.', $html);
        $this->assertStringContainsString('data-subnet-id="' . $s['id'] . '"', $html);
        $html = $this->page(['do' => 'push']);
        $this->assertMatchesRegularExpression('/Pushed to NetBox: prefixes 1 created, 0 updated, 0 retired; addresses 1 created, 0 updated, 0 retired; 0 unchanged/', $html);
        $this->assertStringContainsString('Last push ', $html);
        $html = $this->page(['do' => 'push']);
        $this->assertMatchesRegularExpression('/prefixes 0 created, 0 updated, 0 retired; addresses 0 created, 0 updated, 0 retired; 2 unchanged/', $html);
        $this->removeUnder($cidr);
    }
}
