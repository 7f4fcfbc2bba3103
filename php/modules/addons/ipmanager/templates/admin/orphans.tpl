<h2>{$lang.orphans_title}</h2>
<p>{$lang.orphans_help}</p>
{if $list.items|@count == 0}
    <div class="alert alert-info">{$lang.orphans_none}</div>
{else}
<table class="table table-striped" id="ipm-orphans">
    <thead><tr><th>{$lang.col_address}</th><th>{$lang.col_service}</th><th>{$lang.col_status}</th><th>{$lang.col_client}</th><th>{$lang.col_product}</th><th>{$lang.col_state}</th><th>{$lang.col_actions}</th></tr></thead>
    <tbody>
    {foreach $list.items as $o}
        <tr data-orphan-id="{$o.id}">
            <td><code>{$o.address}</code></td>
            <td>#{$o.service_id} {$o.domain}</td>
            <td>{$o.service_status}</td>
            <td>{$o.client}</td>
            <td>{$o.product}</td>
            <td>{$o.state}{if $o.error != ''} — {$o.error}{/if}</td>
            {* What happens to the panel, said in the question (assignments print nothing, so nothing is escaped twice). *}{if $o.panel}{$tail = $lang.confirm_panel_told|sprintf:$o.panel}{else}{$tail = $lang.confirm_panel_not_told}{/if}{$question = ($lang.orphans_confirm_one|sprintf:$o.address)|cat:" "|cat:$tail}<td>{include file="partials/confirm_button.tpl" do="release" id=$o.id label=$lang.orphans_release confirm=$question hidden=['service_id' => $o.service_id]}</td>
        </tr>
    {/foreach}
    </tbody>
</table>
{include file="partials/pager.tpl" p=$list query=['action' => 'orphans'] noun="orphans"}
<form method="post" class="form-inline" id="ipm-release-all" action="{url params=$here}" onsubmit="return confirm(this.dataset.confirm)" data-confirm="{$lang.orphans_confirm_all|sprintf:$list.total}">
    <input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="release_all">
    <select class="form-control" name="mode"><option value="quarantine">{$lang.orphans_mode_quarantine}</option><option value="free">{$lang.orphans_mode_free}</option></select>
    <button class="btn btn-danger" type="submit">{$lang.orphans_release_all}</button>
</form>
{/if}
