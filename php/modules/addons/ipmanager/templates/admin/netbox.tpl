<h2>{$lang.netbox_title}</h2>
<p>{$lang.netbox_help}</p>
<form method="post" action="{url action=netbox}" id="ipm-netbox-settings" class="ipm-form">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="save">
    {$values = ['url' => $settings.url, 'verify_tls' => ($settings.verify_tls|intval), 'fingerprint' => $settings.fingerprint,
        'connect_timeout_ms' => $settings.connect_timeout_ms, 'timeout_ms' => $settings.timeout_ms,
        'tag' => $settings.tag, 'release_action' => $settings.release_action]}
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
            <td colspan="4"><form method="post" class="form-inline" action="{url action=netbox}">
                <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="scope"><input type="hidden" name="subnet_id" value="{$s.subnet_id}">
                <input type="text" class="form-control input-sm" name="site_id" size="6" value="{$s.site_id}" title="{$lang.netbox_site_id}">
                <input type="text" class="form-control input-sm" name="tenant_id" size="6" value="{$s.tenant_id}" title="{$lang.netbox_tenant_id}">
                <input type="text" class="form-control input-sm" name="vrf_id" size="6" value="{$s.vrf_id}" title="{$lang.netbox_vrf_id}">
                <button class="btn btn-default btn-xs" type="submit">{$lang.save}</button>
            </form></td></tr>
    {/foreach}
    </tbody>
</table>
{/if}

<h3>{$lang.netbox_push_title}</h3>
<p>{$lang.netbox_push_help}</p>
<p id="ipm-netbox-last">{if $last}{$lang.netbox_last_push|sprintf:$last.when:$last.report.prefixes.created:$last.report.prefixes.updated:$last.report.prefixes.retired:$last.report.addresses.created:$last.report.addresses.updated:$last.report.addresses.retired:($last.report.conflicts|@count)}{else}{$lang.netbox_never_pushed}{/if}</p>
<form method="post" action="{url action=netbox}" data-confirm="{$lang.netbox_push_confirm}" onsubmit="return confirm(this.dataset.confirm)"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="push"><button class="btn btn-primary" type="submit" id="ipm-netbox-push">{$lang.netbox_push}</button></form>
