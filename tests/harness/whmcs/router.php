<?php
// Router for `php -S`: "/" opens the addon's admin dashboard, files are served as they are.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/' || $path === '/admin' || $path === '/admin/') {
    header('Location: /admin/addonmodules.php?module=ipmanager');
    return true;
}
return false;
