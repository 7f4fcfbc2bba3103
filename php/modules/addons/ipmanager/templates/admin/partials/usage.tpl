{* A utilization bar with the counts written out in the unit the admin thinks in. *}
<div class="ipm-usage" data-percent="{$u.percent}">
    <div class="progress">
        <div class="progress-bar progress-bar-{if $u.percent >= 90}danger{elseif $u.percent >= 75}warning{else}success{/if}" role="progressbar" style="width: {if $u.percent > 100}100{else}{$u.percent}{/if}%">{$u.percent}%</div>
    </div>
    <small>{$lang.usage_line|sprintf:$u.shown.used:$u.shown.usable:$u.shown.unit:$u.shown.assigned:$u.shown.reserved:$u.shown.quarantined:$u.shown.free}</small>
</div>
