<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{$pagetitle|escape} - Client Area (IP Manager harness, Twenty-One layout)</title>
    <link rel="stylesheet" href="/assets/vendor/bootstrap4/css/bootstrap.min.css">
</head>
<body class="twentyone">
<header class="header"><nav class="navbar navbar-expand-lg navbar-light bg-light" id="main-menu"><div class="container">
    <ul class="navbar-nav mr-auto">
        {foreach $navbar as $item}<li class="nav-item"><a class="nav-link" href="{$item.uri|escape}">{$item.label|escape}</a></li>{/foreach}
    </ul>
    {if $loggedin}<ul class="navbar-nav"><li class="nav-item"><a class="nav-link" href="logout.php" id="client-logout">Logout</a></li></ul>{/if}
</div></nav></header>
<section id="main-body"><div class="container">
    <nav aria-label="breadcrumb"><ol class="breadcrumb">
        <li class="breadcrumb-item"><a href="index.php">Portal Home</a></li>
        {foreach $breadcrumb as $link => $label}<li class="breadcrumb-item"><a href="{$link|escape}">{$label|escape}</a></li>{/foreach}
    </ol></nav>
    <div class="primary-content">
        <h1>{$pagetitle|escape}</h1>
        {$content}
    </div>
</div></section>
</body>
</html>
