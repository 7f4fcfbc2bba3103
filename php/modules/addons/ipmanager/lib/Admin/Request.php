<?php

namespace IpManager\Addon\Admin;

/**
 * The request as the pages read it: strings only (arrays and other shapes become ''), so
 * every value handed to the extension is what the admin typed. Parsing and checking the
 * values is the extension's job.
 */
final class Request
{
    public static function isPost(): bool
    {
        return ($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST';
    }

    /** The posted (POST) or asked-for (GET) action of the page, e.g. "create", "edit". */
    public static function do(): string
    {
        return self::isPost() ? self::post('do') : self::get('do');
    }

    public static function get(string $key): string
    {
        return trim(self::text($_GET[$key] ?? null));
    }

    public static function post(string $key): string
    {
        return self::text($_POST[$key] ?? null);
    }

    /** A query value as text; arrays and other shapes are ''. */
    private static function text($value): string
    {
        return is_string($value) || is_int($value) ? (string) $value : '';
    }

    /** The posted sub-array `$key` (e.g. the form's fields[...]), strings only. */
    public static function postGroup(string $key): array
    {
        return self::strings($_POST[$key] ?? []);
    }

    /** The GET values among `$keys` that are not empty: a page's filters as typed. */
    public static function filters(array $keys): array
    {
        $out = [];
        foreach ($keys as $key) {
            $value = self::get($key);
            if ($value !== '') {
                $out[$key] = $value;
            }
        }
        return $out;
    }

    /** Field errors from the extension as field => message. */
    public static function errorsByField(array $list): array
    {
        $out = [];
        foreach ($list as $e) {
            $out[$e['field']] = isset($out[$e['field']]) ? $out[$e['field']] . ' ' . $e['message'] : $e['message'];
        }
        return $out;
    }

    private static function strings($value): array
    {
        $out = [];
        foreach (is_array($value) ? $value : [] as $k => $v) {
            $out[(string) $k] = self::text($v);
        }
        return $out;
    }
}
