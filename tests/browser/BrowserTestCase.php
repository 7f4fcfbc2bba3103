<?php

use Browser\Element;
use Browser\Servers;
use Browser\WebDriver;
use Harness\AddonModule;
use Harness\Db;
use Harness\Seed;
use PHPUnit\Framework\TestCase;

/**
 * Every browser test starts from a fresh WHMCS install with the addon active (the demo's
 * seed: admin "admin", client demo@example.com) and a browser with no cookies. Pages are
 * checked for PHP errors in the DOM and in the web server's log; `shot()` keeps a full-page
 * screenshot in var/screenshots/.
 */
abstract class BrowserTestCase extends TestCase
{
    protected WebDriver $browser;
    protected array $ids;
    private int $logOffset;

    protected function setUp(): void
    {
        Db::reset();
        $this->ids = Seed::base();
        AddonModule::activate([$this->ids['role_full']]);
        $this->browser = Servers::$driver;
        $this->browser->open(Servers::$base . '/admin/logout.php');
        $this->browser->open(Servers::$base . '/logout.php');
        $this->logOffset = Servers::logSize();
    }

    protected function tearDown(): void
    {
        $errors = Servers::serverErrors($this->logOffset);
        $this->assertSame('', $errors, 'the web server logged PHP errors');
    }

    protected function loginAdmin(string $username = 'admin', string $password = Seed::ADMIN_PASSWORD): void
    {
        $this->browser->open(Servers::$base . '/admin/login.php');
        $this->browser->find('#username')->fill($username);
        $this->browser->find('#password')->fill($password);
        $this->clickAndWait('#login');
    }

    protected function loginClient(string $email = 'demo@example.com', string $password = Seed::CLIENT_PASSWORD): void
    {
        $this->browser->open(Servers::$base . '/login.php');
        $this->browser->find('#email')->fill($email);
        $this->browser->find('#password')->fill($password);
        $this->clickAndWait('#login');
    }

    /**
     * Clicks something that loads a new page and waits until the new page has loaded: the
     * old document is marked first, so a click answered before the navigation is not
     * mistaken for its result.
     */
    protected function clickAndWait(string $css): void
    {
        $this->browser->script('window.__ipmOldPage = true;');
        $this->el($css)->click();
        $this->waitForNewPage();
    }

    /** Clicks a button that asks first, accepts the question and returns its text. */
    protected function clickConfirmed(string $css): string
    {
        $this->browser->script('window.__ipmOldPage = true;');
        $this->el($css)->click();
        $question = (string) $this->browser->dialogText();
        $this->browser->acceptDialog();
        $this->waitForNewPage();
        return $question;
    }

    /** The extension, connected to the harness database, to arrange what a test needs. */
    protected function natives(): void
    {
        AddonModule::load();
        IpManager\Addon\Runtime::connect();
    }

    /** The texts of the alerts above the page. */
    protected function messages(): array
    {
        return $this->texts('.ipm-messages .alert');
    }

    /** The error shown under a form field (data-field), or null. */
    protected function fieldError(string $field, string $within = 'form'): ?string
    {
        $found = $this->browser->findAll("$within .field-error[data-field=\"$field\"]");
        return $found === [] ? null : trim($found[0]->text());
    }

    protected function waitForNewPage(): void
    {
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            try {
                if ($this->browser->script('return !window.__ipmOldPage && document.readyState === "complete";') === true) {
                    $this->assertCleanPage();
                    return;
                }
            } catch (Browser\DriverError $e) {
                // the document is being replaced
            }
            usleep(50000);
        }
        $this->fail('the page did not load within 10 s: ' . $this->browser->url());
    }

    /** Opens an addon page (`action` and further query values) and checks it rendered cleanly. */
    protected function visit(string $action, array $query = []): void
    {
        $this->open('/admin/addonmodules.php?' . http_build_query(['module' => 'ipmanager', 'action' => $action] + $query));
    }

    protected function open(string $path): void
    {
        $this->browser->open(Servers::$base . $path);
        $this->assertCleanPage();
    }

    protected function assertCleanPage(): void
    {
        $source = $this->browser->source();
        foreach (['Warning</b>:', 'Notice</b>:', 'Deprecated</b>:', 'Fatal error', 'Uncaught ', 'Parse error', 'Smarty error'] as $sign) {
            $this->assertStringNotContainsString($sign, $source, 'the page shows a PHP error');
        }
    }

    protected function el(string $css): Element
    {
        return $this->browser->find($css);
    }

    /** The visible text of every element matching `$css`. */
    protected function texts(string $css): array
    {
        return array_map(fn (Element $e) => trim($e->text()), $this->browser->findAll($css));
    }

    /** Fills form fields by name within `$form` (a CSS selector) and submits it. */
    protected function submit(string $form, array $fields = [], ?string $button = null): void
    {
        foreach ($fields as $name => $value) {
            $field = $this->el("$form [name=\"$name\"]");
            $tag = strtolower((string) $field->property('tagName'));
            $type = strtolower((string) $field->attribute('type'));
            if ($tag === 'select') {
                $field->select((string) $value);
            } elseif ($type === 'checkbox') {
                if ((bool) $field->property('checked') !== (bool) $value) {
                    $field->click();
                }
            } else {
                $field->fill((string) $value);
            }
        }
        $this->clickAndWait($button ?? "$form [type=submit]");
    }

    /** A full-page screenshot, var/screenshots/<Test>-<name>.png. */
    protected function shot(string $name): void
    {
        $class = preg_replace('/Test$/', '', static::class);
        $this->browser->screenshot(dirname(__DIR__, 2) . "/var/screenshots/$class-$name.png");
    }
}
