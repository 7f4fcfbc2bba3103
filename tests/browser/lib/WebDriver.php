<?php

namespace Browser;

/**
 * A minimal W3C WebDriver client for Debian's chromedriver driving headless Chromium: the
 * calls the browser tests need (open, find, type, click, read, confirm dialogs, full-page
 * screenshots). Every failure throws with what the driver answered.
 */
final class WebDriver
{
    private string $base;
    private string $session;

    public function __construct(string $driverUrl, string $chromium)
    {
        $this->base = rtrim($driverUrl, '/');
        $answer = $this->call('POST', '/session', ['capabilities' => ['alwaysMatch' => [
            'browserName' => 'chrome',
            'goog:chromeOptions' => [
                'binary' => $chromium,
                'args' => ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                    '--window-size=1366,900', '--hide-scrollbars', '--force-device-scale-factor=1'],
            ],
        ]]]);
        $this->session = (string) ($answer['value']['sessionId'] ?? '');
    }

    public function quit(): void
    {
        $this->call('DELETE', "/session/{$this->session}");
    }

    public function open(string $url): void
    {
        $this->sessionCall('POST', '/url', ['url' => $url]);
    }

    public function url(): string
    {
        return $this->sessionCall('GET', '/url');
    }

    public function source(): string
    {
        return $this->sessionCall('GET', '/source');
    }

    /** The first element matching the CSS selector; throws when there is none. */
    public function find(string $css): Element
    {
        $found = $this->sessionCall('POST', '/element', ['using' => 'css selector', 'value' => $css]);
        return new Element($this, self::elementId($found));
    }

    /** @return list<Element> */
    public function findAll(string $css): array
    {
        $found = $this->sessionCall('POST', '/elements', ['using' => 'css selector', 'value' => $css]);
        return array_map(fn (array $e) => new Element($this, self::elementId($e)), $found);
    }

    public function has(string $css): bool
    {
        return $this->findAll($css) !== [];
    }

    /** Runs JavaScript in the page and returns its result. */
    public function script(string $js, array $args = [])
    {
        return $this->sessionCall('POST', '/execute/sync', ['script' => $js, 'args' => $args]);
    }

    /** The browser's cookies as a Cookie request header (to fetch what a click would download). */
    public function cookieHeader(): string
    {
        $pairs = array_map(fn (array $c) => $c['name'] . '=' . $c['value'], (array) $this->sessionCall('GET', '/cookie'));
        return implode('; ', $pairs);
    }

    /** The text of an open alert/confirm dialog, or null. */
    public function dialogText(): ?string
    {
        try {
            return $this->sessionCall('GET', '/alert/text');
        } catch (DriverError $e) {
            return null;
        }
    }

    public function acceptDialog(): void
    {
        $this->sessionCall('POST', '/alert/accept', []);
    }

    public function dismissDialog(): void
    {
        $this->sessionCall('POST', '/alert/dismiss', []);
    }

    /** A PNG of the whole page: the window is grown to the document's height first. */
    public function screenshot(string $file): void
    {
        $height = (int) $this->script('return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight);');
        $this->sessionCall('POST', '/window/rect', ['width' => 1366, 'height' => max(900, min($height + 120, 12000))]);
        $png = base64_decode($this->sessionCall('GET', '/screenshot'), true);
        $this->sessionCall('POST', '/window/rect', ['width' => 1366, 'height' => 900]);
        if (!is_dir(dirname($file))) {
            mkdir(dirname($file), 0775, true);
        }
        file_put_contents($file, $png);
    }

    /** @internal */
    public function elementCall(string $id, string $method, string $path, ?array $body = null)
    {
        return $this->sessionCall($method, "/element/$id$path", $body);
    }

    private function sessionCall(string $method, string $path, ?array $body = null)
    {
        return $this->call($method, "/session/{$this->session}$path", $body)['value'] ?? null;
    }

    private function call(string $method, string $path, ?array $body = null): array
    {
        $curl = curl_init($this->base . $path);
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
            CURLOPT_TIMEOUT => 60,
        ]);
        if ($body !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, json_encode($body === [] ? new \stdClass() : $body));
        }
        $raw = curl_exec($curl);
        if ($raw === false) {
            throw new DriverError("chromedriver did not answer $method $path: " . curl_error($curl));
        }
        $answer = json_decode((string) $raw, true);
        $value = $answer['value'] ?? null;
        if (is_array($value) && isset($value['error'])) {
            throw new DriverError("$method $path: {$value['error']}: " . ($value['message'] ?? ''));
        }
        return (array) $answer;
    }

    private static function elementId(array $found): string
    {
        return (string) ($found['element-6066-11e4-a52e-4f735466cecf'] ?? reset($found));
    }
}

/** A found element. */
final class Element
{
    private WebDriver $driver;
    private string $id;

    public function __construct(WebDriver $driver, string $id)
    {
        $this->driver = $driver;
        $this->id = $id;
    }

    public function click(): void
    {
        $this->driver->elementCall($this->id, 'POST', '/click', []);
    }

    public function clear(): void
    {
        $this->driver->elementCall($this->id, 'POST', '/clear', []);
    }

    public function type(string $text): void
    {
        $this->driver->elementCall($this->id, 'POST', '/value', ['text' => $text]);
    }

    /** Replaces what the field holds. */
    public function fill(string $text): void
    {
        $this->clear();
        if ($text !== '') {
            $this->type($text);
        }
    }

    public function text(): string
    {
        return (string) $this->driver->elementCall($this->id, 'GET', '/text');
    }

    public function attribute(string $name): ?string
    {
        $value = $this->driver->elementCall($this->id, 'GET', '/attribute/' . rawurlencode($name));
        return $value === null ? null : (string) $value;
    }

    public function property(string $name)
    {
        return $this->driver->elementCall($this->id, 'GET', '/property/' . rawurlencode($name));
    }

    public function displayed(): bool
    {
        return (bool) $this->driver->elementCall($this->id, 'GET', '/displayed');
    }

    /** Picks the option of a <select> whose visible text or value is `$choice`. */
    public function select(string $choice): void
    {
        $ok = $this->driver->script(
            'const s = arguments[0]; for (const o of s.options) { if (o.value === arguments[1] || o.text.trim() === arguments[1]) '
            . '{ s.value = o.value; s.dispatchEvent(new Event("change", {bubbles: true})); return true; } } return false;',
            [['element-6066-11e4-a52e-4f735466cecf' => $this->id], $choice]
        );
        if ($ok !== true) {
            throw new DriverError("no option '$choice' in the select");
        }
    }

    public function ref(): array
    {
        return ['element-6066-11e4-a52e-4f735466cecf' => $this->id];
    }
}

final class DriverError extends \RuntimeException
{
}
