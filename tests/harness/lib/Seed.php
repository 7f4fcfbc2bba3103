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
        self::catalogue($ids);
        return $ids;
    }

    /**
     * What a real install also has: servers of other module types, a server group, a product
     * addon, configurable options (a dropdown and a quantity), a product custom field, and
     * services in every status (without IPs, so they change no IP-related expectation).
     */
    private static function catalogue(array &$ids): void
    {
        $ids['server_cpanel'] = Db::insert('tblservers', ['name' => 'web1', 'ipaddress' => '192.0.2.20', 'hostname' => 'web1.example.net',
            'type' => 'cpanel', 'username' => 'root', 'accesshash' => encrypt('WHM-TOKEN'), 'secure' => 'on', 'port' => 2087, 'active' => 1]);
        $ids['server_solusvm'] = Db::insert('tblservers', ['name' => 'solus1', 'ipaddress' => '192.0.2.30', 'hostname' => 'solus1.example.net',
            'type' => 'solusvm', 'username' => 'api', 'password' => encrypt('solus-secret'), 'secure' => 'on', 'port' => 5656, 'active' => 1]);
        $group = Db::insert('tblservergroups', ['name' => 'DE-FRE1 cluster', 'filltype' => 1]);
        Db::insert('tblservergroupsrel', ['groupid' => $group, 'serverid' => $ids['server_pve']]);
        $ids['addon_extra_ip'] = Db::insert('tbladdons', ['packages' => (string) $ids['product_vps'], 'name' => 'Extra IPv4 address', 'module' => '']);
        $options = Db::insert('tblproductconfiggroups', ['name' => 'VPS options']);
        Db::insert('tblproductconfiglinks', ['gid' => $options, 'pid' => $ids['product_vps']]);
        $ids['option_location'] = Db::insert('tblproductconfigoptions', ['gid' => $options, 'optionname' => 'Location', 'optiontype' => '1']);
        $ids['option_fra'] = Db::insert('tblproductconfigoptionssub', ['configid' => $ids['option_location'], 'optionname' => 'Frankfurt', 'sortorder' => 1]);
        $ids['option_ams'] = Db::insert('tblproductconfigoptionssub', ['configid' => $ids['option_location'], 'optionname' => 'Amsterdam', 'sortorder' => 2]);
        $ids['option_extra_ips'] = Db::insert('tblproductconfigoptions', ['gid' => $options, 'optionname' => 'Extra IPs', 'optiontype' => '4', 'qtyminimum' => 0, 'qtymaximum' => 8]);
        Db::insert('tblcustomfields', ['type' => 'product', 'relid' => $ids['product_vps'], 'fieldname' => 'Operating system', 'fieldtype' => 'dropdown']);
        foreach (['Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed'] as $status) {
            self::service($ids['client_other'], $ids['product_web'], $ids['server_cpanel'], strtolower($status) . '.other.example', $status, '', '');
        }
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
