<?php

/** The NetBox page against the real NetBox make test starts: settings, Test connection. */
final class NetBoxTest extends BrowserTestCase
{
    public function testSettingsAreSavedAndTheConnectionTested(): void
    {
        $env = parse_ini_file(dirname(__DIR__, 2) . '/var/netbox/netbox.env');
        $this->loginAdmin();
        $this->visit('netbox');
        $this->clickAndWait('#ipm-netbox-test');
        $this->assertStringContainsString('NetBox has no URL or API token yet', $this->messages()[0]);

        $this->submit('#ipm-netbox-settings', ['f[url]' => 'netbox.example.net', 'f[token]' => $env['NETBOX_TOKEN']], '#ipm-netbox-save');
        $this->assertStringContainsString('http:// or https://', $this->messages()[0]);

        $this->submit('#ipm-netbox-settings', ['f[url]' => $env['NETBOX_URL'], 'f[token]' => $env['NETBOX_TOKEN']], '#ipm-netbox-save');
        $this->assertSame(['NetBox settings saved.'], $this->messages());
        $this->assertSame('', $this->el('#f-token')->property('value'), 'the token is never sent back');
        $this->assertStringNotContainsString($env['NETBOX_TOKEN'], $this->browser->source());
        $this->assertSame($env['NETBOX_URL'], $this->el('#f-url')->property('value'));

        $this->clickAndWait('#ipm-netbox-test');
        $this->assertSame(['NetBox answered: NetBox 4.7.3'], $this->messages());

        // The push asks first, says what it sent, and the page remembers it.
        $this->assertSame('Not pushed yet.', trim($this->el('#ipm-netbox-last')->text()));
        $question = $this->clickConfirmed('#ipm-netbox-push');
        $this->assertStringContainsString('Push every subnet and assignment to NetBox', $question);
        $this->assertStringStartsWith('Pushed to NetBox: prefixes 0 created', $this->messages()[0]);
        $this->assertStringStartsWith('Last push ', trim($this->el('#ipm-netbox-last')->text()));
        $this->shot('netbox');
    }
}
