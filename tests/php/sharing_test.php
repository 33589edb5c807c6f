<?php

// Sharing under professional secrecy, prior information and mandates from PHP (label `php`), run
// by CTest (tests/php/CMakeLists.txt) as
//   php sharing_test.php <case>
// with SOCLE_LIBRARY, SOCLE_SOURCE_DIR and SOCLE_TEST_TMP set. Exit code 0 only when every check
// of the case passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\AccessEngine;
use Socle\AccessRequest;
use Socle\AccessTrail;
use Socle\KeyProvider;
use Socle\Ledger;
use Socle\Native;
use Socle\Policy;
use Socle\ShareRequest;
use Socle\SocleException;
use Socle\Vault;

const NOW = 1900000000; // the engine's fixed clock (2030)

/**
 * The CCAS example with a mandates section and a habilitation of the CRIP (the example gives its
 * external recipients none: every share to them fails check 5, the recipient's habilitations),
 * and a small directory.
 */
function sharingEngine(): AccessEngine
{
    global $source;
    $text = file_get_contents($source . '/examples/policies/ccas.textproto') . '
habilitations { role: "crip_departement" actions: [READ] data_categories: ["administrative", "social"] }
';
    $engine = new AccessEngine(Policy::load($text, 'ccas+mandates'));
    $engine->setTime(NOW);
    $engine->loadDirectoryTsv(
        "ass1\tass\tpole-social\tccas\n"
        . "ass2\tass\tpole-social\tccas\n"
        . "sec1\tsecretaire_accueil\tpole-social\tccas\n"
        . "aud1\tauditeur_securite\t\tccas\n"
        . "crip1\tcrip_departement\tcrip\tDépartement\n",
        "P-1\tpole-social\n");
    return $engine;
}

function trailOf(AccessEngine $engine, string $name): AccessTrail
{
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . "/sharing-{$name}-" . getmypid();
    @mkdir($dir, 0700, true);
    foreach (glob("{$dir}/*") ?: [] as $file) {
        unlink($file);
    }
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", 'sharing test', 2, 64 << 20);
    $vault = Vault::open($provider, "{$dir}/vault.db", 'ccas');
    $ledger = Ledger::open($vault, "{$dir}/trail.db", 'access_trail',
        Native::SOCLE_DURABILITY_NONE);
    return AccessTrail::create($ledger, $engine);
}

function alert(string $share = 'alert-1'): ShareRequest
{
    return new ShareRequest('ass1', 'crip1', 'P-1', Native::SOCLE_SHARING_BASIS_CASF_L226_2_1,
        'accompagnement_social', $share, [['note-1', 'social', hash('sha256', 'note 1', true)]]);
}

function readReason(AccessEngine $engine, string $item, string $category = 'social'): int
{
    $r = new AccessRequest($engine->findProfessional('crip1'), $engine->findPerson('P-1'),
        $engine->findCategory($category), $engine->findPurpose('accompagnement_social'),
        item: $item);
    return $engine->decide($r)->reason;
}

function testShare(): void
{
    $engine = sharingEngine();
    $trail = trailOf($engine, 'share');
    check(readReason($engine, 'note-1') === Native::SOCLE_REASON_NOT_ASSIGNED, 'not assigned');
    $before = $engine->revision();
    $refused = $trail->share(alert());
    check(!$refused->granted, 'refused before the person is informed');
    check($refused->failed === Native::SOCLE_SHARING_CHECK_PERSON_NOT_INFORMED,
        "failed {$refused->failedName}: {$refused->sentence}");
    check($refused->failedName === 'person_not_informed', 'failed name');
    check(!str_contains($refused->sentence, 'P-1'), 'no person id in the sentence');
    check($engine->revision() === $before, 'a refusal changes nothing');

    $informed = $engine->recordPersonInformed('P-1', 'alert-1', 'crip1', ['social'], 'ass1');
    check($engine->checkShare(alert())->granted, 'the check grants');
    check($engine->revision() === $informed, 'the check records nothing');
    $granted = $trail->share(alert());
    check($granted->granted && $granted->failed === Native::SOCLE_SHARING_CHECK_NONE, 'granted');
    check($granted->revision === $engine->revision(), 'the grant revision');
    check($granted->items === [['note-1', 'social']], 'items');
    check($granted->informationRevisions === [$informed], 'information evidence');

    check(readReason($engine, 'note-1') === Native::SOCLE_REASON_ALLOWED_BY_GRANT, 'shared item');
    check(readReason($engine, 'note-2') === Native::SOCLE_REASON_ITEM_NOT_SHARED, 'other item');
    check(readReason($engine, 'note-1', 'administrative') === Native::SOCLE_REASON_ITEM_NOT_SHARED,
        'other category');
    $at = $engine->revision();
    expectError(static fn() => $trail->share(alert()), Native::SOCLE_E_ALREADY_EXISTS,
        'the same share id');
    check($engine->revision() === $at, 'nothing recorded');

    $sharing = array_values(array_filter($trail->history('P-1', 'aud1')['entries'],
        static fn(array $e): bool => $e['type'] === Native::SOCLE_LEDGER_ENTRY_SHARING_DECISION));
    check(count($sharing) === 2, count($sharing) . ' sharing entries');
    if (count($sharing) === 2) {
        check(!$sharing[0]['allowed'] && $sharing[0]['reason'] === 'person_not_informed',
            'the refusal in the history');
        check($sharing[1]['allowed'] && $sharing[1]['actor'] === 'ass1', 'the grant');
        $record = $sharing[1]['sharing'];
        check($record['basis'] === Native::SOCLE_SHARING_BASIS_CASF_L226_2_1, 'basis');
        check($record['share'] === 'alert-1' && $record['recipient'] === 'crip1', 'share');
        check($record['recipient_role'] === 'crip_departement', 'recipient role');
        check($record['items'] === [['note-1', 'social']], 'history items');
        check($record['information'] === Native::SOCLE_SHARING_INFORMATION_INFORMED
            && $record['information_revision'] === $informed, 'history evidence');
    }
    $engine->revokeShare('P-1', 'crip1', 'alert-1', 'ass1');
    check(readReason($engine, 'note-1') !== Native::SOCLE_REASON_ALLOWED_BY_GRANT, 'revoked');
    expectError(static fn() => $engine->revokeShare('P-1', 'crip1', 'alert-1', 'ass1'),
        Native::SOCLE_E_NOT_FOUND, 'revoked twice');

    $exception = $engine->recordInformationException('P-1', 'alert-2',
        Native::SOCLE_INFORMATION_EXCEPTION_URGENCY, 'ass1', 'danger');
    $urgent = $engine->checkShare(alert('alert-2'));
    check($urgent->granted && $urgent->exception === Native::SOCLE_INFORMATION_EXCEPTION_URGENCY
        && $urgent->exceptionRevision === $exception && $urgent->followUpOpen, 'urgency');
}

function testHostile(): void
{
    $engine = sharingEngine();
    $trail = trailOf($engine, 'hostile');
    $before = $engine->revision();
    $unknown = alert();
    $unknown->person = 'P-404';
    $e = expectError(static fn() => $trail->share($unknown), Native::SOCLE_E_NOT_FOUND,
        'an unknown person');
    check($e === null || !str_contains($e->getMessage(), 'P-404'), 'the person never named');
    $badHash = alert();
    $badHash->items = [['note-1', 'social', 'short']];
    expectError(static fn() => $engine->checkShare($badHash), Native::SOCLE_E_INVALID_ARGUMENT,
        'a short content hash');
    $badBasis = alert();
    $badBasis->basis = 99;
    expectError(static fn() => $engine->checkShare($badBasis), Native::SOCLE_E_INVALID_ARGUMENT,
        'an unknown basis');
    expectError(static fn() => $engine->recordPersonInformed('P-1', 's', 'crip1', ['social'],
        'ass1', '', 9), Native::SOCLE_E_INVALID_ARGUMENT, 'an unknown channel');
    expectError(static fn() => $engine->recordInformationException('P-1', 's', 0, 'ass1'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'an unknown exception');
    check($engine->revision() === $before, 'nothing changed');
}

function testMandates(): void
{
    $engine = sharingEngine();
    $before = $engine->revision();
    $e = expectError(static fn() => $engine->createMandate('m-1', 'P-1', 'ccas',
        ['papiers', 'logement'], 366, 'attestation v1', 'ass1'), Native::SOCLE_E_OUT_OF_RANGE,
        'a 366-day mandate');
    check($e === null || str_contains($e->getMessage(), '366'), 'the duration named');
    expectError(static fn() => $engine->createMandate('m-1', 'P-1', 'ccas',
        ['papiers'], 31, 'attestation v1', 'sec1'), Native::SOCLE_E_PERMISSION_DENIED,
        'a secretary');
    expectError(static fn() => $engine->createMandate('m-1', 'P-404', 'ccas',
        ['papiers'], 31, 'attestation v1', 'ass1'), Native::SOCLE_E_NOT_FOUND, 'unknown person');
    check($engine->revision() === $before, 'nothing changed');

    $created = $engine->createMandate('m-1', 'P-1', 'ccas', ['papiers', 'logement'],
        Native::SOCLE_MANDATE_DURATION_MONTH, 'attestation v1', 'ass1');
    check($created->revision === $before + 1, 'revision');
    check(strlen($created->attestationSha256) === 32
        && $created->attestationSha256 !== str_repeat("\0", 32), 'attestation hash');
    check($created->expiresAtUnixSeconds === NOW + 31 * 86400, 'expiry');
    check($engine->checkMandate('m-1', 'papiers', 'ass2') === Native::SOCLE_MANDATE_VERDICT_ALLOWED,
        'allowed');
    check($engine->checkMandate('m-1', 'papiers', 'sec1')
        === Native::SOCLE_MANDATE_VERDICT_ROLE_NOT_ALLOWED, 'role not allowed');
    $engine->useMandate('m-1', 'papiers', 'ass2');
    $engine->revokeMandate('m-1', 'ass1', ['papiers'], true);
    check($engine->checkMandate('m-1', 'papiers', 'ass2') === Native::SOCLE_MANDATE_VERDICT_REVOKED,
        'revoked');
    check($engine->checkMandate('m-1', 'logement', 'ass2') === Native::SOCLE_MANDATE_VERDICT_ALLOWED,
        'housing still allowed');
    $at = $engine->revision();
    expectError(static fn() => $engine->useMandate('m-1', 'papiers', 'ass2'),
        Native::SOCLE_E_PERMISSION_DENIED, 'a revoked procedure');
    expectError(static fn() => $engine->checkMandate('m-404', 'papiers', 'ass2'),
        Native::SOCLE_E_NOT_FOUND, 'an unknown mandate');
    check($engine->revision() === $at, 'nothing recorded');
}

$cases = [
    'share' => 'testShare',
    'hostile' => 'testHostile',
    'mandates' => 'testMandates',
];
runCase('sharing_test.php', $cases, $argv);
