<h2>{$lang.subnets_title}</h2>
<p><a class="btn btn-primary" id="ipm-add-subnet" href="{url action=subnets do=add}">{$lang.add_subnet}</a></p>
{if $subnets|@count == 0}
    <div class="alert alert-info">{$lang.no_subnets}</div>
{else}
<table class="table table-striped" id="ipm-subnets">
    <thead><tr><th>{$lang.col_cidr}</th><th>{$lang.col_name}</th><th>{$lang.col_vlan}</th><th>{$lang.col_gateway}</th><th>{$lang.col_storage}</th><th>{$lang.col_usage}</th><th>{$lang.col_pools}</th><th>{$lang.col_actions}</th></tr></thead>
    <tbody>
    {foreach $subnets as $s}
        <tr data-subnet-id="{$s.id}">
            <td style="padding-left: {8 + $s.depth * 18}px">{if $s.depth > 0}&#8627; {/if}<code>{$s.cidr}</code></td>
            <td>{$s.name}</td>
            <td>{$s.vlan}</td>
            <td>{$s.gateway}</td>
            <td>{if $s.stored}{$lang.storage_stored}{else}{$lang.storage_sparse}{/if}</td>
            <td>{include file="partials/usage.tpl" u=$s.utilization}</td>
            <td><a href="{url action=pools}">{$s.pool_count}</a></td>
            <td class="text-nowrap">
                <a href="{url action=addresses subnet_id=$s.id}">{$lang.view_addresses}</a> |
                <a href="{url action=pools do=add subnet_id=$s.id}">{$lang.add_pool}</a> |
                <a href="{url action=subnets do=edit id=$s.id}">{$lang.edit}</a> |
                <a class="text-danger" href="{url action=subnets do=delete id=$s.id}">{$lang.delete}</a>
            </td>
        </tr>
    {/foreach}
    </tbody>
</table>
{/if}
