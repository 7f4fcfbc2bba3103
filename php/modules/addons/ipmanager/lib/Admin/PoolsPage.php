<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** IP Pools: list with utilization, add/edit forms with field errors, confirmed deletes. */
final class PoolsPage
{
    private const FIELDS = ['subnet_id', 'name', 'range', 'cidr', 'prefix_len', 'description'];

    /** @return array{0: list<array{0:string,1:string}>, 1: string} */
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
                fn (array $input, ?int $id) => ipmanager_pool_validate($input, $id),
                function (array $input, ?int $id) use ($lang): array {
                    $pool = $id === null ? ipmanager_pool_create($input) : ipmanager_pool_update($id, $input);
                    return [['success', sprintf($lang[$id === null ? 'pool_created' : 'pool_updated'], $pool['name'])]];
                },
                fn (array $values, array $errors, ?int $id) => self::form($vars, $values, $errors, $id),
                fn () => self::listing($vars)
            );
        }
        if ($post && $do === 'delete') {
            $pool = ipmanager_pool_get($id);
            $released = ipmanager_pool_delete($id, !empty($_POST['force']));
            return [[['success', sprintf($lang['pool_deleted'], $pool['name'], $released)]], self::listing($vars)];
        }
        if ($do === 'add') {
            return [[], self::form($vars, ['subnet_id' => (string) ($_GET['subnet_id'] ?? '')], [], null)];
        }
        if ($do === 'edit') {
            $p = ipmanager_pool_get($id);
            $values = ['subnet_id' => (string) $p['subnet_id'], 'name' => $p['name'], 'description' => $p['description'],
                'range' => $p['cidr'] === null ? $p['range'] : '', 'cidr' => $p['cidr'] ?? '',
                'prefix_len' => strpos($p['hands_out'], 'prefix') !== false ? (string) $p['prefix_len'] : ''];
            return [[], self::form($vars, $values, [], $id)];
        }
        if ($do === 'delete') {
            return [[], self::confirmDelete($vars, ipmanager_pool_get($id))];
        }
        return [[], self::listing($vars)];
    }

    private static function input(bool $edit): array
    {
        $input = [];
        foreach (self::FIELDS as $field) {
            if ($edit && $field === 'subnet_id') {
                continue;
            }
            if (array_key_exists($field, $_POST)) {
                $input[$field] = is_string($_POST[$field]) ? $_POST[$field] : '';
            }
        }
        return $input;
    }

    private static function listing(array $vars): string
    {
        $lang = $vars['_lang'];
        $link = $vars['modulelink'];
        $pools = ipmanager_pool_list();
        $html = '<h2>' . Html::e($lang['pools_title']) . '</h2><p><a class="btn btn-primary" id="ipm-add-pool" href="'
            . Html::e(Html::link($link, ['action' => 'pools', 'do' => 'add'])) . '">' . Html::e($lang['add_pool']) . '</a></p>';
        if ($pools === []) {
            return $html . '<div class="alert alert-info">' . Html::e($lang['no_pools']) . '</div>';
        }
        $html .= '<table class="table table-striped" id="ipm-pools"><thead><tr>';
        foreach (['col_name', 'col_subnet', 'col_range', 'col_hands_out', 'col_usage', 'col_actions'] as $col) {
            $html .= '<th>' . Html::e($lang[$col]) . '</th>';
        }
        $html .= '</tr></thead><tbody>';
        foreach ($pools as $p) {
            $html .= '<tr data-pool-id="' . Html::e($p['id']) . '"><td>' . Html::e($p['name']) . '</td>'
                . '<td><code>' . Html::e($p['subnet_cidr']) . '</code> ' . Html::e($p['subnet_name']) . '</td>'
                . '<td><code>' . Html::e($p['cidr'] ?? $p['range']) . '</code></td>'
                . '<td>' . Html::e($p['hands_out']) . '</td>'
                . '<td>' . Usage::bar($p['utilization'], $lang) . '</td>'
                . '<td><a href="' . Html::e(Html::link($link, ['action' => 'addresses', 'pool_id' => $p['id']])) . '">' . Html::e($lang['view_addresses']) . '</a> | '
                . '<a href="' . Html::e(Html::link($link, ['action' => 'pools', 'do' => 'edit', 'id' => $p['id']])) . '">' . Html::e($lang['edit']) . '</a> | '
                . '<a class="text-danger" href="' . Html::e(Html::link($link, ['action' => 'pools', 'do' => 'delete', 'id' => $p['id']])) . '">' . Html::e($lang['delete']) . '</a></td></tr>';
        }
        return $html . '</tbody></table>';
    }

    private static function form(array $vars, array $values, array $errors, ?int $id): string
    {
        $lang = $vars['_lang'];
        $form = new Form($values, $errors, $lang);
        $html = '<h2>' . Html::e($lang[$id === null ? 'add_pool' : 'edit_pool']) . '</h2>'
            . '<form method="post" id="ipm-pool-form" action="' . Html::e(Html::link($vars['modulelink'], ['action' => 'pools'])) . '">'
            . Layout::tokenField() . '<input type="hidden" name="do" value="' . ($id === null ? 'create' : 'update') . '">';
        $html .= $form->otherErrors(self::FIELDS);
        if ($id === null) {
            $subnets = ['' => '—'];
            foreach (ipmanager_subnet_list() as $s) {
                $subnets[$s['id']] = $s['cidr'] . ' — ' . $s['name'];
            }
            $html .= $form->select('subnet_id', $lang['field_subnet_id'], $subnets);
        } else {
            $html .= '<input type="hidden" name="id" value="' . Html::e($id) . '">';
        }
        $html .= $form->text('name', $lang['field_name'])
            . $form->text('range', $lang['field_range'], $lang['field_range_help'])
            . $form->text('cidr', $lang['field_pool_cidr'], $lang['field_pool_cidr_help'])
            . $form->text('prefix_len', $lang['field_prefix_len'], $lang['field_prefix_len_help'])
            . $form->textarea('description', $lang['field_description'])
            . '<button type="submit" class="btn btn-primary">' . Html::e($lang['save']) . '</button> '
            . '<a class="btn btn-default" href="' . Html::e(Html::link($vars['modulelink'], ['action' => 'pools'])) . '">' . Html::e($lang['cancel']) . '</a>';
        return $html . '</form>';
    }

    private static function confirmDelete(array $vars, array $p): string
    {
        $lang = $vars['_lang'];
        $u = $p['utilization'];
        $html = '<h2>' . Html::e(sprintf($lang['confirm_delete_pool'], $p['name'])) . '</h2>' . Usage::bar($u, $lang)
            . '<form method="post" id="ipm-confirm-delete" action="' . Html::e(Html::link($vars['modulelink'], ['action' => 'pools'])) . '">'
            . Layout::tokenField() . '<input type="hidden" name="do" value="delete"><input type="hidden" name="id" value="' . Html::e($p['id']) . '">';
        if ((string) $u['assigned'] !== '0') {
            $html .= '<div class="alert alert-warning">' . Html::e(sprintf($lang['confirm_delete_in_use'], $u['assigned'])) . '</div>'
                . '<label><input type="checkbox" name="force" value="1"> ' . Html::e($lang['confirm_force']) . '</label><br>';
        }
        return $html . '<button type="submit" class="btn btn-danger">' . Html::e($lang['confirm_yes']) . '</button> '
            . '<a class="btn btn-default" href="' . Html::e(Html::link($vars['modulelink'], ['action' => 'pools'])) . '">' . Html::e($lang['cancel']) . '</a></form>';
    }
}
