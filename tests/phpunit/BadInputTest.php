<?php

use Harness\Db;
use Harness\Provisioning;
use Harness\Seed;
use IpManager\Addon\Runtime;

/** Input a tester sends on purpose: each refused with a clear IpManager exception, nothing changed. */
final class BadInputTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activate();
        Runtime::connect();
    }

    /** Every native, every string argument with a NUL byte: an IpManager exception, never \Error. */
    public function testANulByteAnywhereIsRefusedAndTheMessageCanBeShown(): void
    {
        $nul = "10.0.0.1\0x";
        $checked = 0;
        foreach ((new ReflectionExtension('ipmanager'))->getFunctions() as $fn) {
            if ($fn->getNumberOfParameters() === 0 || $fn->getName() === 'ipmanager_configure') {
                continue;
            }
            foreach ([$nul, ['address' => $nul], ['name' => $nul], ["key\0" => 'x'], ['search' => $nul], ['after' => $nul, 'pool_id' => 1]] as $value) {
                try {
                    $fn->invokeArgs(array_fill(0, $fn->getNumberOfParameters(), $value));
                } catch (IpManager\Exception $e) {
                    $this->assertStringNotContainsString("\0", $e->getMessage(), $fn->getName());
                } catch (\Throwable $e) {
                    $this->fail($fn->getName() . ' threw ' . get_class($e) . ': ' . $e->getMessage());
                }
                $checked++;
            }
        }
        $this->assertGreaterThan(100, $checked);
        Runtime::connect();
        // The ones a hook or page really passes, named.
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'NUL byte', fn () => ipmanager_subnet_create(['cidr' => "10.0.0.0/24\0", 'name' => 'n']));
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'NUL byte', fn () => ipmanager_release(['address' => $nul]));
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'NUL byte', fn () => ipmanager_address_list(['state' => "assigned\0"]));
        $this->assertSame([], ipmanager_subnet_list(), 'nothing was created');
    }

    public function testNamesAreOneLineWithoutControlCharacters(): void
    {
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'control characters', fn () => ipmanager_subnet_create(['cidr' => '10.0.0.0/24', 'name' => "a\tb"]));
        $s = ipmanager_subnet_create(['cidr' => '10.0.0.0/24', 'name' => 'ok']);
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'control characters', fn () => ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => "two\nlines"]));
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'control characters', fn () => ipmanager_configuration_save(['name' => "x\x1b[31m"]));
        $this->assertSame([], ipmanager_pool_list());
        $this->assertSame([], ipmanager_configuration_list());
    }

    public function testPagingFarBeyondTheEndIsAnEmptyPage(): void
    {
        $page = ipmanager_address_list(['page' => PHP_INT_MAX, 'per_page' => 500]);
        $this->assertSame([], $page['items']);
        $this->assertSame(PHP_INT_MAX, $page['page']);
        $this->assertSame([], ipmanager_log_list(['page' => PHP_INT_MAX])['items']);
        $this->assertSame([], ipmanager_assignment_list(['page' => PHP_INT_MAX])['items']);
        $this->assertSame([], ipmanager_orphan_list(['page' => PHP_INT_MAX])['items']);
    }

    public function testTheFreeListAfterTheLastUnitIsEmptyAndAnotherFamilyIsRefused(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '255.255.255.248/29', 'name' => 'top', 'reserve_network' => false, 'reserve_broadcast' => false]);
        $p = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'top']);
        $this->assertSame(['255.255.255.254', '255.255.255.255'], ipmanager_free_list(['pool_id' => $p['id'], 'after' => '255.255.255.253']));
        $this->assertSame([], ipmanager_free_list(['pool_id' => $p['id'], 'after' => '255.255.255.255']));
        $v6 = ipmanager_subnet_create(['cidr' => '2001:db8::/120', 'name' => 'v6']);
        $p6 = ipmanager_pool_create(['subnet_id' => $v6['id'], 'name' => 'v6']);
        $this->expectFailure(IpManager\Exception\InvalidInput::class, 'is an IPv4 address', fn () => ipmanager_free_list(['pool_id' => $p6['id'], 'after' => '10.0.0.1']));
        $this->assertSame(['2001:db8::1', '2001:db8::2'], ipmanager_free_list(['pool_id' => $p6['id'], 'limit' => 2]));
    }

    public function testTheWholeIpv6SpaceIsCountedExactly(): void
    {
        $all = ipmanager_subnet_create(['cidr' => '::/0', 'name' => 'everything', 'reserve_anycast' => false]);
        $this->assertSame('340282366920938463463374607431768211456', $all['utilization']['total']);
        $this->assertSame('340282366920938463463374607431768211456', $all['utilization']['free']);
        $halves = ipmanager_pool_create(['subnet_id' => $all['id'], 'name' => 'halves', 'prefix_len' => 1]);
        $got = ipmanager_allocate(['pool_id' => $halves['id'], 'service_id' => 1, 'count' => 2]);
        $this->assertSame(['::/1', '8000::/1'], array_column($got, 'address'));
        $this->assertSame('340282366920938463463374607431768211456', ipmanager_subnet_get($all['id'])['utilization']['assigned']);
        ipmanager_release(['service_id' => 1, 'mode' => 'free']);
        $after = ipmanager_subnet_get($all['id'])['utilization'];
        $this->assertSame(0, $after['assigned'], 'a /1 is counted in and out without drift');
        $this->assertSame('340282366920938463463374607431768211456', $after['free']);
    }

    public function testAQuantityThatOverflowsOrExceedsTheCapAbortsTheCreateAtOnce(): void
    {
        $s = ipmanager_subnet_create(['cidr' => '192.0.2.0/24', 'name' => 'v4']);
        $pool = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'VPS v4']);
        $config = ipmanager_configuration_save(['name' => 'VPS', 'ipv4_count' => 1]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'product', 'target_id' => $this->ids['product_vps'], 'pool_id' => $pool['id']]);
        ipmanager_relation_add(['configuration_id' => $config, 'target_type' => 'configoption', 'target_id' => $this->ids['option_extra_ips'],
            'pool_id' => $pool['id'], 'extra_count' => 64]);
        foreach ([2147483647, 1000] as $qty) {
            $service = Seed::service($this->ids['client_demo'], $this->ids['product_vps'], $this->ids['server_pve'], "q$qty.example", 'Pending', '', '');
            Db::insert('tblhostingconfigoptions', ['relid' => $service, 'configid' => $this->ids['option_extra_ips'], 'optionid' => 0, 'qty' => $qty]);
            $started = microtime(true);
            $result = Provisioning::create($service);
            $this->assertLessThan(5.0, microtime(true) - $started, 'refused before allocating');
            $this->assertStringContainsString('more than 256 units', $result['result']);
        }
        $this->assertSame(0, ipmanager_pool_get($pool['id'])['utilization']['assigned'], 'nothing was taken');
    }

    /** @return array<string, array{0:string, 1:string}> script => what its command-line run prints */
    public static function cronJobs(): array
    {
        return [
            'daily job' => ['usage_alerts.php', 'Upkeep:'],
            'panel changes' => ['outbox.php', 'Panel and NetBox changes: 0 delivered, 0 still waiting.'],
            'their shared start' => ['cli.php', ''],
        ];
    }

    /** @dataProvider cronJobs */
    public function testCronJobsRefuseToRunOverTheWeb(string $script, string $printed): void
    {
        $root = dirname(__DIR__) . '/harness/whmcs';
        $so = getenv('IPMANAGER_EXT') ?: dirname(__DIR__, 2) . '/target/release/libipmanager.so';
        $port = 18000 + getmypid() % 1000;
        $server = proc_open([PHP_BINARY, '-d', 'extension=' . $so, '-S', "127.0.0.1:$port", '-t', $root, "$root/router.php"],
            [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, null, ['IPMANAGER_HARNESS_DB' => getenv('IPMANAGER_HARNESS_DB')] + getenv());
        try {
            $body = false;
            for ($i = 0; $i < 50 && $body === false; $i++) {
                usleep(100000);
                $body = @file_get_contents("http://127.0.0.1:$port/modules/addons/ipmanager/cron/$script",
                    false, stream_context_create(['http' => ['ignore_errors' => true]]));
            }
            $this->assertNotFalse($body, 'the harness web server did not answer');
            $this->assertStringContainsString('403', $http_response_header[0]);
            $this->assertStringContainsString('command line only', $body);
            $this->assertSame(0, (int) Db::value("SELECT COUNT(*) FROM tblactivitylog WHERE description LIKE 'IP Manager:%'"), 'nothing ran');
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
        if ($printed === '') {
            return;
        }
        // From the command line it runs.
        $cron = proc_open([PHP_BINARY, '-d', 'extension=' . $so, '-d', 'error_reporting=E_ALL', "$root/modules/addons/ipmanager/cron/$script"],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        $status = proc_close($cron);
        $this->assertSame('', $err);
        $this->assertSame(0, $status, $out);
        $this->assertStringContainsString($printed, $out);
    }
}
