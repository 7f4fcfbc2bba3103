<h2>{if $id === null}{$lang.add_subnet}{else}{$lang.edit_subnet}{/if}</h2>
{if $warnings|@count > 0}{include file="partials/confirm_warnings.tpl"}{/if}
<form method="post" id="ipm-subnet-form" action="{url action=subnets}">
    <input type="hidden" name="token" value="{$token}">
    <input type="hidden" name="do" value="{if $id === null}create{else}update{/if}">
    {include file="partials/form_errors.tpl"}
    {if $id === null}
        {include file="partials/field.tpl" name="cidr" label=$lang.field_cidr type="text" help=$lang.field_cidr_help}
        {$parentOptions = [['value' => '', 'label' => $lang.field_parent_none]]}
        {foreach $parents as $p}{$parentOptions[] = ['value' => $p.id, 'label' => "`$p.cidr` — `$p.name`"]}{/foreach}
        {include file="partials/field.tpl" name="parent_id" label=$lang.field_parent_id type="select" options=$parentOptions help=""}
        {include file="partials/field.tpl" name="store_free_ips" label=$lang.field_store_free_ips type="select" help=$lang.field_store_free_ips_help
            options=[['value' => '', 'label' => $lang.storage_auto], ['value' => '1', 'label' => $lang.storage_stored_choice], ['value' => '0', 'label' => $lang.storage_sparse_choice]]}
    {else}
        <input type="hidden" name="id" value="{$id}">
        <p><strong>{$lang.field_cidr}:</strong> <code>{$subnet.cidr}</code></p>
    {/if}
    {include file="partials/field.tpl" name="name" label=$lang.field_name type="text" help=""}
    {include file="partials/field.tpl" name="gateway" label=$lang.field_gateway type="text" help=""}
    {include file="partials/field.tpl" name="excluded" label=$lang.field_excluded type="textarea" help=$lang.field_excluded_help}
    {include file="partials/field.tpl" name="reserved" label=$lang.field_reserved type="textarea" help=$lang.field_reserved_help}
    {include file="partials/field.tpl" name="reserve_network" label=$lang.field_reserve_network type="checkbox" help=""}
    {include file="partials/field.tpl" name="reserve_broadcast" label=$lang.field_reserve_broadcast type="checkbox" help=""}
    {include file="partials/field.tpl" name="reserve_gateway" label=$lang.field_reserve_gateway type="checkbox" help=""}
    {include file="partials/field.tpl" name="reserve_anycast" label=$lang.field_reserve_anycast type="checkbox" help=""}
    {include file="partials/field.tpl" name="reserve_first" label=$lang.field_reserve_first type="text" help=""}
    {include file="partials/field.tpl" name="reserve_last" label=$lang.field_reserve_last type="text" help=""}
    {include file="partials/field.tpl" name="vlan" label=$lang.field_vlan type="text" help=""}
    {include file="partials/field.tpl" name="description" label=$lang.field_description type="textarea" help=""}
    {if $warnings|@count > 0}
        <input type="hidden" name="confirmed" value="1">
        <button type="submit" class="btn btn-warning" id="ipm-save-anyway">{$lang.save_anyway}</button>
    {else}
        <button type="submit" class="btn btn-primary" id="ipm-save">{$lang.save}</button>
    {/if}
    <a class="btn btn-default" href="{url action=subnets}">{$lang.cancel}</a>
</form>
