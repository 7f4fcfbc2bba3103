<?php

/** php/ipmanager.stubs.php must declare exactly what the extension provides. */
final class StubsTest extends HarnessTestCase
{
    private function stubs(): string
    {
        return (string) file_get_contents(dirname(__DIR__, 2) . '/php/ipmanager.stubs.php');
    }

    public function testEveryNativeFunctionIsDeclaredWithTheSameParameters(): void
    {
        preg_match_all('/function (ipmanager_\w+)\(([^)]*)\)\s*:\s*\??\w+/', $this->stubs(), $m, PREG_SET_ORDER);
        $declared = [];
        foreach ($m as [, $name, $params]) {
            preg_match_all('/\$(\w+)/', $params, $p);
            $declared[$name] = $p[1];
        }
        $actual = [];
        foreach ((new ReflectionExtension('ipmanager'))->getFunctions() as $fn) {
            $actual[$fn->getName()] = array_map(fn ($p) => $p->getName(), $fn->getParameters());
        }
        ksort($declared);
        ksort($actual);
        $this->assertSame($actual, $declared);
    }

    public function testEveryFunctionHasADocComment(): void
    {
        preg_match_all('/\*\/\s*function (ipmanager_\w+)/', $this->stubs(), $m);
        $this->assertSame(count((new ReflectionExtension('ipmanager'))->getFunctions()), count($m[1]));
    }

    public function testEveryExceptionClassIsDeclared(): void
    {
        foreach ((new ReflectionExtension('ipmanager'))->getClassNames() as $class) {
            $short = substr($class, strrpos($class, '\\') + 1);
            $this->assertMatchesRegularExpression('/class ' . preg_quote($short, '/') . ' extends/', $this->stubs(), $class);
        }
    }
}
