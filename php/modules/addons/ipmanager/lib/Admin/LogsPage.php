<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** Logs: every change, who made it, before and after; filtered and paginated. */
final class LogsPage
{
    private const AREAS = ['subnet.', 'pool.', 'address.'];
    private const ACTORS = ['admin', 'client', 'cron', 'system'];

    public static function handle(array $vars): array
    {
        $lang = $vars['_lang'];
        $filters = ['per_page' => 50];
        if (isset($_GET['area']) && in_array($_GET['area'], self::AREAS, true)) {
            $filters['action'] = $_GET['area'];
        }
        if (isset($_GET['actor_type']) && in_array($_GET['actor_type'], self::ACTORS, true)) {
            $filters['actor_type'] = $_GET['actor_type'];
        }
        if (isset($_GET['search']) && is_string($_GET['search']) && trim($_GET['search']) !== '') {
            $filters['search'] = trim($_GET['search']);
        }
        if (isset($_GET['page']) && ctype_digit((string) $_GET['page']) && (int) $_GET['page'] > 0) {
            $filters['page'] = (int) $_GET['page'];
        }
        $page = ipmanager_log_list($filters);
        $html = '<h2>' . Html::e($lang['logs_title']) . '</h2>' . self::filterForm($lang, $filters);
        if ($page['items'] === []) {
            return [[], $html . '<div class="alert alert-info">' . Html::e($lang['no_logs']) . '</div>'];
        }
        $html .= '<table class="table table-condensed" id="ipm-logs"><thead><tr>';
        foreach (['col_time', 'col_actor', 'col_action', 'col_message', 'col_change'] as $col) {
            $html .= '<th>' . Html::e($lang[$col]) . '</th>';
        }
        $html .= '</tr></thead><tbody>';
        foreach ($page['items'] as $e) {
            $who = $e['actor_type'] . ($e['actor_id'] ? ' #' . $e['actor_id'] : '');
            $html .= '<tr><td>' . Html::e($e['created_at']) . ' UTC</td><td>' . Html::e($who) . '</td><td><code>'
                . Html::e($e['action']) . '</code></td><td>' . Html::e($e['message']) . '</td><td>'
                . self::change($e, $lang) . '</td></tr>';
        }
        $html .= '</tbody></table>';
        $pages = max(1, (int) ceil($page['total'] / $page['per_page']));
        $query = ['action' => 'logs'] + array_intersect_key($_GET, array_flip(['area', 'actor_type', 'search']));
        $html .= '<p class="ipm-pager">' . Html::e(sprintf($lang['logs_page_of'], $page['page'], $pages, $page['total']));
        if ($page['page'] > 1) {
            $html .= ' <a href="' . Html::e(Html::link($vars['modulelink'], $query + ['page' => $page['page'] - 1])) . '">' . Html::e($lang['previous']) . '</a>';
        }
        if ($page['page'] < $pages) {
            $html .= ' <a href="' . Html::e(Html::link($vars['modulelink'], $query + ['page' => $page['page'] + 1])) . '">' . Html::e($lang['next']) . '</a>';
        }
        return [[], $html . '</p>'];
    }

    private static function change(array $e, array $lang): string
    {
        $parts = [];
        foreach (['before' => 'log_before', 'after' => 'log_after'] as $key => $label) {
            if ($e[$key] !== null) {
                $parts[] = '<details><summary>' . Html::e($lang[$label]) . '</summary><pre>'
                    . Html::e(json_encode($e[$key], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES)) . '</pre></details>';
            }
        }
        return implode('', $parts);
    }

    private static function filterForm(array $lang, array $filters): string
    {
        $html = '<form method="get" class="form-inline" action="addonmodules.php"><input type="hidden" name="module" value="ipmanager">'
            . '<input type="hidden" name="action" value="logs"><select class="form-control" name="area"><option value="">'
            . Html::e($lang['logs_any_area']) . '</option>';
        foreach (self::AREAS as $area) {
            $selected = ($filters['action'] ?? '') === $area ? ' selected' : '';
            $html .= '<option value="' . Html::e($area) . '"' . $selected . '>' . Html::e(rtrim($area, '.')) . '</option>';
        }
        $html .= '</select> <select class="form-control" name="actor_type"><option value="">' . Html::e($lang['logs_any_actor']) . '</option>';
        foreach (self::ACTORS as $actor) {
            $selected = ($filters['actor_type'] ?? '') === $actor ? ' selected' : '';
            $html .= '<option value="' . $actor . '"' . $selected . '>' . Html::e($actor) . '</option>';
        }
        return $html . '</select> <input class="form-control" name="search" placeholder="' . Html::e($lang['logs_search']) . '" value="'
            . Html::e($filters['search'] ?? '') . '"> <button class="btn btn-default" type="submit">' . Html::e($lang['filter']) . '</button></form>';
    }
}
