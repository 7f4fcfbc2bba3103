<?php

use Harness\AdminArea;
use Harness\Db;
use Harness\Session;

final class AdminPageTest extends HarnessTestCase
{
    public function testTheDashboardShowsVersionDatabaseAndSchema(): void
    {
        $this->activate();
        Session::actAsAdmin($this->ids['admin']);
        $response = AdminArea::request(['module' => 'ipmanager']);
        $this->assertSame(200, $response->status);
        $html = $response->body;
        $status = ipmanager_status();
        $this->assertStringContainsString('<td>' . ipmanager_version() . '</td>', $html);
        $this->assertStringContainsString('Connected — ' . htmlspecialchars($status['endpoint']), $html);
        $this->assertStringContainsString($status['latest_schema_version'] . ' / ' . $status['latest_schema_version'] . ' (up to date)', $html);
        $this->assertStringContainsString('MariaDB', $html);
        $this->assertStringNotContainsString(Harness\Config::db()['password'], $html);
        $this->assertStringContainsString('addonmodules.php?module=ipmanager&amp;action=dashboard', $html, 'sidebar and tabs link back');
    }

    public function testAnAdminMustBeLoggedIn(): void
    {
        $this->activate();
        $response = AdminArea::request(['module' => 'ipmanager']);
        $this->assertSame(302, $response->status);
        $this->assertSame('login.php', $response->location);
    }

    public function testARoleWithoutAccessIsDenied(): void
    {
        $this->activate();
        Session::actAsAdmin($this->ids['support']);
        $response = AdminArea::request(['module' => 'ipmanager']);
        $this->assertSame(403, $response->status);
        $this->assertStringContainsString('Access Denied', $response->body);
        $this->assertStringNotContainsString('ipm-status', $response->body);
    }

    public function testAPostWithoutAValidTokenIsRefusedAndChangesNothing(): void
    {
        $this->activate();
        Db::run('DELETE FROM mod_ipmanager_schema_version WHERE version > 1');
        Db::run('DROP TABLE mod_ipmanager_logs');
        Session::actAsAdmin($this->ids['admin']);
        foreach ([[], ['token' => 'forged']] as $extra) {
            $response = AdminArea::request(['module' => 'ipmanager', 'action' => 'dashboard'], ['do' => 'migrate'] + $extra, 'POST');
            $this->assertSame(403, $response->status);
            $this->assertStringContainsString('Invalid CSRF Protection Token', $response->body);
            $this->assertSame(1, ipmanager_schema_version());
        }
    }

    public function testThePendingMigrationsButtonRunsThemWithAValidToken(): void
    {
        $this->activate();
        Db::run('DELETE FROM mod_ipmanager_schema_version WHERE version > 1');
        Db::run('DROP TABLE mod_ipmanager_logs');
        Session::actAsAdmin($this->ids['admin']);
        $page = AdminArea::request(['module' => 'ipmanager'])->body;
        $this->assertStringContainsString('Run pending migrations', $page);
        $this->assertStringContainsString('migrations pending', $page);
        preg_match('/name="token" value="([^"]+)"/', $page, $m);

        $response = AdminArea::request(['module' => 'ipmanager', 'action' => 'dashboard'], ['do' => 'migrate', 'token' => $m[1]], 'POST');
        $this->assertSame(200, $response->status);
        $latest = ipmanager_status()['latest_schema_version'];
        $this->assertStringContainsString("Schema migrated from version 1 to $latest.", $response->body);
        $this->assertSame($latest, ipmanager_schema_version());
        $this->assertStringNotContainsString('Run pending migrations', $response->body);
    }

    public function testAnUnknownPageIsReportedNotFatal(): void
    {
        $this->activate();
        Session::actAsAdmin($this->ids['admin']);
        $response = AdminArea::request(['module' => 'ipmanager', 'action' => '<script>']);
        $this->assertSame(200, $response->status);
        $this->assertStringContainsString('Unknown page.', $response->body);
        $this->assertStringNotContainsString('<script>', $response->body);
    }

    public function testEveryLanguageStringUsedByTheAddonExists(): void
    {
        $lang = Harness\AddonModule::lang();
        $dir = Harness\AddonModule::dir();
        $files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS));
        $used = [];
        foreach ($files as $file) {
            $text = (string) file_get_contents((string) $file);
            preg_match_all("/\\\$lang\['([a-z0-9_]+)'\]/", $text, $a);
            preg_match_all('/\$lang\.([a-z0-9_]+)/', $text, $b);
            $used = array_merge($used, $a[1], $b[1]);
        }
        $this->assertNotEmpty($used);
        foreach (array_unique($used) as $key) {
            $this->assertArrayHasKey($key, $lang, "lang/english.php lacks '$key'");
        }
    }
}
