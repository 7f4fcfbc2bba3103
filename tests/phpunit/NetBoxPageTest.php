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
            'fingerprint' => '', 'connect_timeout_ms' => '1000', 'timeout_ms' => '8000']]);
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
}
