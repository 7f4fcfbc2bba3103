<?php
// clientarea.php: the pages of WHMCS's client area the addon takes part in (the service's
// page, where ClientAreaProductDetailsOutput hooks add their output).
require __DIR__ . '/init.php';

if (($_GET['action'] ?? '') === 'productdetails') {
    Harness\ClientArea::productDetails((int) ($_GET['id'] ?? 0))->send();
    exit;
}
header('Location: index.php?m=ipmanager');
