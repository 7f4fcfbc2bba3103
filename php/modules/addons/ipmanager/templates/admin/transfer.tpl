<h2>{$lang.transfer_title}</h2>
<p>{$lang.transfer_help}</p>

<h3>{$lang.transfer_export_title}</h3>
<form method="post" action="{url action=transfer}" id="ipm-export" class="form-inline">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="export">
    <select name="what" class="form-control" id="ipm-export-what">
        <option value="all">{$lang.transfer_what_all}</option>
        <option value="subnets">{$lang.transfer_what_subnets}</option>
        <option value="assignments">{$lang.transfer_what_assignments}</option>
    </select>
    <select name="subnet_id" class="form-control" id="ipm-export-subnet">
        <option value="">{$lang.transfer_every_subnet}</option>
        {foreach $subnets as $s}<option value="{$s.value}">{$s.label}</option>{/foreach}
    </select>
    <select name="format" class="form-control" id="ipm-export-format">
        <option value="csv">CSV</option><option value="xml">XML</option><option value="json">JSON</option>
    </select>
    <button class="btn btn-primary" type="submit" id="ipm-export-button">{$lang.transfer_export}</button>
</form>

<h3>{$lang.transfer_import_title}</h3>
<p>{$lang.transfer_import_help|sprintf:$max_mb}</p>
<form method="post" action="{url action=transfer}" id="ipm-import" enctype="multipart/form-data" class="form-inline">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="preview">
    <input type="file" name="file" id="ipm-import-file" class="form-control" accept=".csv,.xml,.json">
    <select name="format" class="form-control" id="ipm-import-format">
        <option value="auto">{$lang.transfer_format_auto}</option>
        <option value="csv">CSV</option><option value="xml">XML</option><option value="json">JSON</option>
    </select>
    <button class="btn btn-default" type="submit" id="ipm-import-preview">{$lang.transfer_preview}</button>
</form>

{if $preview}
<div id="ipm-import-report">
    <h4>{$lang.transfer_preview_of|sprintf:$preview.name}</h4>
    <p id="ipm-import-counts">{$lang.transfer_counts|sprintf:($preview.added|@count):($preview.already|@count):($preview.refused|@count)}</p>
    {foreach ['refused' => 'danger', 'added' => 'success', 'already' => 'info'] as $part => $tone}
        {if $preview[$part]|@count > 0}
        <table class="table table-condensed ipm-import-{$part}">
            <thead><tr><th>{$lang.transfer_line}</th><th>{$lang["transfer_`$part`"]}</th><th></th></tr></thead>
            <tbody>{foreach $preview[$part] as $l}<tr class="{$tone}" data-line="{$l.line}"><td>{$l.line}</td><td>{$l.what}</td><td>{$l.reason}</td></tr>{/foreach}</tbody>
        </table>
        {/if}
    {/foreach}
    {if $preview.refused|@count == 0}
    <form method="post" action="{url action=transfer}" data-confirm="{$lang.transfer_apply_confirm}" onsubmit="return confirm(this.dataset.confirm)">
        <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="apply"><input type="hidden" name="key" value="{$preview.key}">
        <button class="btn btn-primary" type="submit" id="ipm-import-apply">{$lang.transfer_apply}</button>
    </form>
    {else}
    <div class="alert alert-warning" id="ipm-import-blocked">{$lang.transfer_fix_first}</div>
    {/if}
</div>
{/if}
