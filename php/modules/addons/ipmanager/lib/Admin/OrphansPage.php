<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Panels;

/** Orphaned: IPs still assigned to services that are no longer Active or Pending. */
final class OrphansPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = Request::isPost() ? self::release($lang) : [];
        [$list, $listMessages] = Listing::read('ipmanager_orphan_list', [], Request::get('page'));
        return new Page('orphans.tpl', ['list' => $list], array_merge($messages, $listMessages));
    }

    private static function release(array $lang): array
    {
        $mode = Request::post('mode') === 'free' ? 'free' : 'quarantine';
        $request = Request::post('do') === 'release_all' ? ['all' => true, 'mode' => $mode]
            : ['id' => Request::post('id'), 'service_id' => Request::post('service_id'), 'mode' => $mode];
        try {
            $report = Panels::run(static fn () => ipmanager_orphan_release($request));
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        $messages = [];
        if ($report['released'] !== []) {
            $messages[] = ['success', sprintf($lang['orphans_released'], implode(', ', $report['released']))];
        }
        foreach ($report['failed'] as [$address, $error]) {
            $messages[] = ['warning', sprintf($lang['orphans_failed'], $address, $error)];
        }
        foreach ($report['skipped'] as [, $why]) {
            $messages[] = ['info', $why];
        }
        return $messages;
    }
}
