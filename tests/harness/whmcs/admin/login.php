<?php
require __DIR__ . '/../init.php';

$error = '';
if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    if (Harness\Session::loginAdmin((string) ($_POST['username'] ?? ''), (string) ($_POST['password'] ?? ''))) {
        header('Location: addonmodules.php?module=ipmanager');
        exit;
    }
    $error = 'Login failed: check the username and password.';
}
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Admin login - WHMCS (IP Manager harness)</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="/assets/harness.css"></head>
<body class="admin"><main class="login-box panel panel-default"><div class="panel-body"><h1 class="h3">WHMCS admin login</h1>
<?php if ($error !== '') { echo '<div class="alert alert-danger">' . htmlspecialchars($error) . '</div>'; } ?>
<form method="post" action="login.php">
<div class="form-group"><label for="username">Username</label><input class="form-control" id="username" name="username" autocomplete="username"></div>
<div class="form-group"><label for="password">Password</label><input class="form-control" id="password" name="password" type="password" autocomplete="current-password"></div>
<button type="submit" class="btn btn-primary" id="login">Login</button>
</form></div></main></body></html>
