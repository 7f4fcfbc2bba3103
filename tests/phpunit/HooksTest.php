<?php

use Harness\AddonModule;
use Harness\ClientArea;
use Harness\Hooks;
use Harness\Session;

final class HooksTest extends HarnessTestCase
{
    public function testLowerPriorityRunsFirstAndTiesKeepRegistrationOrder(): void
    {
        $order = [];
        add_hook('DailyCronJob', 10, function () use (&$order) { $order[] = 'b10'; });
        add_hook('DailyCronJob', 1, function () use (&$order) { $order[] = 'a1'; });
        add_hook('DailyCronJob', 10, function () use (&$order) { $order[] = 'c10'; });
        add_hook('AfterCronJob', 0, function () use (&$order) { $order[] = 'other point'; });
        run_hook('DailyCronJob', []);
        $this->assertSame(['a1', 'b10', 'c10'], $order);
    }

    public function testRunHookReturnsEachNonNullResultInOrder(): void
    {
        add_hook('ClientAreaHomepage', 2, fn () => 'second');
        add_hook('ClientAreaHomepage', 1, fn () => 'first');
        add_hook('ClientAreaHomepage', 3, fn () => null);
        $this->assertSame(['first', 'second'], run_hook('ClientAreaHomepage', []));
    }

    public function testPreModuleCreateOverridesReachTheModuleAndLaterHooksSeeThem(): void
    {
        $seenBySecond = null;
        add_hook('PreModuleCreate', 1, fn ($vars) => ['dedicatedip' => '192.0.2.7', 'notaparam' => 'x']);
        add_hook('PreModuleCreate', 2, function ($vars) use (&$seenBySecond) {
            $seenBySecond = $vars['params']['dedicatedip'];
            return ['assignedips' => "192.0.2.8\n192.0.2.9"];
        });
        $result = Hooks::runPreModule('PreModuleCreate', ['serviceid' => 5, 'dedicatedip' => '', 'assignedips' => '']);
        $this->assertFalse($result['abort']);
        $this->assertSame('192.0.2.7', $seenBySecond);
        $this->assertSame('192.0.2.7', $result['params']['dedicatedip']);
        $this->assertSame("192.0.2.8\n192.0.2.9", $result['params']['assignedips']);
        $this->assertArrayNotHasKey('notaparam', $result['params'], 'only existing parameters are overridden');
    }

    public function testAbortcmdStopsTheCommandAndLaterHooks(): void
    {
        $laterRan = false;
        add_hook('PreModuleCreate', 1, fn () => ['abortcmd' => true, 'abortmsg' => 'Pool "VPS" is exhausted']);
        add_hook('PreModuleCreate', 5, function () use (&$laterRan) { $laterRan = true; });
        $result = Hooks::runPreModule('PreModuleCreate', ['serviceid' => 5, 'dedicatedip' => '']);
        $this->assertTrue($result['abort']);
        $this->assertSame('Pool "VPS" is exhausted', $result['abortmsg']);
        $this->assertFalse($laterRan);
        $this->assertSame('', $result['params']['dedicatedip']);
    }

    public function testTheAddonsHooksAreLoadedOnlyWhileItIsActive(): void
    {
        AddonModule::loadHooks();
        $this->assertSame([], Hooks::ordered('ClientAreaPrimaryNavbar'));
        $this->activate();
        $this->assertCount(1, Hooks::ordered('ClientAreaPrimaryNavbar'));
        AddonModule::deactivate();
        $this->assertSame([], Hooks::ordered('ClientAreaPrimaryNavbar'));
    }

    public function testTheNavbarEntryIsAddedForLoggedInClientsOnly(): void
    {
        $this->activate();
        Session::actAsClient($this->ids['client_demo']);
        $page = ClientArea::request(['m' => 'ipmanager'])->body;
        $this->assertStringContainsString('href="index.php?m=ipmanager">My IP Addresses</a>', $page);

        $navbar = new Harness\MenuItem('Primary Navbar');
        Session::logout();
        run_hook('ClientAreaPrimaryNavbar', $navbar);
        $this->assertSame([], $navbar->getChildren());
    }
}
