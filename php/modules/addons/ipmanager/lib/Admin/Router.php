<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;
use IpManager\Addon\Runtime;

/**
 * Dispatches `?action=` to a page. Every POST is CSRF-checked before anything else runs;
 * every native failure is shown as a message on the page, never as a PHP error.
 */
final class Router
{
    /** Each page handles its own GET and (CSRF-checked) POST and returns messages and body. */
    private const PAGE_CLASSES = [
        'dashboard' => DashboardPage::class,
        'subnets' => SubnetsPage::class,
        'pools' => PoolsPage::class,
        'addresses' => AddressesPage::class,
        'configurations' => ConfigurationsPage::class,
        'assignments' => AssignmentsPage::class,
        'sync' => SyncPage::class,
        'orphans' => OrphansPage::class,
        'settings' => SettingsPage::class,
        'logs' => LogsPage::class,
    ];

    private array $vars;

    public function __construct(array $vars)
    {
        $this->vars = $vars;
    }

    public function render(): string
    {
        $lang = $this->vars['_lang'];
        $action = (string) ($_GET['action'] ?? 'dashboard');
        if (!isset(Layout::PAGES[$action])) {
            return Layout::page($this->vars, 'dashboard', '', [['danger', $lang['unknown_page']]]);
        }
        $messages = [];
        $body = '';
        try {
            Runtime::connect();
            if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
                check_token('WHMCS.admin.default');
            }
            [$messages, $body] = self::PAGE_CLASSES[$action]::handle($this->vars);
        } catch (\IpManager\Exception $e) {
            $messages[] = ['danger', $lang['error_prefix'] . ': ' . $e->getMessage()];
        } catch (\IpManager\Addon\ExtensionMissing $e) {
            $messages[] = ['danger', $e->getMessage()];
        }
        return Layout::page($this->vars, $action, $body, $messages);
    }

    public static function sidebar(array $vars): string
    {
        $lang = $vars['_lang'];
        $html = '<div class="sidebar-header">' . Html::e($lang['module_name']) . '</div><ul class="menu">';
        foreach (Layout::PAGES as $page => $label) {
            $html .= '<li><a href="' . Html::e(Html::link($vars['modulelink'], ['action' => $page])) . '">'
                . Html::e($lang[$label]) . '</a></li>';
        }
        return $html . '</ul><p>' . Html::e($lang['sidebar_help']) . '</p>';
    }
}
