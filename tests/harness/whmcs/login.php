<?php
require __DIR__ . '/init.php';

$goto = (string) ($_GET['goto'] ?? $_POST['goto'] ?? 'index.php?m=ipmanager');
// Only local module pages: never an open redirect.
if (!preg_match('/^index\.php\?m=[a-z]+$/', $goto)) {
    $goto = 'index.php?m=ipmanager';
}
$error = '';
if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    if (Harness\Session::loginClient((string) ($_POST['email'] ?? ''), (string) ($_POST['password'] ?? ''))) {
        header('Location: ' . $goto);
        exit;
    }
    $error = 'Login failed: check the email address and password.';
}
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Client login (IP Manager harness)</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="/assets/harness.css"></head>
<body><main class="login-box panel panel-default"><div class="panel-body"><h1 class="h3">Client login</h1>
<?php if ($error !== '') { echo '<div class="alert alert-danger">' . htmlspecialchars($error) . '</div>'; } ?>
<form method="post" action="login.php">
<input type="hidden" name="goto" value="<?= htmlspecialchars($goto) ?>">
<div class="form-group"><label for="email">Email</label><input class="form-control" id="email" name="email" type="email" autocomplete="username"></div>
<div class="form-group"><label for="password">Password</label><input class="form-control" id="password" name="password" type="password" autocomplete="current-password"></div>
<button type="submit" class="btn btn-primary" id="login">Login</button>
</form></div></main></body></html>
