{* What an action puts at risk, shown above its form; the form posts again with confirmed=1. *}
<div class="alert alert-warning ipm-confirm" role="alert">
    <strong>{$lang.confirm_heading}</strong>
    <ul>{foreach $warnings as $w}<li>{$w}</li>{/foreach}</ul>
</div>
