<?php

namespace Harness;

/**
 * add_hook/run_hook. Lower priority runs first; equal priorities keep registration order.
 * Pre-module hooks (PreModuleCreate, ...) may return overriding parameters or
 * ['abortcmd' => true, 'abortmsg' => '...'].
 */
final class Hooks
{
    /** @var array<string, list<array{int,int,callable}>> */
    private static array $hooks = [];
    private static int $sequence = 0;

    public const PRE_MODULE = [
        'PreModuleCreate', 'PreModuleSuspend', 'PreModuleUnsuspend', 'PreModuleTerminate',
        'PreModuleChangePackage', 'PreModuleRenew',
    ];

    public static function add(string $point, int $priority, callable $fn): void
    {
        self::$hooks[$point][] = [$priority, self::$sequence++, $fn];
    }

    /** @return list<callable> in the order WHMCS calls them */
    public static function ordered(string $point): array
    {
        $list = self::$hooks[$point] ?? [];
        usort($list, static fn ($a, $b) => [$a[0], $a[1]] <=> [$b[0], $b[1]]);
        return array_map(static fn ($h) => $h[2], $list);
    }

    /** Runs every function on the point; returns their non-null results in order. */
    public static function run(string $point, $vars): array
    {
        $results = [];
        foreach (self::ordered($point) as $fn) {
            $result = $fn($vars);
            if ($result !== null) {
                $results[] = $result;
            }
        }
        return $results;
    }

    /**
     * A pre-module hook point as the provisioning flow runs it. Each function sees the
     * parameters with earlier overrides applied; the first abort stops the command.
     *
     * @return array{abort: bool, abortmsg: string, params: array}
     */
    public static function runPreModule(string $point, array $params): array
    {
        foreach (self::ordered($point) as $fn) {
            $result = $fn(['params' => $params]);
            if (!is_array($result)) {
                continue;
            }
            if (!empty($result['abortcmd'])) {
                return ['abort' => true, 'abortmsg' => (string) ($result['abortmsg'] ?? ''), 'params' => $params];
            }
            foreach ($result as $key => $value) {
                if (array_key_exists($key, $params)) {
                    $params[$key] = $value;
                }
            }
        }
        return ['abort' => false, 'abortmsg' => '', 'params' => $params];
    }

    public static function clear(): void
    {
        self::$hooks = [];
    }
}
