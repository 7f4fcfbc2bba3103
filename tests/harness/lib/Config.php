<?php

namespace Harness;

/** Reads the harness WHMCS root's configuration.php the way WHMCS does (plain variables). */
final class Config
{
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
