<?php
require __DIR__ . '/../init.php';

Harness\AddonModulesPage::request($_GET, $_POST, $_SERVER['REQUEST_METHOD'] ?? 'GET')->send();
