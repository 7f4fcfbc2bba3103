<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Runtime;

/**
 * Dispatches `?action=` to a page. Every POST is CSRF-checked before anything else runs;
 * every native failure is shown as a message on the page, never as a PHP error.
 */
final class Router
{
    /** Each page handles its own GET and (CSRF-checked) POST and returns what to show. */
    private const PAGE_CLASSES = [
        'dashboard' => DashboardPage::class,
        'subnets' => SubnetsPage::class,
        'pools' => PoolsPage::class,
        'addresses' => AddressesPage::class,
        'configurations' => ConfigurationsPage::class,
        'assignments' => AssignmentsPage::class,
        'sync' => SyncPage::class,
        'orphans' => OrphansPage::class,
        'integrations' => IntegrationsPage::class,
        'netbox' => NetBoxPage::class,
        'transfer' => TransferPage::class,
        'rdns' => ReverseDnsPage::class,
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
        if (!isset(self::PAGE_CLASSES[$action])) {
            return $this->frame('dashboard', [['danger', $lang['unknown_page']]], '');
        }
        $messages = [];
        $content = '';
        try {
            Runtime::connect();
            if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
                check_token('WHMCS.admin.default');
            }
            $page = self::PAGE_CLASSES[$action]::handle($this->vars);
            $messages = $page->messages;
            $content = View::fetch($this->vars, $page->template, $page->data + ['current' => $action, 'here' => self::here($action)]);
        } catch (\IpManager\Exception $e) {
            $messages[] = ['danger', $lang['error_prefix'] . ': ' . $e->getMessage()];
        } catch (\IpManager\Addon\ExtensionMissing $e) {
            $messages[] = ['danger', $e->getMessage()];
        }
        return $this->frame($action, $messages, $content);
    }

    /**
     * The page as it was asked for (its filters and page number): buttons post back to it,
     * so after an action the admin sees the same filtered list.
     */
    private static function here(string $action): array
    {
        $here = ['action' => $action];
        foreach ($_GET as $key => $value) {
            if (is_string($key) && $key !== 'module' && $key !== 'action' && (is_string($value) || is_int($value))) {
                $here[$key] = (string) $value;
            }
        }
        return $here;
    }

    private function frame(string $current, array $messages, string $content): string
    {
        return View::fetch($this->vars, 'layout.tpl', ['current' => $current, 'messages' => $messages, 'content' => $content]);
    }

    public static function sidebar(array $vars): string
    {
        return View::fetch($vars, 'sidebar.tpl', ['current' => (string) ($_GET['action'] ?? 'dashboard')]);
    }
}
