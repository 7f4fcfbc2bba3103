<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** Assignments: services with their IPs and WHMCS's view of them; assign and unassign. */
final class AssignmentsPage
{
    private const STATUSES = ['Pending', 'Active', 'Suspended', 'Cancelled', 'Terminated', 'Fraud', 'Completed'];

    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $messages = [];
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $messages = self::post($lang);
        }
        $filters = ['per_page' => 50];
        foreach (['client_id', 'service_id', 'page'] as $key) {
            if (isset($_GET[$key]) && ctype_digit((string) $_GET[$key]) && (int) $_GET[$key] > 0) {
                $filters[$key] = (int) $_GET[$key];
            }
        }
        if (isset($_GET['status']) && in_array($_GET['status'], self::STATUSES, true)) {
            $filters['status'] = $_GET['status'];
        }
        if (isset($_GET['search']) && is_string($_GET['search']) && trim($_GET['search']) !== '') {
            $filters['search'] = trim($_GET['search']);
        }
        $page = ipmanager_assignment_list($filters);
        $action = Html::e(Html::link($vars['modulelink'], ['action' => 'assignments']));
        $html = '<h2>' . Html::e($lang['assignments_title']) . '</h2>' . self::filterForm($lang, $filters);
        if ($page['items'] === []) {
            $html .= '<div class="alert alert-info">' . Html::e($lang['assignments_none']) . '</div>';
        } else {
            $html .= '<table class="table table-striped" id="ipm-assignments"><thead><tr>';
            foreach (['col_client', 'col_service', 'col_product', 'col_server', 'col_address', 'col_whmcs_ip', 'col_status', 'col_actions'] as $col) {
                $html .= '<th>' . Html::e($lang[$col]) . '</th>';
            }
            $html .= '</tr></thead><tbody>';
            foreach ($page['items'] as $a) {
                $html .= '<tr><td>#' . Html::e($a['client_id']) . ' ' . Html::e($a['client']) . '</td><td>#' . Html::e($a['service_id']) . ' '
                    . Html::e($a['domain']) . '</td><td>' . Html::e($a['product']) . '</td><td>' . Html::e($a['server']) . '</td><td><code>'
                    . Html::e($a['address']) . '</code>' . ($a['state'] !== 'assigned' ? ' (' . Html::e($a['state']) . ')' : '') . '</td><td>'
                    . Html::e($a['whmcs_dedicatedip']) . '</td><td>' . Html::e($a['service_status']) . '</td><td>'
                    . ConfigurationsPage::button($action, 'unassign', $a['id'], $lang['unassign'], sprintf($lang['confirm_unassign'], $a['address'], $a['service_id']), ['service_id' => $a['service_id']])
                    . '</td></tr>';
            }
            $html .= '</tbody></table><p>' . Html::e(sprintf($lang['logs_page_of'], $page['page'], max(1, (int) ceil($page['total'] / $page['per_page'])), $page['total'])) . '</p>';
        }
        return [$messages, $html . self::assignForm($action, $lang)];
    }

    private static function post(array $lang): array
    {
        try {
            if (($_POST['do'] ?? '') === 'unassign') {
                // The service the row showed: if the address went to another service since, nothing happens.
                $r = ipmanager_unassign(['id' => (int) ($_POST['id'] ?? 0), 'service_id' => (int) ($_POST['service_id'] ?? 0) ?: null]);
                return [$r['error'] === null ? ['success', sprintf($lang['unassigned'], $r['address'])] : ['warning', sprintf($lang['orphans_failed'], $r['address'], $r['error'])]];
            }
            if (($_POST['do'] ?? '') === 'assign') {
                $request = ['service_id' => (string) ($_POST['service_id'] ?? '')];
                $address = trim((string) ($_POST['address'] ?? ''));
                [$kind, $id] = array_pad(explode(':', (string) ($_POST['draws_from'] ?? ''), 2), 2, '');
                if ($address !== '') {
                    $request['address'] = $address;
                } else {
                    $request[$kind === 'subnet' ? 'subnet_id' : 'pool_id'] = $id;
                }
                return [['success', sprintf($lang['assigned'], ipmanager_assign($request), $request['service_id'])]];
            }
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        return [];
    }

    private static function filterForm(array $lang, array $filters): string
    {
        $html = '<form method="get" class="form-inline" action="addonmodules.php"><input type="hidden" name="module" value="ipmanager">'
            . '<input type="hidden" name="action" value="assignments">'
            . '<input class="form-control" name="client_id" placeholder="' . Html::e($lang['col_client']) . ' ID" value="' . Html::e($filters['client_id'] ?? '') . '"> '
            . '<input class="form-control" name="service_id" placeholder="' . Html::e($lang['col_service']) . ' ID" value="' . Html::e($filters['service_id'] ?? '') . '"> '
            . '<input class="form-control" name="search" placeholder="' . Html::e($lang['filter_search']) . '" value="' . Html::e($filters['search'] ?? '') . '"> '
            . '<select class="form-control" name="status"><option value="">' . Html::e($lang['any_status']) . '</option>';
        foreach (self::STATUSES as $s) {
            $html .= '<option' . (($filters['status'] ?? '') === $s ? ' selected' : '') . '>' . Html::e($s) . '</option>';
        }
        return $html . '</select> <button class="btn btn-default" type="submit">' . Html::e($lang['filter']) . '</button></form>';
    }

    private static function assignForm(string $action, array $lang): string
    {
        $html = '<h3>' . Html::e($lang['assign_title']) . '</h3><form method="post" class="form-inline" id="ipm-assign-form" action="' . $action . '">'
            . Layout::tokenField() . '<input type="hidden" name="do" value="assign"><input class="form-control" name="service_id" placeholder="'
            . Html::e($lang['col_service']) . ' ID"> <select class="form-control" name="draws_from">';
        foreach (ipmanager_pool_list() as $p) {
            $html .= '<option value="pool:' . Html::e($p['id']) . '">' . Html::e($lang['col_pool'] . ': ' . $p['name']) . '</option>';
        }
        foreach (ipmanager_subnet_list() as $s) {
            $html .= '<option value="subnet:' . Html::e($s['id']) . '">' . Html::e($lang['col_subnet'] . ': ' . $s['cidr']) . '</option>';
        }
        return $html . '</select> <input class="form-control" name="address" placeholder="' . Html::e($lang['assign_address']) . '"> '
            . '<button class="btn btn-primary" type="submit">' . Html::e($lang['assign']) . '</button></form>';
    }
}
