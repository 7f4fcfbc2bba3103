<?php

namespace IpManager\Addon\Admin;

/** Addresses in use, filtered and paginated, with the next free ones of a subnet or pool. */
final class AddressesPage
{
    private const FILTERS = ['subnet_id', 'pool_id', 'service_id', 'state', 'search'];

    public static function handle(array $vars): Page
    {
        $filters = Request::filters(self::FILTERS);
        [$list, $messages] = Listing::read('ipmanager_address_list', $filters, Request::get('page'));
        $free = null;
        $target = array_intersect_key($filters, ['pool_id' => 1]) ?: array_intersect_key($filters, ['subnet_id' => 1]);
        if ($target !== []) {
            try {
                $free = ipmanager_free_list($target + ['limit' => 10]);
            } catch (\IpManager\Exception $e) {
                $messages[] = ['danger', $e->getMessage()];
            }
        }
        return new Page('addresses.tpl', [
            'filters' => $filters, 'list' => $list, 'free' => $free, 'choices' => ipmanager_choices(),
        ], $messages);
    }
}
