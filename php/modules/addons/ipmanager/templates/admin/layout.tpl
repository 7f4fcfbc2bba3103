{* The frame of every admin page: tabs, messages, then the page. *}
<style>
.ipmanager .ipm-inline { display: inline-block; margin: 0 2px; }
.ipmanager .ipm-filters { margin: 10px 0 15px; }
.ipmanager .ipm-figure { display: block; padding: 10px; border: 1px solid #ddd; border-radius: 4px; margin-bottom: 15px; }
.ipmanager .ipm-figure .h3 { margin: 0; }
.ipmanager .ipm-usage .progress { margin-bottom: 2px; }
</style>
<div class="ipmanager">
    <ul class="nav nav-tabs">
        {foreach $pages as $page => $label}
            <li data-page="{$page}"{if $page == $current} class="active"{/if}><a href="{url action=$page}">{$lang[$label]}</a></li>
        {/foreach}
    </ul>
    <div class="ipm-messages">
        {foreach $messages as $message}
            <div class="alert alert-{$message[0]}" role="alert">{$message[1]}</div>
        {/foreach}
    </div>
    {$content nofilter}
</div>
