<?php

namespace Harness;

/**
 * localAPI for the commands the addon uses. Every call is recorded in
 * harness_localapi_calls so tests and the web demo can read what was sent.
 */
final class LocalApi
{
    public static function call(string $command, array $params): array
    {
        switch ($command) {
            case 'SendAdminEmail':
                $result = self::sendAdminEmail($params);
                break;
            case 'SendEmail':
                $result = isset($params['messagename']) || isset($params['customsubject'])
                    ? ['result' => 'success']
                    : ['result' => 'error', 'message' => 'Email Template Name or custom subject Required'];
                break;
            case 'UpdateClientProduct':
                $result = self::updateClientProduct($params);
                break;
            default:
                $result = ['result' => 'error', 'message' => 'Command Not Found'];
        }
        Db::insert('harness_localapi_calls', [
            'created_at' => gmdate('Y-m-d H:i:s'),
            'command' => $command,
            'params' => json_encode($params),
            'result' => json_encode($result),
        ]);
        return $result;
    }

    /** @return list<array{command:string,params:array,result:array}> */
    public static function calls(?string $command = null): array
    {
        $rows = $command === null
            ? Db::all('SELECT * FROM harness_localapi_calls ORDER BY id')
            : Db::all('SELECT * FROM harness_localapi_calls WHERE command = ? ORDER BY id', [$command]);
        return array_map(static fn ($r) => [
            'command' => $r['command'],
            'params' => json_decode($r['params'], true),
            'result' => json_decode($r['result'], true),
        ], $rows);
    }

    private static function sendAdminEmail(array $p): array
    {
        if (empty($p['messagename']) && empty($p['customsubject'])) {
            return ['result' => 'error', 'message' => 'A message name or custom subject is required'];
        }
        return ['result' => 'success'];
    }

    private static function updateClientProduct(array $p): array
    {
        $id = (int) ($p['serviceid'] ?? 0);
        if ($id <= 0 || Db::value('SELECT id FROM tblhosting WHERE id = ?', [$id]) === null) {
            return ['result' => 'error', 'message' => 'Service ID Not Found'];
        }
        foreach (['dedicatedip', 'assignedips', 'domain', 'status'] as $field) {
            if (array_key_exists($field, $p)) {
                $column = $field === 'status' ? 'domainstatus' : $field;
                Db::run("UPDATE tblhosting SET `$column` = ? WHERE id = ?", [(string) $p[$field], $id]);
            }
        }
        return ['result' => 'success', 'serviceid' => $id];
    }
}
