<?php
// Harness command line: php tests/harness/bin/whmcs.php schema|reset|seed|activate|status
// Runs with the extension loaded (-d extension=...), against the database in configuration.php.

// Not init.php: the tables may not exist yet when this runs.
define('WHMCS', true);
define('ROOTDIR', dirname(__DIR__) . '/whmcs');
require dirname(__DIR__) . '/lib/bootstrap.php';

$command = $argv[1] ?? '';
switch ($command) {
    case 'schema':
        Harness\Db::applySchema();
        echo "WHMCS tables present in the harness database.\n";
        break;
    case 'reset':
        Harness\Db::reset();
        echo "Harness database reset to an empty WHMCS install.\n";
        break;
    case 'seed':
        $ids = Harness\Seed::base();
        printf("Seeded %d rows: admin 'admin' / '%s', client 'demo@example.com' / '%s'.\n",
            count($ids), Harness\Seed::ADMIN_PASSWORD, Harness\Seed::CLIENT_PASSWORD);
        break;
    case 'activate':
        $result = Harness\AddonModule::activate([1]);
        printf("Activate: %s — %s\n", $result['status'], $result['description']);
        exit($result['status'] === 'error' ? 1 : 0);
    case 'status':
        Harness\AddonModule::load();
        IpManager\Addon\Runtime::connect();
        foreach (ipmanager_status() as $key => $value) {
            printf("%-22s %s\n", $key, var_export($value, true));
        }
        break;
    default:
        fwrite(STDERR, "usage: whmcs.php schema|reset|seed|activate|status\n");
        exit(2);
}
