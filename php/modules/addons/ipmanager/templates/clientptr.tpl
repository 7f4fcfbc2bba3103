{* Reverse DNS of one address, or of addresses inside a prefix: Bootstrap 3/4 markup only. *}
<div class="ipmanager-client" id="ipm-client-ptr">
    {foreach $messages as $m}
        <div class="alert alert-{$m[0]|escape} ipm-client-message" role="alert">{$m[1]|escape}</div>
    {/foreach}
    <h3>{$lang.client_ptr_title|sprintf:$address.address|escape}</h3>
    <p>{$lang.client_ptr_help|escape}</p>
    {if $address.prefix}
        {if $address.ptrs|@count > 0}
        <table class="table table-condensed" id="ipm-ptr-list">
            <thead><tr><th>{$lang.client_ptr_address|escape}</th><th>{$lang.client_ptr_hostname|escape}</th><th></th></tr></thead>
            <tbody>
            {foreach $address.ptrs as $p}
                <tr data-address="{$p.address|escape}"><td><code>{$p.address|escape}</code></td><td>{$p.hostname|escape}</td><td>
                    <form method="post" action="{$modulelink|escape}&amp;a=ptr&amp;id={$address.id|escape}">
                        <input type="hidden" name="token" value="{$token|escape}"><input type="hidden" name="address" value="{$p.address|escape}"><input type="hidden" name="hostname" value="">
                        <button type="submit" class="btn btn-default btn-secondary btn-xs btn-sm ipm-ptr-remove">{$lang.client_ptr_remove|escape}</button>
                    </form></td></tr>
            {/foreach}
            </tbody>
        </table>
        {/if}
        <form method="post" action="{$modulelink|escape}&amp;a=ptr&amp;id={$address.id|escape}" id="ipm-ptr-form">
            <input type="hidden" name="token" value="{$token|escape}">
            <div class="form-group"><label for="ipm-ptr-address">{$lang.client_ptr_address|escape}</label>
                <input type="text" class="form-control" id="ipm-ptr-address" name="address" placeholder="{$address.address|replace:'/64':''|escape}1"></div>
            <div class="form-group"><label for="ipm-ptr-hostname">{$lang.client_ptr_hostname|escape}</label>
                <input type="text" class="form-control" id="ipm-ptr-hostname" name="hostname" placeholder="mail.example.com"></div>
            <button type="submit" class="btn btn-primary" id="ipm-ptr-save">{$lang.client_ptr_add|escape}</button>
            <a href="{$modulelink|escape}" class="btn btn-default btn-secondary">{$lang.client_back|escape}</a>
        </form>
    {else}
        <form method="post" action="{$modulelink|escape}&amp;a=ptr&amp;id={$address.id|escape}" id="ipm-ptr-form">
            <input type="hidden" name="token" value="{$token|escape}"><input type="hidden" name="address" value="{$address.address|escape}">
            <div class="form-group"><label for="ipm-ptr-hostname">{$lang.client_ptr_hostname|escape}</label>
                <input type="text" class="form-control" id="ipm-ptr-hostname" name="hostname" value="{$address.ptr|escape}" placeholder="mail.example.com">
                <span class="help-block form-text text-muted">{$lang.client_ptr_empty_default|escape}</span></div>
            <button type="submit" class="btn btn-primary" id="ipm-ptr-save">{$lang.client_ptr_save|escape}</button>
            <a href="{$modulelink|escape}" class="btn btn-default btn-secondary">{$lang.client_back|escape}</a>
        </form>
    {/if}
</div>
