{* One form field in group "f" with its error under it. Params: name, label, type, help, options. *}
{$value = ''}{if isset($values[$name])}{$value = $values[$name]}{/if}
{$group = $group|default:'f'}
<div class="form-group{if isset($errors[$name])} has-error{/if}" data-group="{$name}">
    {if $type == 'checkbox'}
        <input type="hidden" name="{$group}[{$name}]" value="0">
        <div class="checkbox"><label><input type="checkbox" id="f-{$name}" name="{$group}[{$name}]" value="1"{if $value == '1' || $value == 'on'} checked{/if}> {$label}</label></div>
    {else}
        <label for="f-{$name}">{$label}</label>
        {if $type == 'textarea'}
            <textarea class="form-control" rows="3" id="f-{$name}" name="{$group}[{$name}]">{$value}</textarea>
        {elseif $type == 'select'}
            <select class="form-control" id="f-{$name}" name="{$group}[{$name}]">
                {foreach $options as $option}
                    <option value="{$option.value}"{if "{$option.value}" === "{$value}"} selected{/if}>{$option.label}</option>
                {/foreach}
            </select>
        {else}
            <input type="text" class="form-control" id="f-{$name}" name="{$group}[{$name}]" value="{$value}">
        {/if}
    {/if}
    {if isset($errors[$name])}<span class="help-block field-error" data-field="{$name}">{$errors[$name]}</span>{/if}
    {if $help}<span class="help-block">{$help}</span>{/if}
</div>
