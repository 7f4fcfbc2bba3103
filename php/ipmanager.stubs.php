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
     *
     * @return array{version:string, php_build:string, php_version_built:string,
     *               configured:bool, endpoint:?string, connected:bool, error:?string,
     *               server_version:?string, schema_version:?int, latest_schema_version:int}
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
     * One client's services with their IPs (dedicated first), for the client area.
     *
     * @param int $client_id $_SESSION['uid']
     * @return list<array{id:int, domain:string, product:string, status:string, ips:list<string>}>
     */
    function ipmanager_client_services(int $client_id): array {}
}
