<?php

namespace IpManager\Addon\Admin;

/** Logs: every change, who made it, before and after; filtered and paginated. */
final class LogsPage
{
    public static function handle(array $vars): Page
    {
        // "area" in the query (a page's "action" is the addon's route), the log's action prefix.
        $filters = Request::filters(['area', 'actor_type', 'search']);
        $native = $filters;
        if (isset($native['area'])) {
            $native['action'] = $native['area'];
            unset($native['area']);
        }
        [$list, $messages] = Listing::read('ipmanager_log_list', $native, Request::get('page'));
        return new Page('logs.tpl', ['filters' => $filters, 'list' => $list, 'choices' => ipmanager_choices()], $messages);
    }
}
