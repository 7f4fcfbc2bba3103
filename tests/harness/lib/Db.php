<?php

namespace Harness;

use PDO;

/** The harness's own connection to the WHMCS database (WHMCS itself uses PDO too). */
final class Db
{
    private static ?PDO $pdo = null;

    public static function pdo(): PDO
    {
        if (self::$pdo === null) {
            $c = Config::db();
            self::$pdo = new PDO(
                sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4', $c['host'], $c['port'], $c['database']),
                $c['username'],
                $c['password'],
                [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC]
            );
        }
        return self::$pdo;
    }

    public static function run(string $sql, array $params = []): \PDOStatement
    {
        $stmt = self::pdo()->prepare($sql);
        $stmt->execute($params);
        return $stmt;
    }

    public static function all(string $sql, array $params = []): array
    {
        return self::run($sql, $params)->fetchAll();
    }

    public static function one(string $sql, array $params = []): ?array
    {
        $row = self::run($sql, $params)->fetch();
        return $row === false ? null : $row;
    }

    public static function value(string $sql, array $params = [])
    {
        $value = self::run($sql, $params)->fetchColumn();
        return $value === false ? null : $value;
    }

    public static function insert(string $table, array $row): int
    {
        $cols = array_keys($row);
        $sql = sprintf(
            'INSERT INTO `%s` (`%s`) VALUES (%s)',
            $table,
            implode('`, `', $cols),
            implode(', ', array_fill(0, count($cols), '?'))
        );
        self::run($sql, array_values($row));
        return (int) self::pdo()->lastInsertId();
    }

    /** Creates the WHMCS tables the harness imitates (idempotent). */
    public static function applySchema(): void
    {
        self::pdo()->exec((string) file_get_contents(__DIR__ . '/../schema/whmcs.sql'));
    }

    /** Drops every table in the harness database and recreates the WHMCS ones: a fresh install. */
    public static function reset(): void
    {
        $tables = self::pdo()->query('SHOW TABLES')->fetchAll(PDO::FETCH_COLUMN);
        self::pdo()->exec('SET FOREIGN_KEY_CHECKS = 0');
        foreach ($tables as $table) {
            self::pdo()->exec('DROP TABLE `' . str_replace('`', '', $table) . '`');
        }
        self::pdo()->exec('SET FOREIGN_KEY_CHECKS = 1');
        self::applySchema();
    }
}
