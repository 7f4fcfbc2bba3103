{* A one-button POST form that asks first. Params: do, id, label, confirm, hidden (name => value). *}
<form method="post" class="ipm-inline" action="{url params=$here}" data-confirm="{$confirm}" onsubmit="return confirm(this.dataset.confirm)">
    <input type="hidden" name="token" value="{$token}">
    <input type="hidden" name="do" value="{$do}">
    <input type="hidden" name="id" value="{$id}">
    {foreach $hidden as $hname => $hvalue}<input type="hidden" name="{$hname}" value="{$hvalue}">{/foreach}
    <button class="btn btn-danger btn-xs" type="submit">{$label}</button>
</form>
