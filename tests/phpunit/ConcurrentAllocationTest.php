<?php

use IpManager\Addon\Runtime;

/** Many PHP processes with the real extension allocating from one pool at once. */
final class ConcurrentAllocationTest extends HarnessTestCase
{
    private const PROCESSES = 32;
    private const SERVICES_EACH = 2;

    /** @dataProvider subnets */
    public function testEveryServiceGetsADistinctAddressAndTheSurplusAreToldThePoolIsExhausted(array $subnet, array $pool, int $capacity): void
    {
        $this->activate();
        Runtime::connect();
        $s = ipmanager_subnet_create($subnet);
        $p = ipmanager_pool_create(['subnet_id' => $s['id']] + $pool);
        $this->assertSame($capacity, $p['utilization']['usable']);

        $start = tempnam(sys_get_temp_dir(), 'ipm-start-');
        unlink($start);
        $so = getenv('IPMANAGER_EXT') ?: dirname(__DIR__, 2) . '/target/release/libipmanager.so';
        $env = ['IPMANAGER_TEST_DB' => json_encode(Runtime::credentials())] + getenv();
        $procs = [];
        for ($i = 0; $i < self::PROCESSES; $i++) {
            $services = [];
            for ($j = 0; $j < self::SERVICES_EACH; $j++) {
                $services[] = (string) (5000 + $i * self::SERVICES_EACH + $j);
            }
            $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $so, __DIR__ . '/workers/allocate.php', $start, (string) $p['id']], $services);
            $procs[] = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env) ?: null;
            $outputs[] = $pipes;
        }
        touch($start);
        $results = [];
        foreach ($procs as $i => $proc) {
            $out = stream_get_contents($outputs[$i][1]);
            $err = stream_get_contents($outputs[$i][2]);
            $this->assertSame(0, proc_close($proc), $err);
            foreach (array_filter(explode("\n", (string) $out)) as $line) {
                $result = json_decode($line, true);
                if (!isset($result['retries'])) {
                    $results[] = $result;
                }
            }
        }
        unlink($start);

        $this->assertCount(self::PROCESSES * self::SERVICES_EACH, $results);
        $addresses = array_column(array_filter($results, fn ($r) => isset($r['address'])), 'address');
        $errors = array_filter($results, fn ($r) => isset($r['error']));
        $this->assertCount($capacity, $addresses);
        $this->assertSame($addresses, array_values(array_unique($addresses)), 'an address was handed out twice');
        $this->assertCount(self::PROCESSES * self::SERVICES_EACH - $capacity, $errors);
        foreach ($errors as $e) {
            $this->assertSame('IpManager\Exception\PoolExhausted', $e['error'], $e['message']);
            $this->assertStringContainsString('Pool "' . $pool['name'] . '"', $e['message']);
        }
        $this->assertSame($capacity, ipmanager_pool_get($p['id'])['utilization']['assigned']);
        $this->assertSame($capacity, ipmanager_address_list(['pool_id' => $p['id'], 'per_page' => 500])['total']);
    }

    public function subnets(): array
    {
        return [
            'stored IPv4' => [['cidr' => '198.51.100.0/24', 'name' => 'race v4'], ['name' => 'race v4 pool', 'range' => '198.51.100.10-198.51.100.49'], 40],
            'sparse IPv6 /64 per service' => [['cidr' => '2001:db8:aa00::/59', 'name' => 'race v6', 'reserve_anycast' => false], ['name' => 'race v6 /64', 'prefix_len' => 64], 32],
        ];
    }
}
