<h2>{$lang.dashboard_title}</h2>
{if $figures}
<div class="row ipm-figures" id="ipm-figures">
    <div class="col-sm-3"><a class="ipm-figure" id="ipm-fig-orphans" href="{url action=orphans}"><span class="h3">{$figures.orphans|number_format}</span><br>{$lang.dash_orphans}</a></div>
    <div class="col-sm-3"><a class="ipm-figure" id="ipm-fig-releasing" href="{url action=addresses state=releasing}"><span class="h3">{$figures.releasing_total|number_format}</span><br>{$lang.dash_releasing}</a></div>
    <div class="col-sm-3"><a class="ipm-figure" id="ipm-fig-alerts" href="{url action=settings}"><span class="h3">{$figures.alerts|@count}</span><br>{$lang.dash_alerts}</a></div>
    <div class="col-sm-3 ipm-last-runs">
        <a id="ipm-fig-sync" href="{url action=sync}">{$lang.dash_last_sync}</a>: {if $figures.last_sync}{$figures.last_sync.at} UTC{else}{$lang.dash_never}{/if}<br>
        <a id="ipm-fig-cleaner" href="{url action=settings}">{$lang.dash_last_cleaner}</a>: {if $figures.last_cleaner}{$figures.last_cleaner.at} UTC{else}{$lang.dash_never}{/if}
    </div>
</div>
{if $rdns}
<div class="panel panel-default" id="ipm-dash-rdns"><div class="panel-body">
    <a href="{url action=rdns}">{$lang.nav_rdns}</a>:
    {if $rdns.reachable}<span class="label label-success">{$lang.netbox_connected}</span>{else}<span class="label label-danger">{$lang.netbox_unreachable}</span>{/if}
    {$rdns.message} · {$lang.rdns_queue|sprintf:$rdns.waiting:$rdns.failing}
</div></div>
{/if}
<div class="row">
    <div class="col-md-6">
        <h3>{$lang.dash_fullest_subnets}</h3>
        {if $figures.fullest_subnets|@count == 0}<p class="text-muted">{$lang.no_subnets}</p>{/if}
        <table class="table table-condensed" id="ipm-fullest-subnets">
            {foreach $figures.fullest_subnets as $f}
                <tr><td><a href="{url action=addresses subnet_id=$f.id}">{$f.label}</a></td><td>{include file="partials/usage.tpl" u=$f.utilization}</td></tr>
            {/foreach}
        </table>
    </div>
    <div class="col-md-6">
        <h3>{$lang.dash_fullest_pools}</h3>
        {if $figures.fullest_pools|@count == 0}<p class="text-muted">{$lang.no_pools}</p>{/if}
        <table class="table table-condensed" id="ipm-fullest-pools">
            {foreach $figures.fullest_pools as $f}
                <tr><td><a href="{url action=addresses pool_id=$f.id}">{$f.label}</a></td><td>{include file="partials/usage.tpl" u=$f.utilization}</td></tr>
            {/foreach}
        </table>
    </div>
</div>
{if $figures.alerts|@count > 0}
    <h3>{$lang.dash_alerts_heading}</h3>
    <ul id="ipm-alerts">
        {foreach $figures.alerts as $a}
            <li><a href="{if $a.object_type == 'pool'}{url action=addresses pool_id=$a.object_id}{else}{url action=addresses subnet_id=$a.object_id}{/if}">{$a.label}</a>: {$a.percent}%{if $a.since} ({$lang.dash_since|sprintf:$a.since}){/if}</li>
        {/foreach}
    </ul>
{/if}
{if $figures.releasing|@count > 0}
    <h3>{$lang.dash_releasing_heading}</h3>
    <table class="table table-condensed" id="ipm-releasing">
        {foreach $figures.releasing as $r}
            <tr><td><code>{$r.address}</code></td><td>{if $r.service_id}<a href="{url action=assignments service_id=$r.service_id}">#{$r.service_id}</a>{/if}</td><td>{$r.reason}</td><td>{$r.since} UTC</td></tr>
        {/foreach}
    </table>
{/if}
{/if}
<h3>{$lang.status_heading}</h3>
<table class="table table-condensed" id="ipm-status">
    <tr data-key="extension_version"><th>{$lang.extension_version}</th><td>{$status.version}</td></tr>
    <tr data-key="addon_version"><th>{$lang.addon_version}</th><td>{$addon_version}</td></tr>
    <tr data-key="php_build"><th>{$lang.php_build}</th><td>{$status.php_version_built} ({$status.php_build})</td></tr>
    <tr data-key="database"><th>{$lang.database}</th><td>{if !$status.configured}{$lang.database_not_configured}{elseif $status.connected}{$lang.database_connected} — {$status.endpoint}{else}{$lang.database_not_connected} — {$status.endpoint}: {$status.error}{/if}</td></tr>
    <tr data-key="server_version"><th>{$lang.server_version}</th><td>{$status.server_version|default:'—'}</td></tr>
    <tr data-key="schema_version"><th>{$lang.schema_version}</th><td>{if $status.schema_version === null}—{else}{$status.schema_version} / {$status.latest_schema_version} ({if $status.schema_version < $status.latest_schema_version}{$lang.schema_behind}{else}{$lang.schema_up_to_date}{/if}){/if}</td></tr>
</table>
{if $status.schema_version !== null && $status.schema_version < $status.latest_schema_version}
    <form method="post" action="{url action=dashboard}">
        <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="migrate">
        <button type="submit" class="btn btn-primary">{$lang.run_migrations}</button>
    </form>
{/if}
