{* The frame of every admin page: tabs, messages, then the page. *}
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
