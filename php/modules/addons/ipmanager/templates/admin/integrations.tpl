<h2>{$lang.integrations_title}</h2>
<p>{$lang.integrations_help}</p>

<h3>{$lang.integrations_panels}</h3>
<div class="row" id="ipm-integrations">
{foreach $overview.integrations as $i}
    <div class="col-md-6">
    <form method="post" class="panel panel-default" action="{url action=integrations}" data-integration="{$i.kind}">
        <div class="panel-heading"><strong>{$i.label}</strong> {if $i.enabled}<span class="label label-success">{$lang.integration_on}</span>{else}<span class="label label-default">{$lang.integration_off}</span>{/if}</div>
        <div class="panel-body">
            <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="save_integration"><input type="hidden" name="integration" value="{$i.kind}">
            <div class="checkbox"><label><input type="hidden" name="enabled" value="0"><input type="checkbox" name="enabled" value="1"{if $i.enabled} checked{/if}> {$lang.integration_enabled}</label></div>
            <div class="form-group"><label>{$lang.integration_modules}</label><input type="text" class="form-control" name="modules" value="{$i.modules_text}"><span class="help-block">{$lang.integration_modules_help}</span></div>
            <div class="checkbox"><label><input type="hidden" name="push_on_create" value="0"><input type="checkbox" name="push_on_create" value="1"{if $i.push_on_create} checked{/if}> {$lang.integration_push_on_create}</label></div>
            <div class="checkbox"><label><input type="hidden" name="remove_on_release" value="0"><input type="checkbox" name="remove_on_release" value="1"{if $i.remove_on_release} checked{/if}> {$lang.integration_remove_on_release}</label></div>
            {foreach $i.options as $key => $value}
                <div class="form-group"><label>{$lang["integration_option_`$key`"]}</label><input type="text" class="form-control" name="options[{$key}]" value="{$value}"></div>
            {/foreach}
            {if $i.kind == 'directadmin'}<p class="help-block">{$lang.integration_directadmin_note}</p>{/if}
            {if $i.kind == 'solusvm'}<p class="help-block">{$lang.integration_solusvm_note}</p>{/if}
            <button class="btn btn-primary btn-sm" type="submit">{$lang.save}</button>
        </div>
    </form>
    </div>
{/foreach}
</div>

<h3>{$lang.integrations_servers}</h3>
{if $overview.servers|@count == 0}
    <div class="alert alert-info">{$lang.integrations_no_servers}</div>
{else}
<table class="table table-striped" id="ipm-servers">
    <thead><tr><th>{$lang.col_server}</th><th>{$lang.col_module}</th><th>{$lang.col_integration}</th><th>{$lang.col_reached}</th><th>{$lang.col_actions}</th></tr></thead>
    <tbody>
    {foreach $overview.servers as $s}
        <tr data-server-id="{$s.id}">
            <td>#{$s.id} {$s.name}<br><small class="text-muted">{$s.hostname}</small></td>
            <td><code>{$s.module}</code></td>
            <td>{if $s.integration}{$s.integration}{else}<span class="text-muted">{$lang.none}</span>{/if}</td>
            <td>
                <form method="post" class="form-inline" action="{url action=integrations}">
                    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="save_server"><input type="hidden" name="server_id" value="{$s.id}">
                    <label class="checkbox-inline"><input type="hidden" name="verify_tls" value="0"><input type="checkbox" name="verify_tls" value="1"{if $s.settings.verify_tls} checked{/if}> {$lang.server_verify_tls}</label>
                    <input type="text" class="form-control input-sm" name="fingerprint" size="30" placeholder="{$lang.server_fingerprint}" value="{$s.settings.fingerprint}" title="{$lang.server_fingerprint_help}">
                    <input type="text" class="form-control input-sm" name="connect_timeout_ms" size="5" value="{$s.settings.connect_timeout_ms}" title="{$lang.server_connect_timeout}">
                    <input type="text" class="form-control input-sm" name="timeout_ms" size="5" value="{$s.settings.timeout_ms}" title="{$lang.server_timeout}">
                    <button class="btn btn-default btn-xs" type="submit">{$lang.save}</button>
                </form>
            </td>
            <td>
                <form method="post" class="ipm-inline" action="{url action=integrations}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="test"><input type="hidden" name="server_id" value="{$s.id}"><button class="btn btn-default btn-xs ipm-test" type="submit">{$lang.test_connection}</button></form>
            </td>
        </tr>
    {/foreach}
    </tbody>
</table>
<p class="help-block">{$lang.server_settings_help}</p>
{/if}

<h3>{$lang.outbox_title}</h3>
<p id="ipm-outbox-counts">{$lang.outbox_counts|sprintf:$overview.waiting:$overview.failing}
    <form method="post" class="ipm-inline" action="{url action=integrations}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="run"><button class="btn btn-default btn-sm" type="submit" id="ipm-outbox-run">{$lang.outbox_run_now}</button></form>
</p>
{if $overview.queue.items|@count == 0}
    <div class="alert alert-info">{$lang.outbox_empty}</div>
{else}
<table class="table table-striped" id="ipm-outbox">
    <thead><tr><th>#</th><th>{$lang.col_service}</th><th>{$lang.col_server}</th><th>{$lang.col_operation}</th><th>{$lang.col_addresses}</th><th>{$lang.col_delivery}</th><th>{$lang.col_attempts}</th><th>{$lang.col_last_error}</th><th>{$lang.col_actions}</th></tr></thead>
    <tbody>
    {foreach $overview.queue.items as $q}
        <tr data-outbox-id="{$q.id}" data-status="{$q.status}">
            <td>{$q.id}<br><small class="text-muted">{$q.created_at}</small></td>
            <td>#{$q.job.service_id} {$q.job.domain}</td>
            <td>#{$q.job.server_id} <code>{$q.job.module}</code></td>
            <td>{$lang["outbox_op_`$q.job.operation`"]}</td>
            <td>{foreach $q.job.addresses as $a}<code>{$a}</code> {/foreach}</td>
            <td>{$lang["outbox_status_`$q.status`"]}{if $q.closed_by != ''}<br><small>{$q.closed_by}</small>{/if}{if $q.status == 'pending'}<br><small class="text-muted">{$lang.outbox_next|sprintf:$q.next_attempt_at}</small>{/if}{if $q.note != ''}<br><small class="text-warning ipm-note">{$q.note}</small>{/if}</td>
            <td>{$q.attempts}</td>
            <td class="ipm-last-error">{if $q.last_error}{$q.last_error}{/if}</td>
            <td>{if $q.status == 'pending'}
                <form method="post" class="ipm-inline" action="{url params=$here}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="retry"><input type="hidden" name="id" value="{$q.id}"><button class="btn btn-default btn-xs ipm-retry" type="submit">{$lang.outbox_retry}</button></form>
                {include file="partials/confirm_button.tpl" do="force" id=$q.id label=$lang.outbox_force confirm=($lang["outbox_force_confirm_`$q.job.operation`"]|sprintf:$q.addresses_text:$q.job.service_id) hidden=[]}
            {/if}</td>
        </tr>
    {/foreach}
    </tbody>
</table>
{include file="partials/pager.tpl" p=$overview.queue query=['action' => 'integrations'] noun="outbox"}
{/if}
