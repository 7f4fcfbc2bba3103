<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Runtime;

/**
 * "Retry now" and "Force" on a change waiting for NetBox or PowerDNS: the same outbox
 * natives, with the page's own words ($prefix: 'netbox' or 'rdns').
 */
final class QueueActions
{
    /** @return list<array{0:string,1:string}>|null the messages, or null when $do is not a queue action */
    public static function act(string $do, array $lang, string $prefix): ?array
    {
        $id = (int) Request::post('id');
        if ($do === 'retry') {
            $done = ipmanager_outbox_retry($id);
            if ($done === null) {
                return [['info', sprintf($lang[$prefix . '_change_busy'], $id)]];
            }
            return [$done['error'] === null
                ? ['success', sprintf($lang[$prefix . '_change_delivered'], $done['id'])]
                : ['warning', sprintf($lang[$prefix . '_change_failing'], $done['id'], $done['error'])]];
        }
        if ($do === 'force') {
            $actor = Runtime::actor();
            $forced = ipmanager_outbox_force($id, 'admin #' . (int) ($actor['id'] ?? 0));
            return [['warning', sprintf($lang[$prefix . '_change_forced'], $forced['id'])]];
        }
        return null;
    }
}
