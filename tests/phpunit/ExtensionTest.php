<?php

/** The built .so as PHP sees it: name, functions, phpinfo section, version. */
final class ExtensionTest extends HarnessTestCase
{
    public function testPhpListsTheModule(): void
    {
        [$status, $out] = $this->php(['-m']);
        $this->assertSame(0, $status);
        $this->assertMatchesRegularExpression('/^ipmanager$/m', $out);
    }

    public function testReflectionListsTheFunctions(): void
    {
        [$status, $out] = $this->php(['--re', 'ipmanager']);
        $this->assertSame(0, $status);
        foreach (['ipmanager_version', 'ipmanager_configure', 'ipmanager_status', 'ipmanager_migrate'] as $fn) {
            $this->assertStringContainsString("function $fn ]", $out);
        }
    }

    public function testPhpinfoHasAnIpmanagerSection(): void
    {
        [$status, $out] = $this->php(['-i']);
        $this->assertSame(0, $status);
        $this->assertStringContainsString('ipmanager support => enabled', $out);
        $this->assertStringContainsString('Version => ' . ipmanager_version(), $out);
        $this->assertMatchesRegularExpression('/PHP API \(build id\) => API\d{8},(NTS|TS)/', $out);
        $this->assertStringContainsString('Database => not configured', $out);
    }

    public function testVersionIsTheCrateVersion(): void
    {
        preg_match('/^version = "([^"]+)"/m', (string) file_get_contents(dirname(__DIR__, 2) . '/Cargo.toml'), $m);
        $this->assertSame($m[1], ipmanager_version());
        $this->assertSame(PHP_VERSION, ipmanager_status()['php_version_built']);
    }
}
