<?php

namespace Browser;

/** The web server (php -S on the harness) and chromedriver for one test run. */
final class Servers
{
    public static string $base = '';
    public static ?WebDriver $driver = null;
    public static string $serverLog = '';
    /** @var list<resource> */
    private static array $processes = [];

    public static function start(string $extension, string $database): void
    {
        $root = dirname(__DIR__, 3);
        self::$serverLog = "$root/var/browser-server.log";
        $webPort = self::freePort();
        self::spawn([PHP_BINARY, '-d', "extension=$extension", '-d', 'display_errors=1', '-d', 'error_reporting=-1',
            '-d', 'log_errors=1', '-d', 'error_log=' . self::$serverLog,
            '-S', "127.0.0.1:$webPort", '-t', "$root/tests/harness/whmcs", "$root/tests/harness/whmcs/router.php"],
            ['IPMANAGER_HARNESS_DB' => $database], self::$serverLog);
        $driverPort = self::freePort();
        self::spawn(['/usr/bin/chromedriver', "--port=$driverPort"], [], "$root/var/chromedriver.log");
        register_shutdown_function([self::class, 'stop']);
        self::$base = "http://127.0.0.1:$webPort";
        self::waitFor(self::$base . '/admin/login.php');
        self::waitFor("http://127.0.0.1:$driverPort/status");
        self::$driver = new WebDriver("http://127.0.0.1:$driverPort", '/usr/bin/chromium');
    }

    public static function stop(): void
    {
        if (self::$driver !== null) {
            try {
                self::$driver->quit();
            } catch (\Throwable $e) {
                // the driver may be gone already
            }
            self::$driver = null;
        }
        foreach (self::$processes as $process) {
            proc_terminate($process);
            proc_close($process);
        }
        self::$processes = [];
    }

    /** PHP errors the web server logged since the offset (a page may hide them from the DOM). */
    public static function serverErrors(int $since): string
    {
        clearstatcache();
        $log = (string) @file_get_contents(self::$serverLog, false, null, $since);
        return implode("\n", array_filter(explode("\n", $log), fn ($l) => preg_match('/PHP (Warning|Notice|Deprecated|Fatal|Parse)/', $l)));
    }

    public static function logSize(): int
    {
        clearstatcache();
        return (int) @filesize(self::$serverLog);
    }

    private static function spawn(array $cmd, array $env, string $log): void
    {
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, null, $env + getenv());
        if (!is_resource($process)) {
            throw new \RuntimeException('could not start ' . $cmd[0]);
        }
        self::$processes[] = $process;
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr((string) strrchr((string) $name, ':'), 1);
    }

    private static function waitFor(string $url): void
    {
        for ($i = 0; $i < 100; $i++) {
            $curl = curl_init($url);
            curl_setopt_array($curl, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 2]);
            if (curl_exec($curl) !== false && curl_getinfo($curl, CURLINFO_HTTP_CODE) > 0) {
                return;
            }
            usleep(100000);
        }
        throw new \RuntimeException("$url did not answer");
    }
}
