<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** The frame around every admin page: navigation, flash messages, CSRF field. */
final class Layout
{
    /** @var array<string,string> page key => lang key */
    public const PAGES = [
        'dashboard' => 'nav_dashboard',
        'subnets' => 'nav_subnets',
        'pools' => 'nav_pools',
        'addresses' => 'nav_addresses',
        'configurations' => 'nav_configurations',
        'assignments' => 'nav_assignments',
        'sync' => 'nav_sync',
        'orphans' => 'nav_orphans',
        'settings' => 'nav_settings',
        'logs' => 'nav_logs',
    ];

    public static function page(array $vars, string $current, string $body, array $messages = []): string
    {
        $lang = $vars['_lang'];
        $html = '<div class="ipmanager">';
        $html .= '<ul class="nav nav-tabs">';
        foreach (self::PAGES as $page => $label) {
            $active = $page === $current ? ' class="active"' : '';
            $html .= '<li' . $active . '><a href="' . Html::e(Html::link($vars['modulelink'], ['action' => $page]))
                . '">' . Html::e($lang[$label] ?? $label) . '</a></li>';
        }
        $html .= '</ul>';
        foreach ($messages as [$type, $text]) {
            $html .= '<div class="alert alert-' . Html::e($type) . '" role="alert">' . Html::e($text) . '</div>';
        }
        return $html . $body . '</div>';
    }

    /** Hidden CSRF field for every admin form. */
    public static function tokenField(): string
    {
        return '<input type="hidden" name="token" value="' . Html::e(generate_token('plain')) . '">';
    }
}
