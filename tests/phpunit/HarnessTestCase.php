<?php

use Harness\AddonModule;
use Harness\Db;
use Harness\Hooks;
use Harness\Seed;
use PHPUnit\Framework\TestCase;

/** Every test starts from a fresh WHMCS install with the base seed, addon not yet active. */
abstract class HarnessTestCase extends TestCase
{
    protected array $ids;

    protected function setUp(): void
    {
        Db::reset();
        Hooks::clear();
        $_SESSION = [];
        $_GET = $_POST = [];
        $this->ids = Seed::base();
    }

    protected function activate(): array
    {
        $result = AddonModule::activate([$this->ids['role_full']]);
        $this->assertSame('success', $result['status'], $result['description']);
        return $result;
    }

    protected function moduleTables(): array
    {
        return Db::pdo()->query("SHOW TABLES LIKE 'mod\\_ipmanager\\_%'")->fetchAll(PDO::FETCH_COLUMN);
    }

    /** Asserts that $call throws exactly $class with $message in it. */
    protected function expectFailure(string $class, string $message, callable $call): void
    {
        try {
            $call();
            $this->fail("expected $class");
        } catch (IpManager\Exception $e) {
            $this->assertInstanceOf($class, $e, $e->getMessage());
            $this->assertStringContainsString($message, $e->getMessage());
        }
    }

    /**
     * Runs `php -n -d extension=<the build> ...$args` in a separate process, for what one
     * process cannot show (a fresh, unconfigured extension; php -m; php -i).
     *
     * @return array{0:int,1:string,2:string} exit status, stdout, stderr
     */
    protected function php(array $args): array
    {
        $so = getenv('IPMANAGER_EXT') ?: dirname(__DIR__, 2) . '/target/release/libipmanager.so';
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $so], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        return [proc_close($proc), $out, $err];
    }
}
