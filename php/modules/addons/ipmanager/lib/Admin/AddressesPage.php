<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** Addresses in use, filtered and paginated, with the next free ones of a subnet or pool. */
final class AddressesPage
{
    private const STATES = ['assigned', 'reserved', 'releasing', 'quarantined'];

    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $filters = [];
        foreach (['subnet_id', 'pool_id', 'service_id', 'page'] as $key) {
            if (isset($_GET[$key]) && ctype_digit((string) $_GET[$key]) && (int) $_GET[$key] > 0) {
                $filters[$key] = (int) $_GET[$key];
            }
        }
        if (isset($_GET['state']) && in_array($_GET['state'], self::STATES, true)) {
            $filters['state'] = $_GET['state'];
        }
        if (isset($_GET['search']) && is_string($_GET['search']) && trim($_GET['search']) !== '') {
            $filters['search'] = trim($_GET['search']);
        }
        $filters['per_page'] = 50;
        $page = ipmanager_address_list($filters);
        $html = '<h2>' . Html::e($lang['addresses_title']) . '</h2>' . self::filterForm($vars, $filters);
        $html .= self::table($page['items'], $lang);
        $html .= self::pager($vars, $filters, $page, $lang);
        $target = isset($filters['pool_id']) ? ['pool_id' => $filters['pool_id']] : (isset($filters['subnet_id']) ? ['subnet_id' => $filters['subnet_id']] : null);
        if ($target !== null) {
            $free = ipmanager_free_list($target + ['limit' => 10]);
            $html .= '<h3>' . Html::e($lang['free_heading']) . '</h3><p id="ipm-free">'
                . ($free === [] ? Html::e($lang['none']) : implode(' ', array_map(fn ($a) => '<code>' . Html::e($a) . '</code>', $free))) . '</p>';
        }
        return [[], $html];
    }

    private static function filterForm(array $vars, array $filters): string
    {
        $lang = $vars['_lang'];
        $html = '<form method="get" class="form-inline" action="addonmodules.php"><input type="hidden" name="module" value="ipmanager">'
            . '<input type="hidden" name="action" value="addresses">';
        foreach (['subnet_id', 'pool_id'] as $key) {
            if (isset($filters[$key])) {
                $html .= '<input type="hidden" name="' . $key . '" value="' . Html::e($filters[$key]) . '">';
            }
        }
        $html .= '<input class="form-control" name="search" placeholder="' . Html::e($lang['filter_search']) . '" value="' . Html::e($filters['search'] ?? '') . '"> '
            . '<input class="form-control" name="service_id" placeholder="' . Html::e($lang['col_service']) . '" value="' . Html::e($filters['service_id'] ?? '') . '"> '
            . '<select class="form-control" name="state"><option value="">' . Html::e($lang['filter_state_any']) . '</option>';
        foreach (self::STATES as $state) {
            $selected = ($filters['state'] ?? '') === $state ? ' selected' : '';
            $html .= '<option value="' . $state . '"' . $selected . '>' . Html::e($state) . '</option>';
        }
        return $html . '</select> <button class="btn btn-default" type="submit">' . Html::e($lang['filter']) . '</button></form>';
    }

    private static function table(array $items, array $lang): string
    {
        if ($items === []) {
            return '<div class="alert alert-info">' . Html::e($lang['no_addresses']) . '</div>';
        }
        $html = '<table class="table table-condensed" id="ipm-addresses"><thead><tr>';
        foreach (['col_address', 'col_state', 'col_service', 'col_pool', 'col_until'] as $col) {
            $html .= '<th>' . Html::e($lang[$col]) . '</th>';
        }
        $html .= '</tr></thead><tbody>';
        foreach ($items as $a) {
            $html .= '<tr><td><code>' . Html::e($a['address']) . '</code></td><td>' . Html::e($a['state']) . '</td><td>'
                . Html::e($a['service_id'] ?? '') . '</td><td>' . Html::e($a['pool_id'] ?? '') . '</td><td>'
                . Html::e($a['quarantine_until'] ?? '') . '</td></tr>';
        }
        return $html . '</tbody></table>';
    }

    private static function pager(array $vars, array $filters, array $page, array $lang): string
    {
        $pages = max(1, (int) ceil($page['total'] / $page['per_page']));
        $query = ['action' => 'addresses'] + array_diff_key($filters, ['per_page' => 1, 'page' => 1]);
        $html = '<p class="ipm-pager">' . Html::e(sprintf($lang['page_of'], $page['page'], $pages, $page['total']));
        if ($page['page'] > 1) {
            $html .= ' <a href="' . Html::e(Html::link($vars['modulelink'], $query + ['page' => $page['page'] - 1])) . '">' . Html::e($lang['previous']) . '</a>';
        }
        if ($page['page'] < $pages) {
            $html .= ' <a href="' . Html::e(Html::link($vars['modulelink'], $query + ['page' => $page['page'] + 1])) . '">' . Html::e($lang['next']) . '</a>';
        }
        return $html . '</p>';
    }
}
