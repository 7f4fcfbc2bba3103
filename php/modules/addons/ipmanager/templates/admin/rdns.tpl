<h2>{$lang.rdns_title}</h2>
<p>{$lang.rdns_help}</p>
<div class="panel panel-default" id="ipm-rdns-status"><div class="panel-body">
    <p id="ipm-rdns-connection">{if $status.reachable === null}<span class="label label-default">{$lang.netbox_not_configured}</span>
        {elseif $status.reachable}<span class="label label-success">{$lang.netbox_connected}</span> {$status.message}
        {else}<span class="label label-danger">{$lang.netbox_unreachable}</span> {$status.message}{/if}
        {if !$status.settings.enabled} <span class="label label-warning">{$lang.netbox_off}</span>{/if}</p>
    <p id="ipm-rdns-queue">{$lang.rdns_queue|sprintf:$status.waiting:$status.failing}</p>
</div></div>

<h3>{$lang.netbox_settings_title}</h3>
<form method="post" action="{url action=rdns}" id="ipm-rdns-settings" class="ipm-form">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="save">
    {$s = $status.settings}
    {$values = ['enabled' => ($s.enabled|intval), 'url' => $s.url, 'server_id' => $s.server_id, 'ttl' => $s.ttl, 'template' => $s.template,
        'release_template' => $s.release_template, 'nameservers' => $s.nameservers_text, 'forward_confirm' => ($s.forward_confirm|intval)]}
    {include file="partials/field.tpl" name="enabled" label=$lang.rdns_enabled type="checkbox" help=''}
    {include file="partials/field.tpl" name="url" label=$lang.rdns_url type="text" help=$lang.rdns_url_help}
    <div class="form-group" data-group="api_key">
        <label for="f-api_key">{$lang.rdns_key}</label>
        <input type="password" class="form-control" id="f-api_key" name="f[api_key]" value="" autocomplete="off" placeholder="{if $s.key_set}{$lang.netbox_token_kept}{/if}">
    </div>
    {include file="partials/field.tpl" name="server_id" label=$lang.rdns_server_id type="text" help=''}
    {include file="partials/field.tpl" name="ttl" label=$lang.rdns_ttl type="text" help=''}
    {include file="partials/field.tpl" name="template" label=$lang.rdns_template type="text" help=$lang.rdns_template_help}
    {include file="partials/field.tpl" name="release_template" label=$lang.rdns_release_template type="text" help=$lang.rdns_release_template_help}
    {include file="partials/field.tpl" name="nameservers" label=$lang.rdns_nameservers type="text" help=$lang.rdns_nameservers_help}
    {include file="partials/field.tpl" name="forward_confirm" label=$lang.rdns_forward_confirm type="checkbox" help=''}
    <button class="btn btn-primary" type="submit" id="ipm-rdns-save">{$lang.save}</button>
</form>
<form method="post" class="ipm-inline" action="{url action=rdns}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="test"><button class="btn btn-default" type="submit" id="ipm-rdns-test">{$lang.test_connection}</button></form>

<h3>{$lang.rdns_subnets_title}</h3>
{if $status.subnets|@count == 0}
    <div class="alert alert-info">{$lang.netbox_no_subnets}</div>
{else}
<table class="table table-striped" id="ipm-rdns-subnets">
    <thead><tr><th>{$lang.col_subnet}</th><th>{$lang.rdns_zone}</th><th>{$lang.rdns_managed_col}</th><th></th></tr></thead>
    <tbody>
    {foreach $status.subnets as $sub}
        <tr data-subnet-id="{$sub.id}"><td>{$sub.name} <code>{$sub.cidr}</code></td><td><code>{$sub.zone}</code></td>
            <td><form method="post" class="ipm-inline" action="{url action=rdns}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="manage"><input type="hidden" name="subnet_id" value="{$sub.id}">
                <input type="hidden" name="managed" value="{if $sub.managed}0{else}1{/if}">
                <button class="btn btn-xs {if $sub.managed}btn-success{else}btn-default{/if} ipm-rdns-toggle" type="submit">{if $sub.managed}{$lang.rdns_managed_yes}{else}{$lang.rdns_managed_no}{/if}</button></form></td>
            <td>{if $sub.managed}{include file="partials/confirm_button.tpl" do="reset" id=$sub.id label=$lang.rdns_reset confirm=($lang.rdns_reset_confirm|sprintf:$sub.cidr) hidden=['subnet_id' => $sub.id]}{/if}</td></tr>
    {/foreach}
    </tbody>
</table>
{/if}

<h3>{$lang.rdns_ptr_title}</h3>
<form method="post" action="{url action=rdns}" id="ipm-rdns-ptr" class="form-inline">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="ptr">
    <input type="text" class="form-control" name="address" id="ipm-rdns-address" value="{$address}" placeholder="{$lang.client_ptr_address}">
    <input type="text" class="form-control" name="hostname" id="ipm-rdns-hostname" placeholder="{$lang.rdns_ptr_placeholder}">
    <button class="btn btn-default" type="submit" id="ipm-rdns-ptr-save">{$lang.save}</button>
</form>

<h3>{$lang.rdns_queue_title}</h3>
<p>{$lang.rdns_queue_help}</p>
{include file="partials/outbox_queue.tpl" queue=$status.queue table_id="ipm-rdns-queue-list" words="rdns" action="rdns"}
