{* Client area: plain Bootstrap markup that renders in Six, Twenty-One and Lagom. *}
<div class="ipmanager-client">
    <p>{$lang.client_intro|escape}</p>
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
                            <td>{$service.domain|escape}</td>
                            <td>{$service.product|escape}</td>
                            <td>{$service.status|escape}</td>
                            <td>
                                {if $service.ips|@count == 0}
                                    {$lang.client_no_ips|escape}
                                {else}
                                    {foreach $service.ips as $ip}<code>{$ip|escape}</code>{if !$ip@last}<br>{/if}{/foreach}
                                {/if}
                            </td>
                        </tr>
                    {/foreach}
                </tbody>
            </table>
        </div>
    {/if}
</div>
