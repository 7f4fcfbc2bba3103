{* A page of changes for NetBox or PowerDNS with their errors, Retry now and Force.
   Params: queue (the page), table_id, words (the lang prefix: netbox, rdns), action (the page). *}
{if $queue.items|@count == 0}
    <div class="alert alert-info">{$lang["`$words`_queue_empty"]}</div>
{else}
<table class="table table-striped" id="{$table_id}">
    <thead><tr><th>#</th><th>{$lang.col_service}</th><th>{$lang.col_operation}</th><th>{$lang.col_addresses}</th><th>{$lang.col_delivery}</th><th>{$lang.col_attempts}</th><th>{$lang.col_last_error}</th><th>{$lang.col_actions}</th></tr></thead>
    <tbody>
    {foreach $queue.items as $q}
        <tr data-outbox-id="{$q.id}" data-status="{$q.status}">
            <td>{$q.id}<br><small class="text-muted">{$q.created_at}</small></td>
            <td>{if $q.job.service_id > 0}#{$q.job.service_id}{else}{$lang["`$words`_no_service"]}{/if}</td>
            <td>{$lang["outbox_op_`$q.job.operation`"]}</td>
            <td>{foreach $q.job.addresses as $a}<code>{$a}</code> {/foreach}</td>
            <td>{$lang["outbox_status_`$q.status`"]}{if $q.closed_by != ''}<br><small>{$q.closed_by}</small>{/if}{if $q.status == 'pending'}<br><small class="text-muted">{$lang.outbox_next|sprintf:$q.next_attempt_at}</small>{/if}{if $q.note != ''}<br><small class="text-warning ipm-note">{$q.note}</small>{/if}</td>
            <td>{$q.attempts}</td>
            <td class="ipm-last-error">{if $q.last_error}{$q.last_error}{/if}</td>
            <td>{if $q.status == 'pending'}
                <form method="post" class="ipm-inline" action="{url params=$here}"><input type="hidden" name="token" value="{$token}"><input type="hidden" name="do" value="retry"><input type="hidden" name="id" value="{$q.id}"><button class="btn btn-default btn-xs ipm-retry" type="submit">{$lang.outbox_retry}</button></form>
                {include file="partials/confirm_button.tpl" do="force" id=$q.id label=$lang.outbox_force confirm=($lang["`$words`_force_confirm"]|sprintf:$q.addresses_text) hidden=[]}
            {/if}</td>
        </tr>
    {/foreach}
    </tbody>
</table>
{include file="partials/pager.tpl" p=$queue query=['action' => $action] noun="`$words`_change"}
{/if}
