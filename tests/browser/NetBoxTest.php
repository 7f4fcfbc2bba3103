<?php

/**
 * The NetBox page against the real NetBox make test starts: settings, Test connection, the
 * connection state, each change mirrored and the queue (NetBox away, Retry now), sync from
 * NetBox with its dry run.
 */
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

    /** NetBox's REST API, for set-up and clean-up. */
    private function api(array $env, string $method, string $path, ?array $body = null): ?array
    {
        $options = ['method' => $method, 'ignore_errors' => true, 'header' => ['Authorization: Bearer ' . $env['NETBOX_TOKEN'],
            'Content-Type: application/json', 'Accept: application/json']];
        if ($body !== null) {
            $options['content'] = json_encode($body);
        }
        return json_decode((string) file_get_contents($env['NETBOX_URL'] . '/api/' . $path, false, stream_context_create(['http' => $options])), true);
    }

    public function testChangesAreMirroredQueuedAndSynced(): void
    {
        $env = parse_ini_file(dirname(__DIR__, 2) . '/var/netbox/netbox.env');
        $salt = getmypid() % 250 + 1;
        $base = "10.$salt." . random_int(1, 250);
        $tag = "ipm-browser-$salt-" . random_int(1, 99999);
        $this->natives();
        $subnet = ipmanager_subnet_create(['cidr' => "$base.0/24", 'name' => 'Browser LAN']);
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'Browser pool']);
        try {
            $this->loginAdmin();
            $this->visit('netbox');
            $this->assertStringContainsString('not configured', $this->el('#ipm-netbox-connection')->text());
            foreach (['#f-enabled', '#f-push_on_assign'] as $box) {
                if (!$this->el($box)->property('checked')) {
                    $this->el($box)->click();
                }
            }
            $settings = ['f[url]' => $env['NETBOX_URL'], 'f[token]' => $env['NETBOX_TOKEN'], 'f[tag]' => $tag];
            $this->submit('#ipm-netbox-settings', $settings, '#ipm-netbox-save');
            $this->assertTrue((bool) $this->el('#f-enabled')->property('checked'));
            $this->assertSame(['NetBox settings saved.'], $this->messages());
            $this->assertStringContainsString('connected NetBox 4.7.3', $this->el('#ipm-netbox-connection')->text());
            $this->assertTrue((bool) $this->el('#f-push_on_assign')->property('checked'));

            // An allocation reaches NetBox at once; the queue shows it sent.
            $first = ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $this->ids['service_demo_vps']])[0]['address'];
            $this->visit('netbox');
            $this->assertStringContainsString($first, $this->el('#ipm-netbox-queue tr[data-status="delivered"]')->text());
            $this->assertCount(1, $this->api($env, 'GET', 'ipam/ip-addresses/?address=' . $first)['results']);

            // NetBox away: the page says so, the change waits with its error; Retry now sends it once it is back.
            $this->submit('#ipm-netbox-settings', ['f[url]' => 'http://127.0.0.1:1'], '#ipm-netbox-save');
            $second = ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $this->ids['service_demo_vps'], 'count' => 2])[1]['address'];
            $this->visit('netbox');
            $this->assertStringContainsString('not answering', $this->el('#ipm-netbox-connection')->text());
            $this->assertSame('Changes for NetBox: 1 waiting, 1 of them failing.', trim($this->el('#ipm-netbox-queue-counts')->text()));
            $waiting = '#ipm-netbox-queue tr[data-status="pending"]';
            $this->assertStringContainsString($second, $this->el($waiting)->text());
            $this->assertStringContainsString('127.0.0.1:1', $this->el("$waiting .ipm-last-error")->text());
            $this->shot('netbox-waiting');
            $this->submit('#ipm-netbox-settings', ['f[url]' => $env['NETBOX_URL']], '#ipm-netbox-save');
            $this->clickAndWait("$waiting .ipm-retry");
            $this->assertMatchesRegularExpression('/^NetBox change #\d+ sent\.$/', $this->messages()[0]);
            $this->assertCount(1, $this->api($env, 'GET', 'ipam/ip-addresses/?address=' . $second)['results']);

            // Sync: the dry run shows what would come in, the run asks first and brings it in.
            $this->api($env, 'POST', 'ipam/ip-addresses/', ['address' => "$base.77/24", 'status' => 'active', 'description' => 'switch']);
            $this->clickAndWait('#ipm-netbox-sync-dry');
            $this->assertStringStartsWith('Dry run, nothing was changed:', $this->messages()[0]);
            $this->assertStringContainsString("$base.77/24", $this->el('#ipm-netbox-sync-report .ipm-sync-reserved')->text());
            $this->assertSame('Not synced from NetBox yet.', trim($this->el('#ipm-netbox-last-sync')->text()));
            $question = $this->clickConfirmed('#ipm-netbox-sync');
            $this->assertStringContainsString('Bring NetBox', $question);
            $this->assertStringStartsWith('Last sync ', trim($this->el('#ipm-netbox-last-sync')->text()));
            $this->assertStringContainsString("$base.77", ipmanager_subnet_get($subnet['id'])['reserved']);
            $this->shot('netbox-synced');

            // A subnet's scope: its inputs sit in the table's columns and post with their row's form.
            $row = '#ipm-netbox-scopes tr[data-subnet-id="' . $subnet['id'] . '"]';
            $this->el("$row [name=tenant_id]")->fill('7');
            $this->clickAndWait("$row button[type=submit]");
            $this->assertSame(['NetBox scope of subnet #' . $subnet['id'] . ' saved.'], $this->messages());
            $scope = array_values(array_filter(ipmanager_netbox_scopes(), fn ($x) => $x['subnet_id'] === $subnet['id']))[0];
            $this->assertSame([null, 7, null], [$scope['site_id'], $scope['tenant_id'], $scope['vrf_id']]);
        } finally {
            foreach (['ipam/ip-addresses/?parent=', 'ipam/prefixes/?within_include='] as $list) {
                $ids = array_map(fn ($o) => ['id' => $o['id']], $this->api($env, 'GET', $list . "$base.0/24")['results'] ?? []);
                if ($ids !== []) {
                    $this->api($env, 'DELETE', strtok($list, '?'), $ids);
                }
            }
        }
    }
}
