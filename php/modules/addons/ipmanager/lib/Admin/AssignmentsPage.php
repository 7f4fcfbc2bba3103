<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Panels;

/**
 * Assignments: services with their IPs beside WHMCS's view of them (mismatches flagged);
 * assign (confirmed when the service is not live) and unassign (confirmed).
 */
final class AssignmentsPage
{
    private const FILTERS = ['client_id', 'service_id', 'status', 'search'];

    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = [];
        $assign = Request::postGroup('f');
        $warnings = [];
        if (Request::isPost() && Request::post('do') === 'unassign') {
            $messages = self::unassign($lang);
        }
        if (Request::isPost() && Request::post('do') === 'assign') {
            [$messages, $warnings, $done] = self::assign($lang, $assign);
            if ($done) {
                $assign = [];
            }
        }
        $filters = Request::filters(self::FILTERS);
        [$list, $listMessages] = Listing::read('ipmanager_assignment_list', $filters, Request::get('page'));
        return new Page('assignments.tpl', [
            'filters' => $filters, 'list' => $list, 'choices' => ipmanager_choices(),
            'assign' => $assign, 'warnings' => $warnings,
            'pools' => ipmanager_pool_list(), 'subnets' => ipmanager_subnet_list(),
        ], array_merge($messages, $listMessages));
    }

    private static function unassign(array $lang): array
    {
        try {
            // The service the row showed: if the address went to another service since, nothing happens.
            $r = Panels::run(static fn () => ipmanager_unassign(['id' => Request::post('id'), 'service_id' => Request::post('service_id')]));
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        return [$r['error'] === null
            ? ['success', sprintf($lang['unassigned'], $r['address'])]
            : ['warning', sprintf($lang['orphans_failed'], $r['address'], $r['error'])]];
    }

    /** @return array{0: list, 1: list<string>, 2: bool} messages, warnings to confirm, done */
    private static function assign(array $lang, array $request): array
    {
        try {
            if (Request::post('confirmed') !== '1') {
                $warnings = ipmanager_assign_check($request);
                if ($warnings !== []) {
                    return [[], $warnings, false];
                }
            }
            $report = Panels::run(static fn () => ipmanager_assign_report($request));
        } catch (\IpManager\Exception $e) {
            return [[['danger', $e->getMessage()]], [], false];
        }
        $messages = [['success', sprintf($lang['assigned'], $report['address'], $request['service_id'] ?? '')]];
        if ($report['panel_error'] !== null) {
            $messages[] = ['warning', sprintf($lang['panel_add_waiting'], $report['address'], $report['panel_error'])];
        }
        if ($report['panel_note'] !== null) {
            $messages[] = ['info', $report['panel_note']];
        }
        return [$messages, [], true];
    }
}
