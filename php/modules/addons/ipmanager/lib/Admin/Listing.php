<?php

namespace IpManager\Addon\Admin;

/**
 * A filtered, paginated list that never dead-ends: when the extension refuses a filter the
 * message is shown and the list is read without the filters (the form keeps what was typed).
 */
final class Listing
{
    /**
     * @param callable(array): array $list a native list function taking filters
     * @return array{0: array, 1: list<array{0:string,1:string}>} the page and messages
     */
    public static function read(callable $list, array $filters, string $page): array
    {
        $query = $filters + ['per_page' => 50];
        if (ctype_digit($page) && (int) $page > 0) {
            $query['page'] = (int) $page;
        }
        try {
            return [$list($query), []];
        } catch (\IpManager\Exception\InvalidInput $e) {
            return [$list(['per_page' => 50]), [['danger', $e->getMessage()]]];
        }
    }
}
