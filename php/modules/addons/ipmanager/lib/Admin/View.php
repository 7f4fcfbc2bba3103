<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/**
 * Renders the admin pages from Smarty templates under templates/admin/ (WHMCS ships Smarty
 * 3 to every admin page). Every variable is HTML-escaped unless a template says nofilter;
 * links come from {url ...}, which escapes its own output.
 */
final class View
{
    /** @var array<string,string> page key => lang key of its tab */
    public const PAGES = [
        'dashboard' => 'nav_dashboard',
        'subnets' => 'nav_subnets',
        'pools' => 'nav_pools',
        'addresses' => 'nav_addresses',
        'configurations' => 'nav_configurations',
        'assignments' => 'nav_assignments',
        'sync' => 'nav_sync',
        'orphans' => 'nav_orphans',
        'integrations' => 'nav_integrations',
        'netbox' => 'nav_netbox',
        'transfer' => 'nav_transfer',
        'rdns' => 'nav_rdns',
        'settings' => 'nav_settings',
        'logs' => 'nav_logs',
    ];

    public static function fetch(array $vars, string $template, array $data = []): string
    {
        $smarty = new \Smarty();
        $smarty->setTemplateDir(dirname(__DIR__, 2) . '/templates/admin');
        $compile = self::compileDir();
        $smarty->setCompileDir($compile);
        $smarty->setCacheDir($compile);
        $smarty->escape_html = true;
        $smarty->registerPlugin('function', 'url', [self::class, 'url']);
        $smarty->assign('lang', $vars['_lang']);
        $smarty->assign('modulelink', $vars['modulelink']);
        $smarty->assign('token', generate_token('plain'));
        $smarty->assign('pages', self::PAGES);
        foreach ($data as $name => $value) {
            $smarty->assign($name, $value);
        }
        return $smarty->fetch($template);
    }

    /**
     * {url action=subnets do=edit id=$s.id} or {url params=$query page=2}: an addon link
     * with its query built and escaped; empty values are left out.
     */
    public static function url(array $params, $template): string
    {
        $query = (array) ($params['params'] ?? []);
        unset($params['params']);
        $query = array_filter($params + $query, static fn ($v) => $v !== null && $v !== '');
        return Html::e(Html::link((string) $template->getTemplateVars('modulelink'), $query));
    }

    /** WHMCS's $templates_compiledir (relative to the WHMCS root unless absolute). */
    private static function compileDir(): string
    {
        $dir = (string) ($GLOBALS['templates_compiledir'] ?? '');
        if ($dir === '') {
            $dir = sys_get_temp_dir() . '/ipmanager-smarty';
        } elseif ($dir[0] !== '/' && defined('ROOTDIR')) {
            $dir = ROOTDIR . '/' . $dir;
        }
        if (!is_dir($dir)) {
            @mkdir($dir, 0775, true);
        }
        return $dir;
    }
}
