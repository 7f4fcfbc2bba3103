<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** IP Subnets: the tree with utilization, add/edit forms with field errors, confirmed deletes. */
final class SubnetsPage
{
    private const CREATE_FIELDS = ['cidr', 'name', 'parent_id', 'gateway', 'excluded', 'reserved', 'vlan',
        'description', 'store_free_ips', 'reserve_network', 'reserve_broadcast', 'reserve_gateway',
        'reserve_anycast', 'reserve_first', 'reserve_last'];
    private const FIXED_ON_EDIT = ['cidr', 'parent_id', 'store_free_ips'];

    /** @return array{0: list<array{0:string,1:string}>, 1: string} messages and body */
    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $post = ($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST';
        $do = (string) ($post ? ($_POST['do'] ?? '') : ($_GET['do'] ?? ''));
        $id = (int) ($post ? ($_POST['id'] ?? 0) : ($_GET['id'] ?? 0));

        if ($post && ($do === 'create' || $do === 'update')) {
            return SaveFlow::run(
                $lang,
                self::input($do === 'update'),
                $do === 'update' ? $id : null,
                fn (array $input, ?int $id) => ipmanager_subnet_validate($input, $id),
                function (array $input, ?int $id) use ($lang): array {
                    if ($id === null) {
                        return [['success', sprintf($lang['subnet_created'], ipmanager_subnet_create($input)['cidr'])]];
                    }
                    $result = ipmanager_subnet_update($id, $input);
                    $messages = [['success', sprintf($lang['subnet_updated'], $result['subnet']['cidr'])]];
                    foreach ($result['conflicts'] as $conflict) {
                        $messages[] = ['warning', $conflict];
                    }
                    return $messages;
                },
                fn (array $values, array $errors, ?int $id) => self::form($vars, $values, $errors, $id),
                fn () => self::listing($vars)
            );
        }
        if ($post && $do === 'delete') {
            $report = ipmanager_subnet_delete($id, !empty($_POST['force']));
            return [[['success', sprintf($lang['subnet_deleted'], $report['deleted'], $report['released_addresses'], $report['deleted_pools'])]], self::listing($vars)];
        }
        if ($do === 'add') {
            return [[], self::form($vars, ['store_free_ips' => '', 'reserve_network' => '1', 'reserve_broadcast' => '1',
                'reserve_gateway' => '1', 'reserve_anycast' => '1'], [], null)];
        }
        if ($do === 'edit') {
            return [[], self::form($vars, self::values(ipmanager_subnet_get($id)), [], $id)];
        }
        if ($do === 'delete') {
            return [[], self::confirmDelete($vars, ipmanager_subnet_get($id))];
        }
        return [[], self::listing($vars)];
    }

    private static function input(bool $edit): array
    {
        $input = [];
        foreach (self::CREATE_FIELDS as $field) {
            if ($edit && in_array($field, self::FIXED_ON_EDIT, true)) {
                continue;
            }
            if (array_key_exists($field, $_POST)) {
                $input[$field] = is_string($_POST[$field]) ? $_POST[$field] : '';
            }
        }
        // "Automatic" storage: the extension picks stored for IPv4 up to a /16, else sparse.
        if (($input['store_free_ips'] ?? null) === '') {
            unset($input['store_free_ips']);
        }
        return $input;
    }

    private static function values(array $s): array
    {
        return [
            'cidr' => $s['cidr'], 'name' => $s['name'], 'parent_id' => (string) ($s['parent_id'] ?? ''),
            'gateway' => $s['gateway'] ?? '', 'excluded' => $s['excluded'], 'reserved' => $s['reserved'],
            'vlan' => (string) ($s['vlan'] ?? ''), 'description' => $s['description'],
            'store_free_ips' => $s['stored'] ? '1' : '0',
            'reserve_network' => $s['rules']['network'] ? '1' : '0', 'reserve_broadcast' => $s['rules']['broadcast'] ? '1' : '0',
            'reserve_gateway' => $s['rules']['gateway'] ? '1' : '0', 'reserve_anycast' => $s['rules']['anycast'] ? '1' : '0',
            'reserve_first' => (string) $s['rules']['first'], 'reserve_last' => (string) $s['rules']['last'],
        ];
    }

    private static function listing(array $vars): string
    {
        $lang = $vars['_lang'];
        $link = $vars['modulelink'];
        $subnets = ipmanager_subnet_list();
        $html = '<h2>' . Html::e($lang['subnets_title']) . '</h2>';
        $html .= '<p><a class="btn btn-primary" id="ipm-add-subnet" href="' . Html::e(Html::link($link, ['action' => 'subnets', 'do' => 'add'])) . '">'
            . Html::e($lang['add_subnet']) . '</a></p>';
        if ($subnets === []) {
            return $html . '<div class="alert alert-info">' . Html::e($lang['no_subnets']) . '</div>';
        }
        $html .= '<table class="table table-striped" id="ipm-subnets"><thead><tr>';
        foreach (['col_cidr', 'col_name', 'col_vlan', 'col_gateway', 'col_storage', 'col_usage', 'col_pools', 'col_actions'] as $col) {
            $html .= '<th>' . Html::e($lang[$col]) . '</th>';
        }
        $html .= '</tr></thead><tbody>';
        foreach ($subnets as $s) {
            $indent = str_repeat('&nbsp;&nbsp;&nbsp;', (int) $s['depth']) . ($s['depth'] > 0 ? '&#8627; ' : '');
            $html .= '<tr data-subnet-id="' . Html::e($s['id']) . '">'
                . '<td>' . $indent . '<code>' . Html::e($s['cidr']) . '</code></td>'
                . '<td>' . Html::e($s['name']) . '</td>'
                . '<td>' . Html::e($s['vlan'] ?? '') . '</td>'
                . '<td>' . Html::e($s['gateway'] ?? '') . '</td>'
                . '<td>' . Html::e($lang[$s['stored'] ? 'storage_stored' : 'storage_sparse']) . '</td>'
                . '<td>' . Usage::bar($s['utilization'], $lang) . '</td>'
                . '<td>' . Html::e($s['pool_count']) . '</td>'
                . '<td>' . self::actions($link, $s['id'], $lang) . '</td></tr>';
        }
        return $html . '</tbody></table>';
    }

    private static function actions(string $link, int $id, array $lang): string
    {
        return '<a href="' . Html::e(Html::link($link, ['action' => 'addresses', 'subnet_id' => $id])) . '">' . Html::e($lang['view_addresses']) . '</a> | '
            . '<a href="' . Html::e(Html::link($link, ['action' => 'subnets', 'do' => 'edit', 'id' => $id])) . '">' . Html::e($lang['edit']) . '</a> | '
            . '<a class="text-danger" href="' . Html::e(Html::link($link, ['action' => 'subnets', 'do' => 'delete', 'id' => $id])) . '">' . Html::e($lang['delete']) . '</a>';
    }

    private static function form(array $vars, array $values, array $errors, ?int $id): string
    {
        $lang = $vars['_lang'];
        $form = new Form($values, $errors, $lang);
        $html = '<h2>' . Html::e($lang[$id === null ? 'add_subnet' : 'edit_subnet']) . '</h2>';
        $html .= '<form method="post" id="ipm-subnet-form" action="' . Html::e(Html::link($vars['modulelink'], ['action' => 'subnets'])) . '">'
            . Layout::tokenField() . '<input type="hidden" name="do" value="' . ($id === null ? 'create' : 'update') . '">';
        $shown = ['cidr', 'name', 'parent_id', 'gateway', 'excluded', 'reserved', 'vlan', 'description', 'store_free_ips',
            'reserve_network', 'reserve_broadcast', 'reserve_gateway', 'reserve_anycast', 'reserve_first', 'reserve_last'];
        $html .= $form->otherErrors($shown);
        if ($id === null) {
            $parents = ['' => $lang['field_parent_none']];
            foreach (ipmanager_subnet_list() as $s) {
                $parents[$s['id']] = str_repeat('  ', (int) $s['depth']) . $s['cidr'] . ' — ' . $s['name'];
            }
            $html .= $form->text('cidr', $lang['field_cidr'], $lang['field_cidr_help'])
                . $form->select('parent_id', $lang['field_parent_id'], $parents)
                . $form->select('store_free_ips', $lang['field_store_free_ips'], [
                    '' => $lang['storage_auto'], '1' => $lang['storage_stored_choice'], '0' => $lang['storage_sparse_choice'],
                ], $lang['field_store_free_ips_help']);
        } else {
            $html .= '<input type="hidden" name="id" value="' . Html::e($id) . '">'
                . '<p><strong>' . Html::e($lang['field_cidr']) . ':</strong> <code>' . Html::e($values['cidr'] ?? '') . '</code></p>';
        }
        $html .= $form->text('name', $lang['field_name'])
            . $form->text('gateway', $lang['field_gateway'])
            . $form->textarea('excluded', $lang['field_excluded'], $lang['field_excluded_help'])
            . $form->textarea('reserved', $lang['field_reserved'], $lang['field_reserved_help'])
            . $form->checkbox('reserve_network', $lang['field_reserve_network'])
            . $form->checkbox('reserve_broadcast', $lang['field_reserve_broadcast'])
            . $form->checkbox('reserve_gateway', $lang['field_reserve_gateway'])
            . $form->checkbox('reserve_anycast', $lang['field_reserve_anycast'])
            . $form->text('reserve_first', $lang['field_reserve_first'])
            . $form->text('reserve_last', $lang['field_reserve_last'])
            . $form->text('vlan', $lang['field_vlan'])
            . $form->textarea('description', $lang['field_description']);
        $html .= '<button type="submit" class="btn btn-primary">' . Html::e($lang['save']) . '</button> '
            . '<a class="btn btn-default" href="' . Html::e(Html::link($vars['modulelink'], ['action' => 'subnets'])) . '">' . Html::e($lang['cancel']) . '</a>';
        return $html . '</form>';
    }

    private static function confirmDelete(array $vars, array $s): string
    {
        $lang = $vars['_lang'];
        $u = $s['utilization'];
        $html = '<h2>' . Html::e(sprintf($lang['confirm_delete_subnet'], $s['cidr'], $s['name'])) . '</h2>'
            . Usage::bar($u, $lang)
            . '<form method="post" id="ipm-confirm-delete" action="' . Html::e(Html::link($vars['modulelink'], ['action' => 'subnets'])) . '">'
            . Layout::tokenField() . '<input type="hidden" name="do" value="delete"><input type="hidden" name="id" value="' . Html::e($s['id']) . '">';
        if ((string) $u['assigned'] !== '0') {
            $html .= '<div class="alert alert-warning">' . Html::e(sprintf($lang['confirm_delete_in_use'], $u['assigned'])) . '</div>'
                . '<label><input type="checkbox" name="force" value="1"> ' . Html::e($lang['confirm_force']) . '</label><br>';
        }
        return $html . '<button type="submit" class="btn btn-danger">' . Html::e($lang['confirm_yes']) . '</button> '
            . '<a class="btn btn-default" href="' . Html::e(Html::link($vars['modulelink'], ['action' => 'subnets'])) . '">' . Html::e($lang['cancel']) . '</a></form>';
    }
}
