<?php

use Harness\Db;
use Harness\LocalApi;
use Harness\Session;

/** The harness's own WHMCS functions behave as shared/whmcs.md documents them. */
final class HarnessTest extends HarnessTestCase
{
    public function testSendAdminEmailIsRecordedForTestsToRead(): void
    {
        $result = localAPI('SendAdminEmail', ['customsubject' => 'Usage', 'custommessage' => '90% used', 'type' => 'system']);
        $this->assertSame('success', $result['result']);
        $calls = LocalApi::calls('SendAdminEmail');
        $this->assertCount(1, $calls);
        $this->assertSame('90% used', $calls[0]['params']['custommessage']);
        $this->assertSame('error', localAPI('SendAdminEmail', [])['result']);
    }

    public function testUpdateClientProductWritesTheServiceAndRefusesUnknownOnes(): void
    {
        $id = $this->ids['service_demo_web'];
        $result = localAPI('UpdateClientProduct', ['serviceid' => $id, 'dedicatedip' => '192.0.2.20', 'assignedips' => "192.0.2.21\n192.0.2.22"]);
        $this->assertSame(['result' => 'success', 'serviceid' => $id], $result);
        $row = Db::one('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?', [$id]);
        $this->assertSame(['dedicatedip' => '192.0.2.20', 'assignedips' => "192.0.2.21\n192.0.2.22"], $row);
        $this->assertSame('error', localAPI('UpdateClientProduct', ['serviceid' => 9999])['result']);
        $this->assertSame('error', localAPI('NoSuchCommand', [])['result']);
    }

    public function testLogActivityRecordsTheAdminAndClient(): void
    {
        Session::actAsAdmin($this->ids['admin']);
        logActivity('IP 192.0.2.5 assigned', $this->ids['client_demo']);
        $row = Db::one('SELECT description, user, userid, admin_id FROM tblactivitylog ORDER BY id DESC LIMIT 1');
        $this->assertSame('IP 192.0.2.5 assigned', $row['description']);
        $this->assertSame('admin', $row['user']);
        $this->assertSame($this->ids['client_demo'], (int) $row['userid']);
        $this->assertSame($this->ids['admin'], (int) $row['admin_id']);
    }

    public function testLogModuleCallMasksTheListedSecrets(): void
    {
        logModuleCall('ipmanager', 'proxmox.addIp', ['password' => 'pve-Secret'], 'token pve-Secret ok', ['x' => 1], ['pve-Secret']);
        $row = Db::one('SELECT request, response FROM tblmodulelog ORDER BY id DESC LIMIT 1');
        $this->assertStringNotContainsString('pve-Secret', $row['request'] . $row['response']);
        $this->assertStringContainsString('***', $row['request']);
    }

    public function testEncryptedServerPasswordsOnlyOpenThroughDecrypt(): void
    {
        $stored = Db::value('SELECT password FROM tblservers WHERE id = ?', [$this->ids['server_pve']]);
        $this->assertNotSame('pve-secret', $stored);
        $this->assertSame('pve-secret', decrypt($stored));
        $this->assertNotSame(encrypt('x'), encrypt('x'), 'a fresh IV each time');
    }

    public function testCsrfTokensAreStablePerSessionAndChecked(): void
    {
        $token = generate_token('plain');
        $this->assertSame($token, generate_token('plain'));
        $this->assertStringContainsString('value="' . $token . '"', generate_token());
        $_POST = ['token' => $token];
        $this->assertTrue(check_token('WHMCS.admin.default'));
        $_POST = ['token' => 'nope'];
        $this->expectException(Harness\CsrfFailure::class);
        check_token('WHMCS.admin.default');
    }

    public function testLoginsCheckPasswords(): void
    {
        $this->assertFalse(Session::loginAdmin('admin', 'wrong'));
        $this->assertTrue(Session::loginAdmin('admin', Harness\Seed::ADMIN_PASSWORD));
        $this->assertSame($this->ids['admin'], $_SESSION['adminid']);
        $this->assertFalse(Session::loginClient('demo@example.com', 'wrong'));
        $this->assertTrue(Session::loginClient('demo@example.com', Harness\Seed::CLIENT_PASSWORD));
        $this->assertSame($this->ids['client_demo'], $_SESSION['uid']);
    }
}
