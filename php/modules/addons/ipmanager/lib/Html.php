<?php

namespace IpManager\Addon;

/** Escaping for every value that reaches HTML. */
final class Html
{
    public static function e($value): string
    {
        return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }

    /** An admin link inside the addon, with query parameters escaped. */
    public static function link(string $moduleLink, array $query = []): string
    {
        return $query === [] ? $moduleLink : $moduleLink . '&' . http_build_query($query);
    }
}
