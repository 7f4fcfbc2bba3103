<?php
// Loads the addon's PHP classes (WHMCS addons have no Composer autoloader of their own).

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/Html.php';
require_once __DIR__ . '/Runtime.php';
require_once __DIR__ . '/Panels.php';
require_once __DIR__ . '/Grow.php';
require_once __DIR__ . '/Download.php';
require_once __DIR__ . '/Admin/View.php';
require_once __DIR__ . '/Admin/Page.php';
require_once __DIR__ . '/Admin/Request.php';
require_once __DIR__ . '/Admin/Listing.php';
require_once __DIR__ . '/Admin/DashboardPage.php';
require_once __DIR__ . '/Admin/SubnetsPage.php';
require_once __DIR__ . '/Admin/PoolsPage.php';
require_once __DIR__ . '/Admin/AddressesPage.php';
require_once __DIR__ . '/Admin/LogsPage.php';
require_once __DIR__ . '/Admin/ConfigurationsPage.php';
require_once __DIR__ . '/Admin/SyncPage.php';
require_once __DIR__ . '/Admin/OrphansPage.php';
require_once __DIR__ . '/Admin/SettingsPage.php';
require_once __DIR__ . '/Admin/AssignmentsPage.php';
require_once __DIR__ . '/Admin/IntegrationsPage.php';
require_once __DIR__ . '/Admin/QueueActions.php';
require_once __DIR__ . '/Admin/NetBoxPage.php';
require_once __DIR__ . '/Admin/TransferPage.php';
require_once __DIR__ . '/Admin/ReverseDnsPage.php';
require_once __DIR__ . '/Cron.php';
require_once __DIR__ . '/Admin/Router.php';
require_once __DIR__ . '/ClientArea.php';
