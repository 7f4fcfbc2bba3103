<?php

namespace IpManager\Addon\Admin;

use IpManager\Addon\Html;

/** Form fields with their validation message shown right under them. */
final class Form
{
    private array $values;
    private array $errors;
    private array $lang;

    /** @param array<string,string> $errors field => message */
    public function __construct(array $values, array $errors, array $lang)
    {
        $this->values = $values;
        $this->errors = $errors;
        $this->lang = $lang;
    }

    /** @param list<array{field:string,message:string}> $list */
    public static function errorsByField(array $list): array
    {
        $out = [];
        foreach ($list as $e) {
            $out[$e['field']] = isset($out[$e['field']]) ? $out[$e['field']] . ' ' . $e['message'] : $e['message'];
        }
        return $out;
    }

    public function text(string $name, string $label, string $help = '', string $type = 'text'): string
    {
        $input = '<input type="' . Html::e($type) . '" class="form-control" id="f-' . Html::e($name) . '" name="'
            . Html::e($name) . '" value="' . Html::e($this->values[$name] ?? '') . '">';
        return $this->group($name, $label, $input, $help);
    }

    public function textarea(string $name, string $label, string $help = ''): string
    {
        $input = '<textarea class="form-control" rows="3" id="f-' . Html::e($name) . '" name="' . Html::e($name) . '">'
            . Html::e($this->values[$name] ?? '') . '</textarea>';
        return $this->group($name, $label, $input, $help);
    }

    /** @param array<string|int,string> $options value => label */
    public function select(string $name, string $label, array $options, string $help = ''): string
    {
        $current = (string) ($this->values[$name] ?? '');
        $input = '<select class="form-control" id="f-' . Html::e($name) . '" name="' . Html::e($name) . '">';
        foreach ($options as $value => $text) {
            $selected = (string) $value === $current ? ' selected' : '';
            $input .= '<option value="' . Html::e($value) . '"' . $selected . '>' . Html::e($text) . '</option>';
        }
        return $this->group($name, $label, $input . '</select>', $help);
    }

    /** A checkbox that posts "0" when unticked, so "off" is distinguishable from "not sent". */
    public function checkbox(string $name, string $label, string $help = ''): string
    {
        $checked = in_array((string) ($this->values[$name] ?? ''), ['1', 'on', 'true'], true) ? ' checked' : '';
        $input = '<input type="hidden" name="' . Html::e($name) . '" value="0">'
            . '<label><input type="checkbox" id="f-' . Html::e($name) . '" name="' . Html::e($name) . '" value="1"'
            . $checked . '> ' . Html::e($label) . '</label>';
        return $this->group($name, '', $input, $help);
    }

    /** Errors for fields the form does not show (e.g. "form"). */
    public function otherErrors(array $shown): string
    {
        $html = '';
        foreach ($this->errors as $field => $message) {
            if (!in_array($field, $shown, true)) {
                $html .= '<div class="alert alert-danger">' . Html::e($message) . '</div>';
            }
        }
        return $html;
    }

    private function group(string $name, string $label, string $input, string $help): string
    {
        $error = $this->errors[$name] ?? '';
        $html = '<div class="form-group' . ($error !== '' ? ' has-error' : '') . '">';
        if ($label !== '') {
            $html .= '<label for="f-' . Html::e($name) . '">' . Html::e($label) . '</label>';
        }
        $html .= $input;
        if ($error !== '') {
            $html .= '<span class="help-block field-error" data-field="' . Html::e($name) . '">' . Html::e($error) . '</span>';
        }
        if ($help !== '') {
            $html .= '<span class="help-block">' . Html::e($help) . '</span>';
        }
        return $html . '</div>';
    }
}
