<?php

namespace Harness;

/** Admin and client logins: $_SESSION['adminid'] and $_SESSION['uid'] as WHMCS sets them. */
final class Session
{
    public static function start(): void
    {
        if (PHP_SAPI === 'cli' || session_status() === PHP_SESSION_ACTIVE) {
            $_SESSION = $_SESSION ?? [];
            return;
        }
        $dir = dirname(__DIR__, 3) . '/var/sessions';
        if (!is_dir($dir)) {
            mkdir($dir, 0700, true);
        }
        session_save_path($dir);
        session_name('WHMCSHarness');
        session_start();
    }

    public static function loginAdmin(string $username, string $password): bool
    {
        $row = Db::one('SELECT id, password FROM tbladmins WHERE username = ? AND disabled = 0', [$username]);
        if ($row === null || !password_verify($password, $row['password'])) {
            return false;
        }
        self::regenerate();
        $_SESSION['adminid'] = (int) $row['id'];
        return true;
    }

    public static function loginClient(string $email, string $password): bool
    {
        $row = Db::one("SELECT id, password FROM tblclients WHERE email = ? AND status = 'Active'", [$email]);
        if ($row === null || !password_verify($password, $row['password'])) {
            return false;
        }
        self::regenerate();
        $_SESSION['uid'] = (int) $row['id'];
        return true;
    }

    /** For tests: act as this admin/client without a password round-trip. */
    public static function actAsAdmin(int $adminId): void
    {
        $_SESSION['adminid'] = $adminId;
    }

    public static function actAsClient(int $clientId): void
    {
        $_SESSION['uid'] = $clientId;
    }

    public static function logout(): void
    {
        $_SESSION = [];
    }

    private static function regenerate(): void
    {
        if (PHP_SAPI !== 'cli' && session_status() === PHP_SESSION_ACTIVE) {
            session_regenerate_id(true);
        }
    }
}
