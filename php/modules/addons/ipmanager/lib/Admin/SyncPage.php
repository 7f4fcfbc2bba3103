<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** Synchronize: import WHMCS's dedicated/assigned IPs, with a dry run and a full report. */
final class SyncPage
{
    private const SECTIONS = ['imported', 'already_correct', 'not_in_subnet', 'conflicting', 'unparsable'];

    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $report = null;
        $liveOnly = true;
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $liveOnly = ($_POST['live_only'] ?? '') === '1';
            $report = ipmanager_sync(['live_only' => $liveOnly, 'dry_run' => ($_POST['do'] ?? '') === 'dry_run']);
        }
        $action = Html::e(Html::link($vars['modulelink'], ['action' => 'sync']));
        $html = '<h2>' . Html::e($lang['sync_title']) . '</h2><p>' . Html::e($lang['sync_help']) . '</p>'
            . '<form method="post" id="ipm-sync-form" action="' . $action . '">' . Layout::tokenField()
            . '<input type="hidden" name="live_only" value="0"><label><input type="checkbox" name="live_only" value="1"'
            . ($liveOnly ? ' checked' : '') . '> ' . Html::e($lang['sync_live_only']) . '</label><br>'
            . '<button class="btn btn-default" type="submit" name="do" value="dry_run">' . Html::e($lang['sync_dry_run']) . '</button> '
            . '<button class="btn btn-primary" type="submit" name="do" value="run">' . Html::e($lang['sync_run']) . '</button></form>';
        if ($report === null) {
            return [[], $html];
        }
        $summary = sprintf($lang[$report['dry_run'] ? 'sync_summary_dry' : 'sync_summary'], $report['services_scanned'],
            count($report['imported']), count($report['already_correct']), count($report['not_in_subnet']),
            count($report['conflicting']), count($report['unparsable']));
        foreach (self::SECTIONS as $section) {
            if ($report[$section] === []) {
                continue;
            }
            $html .= '<h3>' . Html::e($lang['sync_' . $section]) . ' (' . count($report[$section]) . ')</h3>'
                . '<table class="table table-condensed" id="ipm-sync-' . $section . '"><tbody>';
            foreach ($report[$section] as $line) {
                $html .= '<tr><td>#' . Html::e($line['service_id']) . '</td><td><code>' . Html::e($line['address']) . '</code></td><td>'
                    . Html::e($line['reason']) . '</td></tr>';
            }
            $html .= '</tbody></table>';
        }
        return [[[$report['dry_run'] ? 'info' : 'success', $summary]], $html];
    }
}
