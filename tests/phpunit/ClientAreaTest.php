<?php

use Harness\ClientArea;
use Harness\Db;
use Harness\Session;

final class ClientAreaTest extends HarnessTestCase
{
    public function testTheClientPageRequiresLogin(): void
    {
        $this->activate();
        $response = ClientArea::request(['m' => 'ipmanager']);
        $this->assertSame(302, $response->status);
        $this->assertSame('login.php?goto=' . rawurlencode('index.php?m=ipmanager'), $response->location);
    }

    public function testAClientSeesOnlyTheirOwnServicesAndIps(): void
    {
        $this->activate();
        Session::actAsClient($this->ids['client_demo']);
        $response = ClientArea::request(['m' => 'ipmanager']);
        $this->assertSame(200, $response->status);
        $html = $response->body;
        $this->assertStringContainsString('<h1>My IP Addresses</h1>', $html);
        foreach (['203.0.113.10', '203.0.113.11', '203.0.113.12', 'vps1.demo.example'] as $own) {
            $this->assertStringContainsString($own, $html);
        }
        $this->assertStringNotContainsString('203.0.113.50', $html);
        $this->assertStringNotContainsString('vps.other.example', $html);
    }

    public function testEveryValueIsEscaped(): void
    {
        $this->activate();
        Db::run("UPDATE tblhosting SET domain = '<script>alert(1)</script>' WHERE id = ?", [$this->ids['service_demo_web']]);
        Session::actAsClient($this->ids['client_demo']);
        $html = ClientArea::request(['m' => 'ipmanager'])->body;
        $this->assertStringNotContainsString('<script>alert(1)</script>', $html);
        $this->assertStringContainsString('&lt;script&gt;alert(1)&lt;/script&gt;', $html);
    }

    public function testAClientWithoutServicesGetsAFriendlyMessage(): void
    {
        $this->activate();
        $lonely = Harness\Seed::client('lonely@example.com', 'Lee', 'Lonely');
        Session::actAsClient($lonely);
        $html = ClientArea::request(['m' => 'ipmanager'])->body;
        $this->assertStringContainsString('You have no services yet.', $html);
    }
}
