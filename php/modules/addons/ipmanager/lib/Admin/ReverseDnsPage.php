<?php

namespace IpManager\Addon\Admin;

/**
 * Reverse DNS: where PowerDNS is (settings, Test connection, whether it answers, the queue
 * with each change's error, Retry now and Force),
 * which subnets' reverse zones IP Manager manages, a PTR set by hand for any assigned
 * address, and "reset PTRs" for a subnet.
 */
final class ReverseDnsPage
{
    public static function handle(array $vars): Page
    {
        $lang = $vars['_lang'];
        $messages = Request::isPost() ? self::act($lang) : [];
        $status = ipmanager_dns_status(['page' => Request::get('page'), 'per_page' => '25']);
        // Lists as the page shows them (Smarty's implode modifier takes its arguments the other way round).
        $status['settings']['nameservers_text'] = implode(' ', $status['settings']['nameservers']);
        foreach ($status['queue']['items'] as &$change) {
            $change['addresses_text'] = implode(', ', $change['job']['addresses']);
        }
        unset($change);
        return new Page('rdns.tpl', ['status' => $status, 'address' => Request::get('address')], $messages);
    }

    private static function act(array $lang): array
    {
        try {
            switch (Request::post('do')) {
                case 'save':
                    $f = Request::postGroup('f');
                    ipmanager_dns_settings_save([
                        'enabled' => $f['enabled'] ?? '0', 'url' => $f['url'] ?? '', 'api_key' => $f['api_key'] ?? '',
                        'server_id' => $f['server_id'] ?? '', 'ttl' => $f['ttl'] ?? '', 'template' => $f['template'] ?? '',
                        'release_template' => $f['release_template'] ?? '', 'nameservers' => $f['nameservers'] ?? '',
                        'forward_confirm' => $f['forward_confirm'] ?? '0',
                    ]);
                    return [['success', $lang['rdns_saved']]];
                case 'test':
                    return [['success', sprintf($lang['rdns_test_ok'], ipmanager_dns_test())]];
                case 'manage':
                    ipmanager_dns_subnet((int) Request::post('subnet_id'), Request::post('managed') === '1');
                    return [['success', sprintf($lang[Request::post('managed') === '1' ? 'rdns_managed' : 'rdns_unmanaged'], Request::post('subnet_id'))]];
                case 'reset':
                    $n = ipmanager_dns_reset((int) Request::post('subnet_id'));
                    return [['success', sprintf($lang['rdns_reset_done'], $n)]];
                case 'retry':
                case 'force':
                    return QueueActions::act(Request::post('do'), $lang, 'rdns');
                case 'ptr':
                    $host = trim(Request::post('hostname'));
                    $done = ipmanager_ptr_set(Request::post('address'), $host === '' ? null : $host);
                    return [['success', $done['hostname'] === null
                        ? sprintf($lang['client_ptr_default'], $done['address'])
                        : sprintf($lang['client_ptr_set'], $done['address'], rtrim($done['hostname'], '.'))]];
            }
        } catch (\IpManager\Exception $e) {
            return [['danger', $e->getMessage()]];
        }
        return [['danger', $lang['unknown_action']]];
    }
}
