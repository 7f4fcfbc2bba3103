<?php

namespace IpManager\Addon\Admin;

/** IP Pools: list with utilization, add/edit forms with each error under its field, confirmed deletes. */
final class PoolsPage
{
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
                $pool = ipmanager_pool_get($id);
                $released = ipmanager_pool_delete($id, Request::post('force') === '1');
            } catch (\IpManager\Exception $e) {
                return self::confirmDelete($id, [['danger', $e->getMessage()]]);
            }
            return self::listing([['success', sprintf($lang['pool_deleted'], $pool['name'], $released)]]);
        }
        if ($do === 'add') {
            return self::form(['subnet_id' => Request::get('subnet_id')], [], null);
        }
        if ($do === 'edit') {
            return self::form(ipmanager_pool_get($id)['form'], [], $id);
        }
        if ($do === 'delete') {
            return self::confirmDelete($id, []);
        }
        return self::listing([]);
    }

    private static function save(array $lang, ?int $id): Page
    {
        $input = Request::postGroup('f');
        $errors = Request::errorsByField(ipmanager_pool_validate($input, $id));
        if ($errors !== []) {
            return self::form($input, $errors, $id, [['danger', $lang['fix_errors']]]);
        }
        try {
            $pool = $id === null ? ipmanager_pool_create($input) : ipmanager_pool_update($id, $input);
        } catch (\IpManager\Exception $e) {
            return self::form($input, [], $id, [['danger', $e->getMessage()]]);
        }
        return self::listing([['success', sprintf($lang[$id === null ? 'pool_created' : 'pool_updated'], $pool['name'])]]);
    }

    private static function listing(array $messages): Page
    {
        return new Page('pools/list.tpl', ['pools' => ipmanager_pool_list()], $messages);
    }

    private static function form(array $values, array $errors, ?int $id, array $messages = []): Page
    {
        $data = ['values' => $values, 'errors' => $errors, 'id' => $id, 'subnets' => ipmanager_subnet_list()];
        if ($id !== null) {
            $data['pool'] = ipmanager_pool_get($id);
        }
        return new Page('pools/form.tpl', $data, $messages);
    }

    private static function confirmDelete(int $id, array $messages): Page
    {
        return new Page('pools/delete.tpl', ['pool' => ipmanager_pool_get($id)], $messages);
    }
}
