<?php

namespace Harness;

/**
 * WHMCS's admin area around a page, as an admin sees it: the dark top bar with the main
 * menu (Addons lists the addon, Setup leads to Addon Modules), the left sidebar holding the
 * addon's `_sidebar` output, and the content area titled with the page. Real Bootstrap
 * 3.4.1 (scripts/assets.sh), as WHMCS's admin templates use.
 */
final class AdminChrome
{
    public static function render(string $title, string $content, string $sidebar = ''): string
    {
        $t = htmlspecialchars($title);
        $admin = self::adminName();
        $menu = '';
        if ($admin !== null) {
            $addon = AddonModule::isActive()
                ? '<a class="list-group-item" href="addonmodules.php?module=' . AddonModule::NAME . '">IP Manager</a>'
                : '<span class="list-group-item disabled">No addons active</span>';
            $menu = <<<HTML
<ul class="nav navbar-nav">
  <li class="ipm-menu-addons"><a href="addonmodules.php?module=ipmanager">Addons</a></li>
  <li class="ipm-menu-setup"><a href="configaddonmods.php">Setup &rsaquo; Addon Modules</a></li>
</ul>
<ul class="nav navbar-nav navbar-right"><li><p class="navbar-text">{$admin}</p></li><li><a href="logout.php" id="admin-logout">Logout</a></li></ul>
HTML;
            $sidebar = '<div class="panel panel-default sidebar-addon"><div class="panel-heading"><h3 class="panel-title">Addons</h3></div>'
                . '<div class="list-group">' . $addon . '</div></div>' . $sidebar;
        }
        return <<<HTML
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{$t} - WHMCS admin (IP Manager harness)</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="/assets/harness.css"></head>
<body class="admin">
<nav class="navbar navbar-inverse navbar-static-top" id="admin-header"><div class="container-fluid">
<div class="navbar-header"><a class="navbar-brand" href="addonmodules.php?module=ipmanager">WHMCS</a></div>
{$menu}
</div></nav>
<div class="container-fluid"><div class="row">
<aside class="col-sm-3 col-md-2" id="sidebar">{$sidebar}</aside>
<main class="col-sm-9 col-md-10" id="contentarea"><h1>{$t}</h1>{$content}</main>
</div></div>
</body></html>
HTML;
    }

    private static function adminName(): ?string
    {
        $id = (int) ($_SESSION['adminid'] ?? 0);
        if ($id <= 0) {
            return null;
        }
        $row = Db::one('SELECT firstname, lastname, username FROM tbladmins WHERE id = ?', [$id]);
        return $row === null ? null : htmlspecialchars(trim($row['firstname'] . ' ' . $row['lastname']) ?: $row['username']);
    }
}
