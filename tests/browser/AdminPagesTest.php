<?php

/** Every admin page opens cleanly, inside WHMCS's admin chrome, for a logged-in admin. */
final class AdminPagesTest extends BrowserTestCase
{
    private const PAGES = ['dashboard', 'subnets', 'pools', 'addresses', 'configurations', 'assignments', 'sync',
        'orphans', 'settings', 'logs'];

    public function testEveryPageOpensInTheAdminArea(): void
    {
        $this->loginAdmin();
        $this->assertStringContainsString('addonmodules.php?module=ipmanager', $this->browser->url());
        foreach (self::PAGES as $page) {
            $this->visit($page);
            $this->assertTrue($this->browser->has('#admin-header'), "$page: WHMCS's top bar");
            $this->assertTrue($this->browser->has('#sidebar .ipm-sidebar'), "$page: the addon's sidebar");
            $this->assertSame($page, $this->el('.ipmanager .nav-tabs li.active')->attribute('data-page'), "$page: its tab is active");
            $this->shot($page);
        }
    }

    public function testWithoutALoginTheAddonSendsToTheLoginPage(): void
    {
        $this->open('/admin/addonmodules.php?module=ipmanager&action=subnets');
        $this->assertStringEndsWith('/admin/login.php', $this->browser->url());
        $this->shot('login');
    }
}
