<h2>{$lang.addresses_title}</h2>
<form method="get" class="form-inline ipm-filters" id="ipm-address-filters" action="addonmodules.php">
    <input type="hidden" name="module" value="ipmanager"><input type="hidden" name="action" value="addresses">
    {if isset($filters.subnet_id)}<input type="hidden" name="subnet_id" value="{$filters.subnet_id}">{/if}
    {if isset($filters.pool_id)}<input type="hidden" name="pool_id" value="{$filters.pool_id}">{/if}
    <input class="form-control" name="search" placeholder="{$lang.filter_search}" value="{$filters.search|default:''}">
    <input class="form-control" name="service_id" placeholder="{$lang.col_service} ID" value="{$filters.service_id|default:''}">
    <select class="form-control" name="state">
        <option value="">{$lang.filter_state_any}</option>
        {foreach $choices.address_states as $c}<option value="{$c.value}"{if isset($filters.state) && $filters.state == $c.value} selected{/if}>{$c.label}</option>{/foreach}
    </select>
    <button class="btn btn-default" type="submit">{$lang.filter}</button>
</form>
{if $list.items|@count == 0}
    <div class="alert alert-info">{$lang.no_addresses}</div>
{else}
<table class="table table-condensed" id="ipm-addresses">
    <thead><tr><th>{$lang.col_address}</th><th>{$lang.col_state}</th><th>{$lang.col_service}</th><th>{$lang.col_pool}</th><th>{$lang.col_until}</th></tr></thead>
    <tbody>
    {foreach $list.items as $a}
        <tr data-state="{$a.state}">
            <td><code>{$a.address}</code></td>
            <td>{$a.state_label}</td>
            <td>{if $a.service_id}<a href="{url action=assignments service_id=$a.service_id}">{$a.service}</a>
                {if $a.prefix_len == 32 || $a.prefix_len == 128}<br><small class="ipm-ptr">{if $a.ptr}PTR <span class="ipm-ptr-name">{$a.ptr}</span>{if !$a.ptr_by_hand} <span class="text-muted">({$lang.ptr_default_marker})</span>{/if}{/if} <a href="{url action=rdns address=$a.ip}" class="ipm-edit-ptr">{$lang.client_ptr_edit}</a></small>{/if}{/if}</td>
            <td>{if $a.pool_id}<a href="{url action=addresses pool_id=$a.pool_id}">{$a.pool}</a>{/if}</td>
            <td>{if $a.quarantine_until}{$a.quarantine_until} UTC{/if}</td>
        </tr>
    {/foreach}
    </tbody>
</table>
{include file="partials/pager.tpl" p=$list query=['action' => 'addresses'] + $filters noun="addresses"}
{/if}
{if $free !== null}
    <h3>{$lang.free_heading}</h3>
    <p id="ipm-free">{if $free|@count == 0}{$lang.none}{else}{foreach $free as $f}<code>{$f}</code> {/foreach}{/if}</p>
{/if}
