<?php

use Harness\AdminArea;
use Harness\Session;
use IpManager\Addon\Runtime;

/** The IP Subnets, IP Pools and Addresses admin pages, driven as WHMCS would. */
final class IpamPagesTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
        Session::actAsAdmin($this->ids['admin']);
    }

    private function get(array $query): string
    {
        $response = AdminArea::request(['module' => 'ipmanager'] + $query);
        $this->assertSame(200, $response->status);
        return $response->body;
    }

    private function post(string $action, array $post): Harness\Response
    {
        // The token as the page's own form carries it.
        preg_match('/name="token" value="([^"]+)"/', $this->get(['action' => $action, 'do' => 'add']), $m);
        return AdminArea::request(['module' => 'ipmanager', 'action' => $action], self::asForm($post) + ['token' => $m[1]], 'POST');
    }

    /** The form's fields go in f[...], as the page's forms post them; do, id, force and confirmed beside them. */
    private static function asForm(array $post): array
    {
        $control = array_intersect_key($post, array_flip(['do', 'id', 'force', 'confirmed']));
        $fields = array_diff_key($post, $control);
        return $control + ($fields === [] ? [] : ['f' => $fields]);
    }

    /** The message shown under a field, or null. */
    private function fieldError(string $html, string $field): ?string
    {
        return preg_match('/data-field="' . preg_quote($field, '/') . '">([^<]*)</', $html, $m) ? html_entity_decode($m[1], ENT_QUOTES) : null;
    }

    public function testAnInvalidSubnetFormShowsEachErrorNextToItsFieldAndSavesNothing(): void
    {
        $response = $this->post('subnets', ['do' => 'create', 'cidr' => '10.0.0.7/24', 'name' => '', 'gateway' => '10.9.0.1',
            'excluded' => '', 'reserved' => '', 'vlan' => '9999', 'store_free_ips' => '0']);
        $html = $response->body;
        $this->assertSame('10.0.0.7/24 has host bits set; did you mean 10.0.0.0/24?', $this->fieldError($html, 'cidr'));
        $this->assertStringContainsString('Give the subnet a name', (string) $this->fieldError($html, 'name'));
        $this->assertStringContainsString('from 1 to 4094', (string) $this->fieldError($html, 'vlan'));
        $this->assertStringContainsString('value="10.0.0.7/24"', $html, 'the form keeps what was typed');
        $this->assertSame([], ipmanager_subnet_list());
    }

    public function testAddingEditingAndDeletingASubnetThroughThePages(): void
    {
        $html = $this->post('subnets', ['do' => 'create', 'cidr' => '95.90.94.0/24', 'name' => 'DE-FRE1 <b>', 'gateway' => '95.90.94.1',
            'excluded' => '95.90.94.250-95.90.94.254', 'store_free_ips' => '1', 'reserve_network' => '1', 'reserve_broadcast' => '1',
            'reserve_gateway' => '1', 'reserve_anycast' => '1', 'reserve_first' => '', 'reserve_last' => '', 'vlan' => '100'])->body;
        $this->assertStringContainsString('Subnet 95.90.94.0/24 added.', $html);
        $this->assertStringContainsString('DE-FRE1 &lt;b&gt;', $html);
        $this->assertStringNotContainsString('DE-FRE1 <b>', $html);
        $this->assertMatchesRegularExpression('/data-percent="0".*0 of 248 addresses used/s', $html);
        $id = ipmanager_subnet_list()[0]['id'];

        $form = $this->get(['action' => 'subnets', 'do' => 'edit', 'id' => $id]);
        $this->assertStringContainsString('95.90.94.250-95.90.94.254', $form);
        $pool = ipmanager_pool_create(['subnet_id' => $id, 'name' => 'VPS']);
        ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => 1]);
        $edit = ['do' => 'update', 'id' => $id, 'name' => 'DE-FRE1', 'gateway' => '95.90.94.1',
            'excluded' => '95.90.94.2-95.90.94.3', 'reserved' => '', 'vlan' => '100'];
        $html = $this->post('subnets', $edit)->body;
        $this->assertStringContainsString('95.90.94.2 is assigned to service #1 and would lie in the excluded range', $html, 'asked first');
        $this->assertStringContainsString('Save anyway', $html);
        $this->assertSame('95.90.94.250-95.90.94.254', ipmanager_subnet_get($id)['excluded'], 'nothing saved before confirming');
        $html = $this->post('subnets', $edit + ['confirmed' => '1'])->body;
        $this->assertStringContainsString('Subnet 95.90.94.0/24 saved.', $html);
        $this->assertStringContainsString('95.90.94.2 is assigned to service #1', $html, 'conflicts are reported');

        $confirm = $this->get(['action' => 'subnets', 'do' => 'delete', 'id' => $id]);
        $this->assertStringContainsString('Delete subnet 95.90.94.0/24 (DE-FRE1)?', $confirm);
        $this->assertStringContainsString('name="force"', $confirm, 'in use: the admin must tick force');
        $html = $this->post('subnets', ['do' => 'delete', 'id' => $id])->body;
        $this->assertStringContainsString('in use', $html);
        $this->assertCount(1, ipmanager_subnet_list());
        $html = $this->post('subnets', ['do' => 'delete', 'id' => $id, 'force' => '1'])->body;
        $this->assertStringContainsString('Subnet 95.90.94.0/24 (DE-FRE1) deleted (1 address(es) released, 1 pool(s) deleted).', $html);
        $this->assertSame([], ipmanager_subnet_list());
    }

    public function testPostsWithoutTheTokenChangeNothing(): void
    {
        foreach (['subnets' => ['do' => 'create', 'cidr' => '10.0.0.0/24', 'name' => 'x'], 'pools' => ['do' => 'create', 'name' => 'x']] as $action => $post) {
            $response = AdminArea::request(['module' => 'ipmanager', 'action' => $action], $post, 'POST');
            $this->assertSame(403, $response->status);
        }
        $this->assertSame([], ipmanager_subnet_list());
    }

    public function testPoolsPageListsUtilizationAndShowsFieldErrors(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '2001:db8:100::/48', 'name' => 'v6']);
        $html = $this->post('pools', ['do' => 'create', 'subnet_id' => (string) $s['id'], 'name' => 'VPS /64', 'range' => '',
            'cidr' => '2001:db8:200::/56', 'prefix_len' => '64', 'description' => ''])->body;
        $this->assertStringContainsString('outside the subnet', (string) $this->fieldError($html, 'cidr'));
        $html = $this->post('pools', ['do' => 'create', 'subnet_id' => (string) $s['id'], 'name' => 'VPS /64', 'range' => '',
            'cidr' => '', 'prefix_len' => '64', 'description' => ''])->body;
        $this->assertStringContainsString('Pool VPS /64 added.', $html);
        $pool = ipmanager_pool_list()[0];
        ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => 5]);
        $html = $this->get(['action' => 'pools']);
        $this->assertStringContainsString('/64 prefixes', $html);
        $this->assertStringContainsString('1 of 65,535 /64 prefixes used (1 assigned, 0 reserved, 0 quarantined), 65,534 free', $html);

        $addresses = $this->get(['action' => 'addresses', 'pool_id' => $pool['id']]);
        $this->assertStringContainsString('<code>2001:db8:100:1::/64</code>', $addresses);
        $this->assertMatchesRegularExpression('/id="ipm-free"><code>2001:db8:100:2::\/64<\/code>/', $addresses);

        $confirm = $this->get(['action' => 'pools', 'do' => 'delete', 'id' => $pool['id']]);
        $this->assertStringContainsString('Delete pool VPS /64?', $confirm);
        $html = $this->post('pools', ['do' => 'delete', 'id' => $pool['id'], 'force' => '1'])->body;
        $this->assertStringContainsString('Pool VPS /64 deleted (1 address(es) released).', $html);
    }
}
