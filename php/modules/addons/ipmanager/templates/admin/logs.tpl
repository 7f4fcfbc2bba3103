<h2>{$lang.logs_title}</h2>
<form method="get" class="form-inline ipm-filters" id="ipm-log-filters" action="addonmodules.php">
    <input type="hidden" name="module" value="ipmanager"><input type="hidden" name="action" value="logs">
    <select class="form-control" name="area">
        <option value="">{$lang.logs_any_area}</option>
        {foreach $choices.log_areas as $c}<option value="{$c.value}"{if isset($filters.area) && $filters.area == $c.value} selected{/if}>{$c.label}</option>{/foreach}
    </select>
    <select class="form-control" name="actor_type">
        <option value="">{$lang.logs_any_actor}</option>
        {foreach $choices.log_actors as $c}<option value="{$c.value}"{if isset($filters.actor_type) && $filters.actor_type == $c.value} selected{/if}>{$c.label}</option>{/foreach}
    </select>
    <input class="form-control" name="search" placeholder="{$lang.logs_search}" value="{$filters.search|default:''}">
    <button class="btn btn-default" type="submit">{$lang.filter}</button>
</form>
{if $list.items|@count == 0}
    <div class="alert alert-info">{$lang.no_logs}</div>
{else}
<table class="table table-condensed" id="ipm-logs">
    <thead><tr><th class="text-nowrap">{$lang.col_time}</th><th>{$lang.col_actor}</th><th>{$lang.col_action}</th><th>{$lang.col_message}</th><th>{$lang.col_change}</th></tr></thead>
    <tbody>
    {foreach $list.items as $e}
        <tr data-action="{$e.action}">
            <td class="text-nowrap">{$e.created_at} UTC</td>
            <td>{$e.actor}</td>
            <td title="{$e.action}">{$e.title}</td>
            <td>{$e.message}</td>
            <td>
                {if $e.before !== null}<details><summary>{$lang.log_before}</summary><pre>{$e.before|json_encode:448}</pre></details>{/if}
                {if $e.after !== null}<details><summary>{$lang.log_after}</summary><pre>{$e.after|json_encode:448}</pre></details>{/if}
            </td>
        </tr>
    {/foreach}
    </tbody>
</table>
{include file="partials/pager.tpl" p=$list query=['action' => 'logs'] + $filters noun="changes"}
{/if}
