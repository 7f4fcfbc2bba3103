<?php
// Foundation benchmarks: what crossing into the extension and reaching the database cost.
// Prints figures and ratios measured side by side in this run; asserts nothing.

require __DIR__ . '/setup.php';

function timed(int $n, callable $fn): array
{
    $samples = [];
    for ($i = 0; $i < $n; $i++) {
        $t = hrtime(true);
        $fn();
        $samples[] = hrtime(true) - $t;
    }
    sort($samples);
    return [
        'p50' => $samples[intdiv($n, 2)] / 1000,
        'p99' => $samples[(int) floor($n * 0.99)] / 1000,
        'mean' => array_sum($samples) / $n / 1000,
    ];
}

function row(string $name, array $r): void
{
    printf("  %-46s p50 %8.2f µs   p99 %8.2f µs   mean %8.2f µs\n", $name, $r['p50'], $r['p99'], $r['mean']);
}

function userland_version(): string
{
    return '0.1.0';
}

echo "Foundation benchmarks (PHP " . PHP_VERSION . ", extension " . ipmanager_version() . ")\n\n";

echo "1. Calling into the extension\n";
$native = timed(200000, fn () => ipmanager_version());
$plain = timed(200000, fn () => userland_version());
row('ipmanager_version()', $native);
row('a PHP function returning a string', $plain);
printf("  ratio native/PHP (mean): %.2fx\n\n", $native['mean'] / $plain['mean']);

echo "2. ipmanager_configure() on every request, credentials unchanged (pool kept)\n";
$creds = IpManager\Addon\Runtime::credentials();
row('ipmanager_configure(same credentials)', timed(100000, fn () => ipmanager_configure($creds)));
echo "\n";

echo "3. One round trip to MariaDB through the pool, against PDO on the same server\n";
$pdo = Harness\Db::pdo();
$stmt = $pdo->prepare('SELECT MAX(version) FROM mod_ipmanager_schema_version');
$viaExt = timed(3000, fn () => ipmanager_schema_version());
$viaPdo = timed(3000, function () use ($stmt) { $stmt->execute(); $stmt->fetchColumn(); });
row('ipmanager_schema_version() (1 query)', $viaExt);
row('PDO prepared SELECT MAX(version) (1 query)', $viaPdo);
printf("  ratio extension/PDO (p50): %.2fx\n", $viaExt['p50'] / $viaPdo['p50']);
