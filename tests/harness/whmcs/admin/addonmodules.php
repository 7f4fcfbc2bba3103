<?php
require __DIR__ . '/../init.php';

Harness\AdminArea::request($_GET, $_POST, $_SERVER['REQUEST_METHOD'] ?? 'GET')->send();
