<?php

/** Add, edit and delete subnets and pools through the pages, bad input included. */
final class SubnetsAndPoolsTest extends BrowserTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->loginAdmin();
    }

    public function testASubnetIsAddedEditedAndDeletedWithEveryErrorUnderItsField(): void
    {
        $this->visit('subnets');
        $this->assertSame(['No subnets yet. Add your first one below, e.g. 95.90.94.0/24 or 2001:db8::/48.'], $this->texts('.alert-info'));
        $this->clickAndWait('#ipm-add-subnet');
        $this->submit('#ipm-subnet-form', ['f[cidr]' => '10.0.0.7/24', 'f[name]' => '', 'f[gateway]' => '10.9.0.1', 'f[vlan]' => '9999']);
        $this->assertSame(['Please correct the fields marked below.'], $this->messages());
        $this->assertSame('10.0.0.7/24 has host bits set; did you mean 10.0.0.0/24?', $this->fieldError('cidr'));
        $this->assertStringContainsString('Give the subnet a name', (string) $this->fieldError('name'));
        $this->assertStringContainsString('from 1 to 4094', (string) $this->fieldError('vlan'));
        $this->assertSame('10.0.0.7/24', $this->el('#f-cidr')->property('value'), 'what was typed stays');
        $this->assertSame('9999', $this->el('#f-vlan')->property('value'));
        $this->shot('subnet-form-errors');

        $this->submit('#ipm-subnet-form', ['f[cidr]' => '10.0.0.0/24', 'f[name]' => 'DE-FRE1 <b>', 'f[gateway]' => '10.0.0.1',
            'f[vlan]' => '100', 'f[store_free_ips]' => '1']);
        $this->assertSame(['Subnet 10.0.0.0/24 added.'], $this->messages());
        $row = '#ipm-subnets tbody tr';
        $this->assertCount(1, $this->browser->findAll($row));
        $this->assertStringContainsString('DE-FRE1 <b>', $this->el($row)->text(), 'the name shows as typed, escaped');
        $this->assertStringContainsString('0 of 253 addresses used (0 assigned, 0 reserved, 0 quarantined), 253 free', $this->el("$row .ipm-usage")->text());

        // A service holds 10.0.0.5; moving the gateway onto it asks first.
        $this->natives();
        $subnet = ipmanager_subnet_list()[0];
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'VPS', 'range' => '10.0.0.5-10.0.0.20']);
        ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $this->ids['service_demo_vps']]);
        $this->visit('subnets', ['do' => 'edit', 'id' => $subnet['id']]);
        $this->submit('#ipm-subnet-form', ['f[name]' => 'DE-FRE1', 'f[gateway]' => '10.0.0.5']);
        $this->assertStringContainsString('10.0.0.5 is assigned to service #' . $this->ids['service_demo_vps'] . ' and would lie in the gateway 10.0.0.5:',
            $this->el('.ipm-confirm')->text());
        $this->assertSame('10.0.0.1', ipmanager_subnet_get($subnet['id'])['gateway'], 'nothing saved before confirming');
        $this->shot('subnet-gateway-confirm');
        $this->clickAndWait('#ipm-save-anyway');
        $this->assertSame('Subnet 10.0.0.0/24 saved.', $this->messages()[0]);
        $this->assertSame('10.0.0.5', ipmanager_subnet_get($subnet['id'])['gateway']);
        $this->assertStringContainsString('DE-FRE1', $this->el($row)->text());

        // Delete: in use, so the admin must tick force; without it the refusal stays on the confirmation.
        $this->clickAndWait("$row a.text-danger");
        $this->assertStringContainsString('Delete subnet 10.0.0.0/24 (DE-FRE1)?', $this->el('h2')->text());
        $this->submit('#ipm-confirm-delete');
        $this->assertTrue($this->browser->has('#ipm-confirm-delete'), 'a refused delete stays on its confirmation');
        $this->assertNotEmpty($this->texts('.ipm-messages .alert-danger'));
        $this->submit('#ipm-confirm-delete', ['force' => true]);
        $this->assertStringContainsString('deleted (1 address(es) released, 1 pool(s) deleted)', $this->messages()[0]);
        $this->assertSame([], ipmanager_subnet_list());
    }

    public function testAPoolIsAddedEditedAndDeletedAndIpv6CountsArePrefixes(): void
    {
        $this->natives();
        $v6 = ipmanager_subnet_create(['cidr' => '2001:db8:100::/48', 'name' => 'v6']);
        $this->visit('pools');
        $this->clickAndWait('#ipm-add-pool');
        $this->submit('#ipm-pool-form', ['f[subnet_id]' => (string) $v6['id'], 'f[name]' => 'VPS /64', 'f[cidr]' => '2001:db8:200::/56', 'f[prefix_len]' => '64']);
        $this->assertStringContainsString('outside the subnet', (string) $this->fieldError('cidr'));
        $this->assertSame('VPS /64', $this->el('#f-name')->property('value'));
        $this->submit('#ipm-pool-form', ['f[cidr]' => '']);
        $this->assertSame(['Pool VPS /64 added.'], $this->messages());
        $usage = $this->el('#ipm-pools tbody tr .ipm-usage')->text();
        $this->assertStringContainsString('0 of 65,535 /64 prefixes used', $usage, 'a /48 counts /64s (less the anycast one) with separators');
        $this->assertStringNotContainsString('×10^', $usage);

        $this->clickAndWait('#ipm-pools tbody tr a[href*="do=edit"]');
        $this->submit('#ipm-pool-form', ['f[name]' => 'VPS routed /64']);
        $this->assertSame(['Pool VPS routed /64 saved.'], $this->messages());
        $this->assertStringContainsString('VPS routed /64', $this->el('#ipm-pools tbody tr')->text());
        $this->shot('pools');

        $this->clickAndWait('#ipm-pools tbody tr a.text-danger');
        $this->assertFalse($this->browser->has('#ipm-confirm-delete [name=force]'), 'nothing in use: no force needed');
        $this->submit('#ipm-confirm-delete');
        $this->assertSame(['Pool VPS routed /64 deleted (0 address(es) released).'], $this->messages());
        $this->assertSame([], ipmanager_pool_list());
    }
}
