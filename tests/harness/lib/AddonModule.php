<?php

namespace Harness;

/**
 * Loads the addon from ROOTDIR/modules/addons/ipmanager and drives it the way WHMCS does:
 * activation stores the version and access rows in tbladdonmodules, a changed version in
 * `_config` triggers `_upgrade` on the next admin access, `$vars` carries the settings.
 */
final class AddonModule
{
    public const NAME = 'ipmanager';
    private const RESERVED = ['version', 'access'];

    public static function dir(): string
    {
        return ROOTDIR . '/modules/addons/' . self::NAME;
    }

    public static function load(): void
    {
        require_once self::dir() . '/' . self::NAME . '.php';
    }

    public static function config(): array
    {
        self::load();
        return ipmanager_config();
    }

    public static function isActive(): bool
    {
        return self::setting('version') !== null;
    }

    public static function setting(string $name): ?string
    {
        $value = Db::value('SELECT value FROM tbladdonmodules WHERE module = ? AND setting = ?', [self::NAME, $name]);
        return $value === null ? null : (string) $value;
    }

    /** Setup → Addon Modules → Activate. */
    public static function activate(array $accessRoleIds = [1]): array
    {
        self::load();
        $result = ipmanager_activate();
        if (in_array($result['status'] ?? '', ['success', 'info'], true)) {
            self::put('version', self::config()['version']);
            foreach (self::config()['fields'] as $name => $field) {
                if (self::setting($name) === null) {
                    self::put($name, (string) ($field['Default'] ?? ''));
                }
            }
            self::setAccess($accessRoleIds);
            self::loadHooks();
        }
        return $result;
    }

    /** Setup → Addon Modules → Deactivate: WHMCS forgets the settings after `_deactivate`. */
    public static function deactivate(): array
    {
        self::load();
        $result = ipmanager_deactivate();
        if (in_array($result['status'] ?? '', ['success', 'info'], true)) {
            Db::run('DELETE FROM tbladdonmodules WHERE module = ?', [self::NAME]);
            Hooks::clear();
        }
        return $result;
    }

    /** The Configure form's Save. Only fields declared in `_config` are stored. */
    public static function saveSettings(array $values): void
    {
        $fields = self::config()['fields'];
        foreach ($values as $name => $value) {
            if (!isset($fields[$name])) {
                throw new \InvalidArgumentException("'$name' is not a field of the addon's _config");
            }
            if (($fields[$name]['Type'] ?? '') === 'yesno') {
                $value = $value ? 'on' : '';
            }
            self::put($name, (string) $value);
        }
    }

    public static function setAccess(array $roleIds): void
    {
        self::put('access', implode(',', array_map('intval', $roleIds)));
    }

    public static function adminMayAccess(int $adminId): bool
    {
        $role = Db::value('SELECT roleid FROM tbladmins WHERE id = ? AND disabled = 0', [$adminId]);
        $allowed = array_filter(explode(',', (string) self::setting('access')), 'strlen');
        return $role !== null && in_array((string) $role, $allowed, true);
    }

    /** WHMCS calls `_upgrade` with the previously installed version when `_config`'s changed. */
    public static function upgradeIfNeeded(): void
    {
        $installed = self::setting('version');
        $current = self::config()['version'];
        if ($installed !== null && $installed !== $current) {
            ipmanager_upgrade(['version' => $installed]);
            self::put('version', $current);
        }
    }

    public static function vars(string $moduleLink): array
    {
        $GLOBALS['templates_compiledir'] = Config::templatesCompileDir();
        $vars = [];
        foreach (Db::all('SELECT setting, value FROM tbladdonmodules WHERE module = ?', [self::NAME]) as $row) {
            if (!in_array($row['setting'], self::RESERVED, true)) {
                $vars[$row['setting']] = $row['value'];
            }
        }
        $vars['modulelink'] = $moduleLink;
        $vars['version'] = (string) self::setting('version');
        $vars['_lang'] = self::lang();
        return $vars;
    }

    public static function lang(): array
    {
        $_ADDONLANG = [];
        include self::dir() . '/lang/english.php';
        return $_ADDONLANG;
    }

    /** WHMCS includes every active addon's hooks.php on each page load. */
    public static function loadHooks(): void
    {
        Hooks::clear();
        if (self::isActive() && is_file(self::dir() . '/hooks.php')) {
            include self::dir() . '/hooks.php';
        }
    }

    private static function put(string $setting, string $value): void
    {
        $id = Db::value('SELECT id FROM tbladdonmodules WHERE module = ? AND setting = ?', [self::NAME, $setting]);
        if ($id === null) {
            Db::insert('tbladdonmodules', ['module' => self::NAME, 'setting' => $setting, 'value' => $value]);
        } else {
            Db::run('UPDATE tbladdonmodules SET value = ? WHERE id = ?', [$value, $id]);
        }
    }
}
