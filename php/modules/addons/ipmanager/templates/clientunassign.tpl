{* Confirming that the client gives an address back: Bootstrap 3/4 markup only. *}
<div class="ipmanager-client" id="ipm-client-confirm">
    <h3>{$lang.client_confirm_title|escape}</h3>
    <p>{$lang.client_confirm_text|sprintf:$address.address:$service.domain|escape}</p>
    {if $address.primary}
        <div class="alert alert-warning" role="alert" id="ipm-primary-warning">{$lang.client_confirm_primary|sprintf:$address.address|escape}</div>
    {/if}
    <form method="post" action="{$modulelink|escape}&amp;a=unassign">
        <input type="hidden" name="token" value="{$token|escape}">
        <input type="hidden" name="id" value="{$address.id|escape}">
        <button type="submit" class="btn btn-danger" id="ipm-confirm-unassign">{$lang.client_confirm_button|escape}</button>
        <a href="{$modulelink|escape}" class="btn btn-default btn-secondary">{$lang.client_cancel|escape}</a>
    </form>
</div>
