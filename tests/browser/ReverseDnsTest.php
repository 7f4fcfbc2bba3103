<?php

/**
 * A client sets the reverse DNS of their addresses in the client area, against the real
 * PowerDNS make test starts (checked with dig -x): an address's PTR set and a bad hostname
 * refused (Six), addresses inside their IPv6 prefix added and removed (Twenty-One).
 */
final class ReverseDnsTest extends BrowserTestCase
{
    private array $pdns;

    private function dig(string $address): string
    {
        $out = shell_exec(sprintf('dig -p %d @127.0.0.1 +norecurse +short -x %s', (int) $this->pdns['PDNS_DNS_PORT'], escapeshellarg($address)));
        return trim((string) $out);
    }

    public function testAClientSetsTheReverseDnsOfTheirAddresses(): void
    {
        $this->pdns = parse_ini_file(dirname(__DIR__, 2) . '/var/pdns/pdns.env');
        $this->natives();
        ipmanager_dns_settings_save(['enabled' => true, 'url' => $this->pdns['PDNS_URL'], 'api_key' => $this->pdns['PDNS_API_KEY'],
            'server_id' => $this->pdns['PDNS_SERVER_ID'], 'ttl' => 300, 'template' => '{domain}', 'nameservers' => 'ns1.example.net']);
        $n = random_int(0, 250);
        $v4 = ipmanager_subnet_create(['cidr' => "10.77.$n.0/24", 'name' => 'rdns v4']);
        $v4pool = ipmanager_pool_create(['subnet_id' => $v4['id'], 'name' => 'rdns v4']);
        $v6 = ipmanager_subnet_create(['cidr' => sprintf('2001:db8:%x::/48', 0x5000 + $n), 'name' => 'rdns v6']);
        $v6pool = ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'rdns v6', 'prefix_len' => 64]);
        ipmanager_dns_subnet($v4['id'], true);
        ipmanager_dns_subnet($v6['id'], true);
        $vps = $this->ids['service_demo_vps'];
        $address = ipmanager_allocate(['pool_id' => $v4pool['id'], 'service_id' => $vps])[0]['address'];
        $prefix = ipmanager_allocate(['pool_id' => $v6pool['id'], 'service_id' => $vps])[0]['address'];
        $this->assertSame('vps1.demo.example.', $this->dig($address), 'the default PTR on assign');

        $this->loginClient();
        $this->open('/index.php?m=ipmanager&systpl=six');
        $row = 'li[data-assignment-id="' . ipmanager_address_list(['search' => $address])['items'][0]['id'] . '"]';
        $this->assertSame('PTR: default', trim($this->el("$row .ipm-ptr")->text()));
        $this->clickAndWait("$row .ipm-edit-ptr");
        $this->submit('#ipm-ptr-form', ['hostname' => 'mail-1.Demo.example'], '#ipm-ptr-save');
        $this->assertSame(["The reverse DNS of $address is now mail-1.demo.example."], $this->texts('.ipm-client-message'));
        $this->assertSame('mail-1.demo.example.', $this->dig($address));
        $this->submit('#ipm-ptr-form', ['hostname' => 'mail_1.demo.example'], '#ipm-ptr-save');
        $this->assertStringContainsString('is not a hostname a PTR can point at', $this->texts('.ipm-client-message')[0]);
        $this->assertSame('mail-1.demo.example.', $this->dig($address), 'a refused name changes nothing');
        $this->shot('rdns-address');

        $this->open('/index.php?m=ipmanager&systpl=twentyone');
        $prefixRow = 'li[data-assignment-id="' . ipmanager_address_list(['search' => $prefix])['items'][0]['id'] . '"]';
        $this->clickAndWait("$prefixRow .ipm-edit-ptr");
        $inside = str_replace('::/64', '::25', $prefix);
        $this->submit('#ipm-ptr-form', ['address' => $inside, 'hostname' => 'host25.demo.example'], '#ipm-ptr-save');
        $this->assertSame(["The reverse DNS of $inside is now host25.demo.example."], $this->texts('.ipm-client-message'));
        $this->assertSame('host25.demo.example.', $this->dig($inside));
        $this->assertStringContainsString('host25.demo.example', $this->el('#ipm-ptr-list tr[data-address="' . $inside . '"]')->text());
        $this->shot('rdns-prefix');
        $this->clickAndWait('#ipm-ptr-list tr[data-address="' . $inside . '"] .ipm-ptr-remove');
        $this->assertSame('', $this->dig($inside), 'removed');
        $this->assertFalse($this->browser->has('#ipm-ptr-list tr[data-address="' . $inside . '"]'));
    }
}
