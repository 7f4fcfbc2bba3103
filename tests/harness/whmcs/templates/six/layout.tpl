<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{$pagetitle|escape} - Client Area (IP Manager harness, Six layout)</title>
    <link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
    <link rel="stylesheet" href="/assets/harness.css">
</head>
<body>
<nav class="navbar navbar-default navbar-static-top" id="main-menu"><div class="container">
    <ul class="nav navbar-nav">
        {foreach $navbar as $item}<li><a href="{$item.uri|escape}">{$item.label|escape}</a></li>{/foreach}
    </ul>
    {if $loggedin}<ul class="nav navbar-nav navbar-right"><li><a href="logout.php" id="client-logout">Logout</a></li></ul>{/if}
</div></nav>
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
