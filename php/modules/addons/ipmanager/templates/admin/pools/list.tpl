<h2>{$lang.pools_title}</h2>
<p><a class="btn btn-primary" id="ipm-add-pool" href="{url action=pools do=add}">{$lang.add_pool}</a></p>
{if $pools|@count == 0}
    <div class="alert alert-info">{$lang.no_pools}</div>
{else}
<table class="table table-striped" id="ipm-pools">
    <thead><tr><th>{$lang.col_name}</th><th>{$lang.col_subnet}</th><th>{$lang.col_range}</th><th>{$lang.col_hands_out}</th><th>{$lang.col_usage}</th><th>{$lang.col_actions}</th></tr></thead>
    <tbody>
    {foreach $pools as $p}
        <tr data-pool-id="{$p.id}">
            <td>{$p.name}</td>
            <td><code>{$p.subnet_cidr}</code> {$p.subnet_name}</td>
            <td><code>{if $p.cidr}{$p.cidr}{else}{$p.range}{/if}</code></td>
            <td>{$p.hands_out}</td>
            <td>{include file="partials/usage.tpl" u=$p.utilization}</td>
            <td class="text-nowrap">
                <a href="{url action=addresses pool_id=$p.id}">{$lang.view_addresses}</a> |
                <a href="{url action=pools do=edit id=$p.id}">{$lang.edit}</a> |
                <a class="text-danger" href="{url action=pools do=delete id=$p.id}">{$lang.delete}</a>
            </td>
        </tr>
    {/foreach}
    </tbody>
</table>
{/if}
