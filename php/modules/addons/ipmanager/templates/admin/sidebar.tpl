<div class="ipm-sidebar">
    <ul class="menu list-unstyled">
        {foreach $pages as $page => $label}
            <li{if $page == $current} class="active"{/if}><a href="{url action=$page}">{$lang[$label]}</a></li>
        {/foreach}
    </ul>
    <p class="text-muted small">{$lang.sidebar_help}</p>
</div>
