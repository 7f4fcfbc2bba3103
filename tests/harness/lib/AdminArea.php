<?php

namespace Harness;

/** admin/addonmodules.php?module=ipmanager: login, role access, upgrade check, `_output`. */
final class AdminArea
{
    public const MODULE_LINK = 'addonmodules.php?module=ipmanager';

    public static function request(array $get, array $post = [], string $method = 'GET'): Response
    {
        $_GET = $get;
        $_POST = $post;
        $_REQUEST = $get + $post;
        $_SERVER['REQUEST_METHOD'] = $method;

        $adminId = (int) ($_SESSION['adminid'] ?? 0);
        if ($adminId <= 0) {
            return new Response(302, '', 'login.php');
        }
        if (($get['module'] ?? '') !== AddonModule::NAME || !AddonModule::isActive()) {
            return new Response(404, self::frame('Addon Modules', '<p>Invalid module name or module not active.</p>'));
        }
        if (!AddonModule::adminMayAccess($adminId)) {
            return new Response(403, self::frame('Access Denied', '<div class="alert alert-danger">Access Denied: '
                . 'your admin role has not been given access to this addon module.</div>'));
        }
        AddonModule::load();
        AddonModule::upgradeIfNeeded();
        $vars = AddonModule::vars(self::MODULE_LINK);
        ob_start();
        try {
            ipmanager_output($vars);
            $output = (string) ob_get_clean();
        } catch (CsrfFailure $e) {
            ob_end_clean();
            return new Response(403, self::frame('Error', '<div class="alert alert-danger">' . htmlspecialchars($e->getMessage()) . '</div>'));
        }
        $sidebar = ipmanager_sidebar($vars);
        return new Response(200, self::frame('IP Manager', $output, $sidebar));
    }

    private static function frame(string $title, string $content, string $sidebar = ''): string
    {
        return AdminChrome::render($title, $content, $sidebar);
    }
}
