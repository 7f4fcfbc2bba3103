<?php

namespace IpManager\Addon\Admin;

/** Synchronize: import WHMCS's dedicated/assigned IPs, with a dry run and a full report. */
final class SyncPage
{
    public static function handle(array $vars): Page
    {
        $report = null;
        $liveOnly = true;
        $messages = [];
        if (Request::isPost()) {
            $liveOnly = Request::post('live_only') === '1';
            try {
                $report = ipmanager_sync(['live_only' => $liveOnly, 'dry_run' => Request::post('do') === 'dry_run']);
            } catch (\IpManager\Exception $e) {
                $messages[] = ['danger', $e->getMessage()];
            }
        }
        return new Page('sync.tpl', ['report' => $report, 'live_only' => $liveOnly], $messages);
    }
}
