<?php

// What every PHP test script of the binding shares: the checks, the expected errors, and the
// runner of one case named on the command line (exit code 0 only when every check of the case
// passed, 1 otherwise, 2 for an unknown case). Required after bindings/php/autoload.php.

declare(strict_types=1);

use Socle\SocleException;

$failures = 0;

function check(bool $condition, string $what): void
{
    global $failures;
    if (!$condition) {
        $failures++;
        fwrite(STDERR, "FAILED: {$what}\n");
    }
}

/** Runs $f, which must throw a SocleException of $status; returns it (null, and a failure, if not). */
function expectError(callable $f, int $status, string $what): ?SocleException
{
    try {
        $f();
    } catch (SocleException $e) {
        check($e->status() === $status && $e->getCode() === $status,
            "{$what}: status {$e->status()} ({$e->statusName()}), expected {$status}: "
            . $e->getMessage());
        return $e;
    }
    check(false, "{$what}: no exception");
    return null;
}

/** expectError(), and the message names $names. */
function expectNamedError(callable $f, int $status, string $names, string $what): void
{
    $e = expectError($f, $status, $what);
    if ($e !== null) {
        check(str_contains($e->getMessage(), $names),
            "{$what}: '{$e->getMessage()}' does not name {$names}");
    }
}

/** Runs the case $argv[1] of $cases (name => function) and exits. */
function runCase(string $script, array $cases, array $argv): never
{
    global $failures;
    $case = $argv[1] ?? '';
    if (!isset($cases[$case])) {
        fwrite(STDERR, "usage: php {$script} " . implode('|', array_keys($cases)) . "\n");
        exit(2);
    }
    try {
        $cases[$case]();
    } catch (\Throwable $e) {
        $failures++;
        fwrite(STDERR, 'FAILED: ' . get_class($e) . ': ' . $e->getMessage() . "\n"
            . $e->getTraceAsString() . "\n");
    }
    if ($failures > 0) {
        fwrite(STDERR, "{$case}: {$failures} check(s) failed\n");
        exit(1);
    }
    echo "{$case}: ok\n";
    exit(0);
}
