<?php

// For use without Composer: `require 'bindings/php/autoload.php';` maps Socle\X to src/X.php,
// as composer.json's psr-4 section does.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'Socle\\', 6) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 6)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
