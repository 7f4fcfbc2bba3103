<?php

namespace Harness;

/**
 * index.php?m=ipmanager: `_clientarea`, requirelogin, Smarty 3 inside the theme layout; and
 * clientarea.php?action=productdetails&id=N: the service's page with what
 * ClientAreaProductDetailsOutput hooks return. The theme is Six (Bootstrap 3) or Twenty-One
 * (Bootstrap 4), chosen with `?systpl=` and remembered in the session as WHMCS does.
 */
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

        return new Response(200, self::layout((string) ($result['pagetitle'] ?? ''), (array) ($result['breadcrumb'] ?? []), $content));
    }

    /** The service's own page: WHMCS shows it to the client who owns it only. */
    public static function productDetails(int $serviceId): Response
    {
        $clientId = (int) ($_SESSION['uid'] ?? 0);
        if ($clientId <= 0) {
            return new Response(302, '', 'login.php');
        }
        $row = Db::one('SELECT h.id, h.userid, h.domain, h.domainstatus, p.name FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid WHERE h.id = ?', [$serviceId]);
        if ($row === null || (int) $row['userid'] !== $clientId) {
            return new Response(302, '', 'clientarea.php?action=services');
        }
        AddonModule::load();
        // WHMCS passes a \WHMCS\Service\Service model; the harness gives the attributes the
        // addon reads (camel-cased as the model's accessors are).
        $service = (object) ['id' => (int) $row['id'], 'clientId' => (int) $row['userid'], 'domain' => $row['domain'], 'status' => $row['domainstatus']];
        $outputs = Hooks::run('ClientAreaProductDetailsOutput', ['service' => $service]);
        $content = '<div class="product-details" id="harness-product-details"><p>' . htmlspecialchars($row['name'] . ' - ' . $row['domain'])
            . '</p>' . implode('', array_map('strval', $outputs)) . '</div>';
        return new Response(200, self::layout('Manage Product', ['clientarea.php?action=productdetails&id=' . $serviceId => 'Product Details'], $content));
    }

    private static function layout(string $title, array $breadcrumb, string $content): string
    {
        if (isset($_GET['systpl']) && in_array($_GET['systpl'], ['six', 'twentyone'], true)) {
            $_SESSION['harness_systpl'] = $_GET['systpl'];
        }
        $clientId = (int) ($_SESSION['uid'] ?? 0);
        $theme = self::smarty(ROOTDIR . '/templates/' . ($_SESSION['harness_systpl'] ?? 'six'));
        $theme->assign('pagetitle', $title);
        $theme->assign('breadcrumb', $breadcrumb);
        $theme->assign('navbar', self::navbar($clientId));
        $theme->assign('loggedin', $clientId > 0);
        $theme->assign('content', $content);
        return $theme->fetch('layout.tpl');
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
