<?php

/** Configurations and their relations through the page: errors in words, edits, duplicates. */
final class ConfigurationsTest extends BrowserTestCase
{
    private array $pool;

    protected function setUp(): void
    {
        parent::setUp();
        $this->natives();
        $subnet = ipmanager_subnet_create(['cidr' => '192.0.2.0/24', 'name' => 'v4']);
        $this->pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'VPS pool']);
        $this->loginAdmin();
        $this->visit('configurations');
    }

    public function testAConfigurationIsAddedWithErrorsInWordsAndEdited(): void
    {
        $this->submit('#ipm-configuration-form', ['f[name]' => 'Proxmox VPS', 'f[ipv4_count]' => '0', 'f[ipv6_count]' => '0']);
        $error = (string) $this->fieldError('ipv4_count', '#ipm-configuration-form');
        $this->assertStringContainsString('at least one IPv4 address or one IPv6 unit', $error);
        $this->assertStringNotContainsString("'ipv4_count'", $error, 'in words, not key names');
        $this->assertSame('Proxmox VPS', $this->el('#f-name')->property('value'), 'values kept after an error');
        $this->assertSame([], ipmanager_configuration_list());
        $this->submit('#ipm-configuration-form', ['f[ipv4_count]' => 'x']);
        $this->assertSame("IPv4 per service must be a whole number, got 'x'.", $this->fieldError('ipv4_count', '#ipm-configuration-form'));
        $this->shot('configuration-errors');

        $this->submit('#ipm-configuration-form', ['f[ipv4_count]' => '2', 'f[ipv6_count]' => '1']);
        $this->assertSame(['Configuration Proxmox VPS saved.'], $this->messages());
        $this->assertStringContainsString('2 IPv4 and 1 IPv6 per service.', $this->el('.ipm-configuration')->text());

        $this->clickAndWait('.ipm-configuration .ipm-edit-configuration');
        $this->assertSame('Edit configuration', $this->el('#ipm-configuration-heading')->text());
        $this->assertSame('2', $this->el('#f-ipv4_count')->property('value'), 'the form holds the configuration');
        $this->submit('#ipm-configuration-form', ['f[name]' => 'Proxmox VPS large', 'f[ipv4_count]' => '4']);
        $this->assertSame(['Configuration Proxmox VPS large saved.'], $this->messages());
        $configs = ipmanager_configuration_list();
        $this->assertCount(1, $configs, 'edited, not added');
        $this->assertSame(['Proxmox VPS large', 4], [$configs[0]['name'], $configs[0]['ipv4_count']]);
    }

    public function testRelationRowsShowOnlyTheirFieldsAndRefuseTheSameRelationTwice(): void
    {
        ipmanager_configuration_save(['name' => 'Proxmox VPS', 'ipv4_count' => 1]);
        $this->visit('configurations');
        $form = '.ipm-relation-form';
        $this->el("$form [name=\"r[target]\"]")->select('VPS S');
        $this->assertFalse($this->el("$form [data-group=extra_count]")->displayed(), 'no "+1" for a product');
        $this->assertFalse($this->el("$form [data-group=option_value_id]")->displayed());
        $this->el("$form [name=\"r[target]\"]")->select('Extra IPv4 address');
        $this->assertTrue($this->el("$form [data-group=extra_count]")->displayed(), 'an addon adds extra IPs');
        $this->assertFalse($this->el("$form [data-group=option_value_id]")->displayed());
        $this->el("$form [name=\"r[target]\"]")->select('Location');
        $this->assertTrue($this->el("$form [data-group=option_value_id]")->displayed());
        $this->shot('relation-configoption');

        $this->submit($form, ['r[target]' => 'VPS S']);
        $this->assertSame('Choose the one pool or subnet the addresses come from.', $this->fieldError('draws_from', $form));
        $this->assertSame('product:' . $this->ids['product_vps'], $this->el("$form [name=\"r[target]\"]")->property('value'), 'the choice stays');
        $this->submit($form, ['r[draws_from]' => 'pool:' . $this->pool['id']]);
        $this->assertSame(['Relation added.'], $this->messages());
        $this->assertStringContainsString('Product: VPS S', $this->el('.ipm-relations tbody tr')->text());
        $this->assertStringContainsString('pool "VPS pool"', $this->el('.ipm-relations tbody tr')->text());

        $this->submit($form, ['r[target]' => 'VPS S', 'r[draws_from]' => 'pool:' . $this->pool['id']]);
        $this->assertStringContainsString('already has this relation', (string) $this->fieldError('target', $form));
        $this->assertCount(1, ipmanager_configuration_list()[0]['relations']);

        $this->submit($form, ['r[target]' => 'Extra IPv4 address', 'r[draws_from]' => 'pool:' . $this->pool['id'], 'r[extra_count]' => '2']);
        $this->assertSame(['Relation added.'], $this->messages());
        $this->assertStringContainsString('+2', $this->el('.ipm-relations tbody tr:nth-child(2)')->text());
        $this->shot('relations');

        $question = $this->clickConfirmed('.ipm-relations tbody tr:nth-child(2) button');
        $this->assertSame('Delete this relation? Assigned IPs stay assigned.', $question);
        $this->assertSame(['Relation deleted.'], $this->messages());
        $question = $this->clickConfirmed('.ipm-configuration .panel-heading button');
        $this->assertStringContainsString('Delete configuration Proxmox VPS', $question);
        $this->assertSame([], ipmanager_configuration_list());
    }
}
