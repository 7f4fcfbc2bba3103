<?php

namespace Harness;

/**
 * What WHMCS does between a client ordering more and the addon hearing of it, as
 * shared/whmcs.md records it ("Orders, invoices and what paying one runs"):
 * - a configurable-options upgrade (UpgradeProduct, type 'configoptions') makes a pending
 *   `tblupgrades` row and an invoice; once the invoice is paid WHMCS applies the new option
 *   values to the service (`tblhostingconfigoptions`), completes the upgrade and runs
 *   AfterConfigOptionsUpgrade with `upgradeid`;
 * - a product addon ordered for a service is a Pending `tblhostingaddons` row with an
 *   invoice; once paid WHMCS activates it and runs AddonActivation with `id, userid,
 *   serviceid, addonid`.
 * Nothing happens before the invoice is paid.
 */
final class Orders
{
    /** Orders `$qty` of quantity option `$configId` for the service; returns the invoice id. */
    public static function upgradeQuantity(int $serviceId, int $configId, int $qty, float $amount = 5.0): int
    {
        $service = Db::one('SELECT userid FROM tblhosting WHERE id = ?', [$serviceId]);
        $current = (int) (Db::value('SELECT qty FROM tblhostingconfigoptions WHERE relid = ? AND configid = ?', [$serviceId, $configId]) ?? 0);
        $upgrade = Db::insert('tblupgrades', [
            'userid' => $service['userid'], 'type' => 'configoptions', 'date' => gmdate('Y-m-d'), 'relid' => $serviceId,
            'originalvalue' => "$configId=>$current", 'newvalue' => "$configId=>$qty", 'amount' => $amount,
        ]);
        return self::invoice((int) $service['userid'], 'Upgrade', $upgrade, "Upgrade of service #$serviceId", $amount);
    }

    /** Orders product addon `$addonId` for the service; returns the invoice id. */
    public static function addon(int $serviceId, int $addonId, float $amount = 3.0): int
    {
        $service = Db::one('SELECT userid FROM tblhosting WHERE id = ?', [$serviceId]);
        $name = (string) Db::value('SELECT name FROM tbladdons WHERE id = ?', [$addonId]);
        $hostingAddon = Db::insert('tblhostingaddons', [
            'hostingid' => $serviceId, 'addonid' => $addonId, 'userid' => $service['userid'], 'name' => $name, 'status' => 'Pending',
        ]);
        return self::invoice((int) $service['userid'], 'Addon', $hostingAddon, "$name for service #$serviceId", $amount);
    }

    /** The invoice is paid: WHMCS completes what it was for, then runs the hooks. */
    public static function pay(int $invoiceId): void
    {
        Db::run("UPDATE tblinvoices SET status = 'Paid', datepaid = UTC_TIMESTAMP() WHERE id = ? AND status = 'Unpaid'", [$invoiceId]);
        foreach (Db::all('SELECT type, relid FROM tblinvoiceitems WHERE invoiceid = ? ORDER BY id', [$invoiceId]) as $item) {
            if ($item['type'] === 'Upgrade') {
                $upgrade = Db::one("SELECT * FROM tblupgrades WHERE id = ? AND status = 'Pending'", [$item['relid']]);
                if ($upgrade === null) {
                    continue;
                }
                [$configId, $qty] = array_map('intval', explode('=>', $upgrade['newvalue']));
                $row = Db::value('SELECT id FROM tblhostingconfigoptions WHERE relid = ? AND configid = ?', [$upgrade['relid'], $configId]);
                if ($row === null) {
                    Db::insert('tblhostingconfigoptions', ['relid' => $upgrade['relid'], 'configid' => $configId, 'optionid' => 0, 'qty' => $qty]);
                } else {
                    Db::run('UPDATE tblhostingconfigoptions SET qty = ? WHERE id = ?', [$qty, $row]);
                }
                Db::run("UPDATE tblupgrades SET status = 'Completed', paid = 'Y' WHERE id = ?", [$upgrade['id']]);
                Hooks::run('AfterConfigOptionsUpgrade', ['upgradeid' => (int) $upgrade['id']]);
            } elseif ($item['type'] === 'Addon') {
                $addon = Db::one("SELECT * FROM tblhostingaddons WHERE id = ? AND status = 'Pending'", [$item['relid']]);
                if ($addon === null) {
                    continue;
                }
                Db::run("UPDATE tblhostingaddons SET status = 'Active' WHERE id = ?", [$addon['id']]);
                Hooks::run('AddonActivation', ['id' => (int) $addon['id'], 'userid' => (int) $addon['userid'],
                    'serviceid' => (int) $addon['hostingid'], 'addonid' => (int) $addon['addonid']]);
            }
        }
    }

    private static function invoice(int $userId, string $type, int $relid, string $description, float $amount): int
    {
        $invoice = Db::insert('tblinvoices', ['userid' => $userId, 'date' => gmdate('Y-m-d'), 'duedate' => gmdate('Y-m-d'), 'total' => $amount]);
        Db::insert('tblinvoiceitems', ['invoiceid' => $invoice, 'userid' => $userId, 'type' => $type, 'relid' => $relid,
            'description' => $description, 'amount' => $amount]);
        return $invoice;
    }
}
