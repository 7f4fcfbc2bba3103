<?php

namespace IpManager\Addon;

/** Usage alerts and the IP Cleaner, as cron, the DailyCronJob hook and the Settings page run them. */
final class Cron
{
    /** The daily run: usage alerts, then the IP Cleaner when it is enabled. */
    public static function daily(): array
    {
        Runtime::connect();
        $lang = Runtime::lang();
        $settings = ipmanager_settings();
        // Ended quarantines back to free space, old operation keys purged.
        $upkeep = ipmanager_upkeep();
        $lines = [sprintf($lang['upkeep_done'], $upkeep['quarantines_ended'], $upkeep['operation_keys_purged'])];
        $lines = array_merge($lines, self::usageAlerts($lang));
        if (($settings['ip_cleaner_enabled'] ?? '') === 'on') {
            $lines = array_merge($lines, self::cleaner($lang, (string) ($settings['ip_cleaner_behavior'] ?? 'notify')));
        }
        $lines[] = self::outbox($lang);
        return $lines;
    }

    /**
     * Delivers the panel and NetBox changes that are due (cron/outbox.php every few minutes,
     * WHMCS's cron after each run, and the daily job). A panel or NetBox that is down keeps
     * its changes waiting with the reason; nothing is lost.
     */
    public static function outbox(array $lang): string
    {
        Runtime::connect();
        $done = Panels::run(static fn () => ipmanager_outbox_run());
        $failed = array_values(array_filter($done, static fn ($d) => $d['error'] !== null));
        $line = sprintf($lang['outbox_run'], count($done) - count($failed), count($failed));
        foreach ($failed as $d) {
            $line .= "\n" . sprintf($lang['outbox_run_failed'], $d['id'], $d['operation'], implode(', ', $d['addresses']), $d['service_id'], $d['error']);
        }
        if ($done !== []) {
            logActivity('IP Manager: ' . str_replace("\n", ' ', $line));
        }
        return $line;
    }

    /** Emails one alert listing every subnet and pool that newly reached the threshold. */
    public static function usageAlerts(array $lang): array
    {
        $run = ipmanager_usage_check();
        if ($run['crossings'] === []) {
            return [sprintf($lang['alerts_none'], $run['threshold'])];
        }
        $rows = '';
        foreach ($run['crossings'] as $c) {
            $rows .= '<li>' . Html::e(sprintf($lang['alerts_line'], $lang['alerts_kind_' . $c['object_type']], $c['name'], $c['range'],
                $c['percent'], $c['used'], $c['usable'])) . '</li>';
        }
        $greeting = $run['admin'] !== null ? sprintf($lang['alerts_greeting'], $run['admin']['name']) : '';
        $result = localAPI('SendAdminEmail', [
            'customsubject' => sprintf($lang['alerts_subject'], count($run['crossings']), $run['threshold']),
            'custommessage' => '<p>' . Html::e($greeting) . '</p><p>' . Html::e(sprintf($lang['alerts_intro'], $run['threshold']))
                . '</p><ul>' . $rows . '</ul>',
            'type' => 'system',
        ]);
        $line = sprintf($lang['alerts_sent'], count($run['crossings']));
        if (($result['result'] ?? '') !== 'success') {
            $line = sprintf($lang['alerts_not_sent'], (string) ($result['message'] ?? 'unknown error'));
        }
        logActivity('IP Manager: ' . $line);
        return [$line];
    }

    /** Runs the IP Cleaner and emails its report when it found anything. */
    public static function cleaner(array $lang, string $behavior): array
    {
        $run = Panels::run(static fn () => ipmanager_clean($behavior === 'mark_free' ? 'mark_free' : 'notify'));
        if ($run['stale'] === []) {
            return [$lang['cleaner_none']];
        }
        $rows = '';
        foreach ($run['stale'] as $s) {
            $rows .= '<li>' . Html::e(sprintf($lang['cleaner_line'], $s['address'], $s['service_id'],
                $s['whmcs_ips'] === [] ? $lang['none'] : implode(', ', $s['whmcs_ips']))) . '</li>';
        }
        $action = $run['marked_free'] ? $lang['cleaner_marked_free'] : $lang['cleaner_notify_only'];
        localAPI('SendAdminEmail', [
            'customsubject' => sprintf($lang['cleaner_subject'], count($run['stale'])),
            'custommessage' => '<p>' . Html::e($action) . '</p><ul>' . $rows . '</ul>',
            'type' => 'system',
        ]);
        $line = sprintf($lang['cleaner_done'], count($run['stale']), implode(', ', array_column($run['stale'], 'address')), $action);
        logActivity('IP Manager: ' . $line);
        return [$line];
    }
}
