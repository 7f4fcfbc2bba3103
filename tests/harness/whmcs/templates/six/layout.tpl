<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <title>{$pagetitle|escape} - Client Area (IP Manager harness, Six layout)</title>
    <link rel="stylesheet" href="/assets/harness.css">
</head>
<body>
<nav class="navbar navbar-default" id="main-menu">
    {foreach $navbar as $item}<a href="{$item.uri|escape}">{$item.label|escape}</a>{/foreach}
    {if $loggedin}<a href="logout.php" class="pull-right">Logout</a>{/if}
</nav>
<section id="main-body"><div class="container">
    <ol class="breadcrumb">
        <li><a href="index.php">Portal Home</a></li>
        {foreach $breadcrumb as $link => $label}<li><a href="{$link|escape}">{$label|escape}</a></li>{/foreach}
    </ol>
    <h1>{$pagetitle|escape}</h1>
    {$content}
</div></section>
</body>
</html>
