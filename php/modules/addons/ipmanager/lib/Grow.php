<?php

namespace IpManager\Addon;

/**
 * "Order additional IPs": once WHMCS has completed a configurable-options upgrade (its
 * invoice paid) or activated a product addon, the service gets what its relations now add
 * up to — all or nothing — and its panel is told. A pool that cannot supply them takes
 * nothing; the admin reads why in the activity log.
 */
final class Grow
{
    /** @param array{upgrade_id?:int, service_id?:int} $request */
    public static function run(array $request, int $clientId): void
    {
        try {
            Runtime::connect();
            $grown = Panels::run(static fn () => ipmanager_service_grow($request));
            if ($grown['added'] !== []) {
                logActivity(sprintf('IP Manager assigned %s to service #%d (upgrade or addon)', implode(', ', $grown['added']), $grown['service_id']), $clientId);
            }
            if ($grown['panel_error'] !== null) {
                logActivity('IP Manager: the panel did not take the new IPs of service #' . $grown['service_id']
                    . ' yet (retried from the outbox): ' . $grown['panel_error'], $clientId);
            }
        } catch (\IpManager\Exception | ExtensionMissing $e) {
            logActivity('IP Manager (upgrade or addon): ' . $e->getMessage(), $clientId);
        }
    }
}
