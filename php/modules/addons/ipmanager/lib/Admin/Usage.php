<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** A utilization bar with the numbers spelled out. */
final class Usage
{
    public static function bar(array $u, array $lang): string
    {
        $percent = (float) $u['percent'];
        $level = $percent >= 90 ? 'danger' : ($percent >= 75 ? 'warning' : 'success');
        $used = self::add($u['assigned'], $u['reserved']);
        $text = sprintf($lang['usage_line'], self::short($used), self::short($u['usable']), self::short($u['assigned']),
            self::short($u['reserved']), self::short($u['free']));
        if ($u['unit'] !== 'address') {
            $text .= ' (' . $u['unit'] . ')';
        }
        return '<div class="ipm-usage" data-percent="' . Html::e($percent) . '">'
            . '<div class="progress"><div class="progress-bar progress-bar-' . $level . '" role="progressbar" style="width: '
            . Html::e(min(100, $percent)) . '%">' . Html::e($percent) . '%</div></div>'
            . '<small>' . Html::e($text) . '</small></div>';
    }

    /** IPv6 counts run to 39 digits; above a trillion show them as 5.5×10^19. */
    public static function short($count): string
    {
        $digits = ltrim((string) $count, '0');
        if (strlen($digits) <= 12) {
            return $digits === '' ? '0' : $digits;
        }
        return $digits[0] . '.' . $digits[1] . '×10^' . (strlen($digits) - 1);
    }

    /** Counts may be decimal strings (IPv6); add them without losing digits. */
    private static function add($a, $b): string
    {
        if (is_int($a) && is_int($b) && $a <= PHP_INT_MAX - $b) {
            return (string) ($a + $b);
        }
        $a = (string) $a;
        $b = (string) $b;
        $result = '';
        $carry = 0;
        for ($i = strlen($a) - 1, $j = strlen($b) - 1; $i >= 0 || $j >= 0 || $carry; $i--, $j--) {
            $sum = ($i >= 0 ? (int) $a[$i] : 0) + ($j >= 0 ? (int) $b[$j] : 0) + $carry;
            $result = ($sum % 10) . $result;
            $carry = intdiv($sum, 10);
        }
        return $result;
    }
}
