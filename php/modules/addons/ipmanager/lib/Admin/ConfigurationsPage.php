<?php

namespace IpManager\Addon\Admin;

/**
 * Configurations with their relations: which products, servers, addons and options draw
 * from which pool. Add and edit with each error under its field; confirmed deletes.
 */
final class ConfigurationsPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $data = ['form' => [], 'form_errors' => [], 'relation' => [], 'relation_errors' => [], 'relation_for' => 0];
        $messages = [];
        $editing = (int) Request::get('edit');
        if (Request::isPost()) {
            [$messages, $data, $editing] = self::post($lang, $data, $editing);
        }
        $configurations = ipmanager_configuration_list();
        if ($editing > 0 && $data['form'] === []) {
            foreach ($configurations as $c) {
                if ($c['id'] === $editing) {
                    $data['form'] = $c['form'];
                }
            }
        }
        if ($data['form'] === []) {
            $data['form'] = ['ipv4_count' => '1', 'ipv6_count' => '0'];
        }
        return new Page('configurations.tpl', $data + [
            'configurations' => $configurations, 'targets' => ipmanager_relation_targets(),
            'pools' => ipmanager_pool_list(), 'subnets' => ipmanager_subnet_list(), 'editing' => $editing,
        ], $messages);
    }

    /** @return array{0: list, 1: array, 2: int} messages, form data, configuration being edited */
    private static function post(array $lang, array $data, int $editing): array
    {
        $id = Request::post('id');
        try {
            switch (Request::post('do')) {
                case 'save_configuration':
                    $input = Request::postGroup('f');
                    $errors = Request::errorsByField(ipmanager_configuration_validate($input));
                    if ($errors !== []) {
                        $data['form'] = $input;
                        $data['form_errors'] = $errors;
                        return [[['danger', $lang['fix_errors']]], $data, (int) ($input['id'] ?? 0)];
                    }
                    ipmanager_configuration_save($input);
                    return [[['success', sprintf($lang['configuration_saved'], trim($input['name'] ?? ''))]], $data, 0];
                case 'delete_configuration':
                    ipmanager_configuration_delete($id);
                    return [[['success', $lang['configuration_deleted']]], $data, $editing];
                case 'add_relation':
                    $input = Request::postGroup('r');
                    $errors = Request::errorsByField(ipmanager_relation_validate($input));
                    if ($errors !== []) {
                        $data['relation'] = $input;
                        $data['relation_errors'] = $errors;
                        $data['relation_for'] = (int) ($input['configuration_id'] ?? 0);
                        return [[['danger', $lang['fix_errors']]], $data, $editing];
                    }
                    ipmanager_relation_add($input);
                    return [[['success', $lang['relation_added']]], $data, $editing];
                case 'delete_relation':
                    ipmanager_relation_delete($id);
                    return [[['success', $lang['relation_deleted']]], $data, $editing];
            }
        } catch (\IpManager\Exception $e) {
            return [[['danger', $e->getMessage()]], $data, $editing];
        }
        return [[], $data, $editing];
    }
}
