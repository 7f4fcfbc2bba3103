<h2>{$lang.sync_title}</h2>
<p>{$lang.sync_help}</p>
<form method="post" id="ipm-sync-form" action="{url action=sync}">
    <input type="hidden" name="token" value="{$token}">
    <input type="hidden" name="live_only" value="0">
    <div class="checkbox"><label><input type="checkbox" name="live_only" value="1"{if $live_only} checked{/if}> {$lang.sync_live_only}</label></div>
    <button class="btn btn-default" type="submit" name="do" value="dry_run" id="ipm-sync-dry">{$lang.sync_dry_run}</button>
    <button class="btn btn-primary" type="submit" name="do" value="run" id="ipm-sync-run">{$lang.sync_run}</button>
</form>
{if $report}
    <div class="alert alert-{if $report.dry_run}info{else}success{/if}" id="ipm-sync-summary">
        {if $report.dry_run}{$lang.sync_summary_dry|sprintf:$report.services_scanned:($report.imported|@count):($report.already_correct|@count):($report.not_in_subnet|@count):($report.conflicting|@count):($report.unparsable|@count)}
        {else}{$lang.sync_summary|sprintf:$report.services_scanned:($report.imported|@count):($report.already_correct|@count):($report.not_in_subnet|@count):($report.conflicting|@count):($report.unparsable|@count)}{/if}
    </div>
    {foreach ['second_address', 'imported', 'already_correct', 'not_in_subnet', 'conflicting', 'unparsable'] as $section}
        {if $report[$section]|@count > 0}
            <h3>{if $report.dry_run && isset($lang["sync_dry_`$section`"])}{$lang["sync_dry_`$section`"]}{else}{$lang["sync_`$section`"]}{/if} ({$report[$section]|@count})</h3>
            <table class="table table-condensed{if $section == 'second_address'} warning{/if}" id="ipm-sync-{$section}">
                <colgroup><col style="width: 10%"><col style="width: 25%"><col></colgroup>
                <tbody>
                {foreach $report[$section] as $line}
                    <tr><td><a href="{url action=assignments service_id=$line.service_id}">#{$line.service_id}</a></td><td><code>{$line.address}</code></td><td>{$line.reason}</td></tr>
                {/foreach}
                </tbody>
            </table>
        {/if}
    {/foreach}
{/if}
