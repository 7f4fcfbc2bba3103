<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** Configurations with their relations: which products, servers, addons and options draw from which pool. */
final class ConfigurationsPage
{
    private const TYPES = ['product', 'server', 'addon', 'configoption'];

    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $messages = [];
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $messages = self::post($lang, (string) ($_POST['do'] ?? ''));
        }
        return [$messages, self::render($vars)];
    }

    private static function post(array $lang, string $do): array
    {
        $str = static fn (string $k): string => is_string($_POST[$k] ?? null) ? trim($_POST[$k]) : '';
        try {
            switch ($do) {
                case 'save_configuration':
                    $input = ['name' => $str('name'), 'ipv4_count' => $str('ipv4_count'), 'ipv6_count' => $str('ipv6_count'),
                        'omit_dedicated_ip' => $str('omit_dedicated_ip') === '1', 'custom_field' => $str('custom_field')];
                    if ($str('id') !== '') {
                        $input['id'] = $str('id');
                    }
                    ipmanager_configuration_save($input);
                    return [['success', sprintf($lang['configuration_saved'], $input['name'])]];
                case 'delete_configuration':
                    ipmanager_configuration_delete((int) $str('id'));
                    return [['success', $lang['configuration_deleted']]];
                case 'add_relation':
                    [$kind, $id] = array_pad(explode(':', $str('target'), 2), 2, '');
                    [$from, $fromId] = array_pad(explode(':', $str('draws_from'), 2), 2, '');
                    $input = ['configuration_id' => $str('configuration_id'), 'target_type' => $kind, 'target_id' => $id,
                        'extra_count' => $str('extra_count') === '' ? 1 : $str('extra_count')];
                    if ($kind === 'configoption' && $str('option_value_id') !== '') {
                        $input['option_value_id'] = $str('option_value_id');
                    }
                    $input[$from === 'subnet' ? 'subnet_id' : 'pool_id'] = $fromId;
                    ipmanager_relation_add($input);
                    return [['success', $lang['relation_added']]];
                case 'delete_relation':
                    ipmanager_relation_delete((int) $str('id'));
                    return [['success', $lang['relation_deleted']]];
            }
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        return [];
    }

    private static function render(array $vars): string
    {
        $lang = $vars['_lang'];
        $action = Html::e(Html::link($vars['modulelink'], ['action' => 'configurations']));
        $configs = ipmanager_configuration_list();
        $targets = ipmanager_relation_targets();
        $html = '<h2>' . Html::e($lang['configurations_title']) . '</h2><p>' . Html::e($lang['configurations_help']) . '</p>';
        foreach ($configs as $c) {
            $html .= '<div class="panel ipm-configuration" data-configuration-id="' . Html::e($c['id']) . '"><h3>' . Html::e($c['name']) . '</h3><p>'
                . Html::e(sprintf($lang['configuration_summary'], $c['ipv4_count'], $c['ipv6_count']))
                . ($c['omit_dedicated_ip'] ? ' ' . Html::e($lang['configuration_omits']) : '')
                . ($c['custom_field'] !== '' ? ' ' . Html::e(sprintf($lang['configuration_custom_field'], $c['custom_field'])) : '') . '</p>';
            $html .= '<table class="table table-condensed"><thead><tr><th>' . Html::e($lang['col_target']) . '</th><th>'
                . Html::e($lang['col_draws_from']) . '</th><th>' . Html::e($lang['col_extra']) . '</th><th></th></tr></thead><tbody>';
            foreach ($c['relations'] as $r) {
                $html .= '<tr><td>' . Html::e($lang['target_' . $r['target_type']] . ': ' . $r['target_name']) . '</td><td>' . Html::e($r['draws_from'])
                    . '</td><td>' . Html::e(in_array($r['target_type'], ['addon', 'configoption'], true) ? '+' . $r['extra_count'] : '') . '</td><td>'
                    . self::button($action, 'delete_relation', $r['id'], $lang['delete'], $lang['confirm_delete_relation']) . '</td></tr>';
            }
            $html .= '</tbody></table>' . self::relationForm($action, $c['id'], $targets, $lang)
                . self::button($action, 'delete_configuration', $c['id'], $lang['delete_configuration'], sprintf($lang['confirm_delete_configuration'], $c['name']))
                . '</div>';
        }
        return $html . self::configurationForm($action, $lang);
    }

    private static function relationForm(string $action, int $configId, array $targets, array $lang): string
    {
        $html = '<form method="post" class="form-inline ipm-relation-form" action="' . $action . '">' . Layout::tokenField()
            . '<input type="hidden" name="do" value="add_relation"><input type="hidden" name="configuration_id" value="' . Html::e($configId) . '">'
            . '<select class="form-control" name="target">';
        foreach (self::TYPES as $type) {
            $html .= '<optgroup label="' . Html::e($lang['target_' . $type]) . '">';
            foreach ($targets[$type] as $t) {
                $html .= '<option value="' . Html::e($type . ':' . $t['id']) . '">' . Html::e($t['name']) . '</option>';
            }
            $html .= '</optgroup>';
        }
        $html .= '</select> <select class="form-control" name="draws_from">';
        foreach (ipmanager_pool_list() as $p) {
            $html .= '<option value="pool:' . Html::e($p['id']) . '">' . Html::e($lang['col_pool'] . ': ' . $p['name'] . ' (' . $p['hands_out'] . ')') . '</option>';
        }
        foreach (ipmanager_subnet_list() as $s) {
            $html .= '<option value="subnet:' . Html::e($s['id']) . '">' . Html::e($lang['col_subnet'] . ': ' . $s['cidr'] . ' ' . $s['name']) . '</option>';
        }
        $html .= '</select> <select class="form-control" name="option_value_id"><option value="">' . Html::e($lang['option_value_any']) . '</option>';
        foreach ($targets['configoption'] as $o) {
            foreach ($o['values'] as [$id, $name]) {
                $html .= '<option value="' . Html::e($id) . '">' . Html::e($o['name'] . ' = ' . $name) . '</option>';
            }
        }
        return $html . '</select> <input class="form-control" name="extra_count" size="3" placeholder="+1"> <button class="btn btn-default" type="submit">'
            . Html::e($lang['add_relation']) . '</button></form>';
    }

    private static function configurationForm(string $action, array $lang): string
    {
        $form = new Form(['ipv4_count' => '1', 'ipv6_count' => '0'], [], $lang);
        return '<h3>' . Html::e($lang['add_configuration']) . '</h3><form method="post" id="ipm-configuration-form" action="' . $action . '">'
            . Layout::tokenField() . '<input type="hidden" name="do" value="save_configuration">'
            . $form->text('name', $lang['field_name']) . $form->text('ipv4_count', $lang['field_ipv4_count'])
            . $form->text('ipv6_count', $lang['field_ipv6_count'], $lang['field_ipv6_count_help'])
            . $form->checkbox('omit_dedicated_ip', $lang['field_omit_dedicated_ip'])
            . $form->text('custom_field', $lang['field_custom_field'], $lang['field_custom_field_help'])
            . '<button class="btn btn-primary" type="submit">' . Html::e($lang['save']) . '</button></form>';
    }

    /** A one-button POST form that asks for confirmation first. */
    /** A confirmed POST button; `$fields` are further hidden values (e.g. the service the row showed). */
    public static function button(string $action, string $do, int $id, string $label, string $confirm, array $fields = []): string
    {
        $hidden = '';
        foreach ($fields as $name => $value) {
            $hidden .= '<input type="hidden" name="' . Html::e($name) . '" value="' . Html::e($value) . '">';
        }
        return '<form method="post" style="display:inline" action="' . $action . '" onsubmit="return confirm(this.dataset.confirm)" data-confirm="'
            . Html::e($confirm) . '">' . Layout::tokenField() . '<input type="hidden" name="do" value="' . Html::e($do) . '">'
            . '<input type="hidden" name="id" value="' . Html::e($id) . '">' . $hidden . '<button class="btn btn-danger btn-sm" type="submit">'
            . Html::e($label) . '</button></form>';
    }
}
