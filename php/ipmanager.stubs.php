<?php
/**
 * IP Manager extension stubs: every native function and class the `ipmanager` extension
 * provides, with types and documentation. This file is never loaded at run time; IDEs and
 * static analysers read it, and tests/phpunit/StubsTest.php keeps it in step with the
 * extension.
 *
 * Arrays go in and come out; every failure is an IpManager\Exception subclass whose message
 * says what was wrong and what to do.
 */

namespace IpManager {
    /** Base class of everything the extension throws. */
    class Exception extends \Exception {}
}

namespace IpManager\Exception {
    /** Bad input; nothing was changed. Code 1. */
    class InvalidInput extends \IpManager\Exception {}
    /** A referenced object does not exist. Code 2. */
    class NotFound extends \IpManager\Exception {}
    /** The request contradicts existing data. Code 3. */
    class Conflict extends \IpManager\Exception {}
    /** A pool or subnet has nothing free left. Code 4. */
    class PoolExhausted extends \IpManager\Exception {}
    /** A hosting panel or NetBox call failed. Code 5. */
    class Integration extends \IpManager\Exception {}
    /** ipmanager_configure() was not called yet. Code 6. */
    class NotConfigured extends \IpManager\Exception {}
    /** The database refused or failed (after retries). Code 7. */
    class Database extends \IpManager\Exception {}
    /** A bug in IP Manager; please report it. Code 8. */
    class Internal extends \IpManager\Exception {}
}

namespace {
    /** The extension's version (the Rust crate version), e.g. "0.1.0". */
    function ipmanager_version(): string {}

    /**
     * Hands over WHMCS's database credentials (from configuration.php). Cheap when they are
     * unchanged: the per-process connection pool is kept.
     *
     * @param array{host?:string, port?:int|string, username:string, password?:string,
     *              database:string, socket?:string} $db
     * @throws \IpManager\Exception\InvalidInput for a missing or malformed field
     */
    function ipmanager_configure(array $db): void {}

    /**
     * Extension version, the PHP build it was compiled for, and the database state.
     * Never throws for a broken database: the problem is reported in 'error'.
     * connection_id is the server's id of the pooled connection that answered (the same id
     * across requests of one PHP-FPM worker shows its pool is kept); allocations_timed and
     * mean_lock_hold_us tell how long this process's allocations held their subnet's lock,
     * at least (from the read's answer to COMMIT's acknowledgement).
     *
     * @return array{version:string, php_build:string, php_version_built:string,
     *               configured:bool, endpoint:?string, connected:bool, error:?string,
     *               server_version:?string, schema_version:?int, latest_schema_version:int,
     *               retried_attempts:int, connection_id:?int, allocations_timed:int,
     *               mean_lock_hold_us:float}
     */
    function ipmanager_status(): array {}

    /**
     * Applies pending schema migrations. A second run applies nothing.
     *
     * @return array{from_version:int, to_version:int, applied:list<string>}
     * @throws \IpManager\Exception\NotConfigured|\IpManager\Exception\Database|\IpManager\Exception\Conflict
     */
    function ipmanager_migrate(): array {}

    /** The schema version recorded in the database; 0 before activation. */
    function ipmanager_schema_version(): int {}

    /**
     * What the addon's _activate runs: creates the schema.
     *
     * @return array{status:'success'|'info', description:string}
     */
    function ipmanager_lifecycle_activate(): array {}

    /**
     * What the addon's _upgrade runs: migrates forward from the version the database holds.
     *
     * @param string $previous_version the addon version WHMCS had installed ($vars['version'])
     * @return array{status:'success', description:string}
     */
    function ipmanager_lifecycle_upgrade(string $previous_version): array {}

    /**
     * What the addon's _deactivate runs: keeps all data unless "Delete data on deactivate" is
     * ticked and the confirmation field reads "DELETE ALL IP DATA".
     *
     * @return array{status:'success'|'info', description:string}
     */
    function ipmanager_lifecycle_deactivate(): array {}

    /**
     * The addon's settings as WHMCS stores them in tbladdonmodules (setting => value; a ticked
     * yes/no box reads "on"), for code WHMCS hands no $vars to (cron).
     *
     * @return array<string,string>
     */
    function ipmanager_settings(): array {}

    /**
     * The client area: what clients may give back ('policy': nothing, additional or any;
     * the addon setting client_unassign) and the client's services with what IP Manager
     * assigned to each, lowest first.
     *
     * @param int $client_id $_SESSION['uid']
     * @return array{policy:string, services:list<array{id:int, domain:string, product:string, status:string,
     *   addresses:list<array{id:int, address:string, prefix:bool, primary:bool, state:string, can_unassign:bool}>,
     *   order_more:list<array{url:string, name:string}>}>}
     */
    function ipmanager_client_services(int $client_id): array {}

    /**
     * The client gives assignment `id` back: refused (NotFound, logged, nothing changed)
     * unless it is one of the client's own services' and still assigned; refused (Conflict)
     * when the setting does not allow it (nothing, or the service's main IP under
     * "additional"); then exactly an admin's unassign (the server first, quarantine, WHMCS's
     * dedicated/assigned IPs). `error` is the server's refusal (the address stays releasing).
     *
     * @return array{address:string, error:?string}
     * @throws \IpManager\Exception\NotFound
     * @throws \IpManager\Exception\Conflict
     */
    function ipmanager_client_unassign(int $client_id, int $id): array {}

    /**
     * "Order additional IPs" once WHMCS completed it: AfterConfigOptionsUpgrade passes
     * ['upgrade_id' => $vars['upgradeid']], AddonActivation ['service_id' => $vars['serviceid']].
     * The service gets what its relations now add up to (PreModuleCreate's plan), all or
     * nothing; WHMCS's IP fields are written and the new IPs go to the panel and NetBox.
     *
     * @return array{service_id:int, addresses:list<string>, added:list<string>, panel_error:?string}
     * @throws \IpManager\Exception\PoolExhausted when a pool cannot supply them (nothing taken)
     * @throws \IpManager\Exception\NotFound for an unknown upgrade or service
     */
    function ipmanager_service_grow(array $request): array {}

    /**
     * Writes an export to `$path` (a temporary file the page then streams): 'format' csv,
     * xml or json; 'what' all (default), subnets (with their rules and pools) or assignments;
     * 'subnet_id' for that subnet and the subnets inside it. Rows are read a page at a time and
     * written as they come.
     *
     * @return array{subnets:int, pools:int, assignments:int}
     */
    function ipmanager_export(array $options, string $path): array {}

    /**
     * What importing the file at `$path` would do, in the same statements rolled back: each
     * line added, already there, or refused with its reason (overlaps, outside its subnet,
     * duplicates, unknown services, anything an assignment holds). A file that cannot be read
     * at all (too large, BOM, not UTF-8, a DTD or entity in XML, broken syntax) is refused
     * with where.
     *
     * @return array{dry_run:bool, added:list<array{line:int, what:string, reason:string}>,
     *   already:list<array{line:int, what:string, reason:string}>, refused:list<array{line:int, what:string, reason:string}>}
     * @throws \IpManager\Exception\InvalidInput
     */
    function ipmanager_import_preview(string $path, string $format): array {}

    /**
     * Imports the file at `$path` all or nothing: refused (InvalidInput, nothing changed) when
     * any line is refused. Returns the report as the preview gives it.
     *
     * @throws \IpManager\Exception\InvalidInput
     */
    function ipmanager_import_apply(string $path, string $format): array {}

    /** The reverse-DNS settings as the page shows them (`key_set` instead of the key). */
    function ipmanager_dns_settings(): array {}

    /**
     * Saves the reverse-DNS settings: 'enabled', 'url', 'api_key' ('' keeps it), 'server_id',
     * 'ttl', 'template' ({domain}, {ip-dashed}, {ip}, {service}), 'release_template' ('' deletes
     * the PTR on release), 'nameservers', 'forward_confirm'. A bad value changes nothing.
     */
    function ipmanager_dns_settings_save(array $input): array {}

    /** "Test connection": PowerDNS's version, or its exact refusal (never the key). */
    function ipmanager_dns_test(): string {}

    /**
     * The Reverse DNS page and the dashboard box: settings, 'reachable' (null without URL or
     * key), 'message' (the version or the error), the queue's 'waiting'/'failing', every
     * subnet with 'managed' and its reverse 'zone', and 'queue': a page of the changes for
     * PowerDNS, newest first, as ipmanager_netbox_overview() lists NetBox's.
     *
     * @param array{page?:int, per_page?:int}|null $filters
     */
    function ipmanager_dns_status(?array $filters = null): array {}

    /** Turns reverse-DNS management of a subnet on or off. */
    function ipmanager_dns_subnet(int $id, bool $managed): void {}

    /** Resets every PTR of a subnet to the defaults (hand-set names dropped); how many. */
    function ipmanager_dns_reset(int $id): int {}

    /**
     * An admin sets the PTR of an assigned address ($host), or with null sets it back to the
     * default. Hostnames are checked (RFC 1123); the change is logged and sent to PowerDNS.
     *
     * @return array{address:string, hostname:?string, service_id:int}
     */
    function ipmanager_ptr_set(string $address, ?string $host = null): array {}

    /**
     * The session's client sets (or clears) the PTR of an address they hold, or of an address
     * inside an IPv6 prefix they hold: refused (NotFound, logged, nothing changed) for another
     * client's; hostnames checked; optional forward confirmation; 30 changes an hour at most.
     *
     * @return array{address:string, hostname:?string, service_id:int}
     */
    function ipmanager_client_ptr_set(int $client_id, string $address, ?string $host = null): array {}

    // ---------------------------------------------------------------- subnets

    /**
     * Checks a subnet form without saving: every problem with the field it concerns.
     * Fields: cidr, name, parent_id, gateway, excluded ("a" or "a-b", separated by commas or
     * lines), reserved (same syntax), vlan, description, store_free_ips, reserve_network,
     * reserve_broadcast, reserve_gateway, reserve_anycast, reserve_first, reserve_last.
     *
     * @param array<string,mixed> $input
     * @param int|null $id the subnet being edited, or null for a new one
     * @return list<array{field:string, message:string}> empty when the form is valid
     */
    function ipmanager_subnet_validate(array $input, ?int $id = null): array {}

    /**
     * Adds a subnet. Stored ("store_free_ips") is the default for IPv4 up to a /16: one row
     * per address is generated. IPv6 and larger IPv4 are sparse.
     *
     * @param array<string,mixed> $input see ipmanager_subnet_validate()
     * @return array the subnet, as ipmanager_subnet_get() returns it
     * @throws \IpManager\Exception\InvalidInput naming each bad field (host bits set, overlap, ...)
     */
    function ipmanager_subnet_create(array $input): array {}

    /**
     * Edits name, gateway, VLAN, description, reservation rules and exclusions; re-applies
     * the rules. CIDR, parent and storage cannot change. A field left out of $input keeps
     * its value; one sent empty ("reserved" => "") is cleared.
     *
     * @return array{subnet: array, conflicts: list<string>} conflicts: addresses in use that
     *         now fall inside a reserved or excluded range (left as they are)
     */
    function ipmanager_subnet_update(int $id, array $input): array {}

    /**
     * Deletes a subnet with its pools. Refused while child subnets exist, and while addresses
     * are in use unless $force, which releases them.
     *
     * @return array{deleted:string, released_addresses:int, deleted_pools:int}
     * @throws \IpManager\Exception\Conflict|\IpManager\Exception\NotFound
     */
    function ipmanager_subnet_delete(int $id, bool $force = false): array {}

    /**
     * What saving the edit form would put at risk, for the admin to confirm first: addresses
     * in use that would newly fall in a reserved or excluded range (the gateway moved onto
     * an assigned address, say). Writes nothing; an invalid form has no warnings.
     *
     * @return list<string>
     */
    function ipmanager_subnet_update_check(int $id, array $input): array {}

    /**
     * One subnet with its rules, blocked ranges and utilization.
     *
     * @return array{id:int, name:string, cidr:string, family:int, prefix_len:int, parent_id:?int,
     *   depth:int, gateway:?string, vlan:?int, description:string, stored:bool, rules:array,
     *   reserved:string, excluded:string, blocked:list<array{range:string, reason:string}>,
     *   pool_count:int, utilization:array{unit:string, total:int|string, usable:int|string,
     *   used:int|string, assigned:int|string, reserved:int|string, quarantined:int|string,
     *   other:int|string, free:int|string, percent:float, shown:array{unit:string,
     *   used:string, usable:string, assigned:string, reserved:string, quarantined:string,
     *   free:string}}}
     *   Counts beyond PHP's integer range (IPv6) are decimal strings; 'shown' has them as a
     *   page shows them: /64 prefixes for IPv6 subnets of /64 or larger (a pool's own unit
     *   for a pool), with thousands separators. reserved excludes quarantined.
     *   form: the edit form's fields as the form posts them (name, gateway, excluded,
     *   reserved, vlan, description, reserve_*), to fill it in.
     */
    function ipmanager_subnet_get(int $id): array {}

    /** Every subnet, parents before children (see 'depth'), each as ipmanager_subnet_get(). */
    function ipmanager_subnet_list(): array {}

    // ------------------------------------------------------------------ pools

    /**
     * Checks a pool form without saving. Fields: subnet_id, name (unique), range ("a-b") or
     * cidr (inside the subnet; neither = the whole subnet), prefix_len (what is handed out:
     * 32/128 for single addresses, e.g. 64 for a /64 per service), description.
     *
     * @return list<array{field:string, message:string}>
     */
    function ipmanager_pool_validate(array $input, ?int $id = null): array {}

    /** @return array the pool, as ipmanager_pool_get() returns it */
    function ipmanager_pool_create(array $input): array {}

    /**
     * Edits a pool; the subnet cannot change, the range must keep what the pool handed out.
     * A field left out of $input keeps its value (no range and no cidr: the range stays).
     */
    function ipmanager_pool_update(int $id, array $input): array {}

    /**
     * Deletes a pool; refused while it has addresses in use unless $force (releases them).
     *
     * @return int how many addresses were released
     */
    function ipmanager_pool_delete(int $id, bool $force = false): int {}

    /**
     * @return array{id:int, subnet_id:int, subnet_cidr:string, subnet_name:string, name:string,
     *   range:string, cidr:?string, prefix_len:int, hands_out:string, description:string,
     *   utilization:array, form:array<string,string>} utilization counts units (addresses, or
     *   prefixes of prefix_len); form: the edit form's fields as the form posts them
     */
    function ipmanager_pool_get(int $id): array {}

    /** Pools, optionally of one subnet. */
    function ipmanager_pool_list(?int $subnet_id = null): array {}

    // -------------------------------------------------------------- addresses

    /**
     * Addresses in use (assigned, reserved, releasing, quarantined), in address order.
     * Filters: subnet_id, pool_id, state, service_id, search (an address or a CIDR), page
     * (from 1), per_page (1-500, default 50). Free addresses: ipmanager_free_list().
     *
     * service is "#12 vps4.example — Client Name", pool the pool's name, state_label the
     * state in words.
     *
     * @return array{items: list<array{id:int, address:string, ip:string, prefix_len:int,
     *   family:int, subnet_id:int, pool_id:?int, state:string, state_label:string,
     *   service_id:?int, service:?string, pool:?string, quarantine_until:?string,
     *   note:string}>, total:int, page:int, per_page:int, pages:int}
     */
    function ipmanager_address_list(?array $filters = null): array {}

    /**
     * The next free units of a pool or subnet, lowest first, for stored and sparse subnets
     * alike. Request: pool_id or subnet_id, after (continue after this address), limit (1-500).
     *
     * @return list<string>
     */
    function ipmanager_free_list(array $request): array {}

    /**
     * Makes sure a service holds `count` units (default 1) of a pool or subnet and returns
     * them. Idempotent per service and pool; all or nothing.
     * Request: pool_id or subnet_id, service_id (tblhosting.id), count.
     *
     * @return list<array{address:string, ip:string, prefix_len:int, subnet_id:int,
     *   pool_id:?int, service_id:int, new:bool}>
     * @throws \IpManager\Exception\PoolExhausted naming the pool; nothing is assigned
     * @throws \IpManager\Exception\NotFound for an unknown pool or subnet
     */
    function ipmanager_allocate(array $request): array {}

    /**
     * Releases an address or prefix ('address'), or everything a service holds
     * ('service_id', optionally with 'pool_id'). mode 'quarantine' (default: held back for
     * the addon's "Release quarantine (hours)", or 'quarantine_hours') or 'free'.
     * The panel is not asked (what a termination calls: the account goes with its IPs); a
     * unit waiting for its panel's removal ('releasing') is left to the panel's confirmation
     * (by service) or refused (by address: retry or force it under Integrations).
     *
     * @return list<array{address:string, subnet_id:int, service_id:?int, state:string}>
     * @throws \IpManager\Exception\Conflict for an address waiting for its panel
     */
    function ipmanager_release(array $request): array {}

    // ------------------------------------------------------------- change log

    /**
     * Sets who the following changes are logged as; the addon calls it on every request.
     *
     * @param array{type:'admin'|'client'|'cron'|'system', id?:int} $actor
     */
    function ipmanager_set_actor(array $actor): void {}

    /**
     * The change log, newest first. Filters: action (exact, or a prefix ending in ".", e.g.
     * "subnet."), object_type, object_id, actor_type, actor_id, search (in the message), page,
     * per_page (1-500, default 50).
     *
     * actor is who by name ("Admin Jane Doe", "Cron"), title the action in words
     * ("Address assigned").
     *
     * @return array{items: list<array{id:int, created_at:string, actor_type:string, actor_id:int,
     *   actor:string, action:string, title:string, object_type:string, object_id:?int,
     *   before:?array, after:?array, message:string}>, total:int, page:int, per_page:int,
     *   pages:int}
     */
    function ipmanager_log_list(?array $filters = null): array {}

    // ----------------------------------------------------------- provisioning

    /**
     * What the PreModuleCreate hook runs: allocates per the matching relations (all pools
     * of the service in one transaction), writes tblhosting.dedicatedip and assignedips (or
     * the configuration's custom field), and returns the overriding parameters:
     * ['dedicatedip' => .., 'assignedips' => ..] or [.., 'customfields' => [..]];
     * ['abortcmd' => true, 'abortmsg' => ..] when a relation applies but its pool is
     * exhausted; [] when no relation applies. Repeating it returns the same IPs.
     *
     * @param array $params $vars['params'] of PreModuleCreate (needs 'serviceid')
     */
    function ipmanager_premodule_create(array $params): array {}

    /**
     * What the AfterModuleCreate hook runs: tells the panel integration for the module
     * ($params['moduletype']) about the service's IPs. With no integration enabled nothing
     * happens ('integration' is null).
     *
     * The add is written to the outbox and delivered after COMMIT within 10 s in all; a
     * panel that refuses or does not answer leaves it waiting for cron ('error' says why).
     *
     * @return array{integration:?string, addresses:list<string>, error:?string, outbox_id:?int}
     */
    function ipmanager_after_module_create(array $params): array {}

    /**
     * Creates (no 'id') or edits a configuration: name, ipv4_count and ipv6_count (units per
     * service, 0-64), omit_dedicated_ip, custom_field (product custom field that receives the
     * IPs instead of assignedips; '' for assignedips).
     *
     * @return int the configuration id
     */
    function ipmanager_configuration_save(array $input): int {}

    /**
     * Checks a configuration form and writes nothing: each problem in words under its field
     * (name, ipv4_count, ipv6_count, custom_field, form); 0 IPv4 and 0 IPv6 is refused.
     *
     * @return list<array{field:string, message:string}> empty when the form is valid
     */
    function ipmanager_configuration_validate(array $input): array {}

    /**
     * Checks a relation form and writes nothing. Fields: configuration_id, target
     * ("product:3", "server:1", "addon:2", "configoption:4"), draws_from ("pool:2" or
     * "subnet:1"), option_value_id (configurable options only), extra_count (addons and
     * configurable options only). The same relation twice is refused under 'target'.
     *
     * @return list<array{field:string, message:string}> empty when the form is valid
     */
    function ipmanager_relation_validate(array $input): array {}

    /** Deletes a configuration with its relations. */
    function ipmanager_configuration_delete(int $id): void {}

    /**
     * Every configuration with its relations.
     *
     * @return list<array{id:int, name:string, omit_dedicated_ip:bool, custom_field:string,
     *   ipv4_count:int, ipv6_count:int, relations: list<array{id:int, target_type:string,
     *   target_id:int, target_name:string, option_value_id:?int, extra_count:int,
     *   pool_id:?int, subnet_id:?int, draws_from:string}>, form:array<string,string>}>
     *   form: the edit form's fields as the form posts them.
     */
    function ipmanager_configuration_list(): array {}

    /**
     * Links one target to a pool or subnet: configuration_id, target_type (product, server,
     * addon, configoption), target_id (the WHMCS id), pool_id or subnet_id, extra_count
     * (addon/configoption: IPs per addon or per unit), option_value_id (configoption: the
     * value that adds extra_count; none = a quantity option adding qty × extra_count).
     *
     * @return int the relation id
     * @throws \IpManager\Exception\NotFound for an unknown target, pool or subnet
     */
    function ipmanager_relation_add(array $input): int {}

    /**
     * What a relation can point at, from WHMCS: products (not retired), servers, product
     * addons and configurable options with their values.
     *
     * @return array{product: list<array{id:int, name:string}>, server: list<array>,
     *   addon: list<array>, configoption: list<array{id:int, name:string,
     *   values: list<array{0:int, 1:string}>}>}
     */
    function ipmanager_relation_targets(): array {}

    /** Removes one relation. */
    function ipmanager_relation_delete(int $id): void {}

    // ------------------------------------------------------------------- jobs

    /**
     * Synchronize: imports tblhosting.dedicatedip and assignedips (addresses or prefixes) as
     * assignments. Options: live_only (default true: every service but Terminated, Cancelled
     * and Fraud ones — Active and Pending as live assignments, Suspended and Completed held
     * for their service so their IPs are never handed out, with the reason on their line;
     * false: every status), dry_run (the same report, nothing written). Never moves an
     * address between services; running it twice changes nothing the second time.
     *
     * @return array{dry_run:bool, live_only:bool, services_scanned:int,
     *   imported:list<array{service_id:int, address:string, reason:string}>,
     *   already_correct:list<array>, not_in_subnet:list<array>, conflicting:list<array>,
     *   unparsable:list<array>, second_address:list<array>}
     *   second_address: imports for services that also hold an address WHMCS does not list.
     */
    function ipmanager_sync(?array $options = null): array {}

    /**
     * Assignments whose service is not Active or Pending (or no longer exists), with the
     * service's status, client and product. Filters: page, per_page.
     *
     * @return array{items: list<array{id:int, address:string, state:string, service_id:?int,
     *   service_status:string, domain:string, client:string, product:string, error:string}>,
     *   total:int, page:int, per_page:int}
     */
    function ipmanager_orphan_list(?array $filters = null): array {}

    /**
     * Releases one orphan ('id' from ipmanager_orphan_list, with the 'service_id' the list
     * showed: refused if another service holds it now) or all ('all' => true): the panel
     * integration removes the IP first; then it is unassigned (mode 'quarantine', the
     * default, or 'free') and cleared from the service's dedicated/assigned IPs. If the panel
     * refuses, the address stays 'releasing' with the error and is retried next time. An
     * orphan whose service is live again is not released ('skipped' when releasing all).
     *
     * @return array{released: list<string>, failed: list<array{0:string, 1:string}>,
     *   skipped: list<array{0:int, 1:string}>}
     */
    function ipmanager_orphan_release(array $request): array {}

    /**
     * Usage alerts: subnets and pools that newly reached the addon's "Usage Alert Threshold
     * (%)" since the last check. Each is reported once, and again only after falling below
     * the threshold and crossing it anew.
     *
     * @return array{threshold:float, crossings: list<array{object_type:string, object_id:int,
     *   name:string, range:string, percent:float, used:string, usable:string}>,
     *   admin: ?array{id:int, name:string, email:string}}
     */
    function ipmanager_usage_check(): array {}

    /**
     * IP Cleaner: assignments whose service's IPs in WHMCS no longer include the address.
     * $behavior 'notify' reports them; 'mark_free' also unassigns them (free).
     *
     * @return array{marked_free:bool, stale: list<array{address:string, service_id:int,
     *   whmcs_ips: list<string>}>}
     */
    function ipmanager_clean(string $behavior): array {}

    /**
     * Daily upkeep (run by the daily job): quarantines that have ended return to free space
     * everywhere, and operation keys older than a day are purged.
     *
     * @return array{quarantines_ended:int, operation_keys_purged:int}
     */
    function ipmanager_upkeep(): array {}

    /**
     * Services with their IPs: client, service, product, server, the IP, WHMCS's dedicated IP
     * and the service status. Filters: client_id, service_id, status (Pending, Active,
     * Suspended, Cancelled, Terminated, Fraud, Completed), search (IP or CIDR), page, per_page.
     *
     * @return array{items: list<array{id:int, address:string, state:string, service_id:int,
     *   service_status:string, domain:string, client_id:int, client:string, product:string,
     *   server:string, whmcs_dedicatedip:string, in_whmcs:bool}>, total:int, page:int,
     *   per_page:int, pages:int}
     *   in_whmcs false flags a mismatch: WHMCS does not list this address for the service.
     */
    function ipmanager_assignment_list(?array $filters = null): array {}

    /**
     * Assigns to 'service_id' one more unit from 'pool_id' or 'subnet_id', or the free
     * 'address' given, and records it in WHMCS (dedicated IP if empty, else assigned IPs).
     *
     * @return string the address or prefix assigned
     */
    function ipmanager_assign(array $request): string {}

    /**
     * ipmanager_assign with what the panel answered: when the service's panel integration
     * adds IPs, the add is written to the outbox with the assignment and delivered after
     * COMMIT (within 10 s); a refusal leaves it waiting for a retry.
     *
     * @return array{address:string, outbox_id:?int, panel_error:?string, panel_note:?string}
     *   panel_note: the panel cannot take this address through its API (configure it by hand)
     */
    function ipmanager_assign_report(array $request): array {}

    /**
     * What assigning would put at risk, for the admin to confirm first: a service that is
     * not Active or Pending. Writes nothing.
     *
     * @return list<string> warnings; empty when there is nothing to confirm
     * @throws \IpManager\Exception\NotFound for a service WHMCS does not have
     */
    function ipmanager_assign_check(array $request): array {}

    /**
     * The fixed lists the admin pages offer, each item ['value' => .., 'label' => ..].
     *
     * @return array{address_states:list<array>, service_statuses:list<array>,
     *   log_areas:list<array>, log_actors:list<array>}
     */
    function ipmanager_choices(): array {}

    /**
     * The admin dashboard's figures: the five fullest subnets and pools (id, label,
     * utilization), orphans waiting, addresses releasing (total and the first five with
     * their reason), usage alerts raised, and the last Synchronize and IP Cleaner runs.
     *
     * @return array{fullest_subnets:list<array>, fullest_pools:list<array>, orphans:int,
     *   releasing_total:int, releasing:list<array{id:int, address:string, service_id:?int,
     *   reason:string, since:string}>, alerts:list<array{object_type:string, object_id:int,
     *   label:string, percent:float, since:?string}>,
     *   last_sync:?array{at:string, message:string}, last_cleaner:?array{at:string, message:string}}
     */
    function ipmanager_dashboard(): array {}

    /**
     * Unassigns assignment 'id' (from ipmanager_assignment_list): the panel first (a refusal
     * leaves it 'releasing'), then release ('mode' quarantine or free) and removal from the
     * service's IP fields. 'service_id' (the service the caller saw holding it) must still
     * hold it; 'client_id' limits it to that client's own services.
     *
     * @return array{address:string, error:?string}
     */
    function ipmanager_unassign(array $request): array {}

    /**
     * The Integrations page: every panel integration's settings (kind, label, enabled,
     * modules, push_on_create, remove_on_release, options), every WHMCS server with the
     * integration serving its module and how it is reached, the outbox queue ('page',
     * 'per_page') and the counts of waiting and failing changes.
     *
     * @return array{integrations:list<array>, servers:list<array>, waiting:int, failing:int,
     *   queue:array{items:list<array>, total:int, page:int, per_page:int, pages:int}}
     */
    function ipmanager_integrations(?array $filters = null): array {}

    /**
     * Saves one integration: 'integration' (cpanel, directadmin, plesk, proxmox, solusvm),
     * 'enabled', 'modules' (WHMCS module names, comma separated), 'push_on_create',
     * 'remove_on_release', 'options' (the integration's own, e.g. Proxmox 'guest_field').
     * A module already served by another enabled integration is refused.
     *
     * @return array the integration as saved
     */
    function ipmanager_integration_save(array $input): array {}

    /**
     * Saves how IP Manager reaches a WHMCS server: 'server_id', 'verify_tls',
     * 'fingerprint' (SHA-256 of the certificate, hex, '' for none), 'connect_timeout_ms'
     * (100-10000), 'timeout_ms' (100-30000).
     */
    function ipmanager_server_settings_save(array $input): void {}

    /**
     * "Test connection": asks server $server_id's panel its version with the server's
     * credentials (hand them over with ipmanager_server_passwords first).
     *
     * @param ?string $integration which integration to use when the module is not mapped
     * @return string the panel's version
     * @throws \IpManager\Exception\Integration with the panel's exact refusal
     */
    function ipmanager_integration_test(int $server_id, ?string $integration = null): string {}

    /**
     * Makes waiting panel change $id due now and delivers it.
     *
     * @return ?array{id:int, service_id:int, operation:string, addresses:list<string>, error:?string}
     *   null when another worker holds it or an earlier change of the service waits
     */
    function ipmanager_outbox_retry(int $id): ?array {}

    /**
     * Closes waiting panel change $id without the panel's confirmation; a removal releases
     * its address. The change log names $who.
     *
     * @return array the change as closed
     */
    function ipmanager_outbox_force(int $id, string $who): array {}

    /**
     * The cron run: delivers the due panel changes, oldest first, at most $limit (200).
     *
     * @return list<array{id:int, service_id:int, operation:string, addresses:list<string>, error:?string}>
     */
    function ipmanager_outbox_run(?int $limit = null): array {}

    /**
     * The encrypted passwords of the WHMCS servers an enabled integration serves, for PHP to
     * decrypt() and hand back with ipmanager_server_passwords.
     *
     * @return list<array{id:int, password:string}>
     */
    function ipmanager_server_records(): array {}

    /**
     * Decrypted server passwords ([server id => password]), kept in this PHP worker only.
     */
    function ipmanager_server_passwords(array $passwords): void {}

    /**
     * What the panel clients sent and received since the last call, secrets masked, for
     * WHMCS's logModuleCall.
     *
     * @return list<array{module:string, action:string, request:string, response:string}>
     */
    function ipmanager_module_calls(): array {}

    /**
     * The NetBox settings: enabled, url, token_set (the token itself is never given back),
     * verify_tls, fingerprint, connect_timeout_ms, timeout_ms, tag, release_action
     * ('deprecate' or 'delete'), push_on_assign.
     */
    function ipmanager_netbox_settings(): array {}

    /**
     * Saves the NetBox settings (the keys of ipmanager_netbox_settings, with 'token' instead
     * of token_set: '' keeps the stored token; v2 'nbt_<key>.<token>' or a 40-character v1
     * token). A bad value is refused and nothing changes.
     *
     * @return array the settings as saved
     */
    function ipmanager_netbox_settings_save(array $input): array {}

    /**
     * "Test connection": NetBox's version with the stored settings.
     *
     * @throws \IpManager\Exception\Integration with NetBox's exact refusal
     * @throws \IpManager\Exception\NotConfigured without a URL or token
     */
    function ipmanager_netbox_test(): string {}

    /**
     * The full push to NetBox: subnets → prefixes, assigned addresses → IP addresses
     * (active, dns_name from the service's domain, a description naming service and
     * client), assigned prefix units → child prefixes; what carries the settings' tag but
     * is no longer assigned → deprecated (or deleted). Only what differs is sent, with
     * NetBox's bulk endpoints; an object made outside IP Manager at an assigned address is
     * reported in 'conflicts' and never overwritten.
     *
     * @return array{prefixes:array{created:int, updated:int, unchanged:int, retired:int},
     *   addresses:array{created:int, updated:int, unchanged:int, retired:int},
     *   conflicts:list<string>, took_ms:int}
     * @throws \IpManager\Exception\NotConfigured without a URL or token
     * @throws \IpManager\Exception\Integration with NetBox's exact refusal
     */
    function ipmanager_netbox_push(): array {}

    /**
     * The last push: ['at' => seconds since the epoch, 'report' => as ipmanager_netbox_push
     * returned it], or null before the first.
     */
    function ipmanager_netbox_last_push(): ?array {}

    /**
     * Every subnet with the NetBox scope it maps to.
     *
     * @return list<array{subnet_id:int, name:string, cidr:string, site_id:?int, tenant_id:?int, vrf_id:?int}>
     */
    function ipmanager_netbox_scopes(): array {}

    /**
     * Sets which NetBox scope a subnet maps to: 'subnet_id', and NetBox's 'site_id' (the
     * prefix's scope), 'tenant_id' and 'vrf_id' (the prefix's and its addresses'); '' for
     * none. Its objects in NetBox follow (through the queue when NetBox mirrors changes,
     * else with the next push).
     */
    function ipmanager_netbox_scope_save(array $input): void {}

    /**
     * The NetBox page: settings (no token), whether NetBox answers now (asked within 2 s;
     * null without a URL or token), the last push and sync, the queue of changes for NetBox
     * ('page', 'per_page') with how many wait and how many of them failed last time.
     *
     * @return array{settings:array, connection:?array{ok:bool, message:string},
     *   last_push:?array, last_sync:?array, waiting:int, failing:int, queue:array}
     */
    function ipmanager_netbox_overview(?array $filters = null): array {}

    /**
     * Sync from NetBox: prefixes become subnets (parents first, with their scope), addresses
     * inside a subnet are assigned to the WHMCS service their description names ("WHMCS
     * service #N") or reserved, so they are never handed out. IP Manager's own objects
     * (tagged) and deprecated ones are left out; what IP Manager holds otherwise is reported
     * as a conflict and never overwritten. All or nothing; 'dry_run' => true gives the same
     * report and keeps nothing. Running it twice changes nothing.
     *
     * @return array{dry_run:bool, subnets:list<array{object:string, detail:string}>,
     *   reserved:list<array>, assigned:list<array>, unchanged:list<array>, conflicts:list<array>,
     *   skipped:list<array>, own_objects:int, took_ms:int}
     * @throws \IpManager\Exception\NotConfigured without a URL or token
     * @throws \IpManager\Exception\Integration with NetBox's exact refusal
     */
    function ipmanager_netbox_sync(?array $options = null): array {}

    /**
     * Sends the NetBox changes that are due now (at most 200, stopping at the first failure,
     * within 10 s); what became of each.
     *
     * @return list<array{id:int, service_id:int, operation:string, addresses:list<string>, error:?string, note:?string}>
     */
    function ipmanager_netbox_drain(): array {}
}
