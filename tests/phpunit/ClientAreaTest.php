<?php

use Harness\AddonModule;
use Harness\ClientArea;
use Harness\CsrfFailure;
use Harness\Db;
use Harness\Seed;
use Harness\Session;
use IpManager\Addon\Runtime;

/**
 * The client area (index.php?m=ipmanager) and the service's own page: what IP Manager
 * assigned (never WHMCS's stale fields), each service by number, the main IP marked; giving
 * an address back through a confirmation and a CSRF-checked POST, as the setting allows,
 * only for the session's own services; in the Six and Twenty-One themes.
 */
final class ClientAreaTest extends HarnessTestCase
{
    private array $held;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
        $v4 = ipmanager_subnet_create(['cidr' => '95.90.94.0/24', 'name' => 'client v4']);
        $v4pool = ipmanager_pool_create(['subnet_id' => $v4['id'], 'name' => 'client v4', 'range' => '95.90.94.10-95.90.94.50']);
        $v6 = ipmanager_subnet_create(['cidr' => '2a01:4f8:c0de::/48', 'name' => 'client v6']);
        $v6pool = ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'client v6', 'prefix_len' => 64]);
        $vps = $this->ids['service_demo_vps'];
        $four = ipmanager_allocate(['pool_id' => $v4pool['id'], 'service_id' => $vps, 'count' => 2]);
        $six = ipmanager_allocate(['pool_id' => $v6pool['id'], 'service_id' => $vps]);
        // WHMCS's fields as IP Manager writes them: the first IPv4 is the main (dedicated) IP.
        Db::run('UPDATE tblhosting SET dedicatedip = ?, assignedips = ? WHERE id = ?',
            [$four[0]['address'], $four[1]['address'] . "\n" . $six[0]['address'], $vps]);
        $this->held = ['primary' => $four[0]['address'], 'extra' => $four[1]['address'], 'prefix' => $six[0]['address']];
        // Another client's service, holding the next address.
        $other = Seed::client('other@example.com', 'Olga', 'Other');
        $otherService = Seed::service($other, $this->ids['product_vps'], 0, 'vps.other.example', 'Active', '', '');
        $this->held['other'] = ipmanager_allocate(['pool_id' => $v4pool['id'], 'service_id' => $otherService])[0]['address'];
        Session::logout();
        Session::actAsClient($this->ids['client_demo']);
    }

    private function page(array $get = [], array $post = []): string
    {
        return ClientArea::request(['m' => 'ipmanager'] + $get, $post, $post === [] ? 'GET' : 'POST')->body;
    }

    /** @return array<string,int> address => assignment id, as the page links them */
    private function assignmentIds(): array
    {
        $ids = [];
        foreach (ipmanager_client_services($this->ids['client_demo'])['services'] as $s) {
            foreach ($s['addresses'] as $a) {
                $ids[$a['address']] = $a['id'];
            }
        }
        return $ids;
    }

    private function rowOf(string $address): array
    {
        return ipmanager_address_list(['search' => $address])['items'][0];
    }

    public function testTheClientPageRequiresLogin(): void
    {
        Session::logout();
        $response = ClientArea::request(['m' => 'ipmanager']);
        $this->assertSame(302, $response->status);
        $this->assertSame('login.php?goto=' . rawurlencode('index.php?m=ipmanager'), $response->location);
    }

    public function testTheListIsWhatIpManagerAssignedNotWhmcsFields(): void
    {
        Db::run("UPDATE tblhosting SET assignedips = '203.0.113.11\nnot-an-ip' WHERE id = ?", [$this->ids['service_demo_vps']]);
        $html = $this->page();
        foreach ($this->held as $key => $address) {
            if ($key === 'other') {
                $this->assertStringNotContainsString($address . '<', $html, 'another client\'s address');
            } else {
                $this->assertStringContainsString('<code>' . $address . '</code>', $html);
            }
        }
        $this->assertStringNotContainsString('203.0.113.11', $html);
        $this->assertStringNotContainsString('not-an-ip', $html);
        $this->assertStringNotContainsString('vps.other.example', $html);
        $this->assertStringContainsString('#' . $this->ids['service_demo_vps'] . ' vps1.demo.example', $html, 'services told apart by number');
        $this->assertMatchesRegularExpression('/<code>' . preg_quote($this->held['primary'], '/') . '<\/code>\s*<span class="label label-primary badge badge-primary">main IP/', $html);
        // The default: additional IPs can be given back, the main one cannot.
        $ids = $this->assignmentIds();
        $this->assertStringContainsString('a=unassign&amp;id=' . $ids[$this->held['extra']] . '"', $html);
        $this->assertStringContainsString('a=unassign&amp;id=' . $ids[$this->held['prefix']] . '"', $html);
        $this->assertStringNotContainsString('a=unassign&amp;id=' . $ids[$this->held['primary']] . '"', $html);
    }

    public function testAnAdditionalIpIsGivenBackAfterConfirmingWithTheToken(): void
    {
        $id = $this->assignmentIds()[$this->held['extra']];
        $confirm = $this->page(['a' => 'unassign', 'id' => (string) $id]);
        $this->assertStringContainsString('Give ' . $this->held['extra'] . ' of vps1.demo.example back?', $confirm);
        $this->assertStringNotContainsString('ipm-primary-warning', $confirm);
        preg_match('/name="token" value="([^"]+)"/', $confirm, $m);

        try {
            $this->page(['a' => 'unassign'], ['id' => (string) $id, 'token' => 'forged']);
            $this->fail('a forged token must stop the request');
        } catch (CsrfFailure $e) {
            $this->assertSame('assigned', $this->rowOf($this->held['extra'])['state']);
        }

        $html = $this->page(['a' => 'unassign'], ['id' => (string) $id, 'token' => $m[1]]);
        $this->assertStringContainsString($this->held['extra'] . ' was given back.', $html);
        $this->assertStringNotContainsString('<code>' . $this->held['extra'] . '</code>', $html);
        $this->assertSame('quarantined', $this->rowOf($this->held['extra'])['state']);
        $fields = Db::one('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?', [$this->ids['service_demo_vps']]);
        $this->assertSame($this->held['primary'], $fields['dedicatedip']);
        $this->assertSame($this->held['prefix'], trim($fields['assignedips']), 'WHMCS\'s assigned IPs updated');
        $log = ipmanager_log_list(['search' => $this->held['extra']])['items'];
        $this->assertContains('client', array_column($log, 'actor_type'), 'the change log names the client');
    }

    public function testTheMainIpFollowsTheSetting(): void
    {
        $id = $this->assignmentIds()[$this->held['primary']];
        $m = [1 => generate_token('plain')];
        // Default (additional only): neither the confirmation nor a forged POST takes it.
        $this->assertStringContainsString('That IP address cannot be given back here.', $this->page(['a' => 'unassign', 'id' => (string) $id]));
        $html = $this->page(['a' => 'unassign'], ['id' => (string) $id, 'token' => $m[1]]);
        $this->assertStringContainsString('is the main IP of vps1.demo.example; only additional IPs can be given back here.', $html);
        $this->assertSame('assigned', $this->rowOf($this->held['primary'])['state']);

        // Nothing: no button anywhere, and a POST is refused.
        AddonModule::saveSettings(['client_unassign' => 'none']);
        $html = $this->page();
        $this->assertStringNotContainsString('a=unassign', $html);
        $extra = $this->assignmentIds()[$this->held['extra']];
        $this->assertStringContainsString('IP addresses cannot be given back here', $this->page(['a' => 'unassign'], ['id' => (string) $extra, 'token' => $m[1]]));
        $this->assertSame('assigned', $this->rowOf($this->held['extra'])['state']);

        // Any: the main IP too, after a warning that the service loses its main address.
        AddonModule::saveSettings(['client_unassign' => 'any']);
        $confirm = $this->page(['a' => 'unassign', 'id' => (string) $id]);
        $this->assertStringContainsString('id="ipm-primary-warning"', $confirm);
        $this->assertStringContainsString('is the main IP address of this service', $confirm);
        $html = $this->page(['a' => 'unassign'], ['id' => (string) $id, 'token' => $m[1]]);
        $this->assertStringContainsString($this->held['primary'] . ' was given back.', $html);
        $this->assertSame('', Db::one('SELECT dedicatedip FROM tblhosting WHERE id = ?', [$this->ids['service_demo_vps']])['dedicatedip']);
    }

    public function testAnotherClientsAddressIsRefusedLoggedAndUntouched(): void
    {
        $otherId = ipmanager_address_list(['search' => $this->held['other']])['items'][0]['id'];
        $m = [1 => generate_token('plain')];
        $this->assertStringContainsString('That IP address cannot be given back here.', $this->page(['a' => 'unassign', 'id' => (string) $otherId]));
        $html = $this->page(['a' => 'unassign'], ['id' => (string) $otherId, 'token' => $m[1]]);
        $this->assertStringContainsString('does not exist any more, is not yours, or was already released', $html);
        $this->assertSame('assigned', $this->rowOf($this->held['other'])['state']);
        $refused = ipmanager_log_list(['action' => 'client.refused'])['items'];
        $this->assertCount(1, $refused);
        $this->assertStringContainsString('Client #' . $this->ids['client_demo'], $refused[0]['message']);
        $this->assertNotNull(Db::one("SELECT id FROM tblactivitylog WHERE description LIKE 'IP Manager client area:%' AND userid = ?", [$this->ids['client_demo']]));
    }

    public function testTheServicePageShowsItsIpsToItsOwnerOnly(): void
    {
        $html = ClientArea::productDetails($this->ids['service_demo_vps'])->body;
        $this->assertStringContainsString('id="ipm-product-ips"', $html);
        $this->assertStringContainsString('<code>' . $this->held['prefix'] . '</code>', $html);
        Session::logout();
        Session::actAsClient((int) Db::one("SELECT id FROM tblclients WHERE email = 'other@example.com'")['id']);
        $response = ClientArea::productDetails($this->ids['service_demo_vps']);
        $this->assertSame(302, $response->status, 'WHMCS sends another client away');
        // The hook itself refuses too, whatever it is handed.
        $this->assertSame('', \IpManager\Addon\ClientArea::productDetails($this->ids['service_demo_vps'], $this->ids['client_demo']));
    }

    public function testEveryValueIsEscapedInBothThemes(): void
    {
        Db::run("UPDATE tblhosting SET domain = '<script>alert(1)</script>' WHERE id = ?", [$this->ids['service_demo_vps']]);
        foreach (['six' => 'navbar-default', 'twentyone' => 'navbar-expand-lg'] as $theme => $marker) {
            $html = $this->page(['systpl' => $theme]);
            $this->assertStringContainsString($marker, $html, $theme);
            $this->assertStringNotContainsString('<script>alert(1)</script>', $html);
            $this->assertStringContainsString('&lt;script&gt;alert(1)&lt;/script&gt;', $html);
            $confirm = $this->page(['a' => 'unassign', 'id' => (string) $this->assignmentIds()[$this->held['extra']]]);
            $this->assertStringNotContainsString('<script>alert(1)</script>', $confirm);
        }
    }

    public function testAClientWithoutServicesGetsAFriendlyMessage(): void
    {
        $lonely = Seed::client('lonely@example.com', 'Lee', 'Lonely');
        Session::logout();
        Session::actAsClient($lonely);
        $this->assertStringContainsString('You have no services yet.', $this->page());
    }
}
