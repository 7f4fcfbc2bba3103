<?php

namespace Harness;

/**
 * admin/configaddonmods.php — Setup → Addon Modules: the addon with Activate / Deactivate
 * and, once active, its Configure form built from `_config`'s fields (text, password,
 * yesno, textarea, dropdown, radio) plus Access Control (admin roles), saved to
 * tbladdonmodules as WHMCS does (a ticked yesno is stored as "on", an unticked one as "").
 * Every POST is CSRF-checked.
 */
final class AddonModulesPage
{
    public static function request(array $get, array $post, string $method): Response
    {
        $_GET = $get;
        $_POST = $post;
        $_SERVER['REQUEST_METHOD'] = $method;
        if ((int) ($_SESSION['adminid'] ?? 0) <= 0) {
            return new Response(302, '', 'login.php');
        }
        AddonModule::load();
        $message = '';
        if ($method === 'POST') {
            try {
                Csrf::check();
            } catch (CsrfFailure $e) {
                return new Response(403, AdminChrome::render('Error', '<div class="alert alert-danger">' . htmlspecialchars($e->getMessage()) . '</div>'));
            }
            $message = self::post((string) ($post['action'] ?? ''), $post);
        }
        return new Response(200, AdminChrome::render('Addon Modules', $message . self::listing()));
    }

    private static function post(string $action, array $post): string
    {
        switch ($action) {
            case 'activate':
                $r = AddonModule::activate([(int) Db::value('SELECT roleid FROM tbladmins WHERE id = ?', [(int) $_SESSION['adminid']])]);
                return self::alert($r['status'] === 'error' ? 'danger' : 'success', $r['description'] ?? '');
            case 'deactivate':
                $r = AddonModule::deactivate();
                return self::alert($r['status'] === 'error' ? 'danger' : 'success', $r['description'] ?? '');
            case 'save':
                $values = [];
                foreach (AddonModule::config()['fields'] as $name => $field) {
                    $sent = $post['fields'][$name] ?? '';
                    $values[$name] = ($field['Type'] ?? '') === 'yesno' ? ($sent !== '' ? 'on' : '') : (string) $sent;
                }
                AddonModule::saveSettings($values);
                AddonModule::setAccess(array_map('intval', (array) ($post['access'] ?? [])));
                return self::alert('success', 'Changes Saved Successfully!');
        }
        return self::alert('danger', 'Unknown action.');
    }

    private static function listing(): string
    {
        $config = AddonModule::config();
        $active = AddonModule::isActive();
        $token = htmlspecialchars(Csrf::token());
        $button = $active
            ? '<button class="btn btn-danger btn-sm" name="action" value="deactivate" id="addon-deactivate">Deactivate</button>'
            : '<button class="btn btn-success btn-sm" name="action" value="activate" id="addon-activate">Activate</button>';
        $html = '<table class="table table-striped" id="addon-modules"><thead><tr><th>Module</th><th>Version</th><th>Status</th><th></th></tr></thead><tbody>'
            . '<tr data-module="' . AddonModule::NAME . '"><td><strong>' . htmlspecialchars($config['name']) . '</strong><br><small>'
            . htmlspecialchars($config['description']) . '</small></td><td>' . htmlspecialchars($config['version']) . '</td><td>'
            . ($active ? '<span class="label label-success">Active</span>' : '<span class="label label-default">Inactive</span>') . '</td>'
            . '<td><form method="post" action="configaddonmods.php"><input type="hidden" name="token" value="' . $token . '">' . $button . '</form></td></tr>'
            . '</tbody></table>';
        if ($active) {
            $html .= self::configureForm($config, $token);
        }
        return $html;
    }

    private static function configureForm(array $config, string $token): string
    {
        $html = '<div class="panel panel-default" id="addon-configure"><div class="panel-heading"><h3 class="panel-title">Configure '
            . htmlspecialchars($config['name']) . '</h3></div><div class="panel-body">'
            . '<form method="post" action="configaddonmods.php" class="form-horizontal"><input type="hidden" name="token" value="' . $token . '">'
            . '<input type="hidden" name="action" value="save">';
        foreach ($config['fields'] as $name => $field) {
            $html .= '<div class="form-group"><label class="col-sm-3 control-label" for="field-' . htmlspecialchars($name) . '">'
                . htmlspecialchars($field['FriendlyName'] ?? $name) . '</label><div class="col-sm-9">'
                . self::input($name, $field, (string) AddonModule::setting($name)) . '</div></div>';
        }
        $allowed = array_filter(explode(',', (string) AddonModule::setting('access')), 'strlen');
        $html .= '<div class="form-group"><label class="col-sm-3 control-label">Access Control</label><div class="col-sm-9">';
        foreach (Db::all('SELECT id, name FROM tbladminroles ORDER BY id') as $role) {
            $checked = in_array((string) $role['id'], $allowed, true) ? ' checked' : '';
            $html .= '<label class="checkbox-inline"><input type="checkbox" name="access[]" value="' . (int) $role['id'] . '"' . $checked . '> '
                . htmlspecialchars($role['name']) . '</label>';
        }
        return $html . '</div></div><div class="form-group"><div class="col-sm-offset-3 col-sm-9">'
            . '<button type="submit" class="btn btn-primary" id="addon-save">Save Changes</button></div></div></form></div></div>';
    }

    private static function input(string $name, array $field, string $value): string
    {
        $n = 'fields[' . htmlspecialchars($name) . ']';
        $id = 'field-' . htmlspecialchars($name);
        $description = isset($field['Description']) ? ' <span class="help-block">' . htmlspecialchars($field['Description']) . '</span>' : '';
        switch ($field['Type'] ?? 'text') {
            case 'yesno':
                return '<div class="checkbox"><label><input type="checkbox" id="' . $id . '" name="' . $n . '" value="on"'
                    . ($value !== '' ? ' checked' : '') . '>' . $description . '</label></div>';
            case 'textarea':
                return '<textarea class="form-control" id="' . $id . '" name="' . $n . '" rows="' . (int) ($field['Rows'] ?? 3) . '">'
                    . htmlspecialchars($value) . '</textarea>' . $description;
            case 'radio':
                $html = '';
                foreach (self::options($field) as $key => $label) {
                    $html .= '<label class="radio-inline"><input type="radio" name="' . $n . '" value="' . htmlspecialchars((string) $key) . '"'
                        . ((string) $key === $value ? ' checked' : '') . '> ' . htmlspecialchars((string) $label) . '</label>';
                }
                return $html . $description;
            case 'dropdown':
                $options = self::options($field);
                $html = '<select class="form-control" id="' . $id . '" name="' . $n . '">';
                foreach ($options as $key => $label) {
                    $html .= '<option value="' . htmlspecialchars((string) $key) . '"' . ((string) $key === $value ? ' selected' : '') . '>'
                        . htmlspecialchars((string) $label) . '</option>';
                }
                return $html . '</select>' . $description;
            default:
                $type = ($field['Type'] ?? '') === 'password' ? 'password' : 'text';
                return '<input type="' . $type . '" class="form-control" id="' . $id . '" name="' . $n . '" size="' . (int) ($field['Size'] ?? 25)
                    . '" value="' . htmlspecialchars($value) . '">' . $description;
        }
    }

    /** `Options` is an associative array or a comma-separated list. */
    private static function options(array $field): array
    {
        $options = $field['Options'] ?? [];
        if (is_string($options)) {
            $list = explode(',', $options);
            return array_combine($list, $list);
        }
        return $options;
    }

    private static function alert(string $type, string $text): string
    {
        return '<div class="alert alert-' . $type . '">' . htmlspecialchars($text) . '</div>';
    }
}
