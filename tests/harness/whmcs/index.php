<?php
require __DIR__ . '/init.php';

if (isset($_GET['m'])) {
    Harness\ClientArea::request($_GET, $_POST, $_SERVER['REQUEST_METHOD'] ?? 'GET')->send();
    exit;
}
header('Location: /admin/addonmodules.php?module=ipmanager');
