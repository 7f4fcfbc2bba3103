<?php

/** A client sees their own services and IPs in the client area, and no one else's. */
final class ClientAreaTest extends BrowserTestCase
{
    public function testAClientSeesOnlyTheirOwnServices(): void
    {
        $this->open('/index.php?m=ipmanager');
        $this->assertStringContainsString('/login.php', $this->browser->url(), 'the page asks for a login');
        $this->loginClient();
        $this->open('/index.php?m=ipmanager');
        $rows = $this->texts('#ipm-client-services tbody tr');
        $this->assertCount(2, $rows);
        $this->assertStringContainsString('vps1.demo.example', $rows[0]);
        $this->assertStringContainsString('203.0.113.10', $rows[0]);
        $this->assertStringNotContainsString('vps.other.example', $this->browser->source());
        $this->assertStringNotContainsString('203.0.113.50', $this->browser->source());
        $this->shot('client-area');
    }
}
