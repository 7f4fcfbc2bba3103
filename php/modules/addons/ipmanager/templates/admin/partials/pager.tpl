{* Page n of m, the total counted in words, and links. Params: p (the page), query, noun. *}
<p class="ipm-pager">
    {$lang.page_of|sprintf:$p.page:$p.pages}
    · {if $p.total == 1}{$lang["count_`$noun`_one"]|sprintf:($p.total|number_format)}{else}{$lang["count_`$noun`"]|sprintf:($p.total|number_format)}{/if}
    {if $p.page > 1} <a href="{url params=$query page=$p.page-1}">{$lang.previous}</a>{/if}
    {if $p.page < $p.pages} <a href="{url params=$query page=$p.page+1}">{$lang.next}</a>{/if}
</p>
