<?php

use Harness\Db;
use Harness\Seed;
use IpManager\Addon\Runtime;

/**
 * 34 PHP processes with the real extension at once on one subnet: allocations (two pools
 * and the subnet, single addresses and /29s sharing space) against releases, unassign,
 * orphan release, the IP Cleaner and rule edits. Afterwards the change log is replayed
 * address by address: a unit is never handed out while any part of it is held or blocked,
 * never released unless held; every caller was told exactly what was committed; counters
 * equal a recount; free space is consistent.
 */
final class MixedRaceTest extends HarnessTestCase
{
    private const ROLES = ['allocate' => [16, 30], 'release' => [4, 12], 'unassign' => [4, 12], 'orphans' => [3, 8],
        'cleaner' => [3, 6], 'rules' => [4, 10]];
    /** The only errors each role may meet: what the race legitimately causes. */
    private const EXPECTED = ['allocate' => ['IpManager\Exception\PoolExhausted'], 'release' => [],
        'unassign' => ['IpManager\Exception\NotFound'], 'orphans' => [], 'cleaner' => [], 'rules' => []];

    public function testEveryPathAgreesWithTheOthersUnderLoad(): void
    {
        $this->activate();
        Runtime::connect();
        $s = ipmanager_subnet_create(['cidr' => '10.77.0.0/24', 'name' => 'race', 'store_free_ips' => false, 'gateway' => '10.77.0.1']);
        $singles = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'singles']);
        $blocks = ipmanager_pool_create(['subnet_id' => $s['id'], 'name' => 'blocks', 'range' => '10.77.0.128-10.77.0.255', 'prefix_len' => 29]);
        $first = 0;
        for ($i = 0; $i < 60; $i++) {
            $id = Seed::service($this->ids['client_demo'], $this->ids['product_vps'], $this->ids['server_pve'], "race$i.example", 'Active', '', '');
            $first = $first ?: $id;
        }
        $race = ['subnet' => $s['id'], 'singles' => $singles['id'], 'blocks' => $blocks['id'], 'prefix' => '10.77.0.',
            'first_service' => $first, 'last_service' => $first + 59];

        $results = $this->runWorkers($race);

        $errors = [];
        foreach ($results as $r) {
            if (isset($r['error']) && !in_array($r['error'], self::EXPECTED[$r['op']], true)) {
                $errors[] = $r;
            }
        }
        $this->assertSame([], $errors, 'only the errors a race legitimately causes');
        $this->assertGreaterThan(100, count(array_filter($results, fn ($r) => ($r['op'] === 'allocate') && !isset($r['error']))));

        $this->assertLogReplays($s['id'], $results);
        $this->assertCountersAndSpace($s['id']);
    }

    private function runWorkers(array $race): array
    {
        $start = tempnam(sys_get_temp_dir(), 'ipm-race-');
        unlink($start);
        $so = getenv('IPMANAGER_EXT') ?: dirname(__DIR__, 2) . '/target/release/libipmanager.so';
        $env = ['IPMANAGER_TEST_DB' => json_encode(Runtime::credentials()), 'IPMANAGER_RACE' => json_encode($race)] + getenv();
        $procs = [];
        $n = 0;
        foreach (self::ROLES as $role => [$count, $rounds]) {
            for ($i = 0; $i < $count; $i++) {
                $cmd = [PHP_BINARY, '-d', 'extension=' . $so, __DIR__ . '/workers/mixed.php', $start, $role, (string) (++$n * 7919), (string) $rounds];
                $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
                $procs[] = [$proc, $pipes];
            }
        }
        $this->assertGreaterThanOrEqual(32, count($procs));
        touch($start);
        $results = [];
        foreach ($procs as [$proc, $pipes]) {
            $out = stream_get_contents($pipes[1]);
            $err = stream_get_contents($pipes[2]);
            $this->assertSame(0, proc_close($proc), $err);
            $this->assertSame('', $err);
            foreach (array_filter(explode("\n", (string) $out)) as $line) {
                $results[] = json_decode($line, true);
            }
        }
        unlink($start);
        return $results;
    }

    /** Replays the change log in order: what was handed out, released and blocked when. */
    private function assertLogReplays(int $subnetId, array $results): void
    {
        $held = [];     // start => [end, service, state]
        $blocked = $this->blockedRanges(['gateway' => '10.77.0.1', 'rules' => ['network' => true, 'broadcast' => true, 'gateway' => true, 'first' => 0, 'last' => 0], 'excluded' => '', 'reserved' => '']);
        $assigned = []; // "service address" => count
        $events = Db::all("SELECT id, action, before_json, after_json FROM mod_ipmanager_logs WHERE action IN
            ('address.assign', 'address.import', 'address.release', 'address.quarantine_end', 'subnet.update') ORDER BY id");
        foreach ($events as $e) {
            $after = json_decode((string) $e['after_json'], true);
            $before = json_decode((string) $e['before_json'], true);
            if ($e['action'] === 'subnet.update') {
                $blocked = $this->blockedRanges($after);
                continue;
            }
            [$lo, $hi] = self::range($after['address'] ?? $before['address']);
            if ($e['action'] === 'address.assign' || $e['action'] === 'address.import') {
                foreach ($held as $start => [$end]) {
                    $this->assertFalse($lo <= $end && $start <= $hi, "log #{$e['id']}: {$after['address']} handed out while " . long2ip($start) . ' was held');
                }
                foreach ($blocked as [$bs, $be]) {
                    $this->assertFalse($lo <= $be && $bs <= $hi, "log #{$e['id']}: {$after['address']} handed out while blocked");
                }
                $held[$lo] = [$hi, $after['service_id'], 'assigned'];
                $key = $after['service_id'] . ' ' . $after['address'];
                $assigned[$key] = ($assigned[$key] ?? 0) + 1;
            } elseif ($e['action'] === 'address.release') {
                $this->assertArrayHasKey($lo, $held, "log #{$e['id']}: released {$before['address']}, which was not held");
                if ($after['state'] === 'quarantined') {
                    $held[$lo][2] = 'quarantined';
                } else {
                    unset($held[$lo]);
                }
            } else {
                $this->assertSame('quarantined', $held[$lo][2] ?? null, "log #{$e['id']}: quarantine of {$after['address']} ended, but it was not quarantined");
                unset($held[$lo]);
            }
        }
        // What the log says is held is what the table holds.
        $rows = Db::all("SELECT address, prefix_len, service_id, state FROM mod_ipmanager_addresses WHERE subnet_id = ? AND state <> 'free' AND blocked = 0 ORDER BY address", [$subnetId]);
        $this->assertSame(count($held), count($rows));
        foreach ($rows as $r) {
            $start = unpack('N', $r['address'])[1];
            $this->assertSame((int) $r['service_id'], $held[$start][1] ?? null, long2ip($start));
        }
        // Every caller was told exactly what was committed: each new allocation it reported
        // is one logged assignment to that service, and nothing else was logged for it.
        $told = [];
        foreach ($results as $r) {
            if ($r['op'] === 'allocate' && !isset($r['error']) && $r['new']) {
                $key = $r['service'] . ' ' . $r['address'];
                $told[$key] = ($told[$key] ?? 0) + 1;
            }
        }
        ksort($told);
        ksort($assigned);
        $this->assertSame($assigned, $told);
    }

    private function assertCountersAndSpace(int $subnetId): void
    {
        $counters = Db::one('SELECT CAST(assigned_count AS CHAR) a, CAST(reserved_count AS CHAR) r FROM mod_ipmanager_subnets WHERE id = ?', [$subnetId]);
        $recount = Db::one("SELECT CAST(COALESCE(SUM(IF(state IN ('assigned','releasing'), size, 0)), 0) AS CHAR) a,
            CAST(COALESCE(SUM(IF(state IN ('reserved','quarantined'), size, 0)), 0) AS CHAR) r FROM mod_ipmanager_addresses WHERE subnet_id = ? AND blocked = 0", [$subnetId]);
        $this->assertSame($recount, $counters);
        foreach (Db::all('SELECT id, assigned_count FROM mod_ipmanager_pools WHERE subnet_id = ?', [$subnetId]) as $p) {
            $rows = Db::value("SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE pool_id = ? AND state IN ('assigned','releasing')", [$p['id']]);
            $this->assertSame((int) $rows, (int) $p['assigned_count'], "pool #{$p['id']}");
        }
        // Rows never overlap, free rows avoid blocked addresses, and nothing is lost.
        $subnet = ipmanager_subnet_get($subnetId);
        $blocked = [];
        foreach ($subnet['blocked'] as $b) {
            $blocked[] = self::range($b['range']);
        }
        $covered = array_fill(0, 256, false);
        $previousEnd = -1;
        foreach (Db::all('SELECT address, last_address, state FROM mod_ipmanager_addresses WHERE subnet_id = ? ORDER BY address', [$subnetId]) as $r) {
            $a = unpack('N', $r['address'])[1];
            $b = unpack('N', $r['last_address'])[1];
            $this->assertGreaterThan($previousEnd, $a, 'rows overlap at ' . long2ip($a));
            $previousEnd = $b;
            for ($x = $a; $x <= $b; $x++) {
                $covered[$x & 255] = true;
                if ($r['state'] === 'free') {
                    foreach ($blocked as [$bs, $be]) {
                        $this->assertFalse($x >= $bs && $x <= $be, long2ip($x) . ' is free and blocked');
                    }
                }
            }
        }
        foreach ($covered as $offset => $isCovered) {
            $x = ip2long('10.77.0.0') + $offset;
            $isBlocked = array_filter($blocked, fn ($b) => $x >= $b[0] && $x <= $b[1]) !== [];
            $this->assertTrue($isCovered || $isBlocked, long2ip($x) . ' is neither free, held nor blocked: lost');
        }
    }

    /** The blocked ranges a subnet.update log row describes (the subnet is 10.77.0.0/24). */
    private function blockedRanges(array $spec): array
    {
        $base = ip2long('10.77.0.0');
        $out = [];
        if ($spec['rules']['network']) {
            $out[] = [$base, $base];
        }
        if ($spec['rules']['broadcast']) {
            $out[] = [$base + 255, $base + 255];
        }
        if ($spec['rules']['gateway'] && ($spec['gateway'] ?? '') !== '') {
            $g = ip2long($spec['gateway']);
            $out[] = [$g, $g];
        }
        if ($spec['rules']['first'] > 0) {
            $out[] = [$base, $base + $spec['rules']['first'] - 1];
        }
        if ($spec['rules']['last'] > 0) {
            $out[] = [$base + 256 - $spec['rules']['last'], $base + 255];
        }
        foreach (['excluded', 'reserved'] as $list) {
            foreach (preg_split('/[\s,]+/', (string) $spec[$list], -1, PREG_SPLIT_NO_EMPTY) as $item) {
                $out[] = self::range($item);
            }
        }
        return $out;
    }

    /** [first, last] of "a.b.c.d", "a.b.c.d/len" or "a-b". */
    private static function range(string $text): array
    {
        if (str_contains($text, '-')) {
            [$a, $b] = explode('-', $text);
            return [ip2long($a), ip2long($b)];
        }
        [$ip, $len] = array_pad(explode('/', $text), 2, '32');
        $start = ip2long($ip);
        return [$start, $start + (1 << (32 - (int) $len)) - 1];
    }
}
