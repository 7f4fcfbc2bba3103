<h2>{$lang.assignments_title}</h2>
<form method="get" class="form-inline ipm-filters" id="ipm-assignment-filters" action="addonmodules.php">
    <input type="hidden" name="module" value="ipmanager"><input type="hidden" name="action" value="assignments">
    <input class="form-control" name="client_id" placeholder="{$lang.col_client} ID" value="{$filters.client_id|default:''}">
    <input class="form-control" name="service_id" placeholder="{$lang.col_service} ID" value="{$filters.service_id|default:''}">
    <input class="form-control" name="search" placeholder="{$lang.filter_search}" value="{$filters.search|default:''}">
    <select class="form-control" name="status">
        <option value="">{$lang.any_status}</option>
        {foreach $choices.service_statuses as $c}<option value="{$c.value}"{if isset($filters.status) && $filters.status == $c.value} selected{/if}>{$c.label}</option>{/foreach}
    </select>
    <button class="btn btn-default" type="submit">{$lang.filter}</button>
</form>
{if $list.items|@count == 0}
    <div class="alert alert-info">{$lang.assignments_none}</div>
{else}
<table class="table table-striped" id="ipm-assignments">
    <thead><tr><th>{$lang.col_client}</th><th>{$lang.col_service}</th><th>{$lang.col_product}</th><th>{$lang.col_server}</th><th>{$lang.col_address}</th><th>{$lang.col_whmcs_ip}</th><th>{$lang.col_status}</th><th>{$lang.col_actions}</th></tr></thead>
    <tbody>
    {foreach $list.items as $a}
        <tr data-assignment-id="{$a.id}"{if !$a.in_whmcs} class="warning ipm-mismatch"{/if}>
            <td>#{$a.client_id} {$a.client}</td>
            <td>#{$a.service_id} {$a.domain}</td>
            <td>{$a.product}</td>
            <td>{$a.server}</td>
            <td><code>{$a.address}</code>{if $a.state != 'assigned'} ({$a.state}){/if}</td>
            <td>{$a.whmcs_dedicatedip}{if !$a.in_whmcs} <span class="label label-warning" title="{$lang.whmcs_mismatch}">{$lang.whmcs_mismatch_short}</span>{/if}</td>
            <td>{$a.service_status}</td>
            {* What happens to the panel, said in the question (assignments print nothing, so nothing is escaped twice). *}{if $a.panel}{$tail = $lang.confirm_panel_told|sprintf:$a.panel}{else}{$tail = $lang.confirm_panel_not_told}{/if}{$question = ($lang.confirm_unassign|sprintf:$a.address:$a.service_id)|cat:" "|cat:$tail}<td>{include file="partials/confirm_button.tpl" do="unassign" id=$a.id label=$lang.unassign confirm=$question hidden=['service_id' => $a.service_id]}</td>
        </tr>
    {/foreach}
    </tbody>
</table>
{include file="partials/pager.tpl" p=$list query=['action' => 'assignments'] + $filters noun="assignments"}
{/if}
<h3>{$lang.assign_title}</h3>
{if $warnings|@count > 0}{include file="partials/confirm_warnings.tpl"}{/if}
<form method="post" class="form-inline" id="ipm-assign-form" action="{url params=$here}">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="assign">
    <input class="form-control" name="f[service_id]" placeholder="{$lang.col_service} ID" value="{$assign.service_id|default:''}">
    <select class="form-control" name="f[draws_from]">
        {foreach $pools as $p}<option value="pool:{$p.id}"{if isset($assign.draws_from) && $assign.draws_from == "pool:`$p.id`"} selected{/if}>{$lang.col_pool}: {$p.name}</option>{/foreach}
        {foreach $subnets as $s}<option value="subnet:{$s.id}"{if isset($assign.draws_from) && $assign.draws_from == "subnet:`$s.id`"} selected{/if}>{$lang.col_subnet}: {$s.cidr} {$s.name}</option>{/foreach}
    </select>
    <input class="form-control" name="f[address]" placeholder="{$lang.assign_address}" value="{$assign.address|default:''}">
    {if $warnings|@count > 0}
        <input type="hidden" name="confirmed" value="1">
        <button class="btn btn-warning" type="submit" id="ipm-assign-anyway">{$lang.assign_anyway}</button>
    {else}
        <button class="btn btn-primary" type="submit">{$lang.assign}</button>
    {/if}
</form>
<p class="help-block">{$lang.panel_not_told}</p>
