<h2>{$lang.netbox_title}</h2>
<p>{$lang.netbox_help}</p>
<div class="panel panel-default" id="ipm-netbox-status">
    <div class="panel-body">
        <p id="ipm-netbox-connection">{if $overview.connection === null}<span class="label label-default">{$lang.netbox_not_configured}</span>
            {elseif $overview.connection.ok}<span class="label label-success">{$lang.netbox_connected}</span> {$overview.connection.message}
            {else}<span class="label label-danger">{$lang.netbox_unreachable}</span> <span class="ipm-connection-error">{$overview.connection.message}</span>{/if}
            {if !$settings.enabled} <span class="label label-warning">{$lang.netbox_off}</span>{/if}</p>
        <p id="ipm-netbox-queue-counts">{$lang.netbox_queue_counts|sprintf:$overview.waiting:$overview.failing}</p>
        <p id="ipm-netbox-last-sync">{if $overview.last_sync}{$lang.netbox_last_sync|sprintf:$overview.last_sync.when:$overview.last_sync.report.subnets:$overview.last_sync.report.reserved:$overview.last_sync.report.assigned:$overview.last_sync.report.unchanged:$overview.last_sync.report.conflicts:$overview.last_sync.report.skipped}{else}{$lang.netbox_never_synced}{/if}</p>
        <p id="ipm-netbox-last">{if $last}{$lang.netbox_last_push|sprintf:$last.when:$last.report.prefixes.created:$last.report.prefixes.updated:$last.report.prefixes.retired:$last.report.addresses.created:$last.report.addresses.updated:$last.report.addresses.retired:($last.report.conflicts|@count)}{else}{$lang.netbox_never_pushed}{/if}</p>
    </div>
</div>

<h3>{$lang.netbox_settings_title}</h3>
<form method="post" action="{url action=netbox}" id="ipm-netbox-settings" class="ipm-form">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="save">
    {$values = ['enabled' => ($settings.enabled|intval), 'push_on_assign' => ($settings.push_on_assign|intval), 'url' => $settings.url, 'verify_tls' => ($settings.verify_tls|intval), 'fingerprint' => $settings.fingerprint,
        'connect_timeout_ms' => $settings.connect_timeout_ms, 'timeout_ms' => $settings.timeout_ms,
        'tag' => $settings.tag, 'release_action' => $settings.release_action]}
    {include file="partials/field.tpl" name="enabled" label=$lang.netbox_enabled type="checkbox" help=''}
    {include file="partials/field.tpl" name="url" label=$lang.netbox_url type="text" help=$lang.netbox_url_help}
    <div class="form-group" data-group="token">
        <label for="f-token">{$lang.netbox_token}</label>
        <input type="password" class="form-control" id="f-token" name="f[token]" value="" autocomplete="off" placeholder="{if $settings.token_set}{$lang.netbox_token_kept}{/if}">
        <span class="help-block">{$lang.netbox_token_help}</span>
    </div>
    {include file="partials/field.tpl" name="verify_tls" label=$lang.server_verify_tls type="checkbox" help=''}
    {include file="partials/field.tpl" name="fingerprint" label=$lang.server_fingerprint type="text" help=$lang.server_fingerprint_help}
    {include file="partials/field.tpl" name="connect_timeout_ms" label=$lang.server_connect_timeout type="text" help=''}
    {include file="partials/field.tpl" name="timeout_ms" label=$lang.server_timeout type="text" help=''}
    {include file="partials/field.tpl" name="tag" label=$lang.netbox_tag type="text" help=$lang.netbox_tag_help}
    {include file="partials/field.tpl" name="release_action" label=$lang.netbox_release_action type="select" help='' options=[['value' => 'deprecate', 'label' => $lang.netbox_release_deprecate], ['value' => 'delete', 'label' => $lang.netbox_release_delete]]}
    {include file="partials/field.tpl" name="push_on_assign" label=$lang.netbox_push_on_assign type="checkbox" help=$lang.netbox_push_on_assign_help}
    <button class="btn btn-primary" type="submit" id="ipm-netbox-save">{$lang.save}</button>
</form>
<form method="post" class="ipm-inline" action="{url action=netbox}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="test"><button class="btn btn-default" type="submit" id="ipm-netbox-test">{$lang.test_connection}</button></form>

<h3>{$lang.netbox_scopes_title}</h3>
<p>{$lang.netbox_scopes_help}</p>
{if $scopes|@count == 0}
    <div class="alert alert-info">{$lang.netbox_no_subnets}</div>
{else}
<table class="table table-striped" id="ipm-netbox-scopes">
    <thead><tr><th>{$lang.col_subnet}</th><th>{$lang.netbox_site_id}</th><th>{$lang.netbox_tenant_id}</th><th>{$lang.netbox_vrf_id}</th><th></th></tr></thead>
    <tbody>
    {foreach $scopes as $s}
        <tr data-subnet-id="{$s.subnet_id}"><td>{$s.name} <code>{$s.cidr}</code></td>
            <td><input type="text" class="form-control input-sm" name="site_id" size="6" value="{$s.site_id|default:''}" title="{$lang.netbox_site_id}" form="ipm-scope-{$s.subnet_id}"></td>
            <td><input type="text" class="form-control input-sm" name="tenant_id" size="6" value="{$s.tenant_id|default:''}" title="{$lang.netbox_tenant_id}" form="ipm-scope-{$s.subnet_id}"></td>
            <td><input type="text" class="form-control input-sm" name="vrf_id" size="6" value="{$s.vrf_id|default:''}" title="{$lang.netbox_vrf_id}" form="ipm-scope-{$s.subnet_id}"></td>
            <td><form method="post" id="ipm-scope-{$s.subnet_id}" action="{url action=netbox}">
                <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="scope"><input type="hidden" name="subnet_id" value="{$s.subnet_id}">
                <button class="btn btn-default btn-xs" type="submit">{$lang.save}</button>
            </form></td></tr>
    {/foreach}
    </tbody>
</table>
{/if}

<h3>{$lang.netbox_sync_title}</h3>
<p>{$lang.netbox_sync_help}</p>
<form method="post" class="ipm-inline" action="{url action=netbox}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="sync"><input type="hidden" name="dry_run" value="1"><button class="btn btn-default" type="submit" id="ipm-netbox-sync-dry">{$lang.netbox_sync_dry_run}</button></form>
<form method="post" class="ipm-inline" action="{url action=netbox}" data-confirm="{$lang.netbox_sync_confirm}" onsubmit="return confirm(this.dataset.confirm)"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="sync"><input type="hidden" name="dry_run" value="0"><button class="btn btn-primary" type="submit" id="ipm-netbox-sync">{$lang.netbox_sync_run}</button></form>
{if $report}
<div id="ipm-netbox-sync-report" data-dry-run="{$report.dry_run|intval}">
    {foreach ['subnets', 'assigned', 'reserved', 'conflicts', 'skipped'] as $part}
        {if $report[$part]|@count > 0}
        <h4>{$lang["netbox_sync_`$part`"]} ({$report[$part]|@count})</h4>
        <table class="table table-condensed ipm-sync-{$part}"><tbody>
            {foreach $report[$part] as $l}<tr><td><code>{$l.object}</code></td><td>{$l.detail}</td></tr>{/foreach}
        </tbody></table>
        {/if}
    {/foreach}
    <p class="text-muted">{$lang.netbox_sync_unchanged|sprintf:($report.unchanged|@count):$report.own_objects}</p>
</div>
{/if}

<h3>{$lang.netbox_push_title}</h3>
<p>{$lang.netbox_push_help}</p>
<form method="post" action="{url action=netbox}" data-confirm="{$lang.netbox_push_confirm}" onsubmit="return confirm(this.dataset.confirm)"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="push"><button class="btn btn-primary" type="submit" id="ipm-netbox-push">{$lang.netbox_push}</button></form>

<h3>{$lang.netbox_queue_title}</h3>
<p>{$lang.netbox_queue_help}
    <form method="post" class="ipm-inline" action="{url action=netbox}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="drain"><button class="btn btn-default btn-sm" type="submit" id="ipm-netbox-drain">{$lang.netbox_drain}</button></form>
</p>
{include file="partials/outbox_queue.tpl" queue=$overview.queue table_id="ipm-netbox-queue" words="netbox" action="netbox"}
