<?php
require __DIR__ . '/../init.php';

Harness\Session::logout();
header('Location: login.php');
