<?php

// Export files from PHP (label `php`), run by CTest (tests/php/CMakeLists.txt) as
//   php export_test.php <case>
// with SOCLE_LIBRARY, SOCLE_SOURCE_DIR and SOCLE_TEST_TMP set. Exit code 0 only when every check
// of the case passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\AccessEngine;
use Socle\AccessTrail;
use Socle\Export;
use Socle\ExportFileException;
use Socle\ExportReader;
use Socle\ExportSigningKey;
use Socle\ExportWriter;
use Socle\KeyProvider;
use Socle\Ledger;
use Socle\Native;
use Socle\Policy;
use Socle\RecipientKey;
use Socle\SocleException;
use Socle\Vault;

const NOW = 1900000000;
const IDENTITY = ['person' => 'P-1', 'familyName' => 'Martin', 'givenNames' => 'Léa'];

function workDir(string $name): string
{
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . "/export-{$name}-" . getmypid();
    @mkdir($dir, 0700, true);
    foreach (glob("{$dir}/*") ?: [] as $file) {
        unlink($file);
    }
    return $dir;
}

/** @return array{0: AccessTrail, 1: ExportSigningKey, 2: Policy} */
function exportTrail(string $dir): array
{
    global $source;
    $policy = Policy::load(file_get_contents($source . '/examples/policies/ccas.textproto'), 'ccas');
    $engine = new AccessEngine($policy);
    $engine->setTime(NOW);
    $engine->loadDirectoryTsv("ass1\tass\tpole-social\tccas\naud1\tauditeur_securite\t\tccas\n",
        "P-1\tpole-social\n");
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", 'export test', 2, 64 << 20);
    $vault = Vault::open($provider, "{$dir}/vault.db", 'ccas');
    $ledger = Ledger::open($vault, "{$dir}/trail.db", 'access_trail', Native::SOCLE_DURABILITY_NONE);
    return [AccessTrail::create($ledger, $engine), ExportSigningKey::fromVault($vault), $policy];
}

/** A generator, as over a database cursor: a fact, an appreciation, third-party information, a working note. */
function entries(): Generator
{
    $kinds = ['FACT', 'PROFESSIONAL_APPRECIATION', 'THIRD_PARTY_INFORMATION', 'WORKING_NOTE'];
    foreach ($kinds as $i => $kind) {
        yield ['id' => "note-{$i}", 'person' => 'P-1', 'category' => 'social', 'kind' => $kind,
            'author' => 'ass1', 'createdAt' => '2030-03-01T09:30:00Z',
            'purpose' => 'accompagnement_social', 'text' => "Compte rendu {$i}"];
    }
}

function testRoundTrip(): void
{
    $dir = workDir('round-trip');
    [$trail, $signing, $policy] = exportTrail($dir);
    $key = RecipientKey::generate();
    check(strlen($key->publicKey()) === 32 && strlen($key->secretKey()) === 32, 'key sizes');
    check(RecipientKey::fromSecret($key->secretKey())->publicKey() === $key->publicKey(),
        'the key from its secret');

    // Signed.
    $report = $trail->writeAccessRequest(IDENTITY, entries(), 'P-1', 'ass1', "{$dir}/p1.socle",
        $signing, [], 'CCAS de Test');
    check($report['entries'] === 2 && $report['withheld'] === 1 && $report['left_out'] === 1,
        'entries written, withheld, left out: ' . json_encode($report));
    $reader = new ExportReader("{$dir}/p1.socle", null, [bin2hex($signing->publicKey())]);
    check($reader->kind() === Native::SOCLE_EXPORT_KIND_ACCESS_REQUEST, 'kind');
    check($reader->kindName() === 'access_request', 'kind name');
    check(!$reader->sealed(), 'signed only');
    check($reader->issuerPublicKey() === $signing->publicKey(), 'issuer');
    check($reader->header()['issuer'] === 'CCAS de Test', 'header');
    $records = iterator_to_array($reader, false);
    check(count($records) === $report['records'], 'every record');
    check($records[0]['identity']['family_name'] === 'Martin', 'identity decoded');
    check(str_contains(json_encode($records), 'Compte rendu 0'), 'a fact');
    check(!str_contains(json_encode($records), 'Compte rendu 3'), 'never the working note');
    $verified = Export::verify("{$dir}/p1.socle", null, [$signing]);
    check($verified['records'] === $report['records'] && !$verified['sealed'], 'verified');

    // Sealed to the person's key.
    $report = $trail->writeAccessRequest(IDENTITY, entries(), 'P-1', 'ass1', "{$dir}/sealed.socle",
        $signing, [[$key, 'La personne']]);
    $records = iterator_to_array(new ExportReader("{$dir}/sealed.socle", $key), false);
    check(count($records) === $report['records'], 'sealed: every record');
    check(count(iterator_to_array(new ExportReader("{$dir}/sealed.socle", $key->secretKey()),
        false)) === $report['records'], 'sealed: the stored secret opens it');
    check(Export::verify("{$dir}/sealed.socle")['sealed'], 'verified without the key');
    $e = expectError(static fn() => iterator_to_array(new ExportReader("{$dir}/sealed.socle",
        RecipientKey::generate())), Native::SOCLE_E_PERMISSION_DENIED, 'another key');
    check($e instanceof ExportFileException
        && $e->problem() === Native::SOCLE_EXPORT_PROBLEM_NOT_A_RECIPIENT, 'not a recipient');

    // Portability and an audit extract.
    $report = $trail->writePortability($policy, IDENTITY, entries(), 'P-1', 'ass1',
        "{$dir}/portability.socle", $signing);
    check($report['entries'] === 0, 'public task: nothing carried');
    check((new ExportReader("{$dir}/portability.socle"))->kind()
        === Native::SOCLE_EXPORT_KIND_PORTABILITY, 'portability kind');
    $report = $trail->writeAuditExtract('aud1', "{$dir}/audit.socle", $signing);
    check($report['entries'] > 0 && $report['checkpoint_size'] >= $report['entries'], 'audit');
    check(json_decode(Export::portabilityJsonSchema(), true)['$schema'] !== '', 'schema');
}

function testRefused(): void
{
    $dir = workDir('refused');
    [$trail, $signing] = exportTrail($dir);
    $trail->writeAccessRequest(IDENTITY, entries(), 'P-1', 'ass1', "{$dir}/p1.socle", $signing);
    $bytes = file_get_contents("{$dir}/p1.socle");
    $offset = strlen($bytes) - 200;
    $bytes[$offset] = chr(ord($bytes[$offset]) ^ 1);
    file_put_contents("{$dir}/tampered.socle", $bytes);
    try {
        iterator_to_array(new ExportReader("{$dir}/tampered.socle"));
        check(false, 'a tampered file read');
    } catch (ExportFileException $e) {
        check($e->problem() !== Native::SOCLE_EXPORT_PROBLEM_NONE, 'a problem');
        check($e->offset() > 0 && $e->offset() < strlen($bytes), "offset {$e->offset()}");
        check($e->problemName() !== '', 'its name');
    }
    file_put_contents("{$dir}/zip.socle", "PK\x03\x04 not an export");
    $e = expectError(static fn() => new ExportReader("{$dir}/zip.socle"),
        Native::SOCLE_E_PARSE, 'not an export');
    check($e instanceof ExportFileException
        && $e->problem() === Native::SOCLE_EXPORT_PROBLEM_NOT_AN_EXPORT, 'not an export: problem');
    $e = expectError(static fn() => iterator_to_array(new ExportReader("{$dir}/p1.socle", null,
        [str_repeat("\0", 32)])), Native::SOCLE_E_VERIFICATION_FAILED, 'untrusted');
    expectError(static fn() => new ExportReader("{$dir}/missing.socle"),
        Native::SOCLE_E_NOT_FOUND, 'a missing file');
    expectNamedError(static fn() => RecipientKey::fromSecret('short'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'secret', 'a short secret');
    expectError(static fn() => new ExportWriter("{$dir}/x.socle", $signing, 9),
        Native::SOCLE_E_INVALID_ARGUMENT, 'a bad kind');
    expectError(static fn() => new ExportWriter("{$dir}/x.socle", $signing,
        Native::SOCLE_EXPORT_KIND_ACCESS_REQUEST, '', ['short']),
        Native::SOCLE_E_INVALID_ARGUMENT, 'a short recipient key');

    // A failing generator: its exception, as is; no file.
    $broken = (static function (): Generator {
        yield from [];
        throw new RuntimeException('database gone');
    })();
    try {
        $trail->writeAccessRequest(IDENTITY, $broken, 'P-1', 'ass1', "{$dir}/broken.socle",
            $signing);
        check(false, 'a broken generator went through');
    } catch (RuntimeException $e) {
        check($e->getMessage() === 'database gone', 'the generator\'s own exception');
    }
    check(!file_exists("{$dir}/broken.socle"), 'no file left');
    expectError(static fn() => $trail->writeAccessRequest(IDENTITY, [], 'ass1', 'ass1',
        "{$dir}/denied.socle", $signing), Native::SOCLE_E_PERMISSION_DENIED, 'not the person');
    expectError(static fn() => $trail->writeAccessRequest(IDENTITY, [['kind' => 'NOT_A_KIND']],
        'P-1', 'ass1', "{$dir}/bad.socle", $signing), Native::SOCLE_E_PARSE, 'a bad entry');
    check(!file_exists("{$dir}/denied.socle") && !file_exists("{$dir}/bad.socle"), 'no files');

    // A hand-written file.
    $writer = new ExportWriter("{$dir}/dataset.socle", $signing,
        Native::SOCLE_EXPORT_KIND_PSEUDONYMISED_DATASET);
    $writer->add("\x0a\x02hi");
    check($writer->finish()['records'] === 1, 'one record');
    $reader = new ExportReader("{$dir}/dataset.socle");
    check($reader->nextBytes() === "\x0a\x02hi" && $reader->nextBytes() === null, 'raw record');
}

$cases = [
    'round_trip' => 'testRoundTrip',
    'refused' => 'testRefused',
];
runCase('export_test.php', $cases, $argv);
