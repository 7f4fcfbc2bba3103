<?php

namespace IpManager\Addon\Admin;

/**
 * Export/Import: an export is written by the extension to a temporary file and streamed as
 * a download; an import is uploaded (CSRF-checked like every POST), previewed line by line,
 * kept in a private temporary file under a random name remembered in the admin's session,
 * and applied all or nothing.
 */
final class TransferPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = [];
        $preview = null;
        if (Request::isPost()) {
            try {
                switch (Request::post('do')) {
                    case 'export':
                        self::export();
                        break;
                    case 'preview':
                        $preview = self::preview();
                        break;
                    case 'apply':
                        $messages[] = self::apply($lang);
                        break;
                    default:
                        $messages[] = ['danger', $lang['unknown_action']];
                }
            } catch (\IpManager\Exception $e) {
                $messages[] = ['danger', $e->getMessage()];
            }
        }
        $subnets = array_map(fn ($s) => ['value' => (string) $s['id'], 'label' => $s['cidr'] . ' ' . $s['name']], ipmanager_subnet_list());
        return new Page('transfer.tpl', ['subnets' => $subnets, 'preview' => $preview,
            'max_mb' => 64], $messages);
    }

    private static function export(): void
    {
        $format = Request::post('format');
        $options = ['format' => $format, 'what' => Request::post('what')];
        if (Request::post('subnet_id') !== '') {
            $options['subnet_id'] = Request::post('subnet_id');
        }
        $path = (string) tempnam(sys_get_temp_dir(), 'ipm-export-');
        try {
            ipmanager_export($options, $path);
        } catch (\IpManager\Exception $e) {
            @unlink($path);
            throw $e;
        }
        $types = ['csv' => 'text/csv', 'xml' => 'application/xml', 'json' => 'application/json'];
        \IpManager\Addon\Download::send($path, 'ipmanager-' . gmdate('Ymd-His') . '.' . strtolower($format), $types[strtolower($format)] ?? 'application/octet-stream');
    }

    /** Where uploads wait between the preview and the apply: private to the web server user. */
    private static function dir(): string
    {
        $dir = sys_get_temp_dir() . '/ipmanager-imports';
        if (!is_dir($dir)) {
            mkdir($dir, 0700, true);
        }
        return $dir;
    }

    private static function preview(): array
    {
        $file = $_FILES['file'] ?? null;
        if (!is_array($file) || ($file['error'] ?? UPLOAD_ERR_NO_FILE) !== UPLOAD_ERR_OK || !is_uploaded_file((string) $file['tmp_name'])) {
            throw new \IpManager\Exception\InvalidInput('Choose a file to import (CSV, XML or JSON, at most 64 MB).');
        }
        $format = strtolower(pathinfo((string) $file['name'], PATHINFO_EXTENSION));
        if (Request::post('format') !== '' && Request::post('format') !== 'auto') {
            $format = Request::post('format');
        }
        $key = bin2hex(random_bytes(16));
        $path = self::dir() . '/' . $key;
        if (!move_uploaded_file((string) $file['tmp_name'], $path)) {
            throw new \IpManager\Exception\InvalidInput('The uploaded file could not be kept for the preview; try again.');
        }
        $report = ipmanager_import_preview($path, $format);
        $_SESSION['ipmanager_import'] = ['key' => $key, 'format' => $format, 'name' => (string) $file['name']];
        return $report + ['key' => $key, 'format' => $format, 'name' => (string) $file['name']];
    }

    private static function apply(array $lang): array
    {
        $pending = $_SESSION['ipmanager_import'] ?? null;
        if (!is_array($pending) || !hash_equals((string) ($pending['key'] ?? ''), Request::post('key'))) {
            return ['danger', $lang['transfer_no_preview']];
        }
        $path = self::dir() . '/' . $pending['key'];
        try {
            $report = ipmanager_import_apply($path, $pending['format']);
        } finally {
            unset($_SESSION['ipmanager_import']);
            @unlink($path);
        }
        return ['success', sprintf($lang['transfer_applied'], $pending['name'], count($report['added']), count($report['already']))];
    }
}
