<?php

namespace Harness;

/** The database a test suite runs on: its own (ipm_test_*), created if missing and reset. */
final class TestDatabase
{
    /** Exits with the reason when the extension or IPMANAGER_HARNESS_DB is missing. */
    public static function prepare(string $howToRun): string
    {
        if (!extension_loaded('ipmanager')) {
            fwrite(STDERR, "The ipmanager extension is not loaded: $howToRun\n");
            exit(1);
        }
        $database = getenv('IPMANAGER_HARNESS_DB');
        if ($database === false || strpos($database, 'ipm_test_') !== 0) {
            fwrite(STDERR, "Set IPMANAGER_HARNESS_DB=ipm_test_<name>: the tests reset their database.\n");
            exit(1);
        }
        $c = Config::db();
        (new \PDO(sprintf('mysql:host=%s;port=%d', $c['host'], $c['port']), $c['username'], $c['password']))
            ->exec("CREATE DATABASE IF NOT EXISTS `$database` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        Db::reset();
        return $database;
    }
}
