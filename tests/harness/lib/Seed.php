<?php

namespace Harness;

/** A small WHMCS install: roles, admins, clients, products, servers, services. */
final class Seed
{
    public const ADMIN_PASSWORD = 'admin';
    public const CLIENT_PASSWORD = 'demo';

    public static function base(): array
    {
        $ids = [];
        $ids['role_full'] = Db::insert('tbladminroles', ['name' => 'Full Administrator']);
        $ids['role_support'] = Db::insert('tbladminroles', ['name' => 'Support Operator']);
        $ids['admin'] = self::admin('admin', $ids['role_full'], 'Ada', 'Admin');
        $ids['support'] = self::admin('support', $ids['role_support'], 'Sam', 'Support');
        $ids['client_demo'] = self::client('demo@example.com', 'Dana', 'Demo');
        $ids['client_other'] = self::client('other@example.com', 'Otto', 'Other');
        $ids['product_vps'] = Db::insert('tblproducts', ['type' => 'server', 'name' => 'VPS S', 'servertype' => 'proxmox']);
        $ids['product_web'] = Db::insert('tblproducts', ['type' => 'hostingaccount', 'name' => 'Web Hosting', 'servertype' => 'cpanel']);
        $ids['server_pve'] = Db::insert('tblservers', [
            'name' => 'DE-FRE1 node 1', 'ipaddress' => '192.0.2.10', 'hostname' => 'pve1.example.net', 'type' => 'proxmox',
            'username' => 'root@pam', 'password' => encrypt('pve-secret'), 'secure' => 'on', 'port' => 8006, 'active' => 1,
        ]);
        $ids['service_demo_vps'] = self::service($ids['client_demo'], $ids['product_vps'], $ids['server_pve'], 'vps1.demo.example', 'Active', '203.0.113.10', "203.0.113.11\n203.0.113.12");
        $ids['service_demo_web'] = self::service($ids['client_demo'], $ids['product_web'], 0, 'demo.example', 'Pending', '', '');
        $ids['service_other_vps'] = self::service($ids['client_other'], $ids['product_vps'], $ids['server_pve'], 'vps.other.example', 'Active', '203.0.113.50', '');
        return $ids;
    }

    public static function admin(string $username, int $roleId, string $first, string $last): int
    {
        return Db::insert('tbladmins', [
            'roleid' => $roleId, 'username' => $username,
            'password' => password_hash($username === 'admin' ? self::ADMIN_PASSWORD : $username, PASSWORD_DEFAULT),
            'firstname' => $first, 'lastname' => $last, 'email' => "$username@example.com",
        ]);
    }

    public static function client(string $email, string $first, string $last): int
    {
        return Db::insert('tblclients', [
            'firstname' => $first, 'lastname' => $last, 'companyname' => '', 'email' => $email,
            'password' => password_hash(self::CLIENT_PASSWORD, PASSWORD_DEFAULT), 'status' => 'Active',
            'datecreated' => gmdate('Y-m-d'),
        ]);
    }

    public static function service(int $clientId, int $productId, int $serverId, string $domain, string $status, string $dedicated, string $assigned): int
    {
        return Db::insert('tblhosting', [
            'userid' => $clientId, 'packageid' => $productId, 'server' => $serverId, 'regdate' => gmdate('Y-m-d'),
            'domain' => $domain, 'billingcycle' => 'Monthly', 'domainstatus' => $status,
            'dedicatedip' => $dedicated, 'assignedips' => $assigned,
        ]);
    }
}
