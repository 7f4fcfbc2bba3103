<?php

namespace Harness;

/** logActivity and logModuleCall, written where WHMCS writes them. */
final class Logs
{
    public static function activity(string $message, int $clientId = 0): void
    {
        $adminId = (int) ($_SESSION['adminid'] ?? 0);
        Db::insert('tblactivitylog', [
            'date' => gmdate('Y-m-d H:i:s'),
            'description' => $message,
            'user' => $adminId > 0 ? (string) Db::value('SELECT username FROM tbladmins WHERE id = ?', [$adminId]) : 'System',
            'userid' => $clientId,
            'admin_id' => $adminId,
            'ipaddr' => $_SERVER['REMOTE_ADDR'] ?? '',
        ]);
    }

    /** Secrets listed in $replaceVars are masked before anything is stored, as WHMCS does. */
    public static function moduleCall(string $module, string $action, $request, $response, $processed, array $replaceVars): void
    {
        $mask = static function ($value) use ($replaceVars) {
            $text = is_string($value) ? $value : (string) json_encode($value);
            foreach ($replaceVars as $secret) {
                if ((string) $secret !== '') {
                    $text = str_replace((string) $secret, '***', $text);
                }
            }
            return $text;
        };
        Db::insert('tblmodulelog', [
            'date' => gmdate('Y-m-d H:i:s'),
            'module' => $module,
            'action' => $action,
            'request' => $mask($request),
            'response' => $mask($response),
            'arrdata' => $mask($processed),
        ]);
    }
}
