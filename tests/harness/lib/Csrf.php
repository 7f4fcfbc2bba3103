<?php

namespace Harness;

/** generate_token/check_token: one token per session, compared in constant time. */
final class Csrf
{
    public static function token(): string
    {
        if (empty($_SESSION['harness_csrf'])) {
            $_SESSION['harness_csrf'] = bin2hex(random_bytes(20));
        }
        return $_SESSION['harness_csrf'];
    }

    /** WHMCS stops the request on a bad token; the harness throws so tests can see it. */
    public static function check(): void
    {
        $sent = (string) ($_POST['token'] ?? '');
        if ($sent === '' || empty($_SESSION['harness_csrf']) || !hash_equals($_SESSION['harness_csrf'], $sent)) {
            throw new CsrfFailure('Invalid CSRF Protection Token');
        }
    }
}

final class CsrfFailure extends \RuntimeException
{
}
