<h2>{if $id === null}{$lang.add_pool}{else}{$lang.edit_pool}{/if}</h2>
<form method="post" id="ipm-pool-form" action="{url action=pools}">
    <input type="hidden" name="token" value="{$token}">
    <input type="hidden" name="do" value="{if $id === null}create{else}update{/if}">
    {include file="partials/form_errors.tpl"}
    {if $id === null}
        {$subnetOptions = [['value' => '', 'label' => '—']]}
        {foreach $subnets as $s}{$subnetOptions[] = ['value' => $s.id, 'label' => "`$s.cidr` — `$s.name`"]}{/foreach}
        {include file="partials/field.tpl" name="subnet_id" label=$lang.field_subnet_id type="select" options=$subnetOptions help=""}
    {else}
        <input type="hidden" name="id" value="{$id}">
        <p><strong>{$lang.field_subnet_id}:</strong> <code>{$pool.subnet_cidr}</code> {$pool.subnet_name}</p>
    {/if}
    {include file="partials/field.tpl" name="name" label=$lang.field_name type="text" help=""}
    {include file="partials/field.tpl" name="range" label=$lang.field_range type="text" help=$lang.field_range_help}
    {include file="partials/field.tpl" name="cidr" label=$lang.field_pool_cidr type="text" help=$lang.field_pool_cidr_help}
    {include file="partials/field.tpl" name="prefix_len" label=$lang.field_prefix_len type="text" help=$lang.field_prefix_len_help}
    {include file="partials/field.tpl" name="description" label=$lang.field_description type="textarea" help=""}
    <button type="submit" class="btn btn-primary" id="ipm-save">{$lang.save}</button>
    <a class="btn btn-default" href="{url action=pools}">{$lang.cancel}</a>
</form>
