<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** Orphaned: IPs still assigned to services that are no longer Active or Pending. */
final class OrphansPage
{
    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $messages = [];
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $mode = ($_POST['mode'] ?? '') === 'free' ? 'free' : 'quarantine';
            $request = ($_POST['do'] ?? '') === 'release_all' ? ['all' => true, 'mode' => $mode]
                : ['id' => (int) ($_POST['id'] ?? 0), 'service_id' => (int) ($_POST['service_id'] ?? 0) ?: null, 'mode' => $mode];
            try {
                $report = ipmanager_orphan_release($request);
                if ($report['released'] !== []) {
                    $messages[] = ['success', sprintf($lang['orphans_released'], implode(', ', $report['released']))];
                }
                foreach ($report['failed'] as [$address, $error]) {
                    $messages[] = ['warning', sprintf($lang['orphans_failed'], $address, $error)];
                }
                foreach ($report['skipped'] as [$id, $why]) {
                    $messages[] = ['info', $why];
                }
            } catch (\IpManager\Exception $e) {
                $messages[] = ['danger', $e->getMessage()];
            }
        }
        $page = isset($_GET['page']) && ctype_digit((string) $_GET['page']) ? max(1, (int) $_GET['page']) : 1;
        $orphans = ipmanager_orphan_list(['page' => $page, 'per_page' => 50]);
        $action = Html::e(Html::link($vars['modulelink'], ['action' => 'orphans']));
        $html = '<h2>' . Html::e($lang['orphans_title']) . '</h2><p>' . Html::e($lang['orphans_help']) . '</p>';
        if ($orphans['items'] === []) {
            return [$messages, $html . '<div class="alert alert-info">' . Html::e($lang['orphans_none']) . '</div>'];
        }
        $html .= '<table class="table table-striped" id="ipm-orphans"><thead><tr>';
        foreach (['col_address', 'col_service', 'col_status', 'col_client', 'col_product', 'col_state', 'col_actions'] as $col) {
            $html .= '<th>' . Html::e($lang[$col]) . '</th>';
        }
        $html .= '</tr></thead><tbody>';
        foreach ($orphans['items'] as $o) {
            $state = $o['state'] . ($o['error'] !== '' ? ' — ' . $o['error'] : '');
            $html .= '<tr><td><code>' . Html::e($o['address']) . '</code></td><td>#' . Html::e($o['service_id']) . ' ' . Html::e($o['domain'])
                . '</td><td>' . Html::e($o['service_status']) . '</td><td>' . Html::e($o['client']) . '</td><td>' . Html::e($o['product'])
                . '</td><td>' . Html::e($state) . '</td><td>'
                . ConfigurationsPage::button($action, 'release', $o['id'], $lang['orphans_release'], sprintf($lang['orphans_confirm_one'], $o['address']), ['service_id' => $o['service_id']])
                . '</td></tr>';
        }
        $html .= '</tbody></table>' . sprintf('<p>%s</p>', Html::e(sprintf($lang['logs_page_of'], $orphans['page'],
            max(1, (int) ceil($orphans['total'] / $orphans['per_page'])), $orphans['total'])));
        $html .= '<form method="post" action="' . $action . '" onsubmit="return confirm(this.dataset.confirm)" data-confirm="'
            . Html::e(sprintf($lang['orphans_confirm_all'], $orphans['total'])) . '">' . Layout::tokenField()
            . '<input type="hidden" name="do" value="release_all"><select class="form-control" name="mode" style="width:auto;display:inline-block">'
            . '<option value="quarantine">' . Html::e($lang['orphans_mode_quarantine']) . '</option><option value="free">'
            . Html::e($lang['orphans_mode_free']) . '</option></select> <button class="btn btn-danger" type="submit">'
            . Html::e($lang['orphans_release_all']) . '</button></form>';
        return [$messages, $html];
    }
}
