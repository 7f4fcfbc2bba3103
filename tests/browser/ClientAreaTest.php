<?php

/**
 * The client area as a client uses it, in the Six and the Twenty-One theme: their own
 * services with what IP Manager assigned (never WHMCS's stale fields, never another
 * client's), giving an additional IP back through the confirmation page, the main IP kept,
 * and the service's own page listing its IPs.
 */
final class ClientAreaTest extends BrowserTestCase
{
    private array $held = [];

    private function arrange(): void
    {
        $this->natives();
        $subnet = ipmanager_subnet_create(['cidr' => '95.90.94.0/24', 'name' => 'client v4']);
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'client v4', 'range' => '95.90.94.10-95.90.94.50']);
        $v6 = ipmanager_subnet_create(['cidr' => '2a01:4f8:c0de::/48', 'name' => 'client v6']);
        $v6pool = ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'client v6', 'prefix_len' => 64]);
        $vps = $this->ids['service_demo_vps'];
        $four = ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $vps, 'count' => 3]);
        $six = ipmanager_allocate(['pool_id' => $v6pool['id'], 'service_id' => $vps]);
        Harness\Db::run('UPDATE tblhosting SET dedicatedip = ?, assignedips = ? WHERE id = ?',
            [$four[0]['address'], $four[1]['address'] . "\n" . $four[2]['address'] . "\n" . $six[0]['address'], $vps]);
        $this->held = [$four[0]['address'], $four[1]['address'], $four[2]['address'], $six[0]['address']];
    }

    public function testAClientSeesOnlyTheirOwnServices(): void
    {
        $this->arrange();
        $this->open('/index.php?m=ipmanager');
        $this->assertStringContainsString('/login.php', $this->browser->url(), 'the page asks for a login');
        $this->loginClient();
        $this->open('/index.php?m=ipmanager');
        $rows = $this->texts('#ipm-client-services tbody tr');
        $this->assertCount(2, $rows);
        $this->assertStringContainsString('#' . $this->ids['service_demo_vps'] . ' vps1.demo.example', $rows[0]);
        foreach ($this->held as $address) {
            $this->assertStringContainsString($address, $rows[0]);
        }
        $this->assertStringContainsString('main IP', $rows[0]);
        $this->assertStringNotContainsString('203.0.113.10', $this->browser->source(), 'WHMCS\'s old fields are not what is shown');
        $this->assertStringNotContainsString('vps.other.example', $this->browser->source());
        $this->shot('client-area');
    }

    public function testGivingBackInBothThemes(): void
    {
        $this->arrange();
        $this->loginClient();
        foreach (['six' => [1, '.navbar-default'], 'twentyone' => [2, '.navbar-expand-lg']] as $theme => [$index, $marker]) {
            $this->open('/index.php?m=ipmanager&systpl=' . $theme);
            $this->el($marker);
            $address = $this->held[$index];
            $this->assertCount(0, $this->browser->findAll('li[data-state] .ipm-unassign[href$="id=' . $this->mainId() . '"]'), 'no button for the main IP');
            $item = $this->itemOf($address);
            $this->clickAndWait("$item .ipm-unassign");
            $this->assertStringContainsString("Give $address of vps1.demo.example back?", $this->el('#ipm-client-confirm')->text());
            $this->shot("client-confirm-$theme");
            $this->clickAndWait('#ipm-confirm-unassign');
            $this->assertSame(["$address was given back."], $this->texts('.ipm-client-message'));
            $this->assertStringNotContainsString("<code>$address</code>", $this->browser->source());
            $this->shot("client-given-back-$theme");
        }
        // Cancel leaves everything as it was.
        $this->clickAndWait($this->itemOf($this->held[3]) . ' .ipm-unassign');
        $this->clickAndWait('#ipm-client-confirm a.btn');
        $this->assertStringContainsString($this->held[3], $this->el('#ipm-client-services')->text());
    }

    public function testTheServicePageListsItsIps(): void
    {
        $this->arrange();
        $this->loginClient();
        $this->open('/clientarea.php?action=productdetails&id=' . $this->ids['service_demo_vps']);
        $listed = $this->el('#ipm-product-ips')->text();
        foreach ($this->held as $address) {
            $this->assertStringContainsString($address, $listed);
        }
        $this->clickAndWait('#ipm-product-ips a');
        $this->assertStringContainsString('index.php?m=ipmanager', $this->browser->url());
        $this->shot('client-product-details');
    }

    public function testOrderingMoreIpsThroughAnUpgrade(): void
    {
        $this->natives();
        $subnet = ipmanager_subnet_create(['cidr' => '198.18.9.0/24', 'name' => 'more']);
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'more', 'range' => '198.18.9.10-198.18.9.20']);
        $config = ipmanager_configuration_save(['name' => 'VPS with extras', 'ipv4_count' => 1, 'ipv6_count' => 0]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $this->ids['product_vps'], 'pool_id' => $pool['id']]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'configoption', 'target_id' => $this->ids['option_extra_ips'],
            'extra_count' => 1, 'pool_id' => $pool['id']]);
        $vps = $this->ids['service_demo_vps'];
        Harness\Db::run("UPDATE tblhosting SET dedicatedip = '', assignedips = '', domainstatus = 'Pending' WHERE id = ?", [$vps]);
        $this->assertSame('success', Harness\Provisioning::create($vps)['result']);

        $this->loginClient();
        $this->open('/index.php?m=ipmanager');
        $link = $this->el('tr[data-service-id="' . $vps . '"] .ipm-order-more');
        $this->assertSame('Order additional IPs (Extra IPs)', trim($link->text()));
        $this->assertStringEndsWith('upgrade.php?type=configoptions&id=' . $vps, (string) $link->attribute('href'));
        $this->assertSame(['198.18.9.10'], $this->addressesOf($vps));

        // The client ordered two more; WHMCS completes the upgrade once the invoice is paid.
        $invoice = Harness\Orders::upgradeQuantity($vps, $this->ids['option_extra_ips'], 2);
        $this->open('/index.php?m=ipmanager');
        $this->assertSame(['198.18.9.10'], $this->addressesOf($vps), 'not before the invoice is paid');
        Harness\Orders::pay($invoice);
        $this->open('/index.php?m=ipmanager');
        $this->assertSame(['198.18.9.10', '198.18.9.11', '198.18.9.12'], $this->addressesOf($vps));
        $this->shot('client-ordered-more');
    }

    /** @return list<string> the addresses the page lists for the service */
    private function addressesOf(int $service): array
    {
        return $this->texts('tr[data-service-id="' . $service . '"] li[data-assignment-id] code');
    }

    private function mainId(): int
    {
        return ipmanager_address_list(['search' => $this->held[0]])['items'][0]['id'];
    }

    private function itemOf(string $address): string
    {
        return 'li[data-assignment-id="' . ipmanager_address_list(['search' => $address])['items'][0]['id'] . '"]';
    }
}
