<?php

// Erasure, restriction, rectification and the retention sweep from PHP (Erasure.php,
// Restriction.php, RetentionSweep.php), run by CTest (tests/php/CMakeLists.txt) as
//   php erasure_test.php <case>
// with SOCLE_LIBRARY, SOCLE_SOURCE_DIR and SOCLE_TEST_TMP set. On the CCAS example (the sweep,
// the restriction, the rectification) and on the erasure contract of tests/access (the CCAS's
// categories all rest on a legal obligation while their retention runs). Exit code 0 only when
// every check passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\AccessEngine;
use Socle\AccessRequest;
use Socle\AccessTrail;
use Socle\Erasure;
use Socle\ExportSigningKey;
use Socle\KeyProvider;
use Socle\Ledger;
use Socle\Native;
use Socle\Policy;
use Socle\Restriction;
use Socle\RetentionSweep;
use Socle\Retention;
use Socle\ShareRequest;
use Socle\Vault;

const NOW = 4102444800; // 2100-01-01 00:00 UTC, ahead of the real clock

/** The CCAS example, the CRIP habilitated to receive; P-3's file is held by no team. */
function ccas(): AccessEngine
{
    global $source;
    $text = file_get_contents($source . '/examples/policies/ccas.textproto') . '
habilitations { role: "crip_departement" actions: [READ] data_categories: ["administrative", "social"] }
';
    $engine = new AccessEngine(Policy::load($text, 'ccas'));
    $engine->setTime(NOW);
    $engine->loadDirectoryTsv("ass1\tass\tpole-social\tccas\n"
        . "resp1\tresponsable_service\tpole-social\tccas\n"
        . "crip1\tcrip_departement\tcrip\tDépartement\n",
        "P-1\tpole-social\tass1\nP-3\t\tass1\n");
    return $engine;
}

/** @return array{0: Vault, 1: AccessTrail} a vault and a trail over $engine in a fresh directory */
function trailOf(AccessEngine $engine, string $name): array
{
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . "/erasure-{$name}-" . getmypid();
    @mkdir($dir, 0700, true);
    foreach (glob("{$dir}/*") ?: [] as $file) {
        unlink($file);
    }
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", 'erasure binding test', 2,
        64 << 20);
    $vault = Vault::open($provider, "{$dir}/vault.db", 'ccas');
    $ledger = Ledger::open($vault, "{$dir}/trail.db", 'access_trail',
        Native::SOCLE_DURABILITY_NONE);
    return [$vault, AccessTrail::create($ledger, $engine)];
}

function testSweep(): void
{
    $engine = ccas();
    [$vault, $trail] = trailOf($engine, 'sweep');
    // The last contact six years ago: every category is past its retention, and the CCAS (a
    // public body) waits for the archives service's visa before eliminating.
    Retention::recordContact($engine, 'P-3', 'ass1', day: '2094-01-01');
    $sealed = $vault->sealRecord('P-3', 'note-1', 'note du dossier');
    $key = ExportSigningKey::generate();
    $before = $engine->revision();
    $plan = RetentionSweep::plan($engine, '2100-01-01');
    check($plan['purged'] === 0 && $plan['awaiting_visa'] > 0 && $plan['todo'] === [],
        'the plan: everything awaits a visa');
    check($engine->revision() === $before, 'a plan records nothing');
    $waiting = RetentionSweep::sweep($trail, $engine, $key, '2100-01-01', 'ass1', 10);
    check($waiting['day'] === '2100-01-01' && !$waiting['resumed'] && $waiting['purged'] === 0
        && $waiting['certificates'] === [], 'a sweep without a visa purges nothing');

    RetentionSweep::recordEliminationVisa($engine, 'VISA-1', 'financial', '2100-01-01', 'resp1');
    $report = RetentionSweep::sweep($trail, $engine, $key, '2100-01-01', 'ass1');
    check($report['purged'] === 1 && $report['shredded'] === 0
        && $report['awaiting_visa'] === $waiting['awaiting_visa'] - 1,
        'the financial papers purged, the rest still waits');
    check(count($report['todo']) === 1 && $report['todo'][0]['person'] === 'P-3'
        && $report['todo'][0]['category'] === 'financial'
        && $report['todo'][0]['action'] === Native::SOCLE_RETENTION_END_ACTION_DELETE
        && $report['todo'][0]['visa'] === 'VISA-1', "the vendor's to-do list names the category");
    check(count($report['certificates']) === 1, 'one certificate');
    $certificate = $report['certificates'][0];
    check($certificate['category'] === 'financial' && $certificate['count'] === 1
        && $certificate['visa'] === 'VISA-1' && strlen($certificate['signature']) === 64,
        'the certificate');
    check(!str_contains($certificate['certificate'], 'P-3'), 'it names no person');
    RetentionSweep::verifyCertificate($certificate['certificate'], $certificate['signature']);
    $altered = $certificate['certificate'];
    $middle = intdiv(strlen($altered), 2);
    $altered[$middle] = chr(ord($altered[$middle]) ^ 1);
    expectError(fn () => RetentionSweep::verifyCertificate($altered, $certificate['signature']),
        Native::SOCLE_E_VERIFICATION_FAILED, 'an altered certificate');
    $again = RetentionSweep::sweep($trail, $engine, $key, '2100-01-01', 'ass1');
    check($again['purged'] === 0 && $again['certificates'] === [], 'nothing purged twice');
    check($vault->openRecord('P-3', 'note-1', $sealed) === 'note du dossier',
        'the key stays while categories wait');
    expectNamedError(fn () => RetentionSweep::recordEliminationVisa($engine, 'VISA-2', 'social',
        '01/01/2100', 'resp1'), Native::SOCLE_E_INVALID_ARGUMENT, 'through', 'a day not ISO');
    expectNamedError(fn () => RetentionSweep::sweep($trail, $engine, $key, '2100-01-01', 'ass1',
        0), Native::SOCLE_E_INVALID_ARGUMENT, 'batch_size', 'an empty batch');
}

function testErasure(): void
{
    global $source;
    $engine = new AccessEngine(Policy::load(
        file_get_contents($source . '/tests/access/erasure_policy.textproto'), 'erasure'));
    $engine->setTime(NOW);
    $engine->loadDirectoryTsv("sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n", "x1\tt1\nx2\tt1\n");
    [$vault, $trail] = trailOf($engine, 'erasure');
    $reason = fn (string $person): int => $engine->decide(new AccessRequest(
        $engine->findProfessional('sw1'), $engine->findPerson($person),
        $engine->findCategory('administrative'), $engine->findPurpose('accompagnement')))->reason;
    $sealed = $vault->sealRecord('x1', 'case-1', 'note du dossier');
    check($reason('x1') === Native::SOCLE_REASON_ALLOWED, 'allowed before');

    $revision = Erasure::setLegalHold($engine, 'x1', 'contentieux', 'mgr1', 'TJ-1');
    $held = Erasure::decide($engine, 'x1');
    check($held['whole'] && !$held['all_erased'] && count($held['categories']) === 4,
        'the whole file decided');
    foreach ($held['categories'] as $c) {
        check(!$c['erase'] && $c['exception'] === Native::SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS
            && $c['rule'] === 'legal_hold', "{$c['category']} held");
    }
    check(str_contains($held['text'], 'administrative: legal_claims (legal_hold)'), 'its text');
    check(Erasure::exceptionName(Native::SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS) === 'legal_claims',
        'the exception name');
    $refused = Erasure::erase($trail, $engine, 'x1', 'mgr1');
    check(!$refused['recorded'] && $refused['vendor_delete'] === []
        && $engine->revision() === $revision, 'no erasure under a hold');

    Erasure::liftLegalHold($engine, 'x1', 'mgr1');
    expectError(fn () => Erasure::liftLegalHold($engine, 'x1', 'mgr1'),
        Native::SOCLE_E_FAILED_PRECONDITION, 'no hold to lift');
    $asserted = Erasure::decide($engine, 'x1', ['social'],
        Native::SOCLE_ERASURE_ASSERT_STATISTICS_89, '2100-01-01');
    check(!$asserted['whole'] && count($asserted['categories']) === 1
        && $asserted['categories'][0]['exception'] === Native::SOCLE_ERASURE_EXCEPTION_STATISTICS_89
        && $asserted['categories'][0]['rule'] === 'request', 'an exception asserted');

    $done = Erasure::erase($trail, $engine, 'x1', 'mgr1');
    check($done['recorded'] && $done['whole_erased'] && $done['key_shredded']
        && $done['revision'] === $engine->revision(), 'erased, the key shredded');
    check($done['vendor_delete'] === ['administrative', 'social', 'financial', 'health'],
        "the vendor's rows to delete");
    expectError(fn () => $vault->openRecord('x1', 'case-1', $sealed), Native::SOCLE_E_NOT_FOUND,
        'the sealed record is unreadable');
    check($reason('x1') === Native::SOCLE_REASON_ERASED, 'a decision about them denied');
    check($reason('x2') === Native::SOCLE_REASON_ALLOWED, 'the others unchanged');
    $tombstones = Erasure::tombstones($engine);
    check(count($tombstones) === 1 && $tombstones[0]['person'] === 'x1'
        && $tombstones[0]['day'] === '2100-01-01' && $tombstones[0]['categories'] === []
        && $tombstones[0]['recorded_by'] === 'mgr1'
        && $tombstones[0]['revision'] === $done['revision'], 'the person in the tombstones');
    check(Erasure::tombstones($engine, $done['revision']) === [], 'none after it');
    check(Erasure::erasedRow($engine, 'x1', 'social') && !Erasure::erasedRow($engine, 'x2'),
        'the rows a restore skips');
    check(Erasure::reapplyTombstones($vault, $engine) === 0, 'shredded already');
    expectError(fn () => Erasure::decide($engine, 'x1'), Native::SOCLE_E_FAILED_PRECONDITION,
        'erased already');

    expectError(fn () => Erasure::decide($engine, 'x2', [], 1 << 9),
        Native::SOCLE_E_INVALID_ARGUMENT, 'an exception that does not exist');
    $e = expectError(fn () => Erasure::decide($engine, 'P-SECRET-77'), Native::SOCLE_E_NOT_FOUND,
        'an unknown person');
    check($e === null || !str_contains($e->getMessage(), 'P-SECRET-77'), 'not named');
}

function testRestriction(): void
{
    $engine = ccas();
    $request = new AccessRequest($engine->findProfessional('ass1'), $engine->findPerson('P-1'),
        $engine->findCategory('social'), $engine->findPurpose('accompagnement_social'),
        item: 'note-1');
    check($engine->decide($request)->allowed(), 'allowed before');
    $revision = Restriction::restrict($engine, 'P-1', 'note-1',
        Native::SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED, 'ass1');
    check($revision === $engine->revision(), 'the restriction is the last event');
    check(Restriction::restricted($engine, 'P-1', 'note-1')
        === Native::SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED, 'restricted, and why');
    check(Restriction::restricted($engine, 'P-1', 'note-2') === null, 'the other items not');
    $inForce = Restriction::restrictions($engine, 'P-1', false);
    check(count($inForce) === 1 && $inForce[0]['item'] === 'note-1' && $inForce[0]['in_force']
        && $inForce[0]['ground'] === Native::SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED
        && $inForce[0]['set_unix_seconds'] > 0 && $inForce[0]['lifted_unix_seconds'] === 0,
        'listed in force');
    check($engine->decide($request)->reason === Native::SOCLE_REASON_RESTRICTED,
        'an ordinary read denied');
    $request->restrictionJustification = Native::SOCLE_RESTRICTION_JUSTIFICATION_LEGAL_CLAIMS;
    check($engine->decide($request)->reason === Native::SOCLE_REASON_ALLOWED_UNDER_RESTRICTION,
        'allowed with a justification of art. 18(2)');
    check(Restriction::justificationName($request->restrictionJustification) === 'legal_claims',
        'the justification name');
    $request->restrictionJustification = 99;
    expectError(fn () => $engine->decide($request), Native::SOCLE_E_INVALID_ARGUMENT,
        'a justification that does not exist');
    $request->restrictionJustification = Native::SOCLE_RESTRICTION_JUSTIFICATION_NONE;

    $e = expectError(fn () => Restriction::lift($engine, 'P-1', 'note-1', 'ass1'),
        Native::SOCLE_E_FAILED_PRECONDITION, 'a lift without the prior notice');
    check($e === null || (str_contains($e->getMessage(), 'prior notice')
        && !str_contains($e->getMessage(), 'P-1')), 'the message says why, not who');
    Restriction::notifyLift($engine, 'P-1', 'note-1', 'ass1',
        Native::SOCLE_CONSENT_CHANNEL_PAPER);
    Restriction::lift($engine, 'P-1', 'note-1', 'ass1');
    check($engine->decide($request)->allowed()
        && Restriction::restricted($engine, 'P-1', 'note-1') === null, 'lifted');
    check(Restriction::restrictions($engine, 'P-1', false) === [], 'none in force');
    $all = Restriction::restrictions($engine, 'P-1');
    check(count($all) === 1 && !$all[0]['in_force'] && $all[0]['notified_unix_seconds'] > 0
        && $all[0]['lifted_unix_seconds'] >= $all[0]['notified_unix_seconds'],
        'listed lifted, with its notice');
    expectNamedError(fn () => Restriction::restrict($engine, 'P-1', '', 0, 'ass1'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'ground', 'a ground that does not exist');
}

function testRectification(): void
{
    $engine = ccas();
    [, $trail] = trailOf($engine, 'rectification');
    $v1 = hash('sha256', 'Situation: 3 enfants', true);
    $v2 = hash('sha256', 'Situation: 2 enfants', true);
    $statement = hash('sha256', "Je conteste l'appreciation", true);
    $engine->recordPersonInformed('P-1', 's-1', 'crip1', ['social'], 'ass1');
    $shared = $trail->share(new ShareRequest('ass1', 'crip1', 'P-1',
        Native::SOCLE_SHARING_BASIS_CASF_L226_2_1, 'accompagnement_social', 's-1',
        [['eval-1', 'social', $v1]]));
    check($shared->granted, 'shared with the CRIP');
    check(Restriction::currentVersion($engine, 'P-1', 'eval-1') === null, 'never rectified');
    expectError(fn () => Restriction::recordPersonStatement($engine, 'P-1', 'st-1', 'eval-1',
        $statement, 'ass1'), Native::SOCLE_E_FAILED_PRECONDITION,
        'a statement on an item not contested');

    Restriction::recordRectification($engine, 'P-1', 'rect-1', 'eval-1', $v1, $v2, 'ass1',
        'social', true);
    check(Restriction::currentVersion($engine, 'P-1', 'eval-1') === $v2, 'the new version');
    $notices = Restriction::pendingNotices($engine, 'P-1');
    check(count($notices) === 1 && $notices[0]['rectification'] === 'rect-1'
        && $notices[0]['item'] === 'eval-1' && $notices[0]['recipient'] === 'crip1'
        && $notices[0]['queued_unix_seconds'] === NOW, 'the recipient of the share to notify');
    Restriction::recordPersonStatement($engine, 'P-1', 'st-1', 'eval-1', $statement, 'ass1');
    check(array_column(Restriction::pendingNotices($engine, 'P-1'), 'rectification')
        === ['rect-1', 'st-1'], 'the statement is told too');
    expectNamedError(fn () => Restriction::recordRectification($engine, 'P-1', 'rect-2',
        'eval-1', $v1, $v2, 'ass1'), Native::SOCLE_E_FAILED_PRECONDITION, 'current version',
        'a version that is not the current one');
    Restriction::recordNotified($engine, 'P-1', 'rect-1', 'crip1', 'ass1',
        Native::SOCLE_CONSENT_CHANNEL_ONLINE);
    check(array_column(Restriction::pendingNotices($engine, 'P-1'), 'rectification')
        === ['st-1'], 'one notice left');
    expectError(fn () => Restriction::recordNotified($engine, 'P-1', 'rect-1', 'crip1', 'ass1'),
        Native::SOCLE_E_ALREADY_EXISTS, 'notified twice');
    expectNamedError(fn () => Restriction::recordRectification($engine, 'P-1', 'rect-3',
        'eval-1', $v2, substr($v2, 0, 16), 'ass1'), Native::SOCLE_E_INVALID_ARGUMENT,
        'new_sha256', 'a 16-byte hash');
}

$cases = [
    'sweep' => 'testSweep',
    'erasure' => 'testErasure',
    'restriction' => 'testRestriction',
    'rectification' => 'testRectification',
];
runCase('erasure_test.php', $cases, $argv);
