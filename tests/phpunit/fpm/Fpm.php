<?php
// A private PHP-FPM (Debian's php-fpm8.2) with the extension loaded, one static worker, on a
// unix socket under a temporary directory, and a minimal FastCGI client to send it requests:
// how WHMCS runs in production, so the tests see what a worker keeps between requests.

final class Fpm
{
    private const FCGI_BEGIN_REQUEST = 1;
    private const FCGI_END_REQUEST = 3;
    private const FCGI_PARAMS = 4;
    private const FCGI_STDIN = 5;
    private const FCGI_STDOUT = 6;
    private const FCGI_STDERR = 7;

    private string $dir;
    private string $socket;
    /** @var resource */
    private $process;

    public static function binary(): string
    {
        foreach (['/usr/sbin/php-fpm8.2', '/usr/sbin/php-fpm'] as $path) {
            if (is_executable($path)) {
                return $path;
            }
        }
        throw new RuntimeException('php-fpm is not installed: scripts/packages.sh installs php8.2-fpm (make test does).');
    }

    /** @param int $workers static workers (1: every request reaches the same process) */
    public function __construct(string $extension, int $workers = 1)
    {
        $this->dir = sys_get_temp_dir() . '/ipm-fpm-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir);
        $this->socket = $this->dir . '/fpm.sock';
        $conf = $this->dir . '/fpm.conf';
        file_put_contents($conf, implode("\n", [
            '[global]',
            'error_log = ' . $this->dir . '/error.log',
            'daemonize = no',
            '[bench]',
            'listen = ' . $this->socket,
            'pm = static',
            'pm.max_children = ' . $workers,
            'clear_env = yes',
            'catch_workers_output = yes',
            '',
        ]));
        $cmd = [self::binary(), '-n', '-R', '-F', '-y', $conf, '-d', 'extension=' . $extension];
        $this->process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->dir . '/out.log', 'w'],
            2 => ['file', $this->dir . '/out.log', 'a']], $pipes);
        $deadline = microtime(true) + 10;
        while (!file_exists($this->socket)) {
            if (microtime(true) > $deadline) {
                throw new RuntimeException('php-fpm did not start: ' . @file_get_contents($this->dir . '/out.log')
                    . @file_get_contents($this->dir . '/error.log'));
            }
            usleep(10000);
        }
    }

    public function __destruct()
    {
        proc_terminate($this->process);
        proc_close($this->process);
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            unlink($file);
        }
        @rmdir($this->dir);
    }

    /**
     * Runs $script in a worker, as a GET request with $params as FastCGI parameters
     * ($_SERVER), and returns what it printed (the body, without headers).
     */
    public function request(string $script, array $params = []): string
    {
        $conn = stream_socket_client('unix://' . $this->socket, $errno, $error, 5);
        if ($conn === false) {
            throw new RuntimeException("Cannot reach php-fpm: $error");
        }
        $id = 1;
        $params += [
            'SCRIPT_FILENAME' => $script, 'SCRIPT_NAME' => '/' . basename($script), 'REQUEST_METHOD' => 'GET',
            'SERVER_PROTOCOL' => 'HTTP/1.1', 'GATEWAY_INTERFACE' => 'CGI/1.1', 'QUERY_STRING' => '',
        ];
        $body = '';
        foreach ($params as $name => $value) {
            $body .= self::length(strlen($name)) . self::length(strlen((string) $value)) . $name . $value;
        }
        fwrite($conn, self::record(self::FCGI_BEGIN_REQUEST, $id, pack('nCx5', 1, 0))
            . self::record(self::FCGI_PARAMS, $id, $body) . self::record(self::FCGI_PARAMS, $id, '')
            . self::record(self::FCGI_STDIN, $id, ''));
        $out = '';
        $errors = '';
        while (true) {
            $header = self::read($conn, 8);
            $h = unpack('Cversion/Ctype/nid/nlength/Cpadding/x', $header);
            $content = self::read($conn, $h['length']);
            self::read($conn, $h['padding']);
            if ($h['type'] === self::FCGI_STDOUT) {
                $out .= $content;
            } elseif ($h['type'] === self::FCGI_STDERR) {
                $errors .= $content;
            } elseif ($h['type'] === self::FCGI_END_REQUEST) {
                break;
            }
        }
        fclose($conn);
        if ($errors !== '') {
            throw new RuntimeException("The script wrote to stderr: $errors");
        }
        $split = strpos($out, "\r\n\r\n");
        return $split === false ? $out : substr($out, $split + 4);
    }

    private static function record(int $type, int $id, string $content): string
    {
        return pack('CCnnCx', 1, $type, $id, strlen($content), 0) . $content;
    }

    private static function length(int $n): string
    {
        return $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
    }

    /** @param resource $conn */
    private static function read($conn, int $n): string
    {
        $data = '';
        while (strlen($data) < $n) {
            $chunk = fread($conn, $n - strlen($data));
            if ($chunk === false || $chunk === '') {
                throw new RuntimeException('php-fpm closed the connection mid-answer.');
            }
            $data .= $chunk;
        }
        return $data;
    }
}
