<?php

namespace Harness;

/** Reads the harness WHMCS root's configuration.php the way WHMCS does (plain variables). */
final class Config
{
    /** Where Smarty compiles templates ($templates_compiledir), as WHMCS keeps it global. */
    public static function templatesCompileDir(): string
    {
        $read = static function (string $file): string {
            $templates_compiledir = '';
            include $file;
            return (string) $templates_compiledir;
        };
        return $read(ROOTDIR . '/configuration.php');
    }

    public static function db(): array
    {
        $read = static function (string $file): array {
            $db_host = $db_port = $db_username = $db_password = $db_name = $cc_encryption_hash = '';
            include $file;
            return compact('db_host', 'db_port', 'db_username', 'db_password', 'db_name', 'cc_encryption_hash');
        };
        $c = $read(ROOTDIR . '/configuration.php');
        return [
            'host' => $c['db_host'],
            'port' => (int) $c['db_port'],
            'username' => $c['db_username'],
            'password' => $c['db_password'],
            'database' => $c['db_name'],
            'encryption_hash' => $c['cc_encryption_hash'],
        ];
    }
}
