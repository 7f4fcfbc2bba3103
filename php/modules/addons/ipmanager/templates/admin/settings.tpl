<h2>{$lang.settings_title}</h2>
<p>{$lang.settings_help} <a class="btn btn-default btn-sm" id="ipm-configure" href="configaddonmods.php#ipmanager">{$lang.settings_configure}</a></p>
<table class="table table-condensed" id="ipm-settings">
    {foreach $settings as $s}
        <tr data-setting="{$s.key}">
            <th>{$s.label}</th>
            <td class="ipm-setting-value">{if $s.type == 'yesno'}{if $s.on}{$lang.yes}{else}{$lang.no}{/if}{elseif $s.type == 'password'}{if $s.value != ''}••••••{/if}{else}{$s.value}{/if}</td>
            <td class="text-muted small">{$s.description}</td>
        </tr>
    {/foreach}
</table>
<form method="post" class="ipm-inline" action="{url action=settings}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="run_alerts"><button class="btn btn-default" type="submit" id="ipm-run-alerts">{$lang.settings_run_alerts}</button></form>
<form method="post" class="ipm-inline" action="{url action=settings}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="run_cleaner"><button class="btn btn-default" type="submit" id="ipm-run-cleaner">{$lang.settings_run_cleaner}</button></form>
