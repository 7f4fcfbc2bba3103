<?php

namespace IpManager\Addon;

/**
 * Connects the extension to WHMCS's database and wraps native calls for the entry points.
 * Credentials come from WHMCS's configuration.php; they are handed to the extension and
 * never printed.
 */
final class Runtime
{
    public const ADDON_VERSION = '0.1.0';

    /** Makes sure the extension is loaded and configured; safe to call on every request. */
    public static function connect(): void
    {
        if (!extension_loaded('ipmanager')) {
            throw new ExtensionMissing(
                'The ipmanager PHP extension is not loaded. Install it with `make install` '
                . 'and restart PHP (php -m must list ipmanager).'
            );
        }
        ipmanager_configure(self::credentials());
        ipmanager_set_actor(self::actor());
    }

    /** Who this request acts as, for the change log: the admin, else the client, else WHMCS itself. */
    public static function actor(): array
    {
        if (defined('IPMANAGER_CRON')) {
            return ['type' => 'cron'];
        }
        if (!empty($_SESSION['adminid'])) {
            return ['type' => 'admin', 'id' => (int) $_SESSION['adminid']];
        }
        if (!empty($_SESSION['uid'])) {
            return ['type' => 'client', 'id' => (int) $_SESSION['uid']];
        }
        return ['type' => 'system'];
    }

    /** @return array{host:string,port:int,username:string,password:string,database:string,socket:string} */
    public static function credentials(): array
    {
        $file = ROOTDIR . '/configuration.php';
        $read = static function (string $file): array {
            $db_host = $db_port = $db_username = $db_password = $db_name = '';
            include $file;
            return compact('db_host', 'db_port', 'db_username', 'db_password', 'db_name');
        };
        $c = $read($file);
        $host = (string) $c['db_host'];
        $port = (string) $c['db_port'];
        // "host:port" is accepted by WHMCS in $db_host too.
        if ($port === '' && preg_match('/^([^:]+):(\d+)$/', $host, $m)) {
            [$host, $port] = [$m[1], $m[2]];
        }
        // As with PDO, "localhost" means the local unix socket.
        $socket = '';
        if ($host === 'localhost') {
            $candidate = (string) ini_get('pdo_mysql.default_socket');
            if ($candidate !== '' && file_exists($candidate)) {
                $socket = $candidate;
            }
        }
        return [
            'host' => $host,
            'port' => $port === '' ? 3306 : (int) $port,
            'username' => (string) $c['db_username'],
            'password' => (string) $c['db_password'],
            'database' => (string) $c['db_name'],
            'socket' => $socket,
        ];
    }

    /** The addon's strings, for places where WHMCS does not pass $vars['_lang'] (hooks). */
    public static function lang(): array
    {
        static $lang = null;
        if ($lang === null) {
            $_ADDONLANG = [];
            include __DIR__ . '/../lang/english.php';
            $lang = $_ADDONLANG;
        }
        return $lang;
    }

    /** Runs an activate/deactivate/upgrade step and turns failures into WHMCS's result shape. */
    public static function lifecycle(callable $step): array
    {
        try {
            self::connect();
            return $step();
        } catch (\IpManager\Exception $e) {
            return ['status' => 'error', 'description' => $e->getMessage()];
        } catch (ExtensionMissing $e) {
            return ['status' => 'error', 'description' => $e->getMessage()];
        }
    }
}

/** The addon was loaded into a PHP without the ipmanager extension. */
final class ExtensionMissing extends \RuntimeException
{
}
