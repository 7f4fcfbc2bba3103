<?php

namespace IpManager\Addon\Admin;

/**
 * IP Subnets: the tree with utilization, add/edit forms with each error under its field,
 * a confirmation before an edit that blocks addresses in use, and confirmed deletes.
 */
final class SubnetsPage
{
    /** New subnets start with the usual reservations ticked. */
    private const NEW_SUBNET = ['store_free_ips' => '', 'reserve_network' => '1', 'reserve_broadcast' => '1',
        'reserve_gateway' => '1', 'reserve_anycast' => '1'];

    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $do = Request::do();
        $id = (int) (Request::isPost() ? Request::post('id') : Request::get('id'));
        if (Request::isPost() && ($do === 'create' || $do === 'update')) {
            return self::save($lang, $do === 'update' ? $id : null);
        }
        if (Request::isPost() && $do === 'delete') {
            try {
                $report = ipmanager_subnet_delete($id, Request::post('force') === '1');
            } catch (\IpManager\Exception $e) {
                return self::confirmDelete($id, [['danger', $e->getMessage()]]);
            }
            return self::listing([['success', sprintf($lang['subnet_deleted'], $report['deleted'], $report['released_addresses'], $report['deleted_pools'])]]);
        }
        if ($do === 'add') {
            return self::form(self::NEW_SUBNET, [], null);
        }
        if ($do === 'edit') {
            return self::form(ipmanager_subnet_get($id)['form'], [], $id);
        }
        if ($do === 'delete') {
            return self::confirmDelete($id, []);
        }
        return self::listing([]);
    }

    private static function save(array $lang, ?int $id): Page
    {
        $input = Request::postGroup('f');
        $errors = Request::errorsByField(ipmanager_subnet_validate($input, $id));
        if ($errors !== []) {
            return self::form($input, $errors, $id, [['danger', $lang['fix_errors']]]);
        }
        if ($id !== null && Request::post('confirmed') !== '1') {
            $warnings = ipmanager_subnet_update_check($id, $input);
            if ($warnings !== []) {
                return self::form($input, [], $id, [], $warnings);
            }
        }
        try {
            if ($id === null) {
                return self::listing([['success', sprintf($lang['subnet_created'], ipmanager_subnet_create($input)['cidr'])]]);
            }
            $result = ipmanager_subnet_update($id, $input);
        } catch (\IpManager\Exception $e) {
            return self::form($input, [], $id, [['danger', $e->getMessage()]]);
        }
        $messages = [['success', sprintf($lang['subnet_updated'], $result['subnet']['cidr'])]];
        foreach ($result['conflicts'] as $conflict) {
            $messages[] = ['warning', $conflict];
        }
        return self::listing($messages);
    }

    private static function listing(array $messages): Page
    {
        return new Page('subnets/list.tpl', ['subnets' => ipmanager_subnet_list()], $messages);
    }

    /** @param list<string> $warnings what the admin must confirm before the edit is saved */
    private static function form(array $values, array $errors, ?int $id, array $messages = [], array $warnings = []): Page
    {
        $data = ['values' => $values, 'errors' => $errors, 'id' => $id, 'warnings' => $warnings, 'parents' => []];
        if ($id === null) {
            $data['parents'] = ipmanager_subnet_list();
        } else {
            $data['subnet'] = ipmanager_subnet_get($id);
        }
        return new Page('subnets/form.tpl', $data, $messages);
    }

    private static function confirmDelete(int $id, array $messages): Page
    {
        return new Page('subnets/delete.tpl', ['subnet' => ipmanager_subnet_get($id)], $messages);
    }
}
