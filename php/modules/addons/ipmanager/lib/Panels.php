<?php

namespace IpManager\Addon;

/**
 * What PHP must do around a native call that may talk to a hosting panel: hand the
 * extension the server passwords only PHP can decrypt(), and afterwards write what the
 * panel clients sent and received to WHMCS's module log (secrets already masked by the
 * extension; listed again for logModuleCall so WHMCS masks them too).
 */
final class Panels
{
    /**
     * Runs $work with the decrypted passwords of the servers an enabled integration serves
     * handed over, and logs every panel call it made, even when it failed.
     *
     * @template T
     * @param callable(): T $work
     * @return T
     */
    public static function run(callable $work)
    {
        $secrets = self::handOverPasswords();
        try {
            return $work();
        } finally {
            self::logCalls($secrets);
        }
    }

    /** @return list<string> the passwords handed over, for logModuleCall to mask */
    public static function handOverPasswords(): array
    {
        $passwords = [];
        foreach (ipmanager_server_records() as $record) {
            $passwords[(string) $record['id']] = $record['password'] === '' ? '' : (string) decrypt($record['password']);
        }
        if ($passwords !== []) {
            ipmanager_server_passwords($passwords);
        }
        return array_values(array_filter($passwords, static fn ($p) => $p !== ''));
    }

    /** Writes the panel calls since the last drain to WHMCS's module log. */
    public static function logCalls(array $secrets = []): void
    {
        foreach (ipmanager_module_calls() as $call) {
            logModuleCall('ipmanager', $call['module'] . ': ' . $call['action'], $call['request'], $call['response'], '', $secrets);
        }
    }
}
