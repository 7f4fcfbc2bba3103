<?php

namespace Harness;

/**
 * A module command as WHMCS runs it: the module parameters, the PreModule hooks with their
 * override/abort semantics, the provisioning module itself (recorded in
 * harness_module_calls), then the After hooks.
 */
final class Provisioning
{
    /** @return array{result:string, params:?array} 'success' or the abort message */
    public static function create(int $serviceId): array
    {
        $params = self::params($serviceId);
        $pre = Hooks::runPreModule('PreModuleCreate', $params);
        if ($pre['abort']) {
            $message = $pre['abortmsg'] !== '' ? $pre['abortmsg'] : 'Function Aborted by Action Hook Code';
            Hooks::run('AfterModuleCreateFailed', ['params' => $params, 'failureResponseMessage' => $message]);
            return ['result' => $message, 'params' => null];
        }
        $params = $pre['params'];
        Db::insert('harness_module_calls', [
            'created_at' => gmdate('Y-m-d H:i:s'), 'module' => $params['moduletype'], 'action' => 'CreateAccount',
            'serviceid' => $serviceId, 'params' => json_encode($params),
        ]);
        Db::run("UPDATE tblhosting SET domainstatus = 'Active' WHERE id = ? AND domainstatus = 'Pending'", [$serviceId]);
        Hooks::run('AfterModuleCreate', ['params' => $params]);
        return ['result' => 'success', 'params' => $params];
    }

    /** What the module received on its last call for the service. */
    public static function lastModuleParams(int $serviceId): ?array
    {
        $json = Db::value('SELECT params FROM harness_module_calls WHERE serviceid = ? ORDER BY id DESC LIMIT 1', [$serviceId]);
        return $json === null ? null : json_decode($json, true);
    }

    /** The module parameter array documented in shared/whmcs.md. */
    public static function params(int $serviceId): array
    {
        $h = Db::one('SELECT * FROM tblhosting WHERE id = ?', [$serviceId]);
        if ($h === null) {
            throw new \InvalidArgumentException("no service #$serviceId");
        }
        $p = Db::one('SELECT * FROM tblproducts WHERE id = ?', [$h['packageid']]) ?? [];
        $s = Db::one('SELECT * FROM tblservers WHERE id = ?', [$h['server']]);
        $c = Db::one('SELECT * FROM tblclients WHERE id = ?', [$h['userid']]) ?? [];
        $customfields = [];
        foreach (Db::all("SELECT f.fieldname, v.value FROM tblcustomfields f LEFT JOIN tblcustomfieldsvalues v ON v.fieldid = f.id AND v.relid = ? WHERE f.type = 'product' AND f.relid = ?", [$serviceId, $h['packageid']]) as $row) {
            $customfields[$row['fieldname']] = (string) ($row['value'] ?? '');
        }
        $configoptions = [];
        foreach (Db::all('SELECT o.optionname, o.optiontype, s.optionname AS value, h.qty FROM tblhostingconfigoptions h JOIN tblproductconfigoptions o ON o.id = h.configid LEFT JOIN tblproductconfigoptionssub s ON s.id = h.optionid WHERE h.relid = ?', [$serviceId]) as $row) {
            $configoptions[$row['optionname']] = $row['optiontype'] === '4' ? (int) $row['qty'] : (string) $row['value'];
        }
        $params = [
            'serviceid' => (int) $h['id'], 'userid' => (int) $h['userid'], 'pid' => (int) $h['packageid'],
            'serverid' => (int) $h['server'], 'domain' => $h['domain'], 'username' => $h['username'],
            'password' => $h['password'] === '' ? '' : decrypt($h['password']), 'producttype' => $p['type'] ?? 'other',
            'moduletype' => $p['servertype'] ?? '', 'clientsdetails' => ['userid' => (int) $h['userid'], 'email' => $c['email'] ?? ''],
            'customfields' => $customfields, 'configoptions' => $configoptions,
            'server' => $s !== null, 'serverip' => $s['ipaddress'] ?? '', 'serverhostname' => $s['hostname'] ?? '',
            'serverusername' => $s['username'] ?? '', 'serverpassword' => ($s['password'] ?? '') === '' ? '' : decrypt($s['password']),
            'serveraccesshash' => $s['accesshash'] ?? '', 'serversecure' => ($s['secure'] ?? '') === 'on',
            'dedicatedip' => $h['dedicatedip'], 'assignedips' => $h['assignedips'],
        ];
        for ($i = 1; $i <= 24; $i++) {
            $params['configoption' . $i] = $p['configoption' . $i] ?? '';
        }
        return $params;
    }
}
