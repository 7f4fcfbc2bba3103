<h2>{$lang.confirm_delete_subnet|sprintf:$subnet.cidr:$subnet.name}</h2>
{include file="partials/usage.tpl" u=$subnet.utilization}
<form method="post" id="ipm-confirm-delete" action="{url action=subnets}">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="delete"><input type="hidden" name="id" value="{$subnet.id}">
    {if $subnet.utilization.assigned != 0}
        <div class="alert alert-warning">{$lang.confirm_delete_in_use|sprintf:$subnet.utilization.shown.assigned}</div>
        <div class="checkbox"><label><input type="checkbox" name="force" value="1"> {$lang.confirm_force}</label></div>
    {/if}
    <button type="submit" class="btn btn-danger">{$lang.confirm_yes}</button>
    <a class="btn btn-default" href="{url action=subnets}">{$lang.cancel}</a>
</form>
