<?php

use Harness\AddonModule;
use Harness\AdminArea;
use Harness\Db;
use Harness\Session;

final class LifecycleTest extends HarnessTestCase
{
    public function testActivateCreatesTheSchemaAndASecondActivationChangesNothing(): void
    {
        $this->assertSame([], $this->moduleTables());
        $first = $this->activate();
        $this->assertStringContainsString('schema created up to version', $first['description']);
        $latest = ipmanager_status()['latest_schema_version'];
        $this->assertSame($latest, ipmanager_schema_version());
        $this->assertSame(AddonModule::config()['version'], AddonModule::setting('version'));
        $tables = $this->moduleTables();
        $this->assertContains('mod_ipmanager_schema_version', $tables);

        $second = AddonModule::activate([$this->ids['role_full']]);
        $this->assertSame('info', $second['status']);
        $this->assertStringContainsString('nothing was changed', $second['description']);
        $this->assertSame($tables, $this->moduleTables());
        $this->assertSame($latest, (int) Db::value('SELECT COUNT(*) FROM mod_ipmanager_schema_version'));
    }

    public function testWhmcsCallsUpgradeWithThePreviousVersionAndTheSchemaMovesForward(): void
    {
        $this->activate();
        // An install made by an older release: schema version 1, addon version 0.0.9.
        Db::run('DELETE FROM mod_ipmanager_schema_version WHERE version > 1');
        Db::run('DROP TABLE mod_ipmanager_logs');
        Db::run("UPDATE tbladdonmodules SET value = '0.0.9' WHERE module = 'ipmanager' AND setting = 'version'");
        $this->assertSame(1, ipmanager_schema_version());

        Session::actAsAdmin($this->ids['admin']);
        $response = AdminArea::request(['module' => 'ipmanager']);

        $this->assertSame(200, $response->status);
        $this->assertSame(ipmanager_status()['latest_schema_version'], ipmanager_schema_version());
        $this->assertContains('mod_ipmanager_logs', $this->moduleTables());
        $this->assertSame(AddonModule::config()['version'], AddonModule::setting('version'));
    }

    public function testDeactivateKeepsTheDataByDefault(): void
    {
        $this->activate();
        Db::run("INSERT INTO mod_ipmanager_settings VALUES ('marker', 'kept', UTC_TIMESTAMP())");
        $result = AddonModule::deactivate();
        $this->assertSame('success', $result['status']);
        $this->assertStringContainsString('kept', $result['description']);
        $this->assertSame('kept', Db::value("SELECT value FROM mod_ipmanager_settings WHERE name = 'marker'"));
        $this->assertFalse(AddonModule::isActive());

        // Reactivating finds everything as it was.
        $again = AddonModule::activate([$this->ids['role_full']]);
        $this->assertSame('info', $again['status']);
        $this->assertSame('kept', Db::value("SELECT value FROM mod_ipmanager_settings WHERE name = 'marker'"));
    }

    public function testDeleteTickedWithoutTheConfirmationPhraseStillKeepsTheData(): void
    {
        $this->activate();
        AddonModule::saveSettings(['delete_data_on_deactivate' => true, 'delete_data_confirmation' => 'delete all ip data']);
        $result = AddonModule::deactivate();
        $this->assertSame('info', $result['status']);
        $this->assertStringContainsString('DELETE ALL IP DATA', $result['description']);
        $this->assertNotSame([], $this->moduleTables());
    }

    public function testDeleteTickedAndConfirmedDropsOnlyTheModuleTables(): void
    {
        $this->activate();
        $services = (int) Db::value('SELECT COUNT(*) FROM tblhosting');
        AddonModule::saveSettings(['delete_data_on_deactivate' => true, 'delete_data_confirmation' => 'DELETE ALL IP DATA']);
        $result = AddonModule::deactivate();
        $this->assertSame('success', $result['status'], $result['description']);
        $this->assertSame([], $this->moduleTables());
        $this->assertSame($services, (int) Db::value('SELECT COUNT(*) FROM tblhosting'), 'WHMCS data must be untouched');
    }

    public function testConfigDeclaresTheDocumentedShape(): void
    {
        $config = AddonModule::config();
        foreach (['name', 'description', 'version', 'author', 'language', 'fields'] as $key) {
            $this->assertArrayHasKey($key, $config);
        }
        $this->assertSame('IP Manager', $config['name']);
        $allowed = ['text', 'password', 'yesno', 'textarea', 'dropdown', 'radio'];
        foreach ($config['fields'] as $name => $field) {
            $this->assertContains($field['Type'], $allowed, $name);
            $this->assertNotEmpty($field['FriendlyName'], $name);
        }
    }

    public function testAnUnreachableDatabaseGivesAnErrorResultNotACrash(): void
    {
        [$status, $out] = $this->php(['-r', '
            define("WHMCS", true);
            define("ROOTDIR", sys_get_temp_dir() . "/ipm-broken-" . getmypid());
            @mkdir(ROOTDIR);
            file_put_contents(ROOTDIR . "/configuration.php", "<?php \$db_host=\"127.0.0.1\"; \$db_port=\"1\"; \$db_username=\"u\"; \$db_password=\"TopSecret-42\"; \$db_name=\"whmcs\";");
            function logActivity($m) {}
            require "' . AddonModule::dir() . '/ipmanager.php";
            echo json_encode(ipmanager_activate());
        ']);
        $this->assertSame(0, $status, $out);
        $result = json_decode($out, true);
        $this->assertSame('error', $result['status']);
        $this->assertStringContainsString('Cannot connect to the database', $result['description']);
        $this->assertStringNotContainsString('TopSecret-42', $result['description']);
    }
}
