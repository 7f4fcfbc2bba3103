<?php

use IpManager\Addon\Runtime;

final class ExceptionsTest extends HarnessTestCase
{
    private const CLASSES = [
        'IpManager\Exception\InvalidInput' => 1,
        'IpManager\Exception\NotFound' => 2,
        'IpManager\Exception\Conflict' => 3,
        'IpManager\Exception\PoolExhausted' => 4,
        'IpManager\Exception\Integration' => 5,
        'IpManager\Exception\NotConfigured' => 6,
        'IpManager\Exception\Database' => 7,
        'IpManager\Exception\Internal' => 8,
    ];

    public function testEveryClassDescendsFromTheBaseWhichIsAnException(): void
    {
        $this->assertTrue(is_subclass_of('IpManager\Exception', \Exception::class));
        foreach (array_keys(self::CLASSES) as $class) {
            $this->assertTrue(class_exists($class), $class);
            $this->assertSame('IpManager\Exception', get_parent_class($class), $class);
        }
    }

    /** @dataProvider badConfigurations */
    public function testBadDatabaseSettingsAreRefusedWithAPreciseMessage($input, string $expected): void
    {
        try {
            ipmanager_configure($input);
            $this->fail('accepted ' . var_export($input, true));
        } catch (IpManager\Exception\InvalidInput $e) {
            $this->assertSame(1, $e->getCode());
            $this->assertStringContainsString($expected, $e->getMessage());
        }
    }

    public function badConfigurations(): array
    {
        $ok = ['host' => '127.0.0.1', 'username' => 'u', 'database' => 'd'];
        return [
            'a string' => ['127.0.0.1', 'must be an array with named keys, got a string'],
            'an empty array' => [[], 'array is empty'],
            'no database' => [['host' => 'h', 'username' => 'u'], "needs 'database'"],
            'port out of range' => [$ok + ['port' => 70000], "'port' in the database settings must be a whole number from 1 to 65535, got 70000"],
            'port not a number' => [$ok + ['port' => 'abc'], "got 'abc'"],
            'a typo in a key' => [$ok + ['pasword' => 'x'], "Unknown key 'pasword'"],
            'an object' => [['host' => new stdClass()] + $ok, 'PHP type'],
            'empty database name' => [['host' => 'h', 'username' => 'u', 'database' => ' '], '$db_name'],
        ];
    }

    public function testEveryNativeFunctionRefusesBadValuesWithAnIpManagerExceptionNeverACrash(): void
    {
        $this->activate();
        Runtime::connect();
        $deep = [];
        $cursor = &$deep;
        for ($i = 0; $i < 40; $i++) {
            $cursor['x'] = [];
            $cursor = &$cursor['x'];
        }
        unset($cursor);
        $bad = [null, true, -1, 1.5, NAN, 'x', '', [], ['a' => ['b' => 1]], $deep, new stdClass(), STDIN];
        $checked = 0;
        foreach ((new ReflectionExtension('ipmanager'))->getFunctions() as $fn) {
            if ($fn->getNumberOfParameters() === 0 || $fn->getName() === 'ipmanager_configure') {
                continue;
            }
            foreach ($bad as $value) {
                $args = array_fill(0, $fn->getNumberOfParameters(), $value);
                try {
                    $fn->invokeArgs($args);
                } catch (IpManager\Exception $e) {
                    $this->assertNotSame('', $e->getMessage(), $fn->getName());
                } catch (\Throwable $e) {
                    $this->fail($fn->getName() . ' threw ' . get_class($e) . ': ' . $e->getMessage());
                }
                $checked++;
            }
        }
        $this->assertGreaterThan(10, $checked);
        Runtime::connect();
    }

    public function testAClientIdMustBePositive(): void
    {
        $this->activate();
        Runtime::connect();
        $this->expectException(IpManager\Exception\InvalidInput::class);
        $this->expectExceptionMessage('Client id must be a positive whole number, got -3');
        ipmanager_client_services(-3);
    }

    public function testCallingBeforeConfigureSaysWhatToDo(): void
    {
        [$status, $out] = $this->php(['-r', 'try { ipmanager_migrate(); } catch (IpManager\Exception\NotConfigured $e) { echo get_class($e), "|", $e->getCode(), "|", $e->getMessage(); }']);
        $this->assertSame(0, $status);
        [$class, $code, $message] = explode('|', $out, 3);
        $this->assertSame('IpManager\Exception\NotConfigured', $class);
        $this->assertSame('6', $code);
        $this->assertStringContainsString('call ipmanager_configure()', $message);
    }

    public function testAWrongPasswordIsADatabaseErrorThatNeverShowsThePassword(): void
    {
        $credentials = Runtime::credentials();
        try {
            ipmanager_configure(['password' => 'Wrong-Secret-99'] + $credentials);
            ipmanager_schema_version();
            $this->fail('connected with a wrong password');
        } catch (IpManager\Exception\Database $e) {
            $this->assertSame(7, $e->getCode());
            $this->assertStringContainsString('Access denied', $e->getMessage());
            $this->assertStringContainsString('configuration.php', $e->getMessage());
            $this->assertStringNotContainsString('Wrong-Secret-99', $e->getMessage());
        } finally {
            ipmanager_configure($credentials);
        }
        $this->assertSame(0, ipmanager_schema_version());
    }
}
