<?php

use Harness\AdminArea;
use Harness\Session;
use IpManager\Addon\Runtime;

/**
 * The Reverse DNS admin page against the real PowerDNS make test starts (dig -x): settings
 * saved with the key never shown again, Test connection, a subnet managed, a PTR set by
 * hand, the subnet's reset back to the defaults, and a forged POST refused; the queue of
 * changes for PowerDNS with each one's error, Retry now and Force.
 */
final class ReverseDnsPageTest extends HarnessTestCase
{
    private array $pdns;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Session::actAsAdmin($this->ids['admin']);
        Runtime::connect();
        $this->pdns = parse_ini_file(dirname(__DIR__, 2) . '/var/pdns/pdns.env');
    }

    private function page(array $post = []): string
    {
        $get = ['module' => 'ipmanager', 'action' => 'rdns'];
        if ($post === []) {
            return AdminArea::request($get)->body;
        }
        preg_match('/name="token" value="([^"]+)"/', AdminArea::request($get)->body, $m);
        return AdminArea::request($get, $post + ['token' => $m[1]], 'POST')->body;
    }

    private function dig(string $address): string
    {
        return trim((string) shell_exec(sprintf('dig -p %d @127.0.0.1 +norecurse +short -x %s', (int) $this->pdns['PDNS_DNS_PORT'], escapeshellarg($address))));
    }

    public function testSettingsSubnetsPtrsAndReset(): void
    {
        $this->assertStringContainsString('not configured', $this->page());
        $html = $this->page(['do' => 'save', 'f' => ['enabled' => '1', 'url' => $this->pdns['PDNS_URL'], 'api_key' => $this->pdns['PDNS_API_KEY'],
            'server_id' => 'localhost', 'ttl' => '300', 'template' => '{ip-dashed}.static.example.net', 'release_template' => '',
            'nameservers' => 'ns1.example.net', 'forward_confirm' => '0']]);
        $this->assertStringContainsString('Reverse DNS settings saved.', $html);
        $this->assertStringNotContainsString($this->pdns['PDNS_API_KEY'], $html, 'the key is never shown');
        $this->assertStringContainsString('PowerDNS answered: PowerDNS 4.7.3', $this->page(['do' => 'test']));
        $dashboard = AdminArea::request(['module' => 'ipmanager', 'action' => 'dashboard'])->body;
        $this->assertMatchesRegularExpression('/id="ipm-dash-rdns".*?label-success">connected<\/span>\s*PowerDNS 4\.7\.3 · Changes for PowerDNS: 0 waiting, 0 of them failing\./s', $dashboard);
        $this->assertStringContainsString('The TTL is 60 to 604800 seconds.', $this->page(['do' => 'save', 'f' => ['url' => $this->pdns['PDNS_URL'], 'ttl' => '5', 'template' => '{domain}']]));

        $n = random_int(0, 250);
        $subnet = ipmanager_subnet_create(['cidr' => "10.78.$n.0/24", 'name' => 'rdns page']);
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'rdns page']);
        $html = $this->page(['do' => 'manage', 'subnet_id' => (string) $subnet['id'], 'managed' => '1']);
        $this->assertStringContainsString("$n.78.10.in-addr.arpa.", $html);
        $address = ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $this->ids['service_demo_vps']])[0]['address'];
        $default = str_replace('.', '-', $address) . '.static.example.net';
        $this->assertSame("$default.", $this->dig($address));
        $addresses = fn () => AdminArea::request(['module' => 'ipmanager', 'action' => 'addresses', 'subnet_id' => (string) $subnet['id']])->body;
        $this->assertMatchesRegularExpression('/PTR <span class="ipm-ptr-name">' . preg_quote($default, '/') . '<\/span> <span class="text-muted">\(default\)/', $addresses(), 'the default PTR is shown as such');

        $html = $this->page(['do' => 'ptr', 'address' => $address, 'hostname' => 'router.example.net']);
        $this->assertStringContainsString("The reverse DNS of $address is now router.example.net.", $html);
        $this->assertSame('router.example.net.', $this->dig($address));
        // The Addresses page shows it, with a link to change it.
        $list = $addresses();
        $this->assertMatchesRegularExpression('/PTR <span class="ipm-ptr-name">router\.example\.net<\/span> <a /', $list, 'set by hand: no "default"');
        $this->assertStringContainsString('action=rdns&amp;address=' . $address, $list);
        $this->assertStringContainsString('value="' . $address . '"', AdminArea::request(['module' => 'ipmanager', 'action' => 'rdns', 'address' => $address])->body);
        $this->assertStringContainsString('is not a hostname', $this->page(['do' => 'ptr', 'address' => $address, 'hostname' => 'bad name']));
        $html = $this->page(['do' => 'reset', 'id' => (string) $subnet['id'], 'subnet_id' => (string) $subnet['id']]);
        $this->assertStringContainsString('PTRs of 1 address(es) set back to the default.', $html);
        $this->assertSame(str_replace('.', '-', $address) . '.static.example.net.', $this->dig($address));

        $forged = AdminArea::request(['module' => 'ipmanager', 'action' => 'rdns'],
            ['do' => 'ptr', 'address' => $address, 'hostname' => 'evil.example.net', 'token' => 'forged'], 'POST');
        $this->assertStringNotContainsString('is now evil', $forged->body);
        $this->assertSame(str_replace('.', '-', $address) . '.static.example.net.', $this->dig($address));
    }

    public function testTheQueueShowsWhatWaitsWithItsErrorRetryAndForce(): void
    {
        $save = fn (string $url) => $this->page(['do' => 'save', 'f' => ['enabled' => '1', 'url' => $url, 'api_key' => $this->pdns['PDNS_API_KEY'],
            'server_id' => 'localhost', 'ttl' => '300', 'template' => '{domain}', 'release_template' => '', 'nameservers' => 'ns1.example.net',
            'forward_confirm' => '0']]);
        $this->assertStringContainsString('Reverse DNS settings saved.', $save($this->pdns['PDNS_URL']));
        $this->assertStringContainsString('No changes for PowerDNS yet.', $this->page());
        $n = random_int(0, 250);
        $subnet = ipmanager_subnet_create(['cidr' => "10.79.$n.0/24", 'name' => 'rdns queue']);
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'rdns queue']);
        ipmanager_dns_subnet($subnet['id'], true);

        // PowerDNS away: the allocation stands, the change waits with the error in words.
        $this->assertStringContainsString('Reverse DNS settings saved.', $save('http://127.0.0.1:1'));
        $address = ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $this->ids['service_demo_vps']])[0]['address'];
        $html = $this->page();
        $this->assertStringContainsString('Changes for PowerDNS: 1 waiting, 1 of them failing.', $html);
        $this->assertMatchesRegularExpression('/id="ipm-rdns-queue-list".*?data-status="pending">.*?<code>' . preg_quote($address, '/')
            . '<\/code>.*?ipm-last-error">[^<]*PowerDNS[^<]*127\.0\.0\.1:1/s', $html);
        $this->assertStringNotContainsString($this->pdns['PDNS_API_KEY'], $html, 'the key is never shown');
        $this->assertSame('', $this->dig($address));
        preg_match('/data-outbox-id="(\d+)" data-status="pending"/', $html, $m);

        // Still away: Retry now says it still fails; back: Retry now sends it.
        $this->assertStringContainsString("PowerDNS change #{$m[1]} still failing", $this->page(['do' => 'retry', 'id' => $m[1]]));
        $save($this->pdns['PDNS_URL']);
        $html = $this->page(['do' => 'retry', 'id' => $m[1]]);
        $this->assertStringContainsString("PowerDNS change #{$m[1]} sent.", $html);
        $this->assertStringContainsString('Changes for PowerDNS: 0 waiting, 0 of them failing.', $html);
        $this->assertSame('vps1.demo.example.', $this->dig($address));

        // Force closes one that cannot be sent, names how to catch up, and is refused without the token.
        $save('http://127.0.0.1:1');
        ipmanager_release(['address' => $address, 'mode' => 'free']);
        preg_match('/data-outbox-id="(\d+)" data-status="pending"/', $this->page(), $m);
        $forged = AdminArea::request(['module' => 'ipmanager', 'action' => 'rdns'], ['do' => 'force', 'id' => $m[1], 'token' => 'forged'], 'POST');
        $this->assertStringNotContainsString('closed without sending', $forged->body);
        $this->assertStringContainsString('1 waiting', $this->page());
        $html = $this->page(['do' => 'force', 'id' => $m[1]]);
        $this->assertStringContainsString("PowerDNS change #{$m[1]} closed without sending it", $html);
        $this->assertStringContainsString('Changes for PowerDNS: 0 waiting', $html);
        $this->assertSame('vps1.demo.example.', $this->dig($address), 'forced: PowerDNS left as it was');
    }
}
