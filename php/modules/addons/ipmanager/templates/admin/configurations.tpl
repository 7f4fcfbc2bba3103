<h2>{$lang.configurations_title}</h2>
<p>{$lang.configurations_help}</p>
{foreach $configurations as $c}
    <div class="panel panel-default ipm-configuration" data-configuration-id="{$c.id}">
        <div class="panel-heading">
            <strong>{$c.name}</strong>
            <span class="pull-right">
                <a class="btn btn-default btn-xs ipm-edit-configuration" href="{url action=configurations edit=$c.id}#ipm-configuration-form">{$lang.edit}</a>
                {include file="partials/confirm_button.tpl" do="delete_configuration" id=$c.id label=$lang.delete_configuration confirm=($lang.confirm_delete_configuration|sprintf:$c.name) hidden=[]}
            </span>
        </div>
        <div class="panel-body">
            <p>{$lang.configuration_summary|sprintf:$c.ipv4_count:$c.ipv6_count}
                {if $c.omit_dedicated_ip} {$lang.configuration_omits}{/if}
                {if $c.custom_field != ''} {$lang.configuration_custom_field|sprintf:$c.custom_field}{/if}</p>
            {if $c.relations|@count == 0}
                <p class="text-muted ipm-no-relations">{$lang.relations_none}</p>
            {else}
            <table class="table table-condensed ipm-relations">
                <thead><tr><th>{$lang.col_target}</th><th>{$lang.col_draws_from}</th><th>{$lang.col_extra}</th><th></th></tr></thead>
                <tbody>
                {foreach $c.relations as $r}
                    <tr data-relation-id="{$r.id}">
                        <td>{$lang["target_`$r.target_type`"]}: {$r.target_name}</td>
                        <td>{$r.draws_from}</td>
                        <td>{if $r.target_type == 'addon' || $r.target_type == 'configoption'}+{$r.extra_count}{/if}</td>
                        <td>{include file="partials/confirm_button.tpl" do="delete_relation" id=$r.id label=$lang.delete confirm=$lang.confirm_delete_relation hidden=[]}</td>
                    </tr>
                {/foreach}
                </tbody>
            </table>
            {/if}
            {if $relation_for == $c.id}{$rel = $relation}{$relErrors = $relation_errors}{else}{$rel = []}{$relErrors = []}{/if}
            <form method="post" class="ipm-relation-form" action="{url action=configurations}" data-configuration-id="{$c.id}">
                <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="add_relation">
                <input type="hidden" name="r[configuration_id]" value="{$c.id}">
                <h4>{$lang.add_relation}</h4>
                {if isset($relErrors.form)}<div class="alert alert-danger field-error" data-field="form">{$relErrors.form}</div>{/if}
                <div class="row">
                    <div class="col-sm-4 form-group{if isset($relErrors.target)} has-error{/if}" data-group="target">
                        <label>{$lang.col_target}</label>
                        <select class="form-control ipm-target" name="r[target]">
                            <option value="">{$lang.choose}</option>
                            {foreach ['product', 'server', 'addon', 'configoption'] as $type}
                                <optgroup label="{$lang["target_`$type`"]}">
                                    {foreach $targets[$type] as $t}<option value="{$type}:{$t.id}" data-kind="{$type}"{if isset($rel.target) && $rel.target == "`$type`:`$t.id`"} selected{/if}>{$t.name}</option>{/foreach}
                                </optgroup>
                            {/foreach}
                        </select>
                        {if isset($relErrors.target)}<span class="help-block field-error" data-field="target">{$relErrors.target}</span>{/if}
                    </div>
                    <div class="col-sm-4 form-group{if isset($relErrors.draws_from)} has-error{/if}" data-group="draws_from">
                        <label>{$lang.col_draws_from}</label>
                        <select class="form-control" name="r[draws_from]">
                            <option value="">{$lang.choose}</option>
                            {foreach $pools as $p}<option value="pool:{$p.id}"{if isset($rel.draws_from) && $rel.draws_from == "pool:`$p.id`"} selected{/if}>{$lang.col_pool}: {$p.name} ({$p.hands_out})</option>{/foreach}
                            {foreach $subnets as $s}<option value="subnet:{$s.id}"{if isset($rel.draws_from) && $rel.draws_from == "subnet:`$s.id`"} selected{/if}>{$lang.col_subnet}: {$s.cidr} {$s.name}</option>{/foreach}
                        </select>
                        {if isset($relErrors.draws_from)}<span class="help-block field-error" data-field="draws_from">{$relErrors.draws_from}</span>{/if}
                    </div>
                    <div class="col-sm-2 form-group ipm-only-configoption{if isset($relErrors.option_value_id)} has-error{/if}" data-group="option_value_id">
                        <label>{$lang.field_option_value}</label>
                        <select class="form-control" name="r[option_value_id]">
                            <option value="">{$lang.option_value_any}</option>
                            {foreach $targets.configoption as $o}{foreach $o.values as $v}<option value="{$v[0]}" data-option="{$o.id}"{if isset($rel.option_value_id) && $rel.option_value_id == $v[0]} selected{/if}>{$o.name} = {$v[1]}</option>{/foreach}{/foreach}
                        </select>
                        {if isset($relErrors.option_value_id)}<span class="help-block field-error" data-field="option_value_id">{$relErrors.option_value_id}</span>{/if}
                    </div>
                    <div class="col-sm-2 form-group ipm-only-extra{if isset($relErrors.extra_count)} has-error{/if}" data-group="extra_count">
                        <label>{$lang.field_extra_count}</label>
                        <input class="form-control" name="r[extra_count]" value="{$rel.extra_count|default:''}" placeholder="1">
                        {if isset($relErrors.extra_count)}<span class="help-block field-error" data-field="extra_count">{$relErrors.extra_count}</span>{/if}
                    </div>
                </div>
                <button class="btn btn-default" type="submit">{$lang.add_relation}</button>
            </form>
        </div>
    </div>
{/foreach}
<h3 id="ipm-configuration-heading">{if $editing > 0}{$lang.edit_configuration}{else}{$lang.add_configuration}{/if}</h3>
<form method="post" id="ipm-configuration-form" action="{url action=configurations}">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="save_configuration">
    {if $editing > 0}<input type="hidden" name="f[id]" value="{$editing}">{/if}
    {$values = $form}{$errors = $form_errors}
    {include file="partials/form_errors.tpl"}
    {include file="partials/field.tpl" name="name" label=$lang.field_name type="text" help=""}
    {include file="partials/field.tpl" name="ipv4_count" label=$lang.field_ipv4_count type="text" help=""}
    {include file="partials/field.tpl" name="ipv6_count" label=$lang.field_ipv6_count type="text" help=$lang.field_ipv6_count_help}
    {include file="partials/field.tpl" name="omit_dedicated_ip" label=$lang.field_omit_dedicated_ip type="checkbox" help=""}
    {include file="partials/field.tpl" name="custom_field" label=$lang.field_custom_field type="text" help=$lang.field_custom_field_help}
    <button class="btn btn-primary" type="submit" id="ipm-save-configuration">{$lang.save}</button>
    {if $editing > 0}<a class="btn btn-default" href="{url action=configurations}">{$lang.cancel}</a>{/if}
</form>
<script>
// Shows a relation row's option value only for configurable options and its extra count only
// for addons and configurable options; hidden fields are disabled so they are not posted.
document.querySelectorAll('.ipm-relation-form').forEach(function (form) {
    var target = form.querySelector('.ipm-target');
    function apply() {
        var option = target.options[target.selectedIndex];
        var kind = option ? (option.getAttribute('data-kind') || '') : '';
        var show = { '.ipm-only-configoption': kind === 'configoption', '.ipm-only-extra': kind === 'addon' || kind === 'configoption' };
        Object.keys(show).forEach(function (selector) {
            var group = form.querySelector(selector);
            group.style.display = show[selector] ? '' : 'none';
            group.querySelectorAll('input, select').forEach(function (el) { el.disabled = !show[selector]; });
        });
        var optionId = kind === 'configoption' ? option.value.split(':')[1] : '';
        form.querySelectorAll('.ipm-only-configoption option[data-option]').forEach(function (o) {
            o.hidden = o.getAttribute('data-option') !== optionId;
        });
    }
    target.addEventListener('change', apply);
    apply();
});
</script>
