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
<link rel="stylesheet" href="/assets/harness.css"></head>
<body class="admin"><main class="login"><h1>Admin login</h1>
<?php if ($error !== '') { echo '<div class="alert alert-danger">' . htmlspecialchars($error) . '</div>'; } ?>
<form method="post" action="login.php">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit" class="btn btn-primary">Login</button>
</form></main></body></html>
