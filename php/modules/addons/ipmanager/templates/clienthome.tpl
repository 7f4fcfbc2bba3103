{* Client area: plain Bootstrap markup that renders in Six (Bootstrap 3), Twenty-One (Bootstrap 4) and Lagom. *}
<div class="ipmanager-client">
    <p>{$lang.client_intro|escape}</p>
    {foreach $messages as $m}
        <div class="alert alert-{$m[0]|escape} ipm-client-message" role="alert">{$m[1]|escape}</div>
    {/foreach}
    {if $error}
        <div class="alert alert-danger" role="alert">{$error|escape}</div>
    {elseif $services|@count == 0}
        <div class="alert alert-info" role="alert">{$lang.client_no_services|escape}</div>
    {else}
        <div class="table-responsive">
            <table class="table table-striped" id="ipm-client-services">
                <thead>
                    <tr>
                        <th>{$lang.client_service|escape}</th>
                        <th>{$lang.client_product|escape}</th>
                        <th>{$lang.client_status|escape}</th>
                        <th>{$lang.client_ips|escape}</th>
                    </tr>
                </thead>
                <tbody>
                    {foreach $services as $service}
                        <tr data-service-id="{$service.id|escape}">
                            <td>#{$service.id|escape} {$service.domain|escape}</td>
                            <td>{$service.product|escape}</td>
                            <td>{$service.status|escape}</td>
                            <td>
                                {if $service.addresses|@count == 0}
                                    {$lang.client_no_ips|escape}
                                {else}
                                    <ul class="list-unstyled ipm-addresses">
                                    {foreach $service.addresses as $a}
                                        <li data-assignment-id="{$a.id|escape}" data-state="{$a.state|escape}">
                                            <code>{$a.address|escape}</code>
                                            {if $a.primary} <span class="label label-primary badge badge-primary">{$lang.client_primary|escape}</span>{/if}
                                            {if $a.state == 'releasing'} <span class="label label-warning badge badge-warning">{$lang.client_releasing|escape}</span>{/if}
                                            {if $a.reverse_dns}
                                                <small class="text-muted ipm-ptr">{if $a.prefix}{$lang.client_ptr_inside|sprintf:($a.ptrs|@count)|escape}{elseif $a.ptr}{$lang.client_ptr_is|sprintf:$a.ptr|escape}{else}{$lang.client_ptr_default_name|escape}{/if}</small>
                                                <a class="btn btn-default btn-outline-secondary btn-xs btn-sm ipm-edit-ptr" href="{$modulelink|escape}&amp;a=ptr&amp;id={$a.id|escape}">{$lang.client_ptr_edit|escape}</a>
                                            {/if}
                                            {if $a.can_unassign}
                                                <a class="btn btn-default btn-outline-secondary btn-xs btn-sm ipm-unassign" href="{$modulelink|escape}&amp;a=unassign&amp;id={$a.id|escape}">{$lang.client_unassign|escape}</a>
                                            {/if}
                                        </li>
                                    {/foreach}
                                    </ul>
                                {/if}
                                {foreach $service.order_more as $o}
                                    <a class="btn btn-primary btn-xs btn-sm ipm-order-more" href="{$o.url|escape}">{$lang.client_order_more|sprintf:$o.name|escape}</a>
                                {/foreach}
                            </td>
                        </tr>
                    {/foreach}
                </tbody>
            </table>
        </div>
    {/if}
</div>
