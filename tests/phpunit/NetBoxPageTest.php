<?php

use Harness\AdminArea;
use Harness\Session;
use IpManager\Addon\Runtime;

/**
 * The NetBox page against the real NetBox make test starts (scripts/netbox.sh): settings
 * saved, the token taken and never shown again, Test connection with NetBox's version or
 * its refusal, a bad value refused without change, CSRF.
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
        // Clean up what this test made in NetBox.
        $ctx = ['Authorization: Bearer ' . $this->netbox['NETBOX_TOKEN'], 'Content-Type: application/json', 'Accept: application/json'];
        foreach (['ipam/ip-addresses/?parent=', 'ipam/prefixes/?within_include='] as $list) {
            $found = json_decode((string) file_get_contents($this->netbox['NETBOX_URL'] . '/api/' . $list . urlencode($cidr),
                false, stream_context_create(['http' => ['header' => $ctx]])), true);
            $ids = array_map(fn ($o) => ['id' => $o['id']], $found['results']);
            file_get_contents($this->netbox['NETBOX_URL'] . '/api/' . strtok($list, '?'), false, stream_context_create(['http' => [
                'method' => 'DELETE', 'header' => $ctx, 'content' => json_encode($ids), 'ignore_errors' => true]]));
        }
    }
}
