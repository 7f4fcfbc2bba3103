<?php

namespace Harness;

/** index.php?m=ipmanager: `_clientarea`, requirelogin, Smarty 3 inside the theme layout. */
final class ClientArea
{
    public const MODULE_LINK = 'index.php?m=ipmanager';

    public static function request(array $get, array $post = [], string $method = 'GET'): Response
    {
        $_GET = $get;
        $_POST = $post;
        $_SERVER['REQUEST_METHOD'] = $method;
        if (($get['m'] ?? '') !== AddonModule::NAME || !AddonModule::isActive()) {
            return new Response(404, 'Page not found');
        }
        AddonModule::load();
        $result = ipmanager_clientarea(AddonModule::vars(self::MODULE_LINK));
        $clientId = (int) ($_SESSION['uid'] ?? 0);
        if (!empty($result['requirelogin']) && $clientId <= 0) {
            return new Response(302, '', 'login.php?goto=' . rawurlencode(self::MODULE_LINK));
        }
        $template = AddonModule::dir() . '/templates/' . basename((string) $result['templatefile']) . '.tpl';
        $smarty = self::smarty(AddonModule::dir() . '/templates');
        foreach ((array) ($result['vars'] ?? []) as $name => $value) {
            $smarty->assign($name, $value);
        }
        $smarty->assign('modulelink', self::MODULE_LINK);
        $content = $smarty->fetch($template);

        $theme = self::smarty(ROOTDIR . '/templates/six');
        $theme->assign('pagetitle', (string) ($result['pagetitle'] ?? ''));
        $theme->assign('breadcrumb', (array) ($result['breadcrumb'] ?? []));
        $theme->assign('navbar', self::navbar($clientId));
        $theme->assign('loggedin', $clientId > 0);
        $theme->assign('content', $content);
        return new Response(200, $theme->fetch('layout.tpl'));
    }

    private static function navbar(int $clientId): array
    {
        $navbar = new MenuItem('Primary Navbar');
        $navbar->addChild('Home', ['uri' => 'index.php', 'label' => 'Home', 'order' => 10]);
        if ($clientId > 0) {
            $navbar->addChild('Services', ['uri' => 'clientarea.php?action=services', 'label' => 'Services', 'order' => 20]);
        }
        Hooks::run('ClientAreaPrimaryNavbar', $navbar);
        $flat = [];
        foreach ($navbar->getChildren() as $item) {
            $flat[] = ['label' => $item->getLabel(), 'uri' => $item->getUri()];
            foreach ($item->getChildren() as $child) {
                $flat[] = ['label' => $child->getLabel(), 'uri' => $child->getUri()];
            }
        }
        return $flat;
    }

    private static function smarty(string $templateDir): \Smarty
    {
        $compile = dirname(__DIR__, 3) . '/var/smarty';
        if (!is_dir($compile)) {
            mkdir($compile, 0775, true);
        }
        $smarty = new \Smarty();
        $smarty->setTemplateDir($templateDir);
        $smarty->setCompileDir($compile);
        $smarty->setCacheDir($compile);
        return $smarty;
    }
}
