<?php

// Representatives, consents, objections and consent receipts from PHP (Consent.php,
// ConsentSpec, ConsentStatus, AccessEngine's consent methods), run by CTest
// (tests/php/CMakeLists.txt) as
//   php consent_test.php <case>
// with SOCLE_LIBRARY, SOCLE_SOURCE_DIR and SOCLE_TEST_TMP set. Exit code 0 only when every check
// of the case passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\AccessEngine;
use Socle\AccessRequest;
use Socle\Consent;
use Socle\ConsentSpec;
use Socle\KeyProvider;
use Socle\Ledger;
use Socle\Native;
use Socle\Policy;
use Socle\SocleException;
use Socle\Vault;

// 2040-06-01 12:00 UTC: later than the real clock (the engine's clock never goes back). On that
// day `child` (born 2025-06-02) is 14 years and 364 days old, `teen` (born 2025-06-01) 15.
const DAY = 2222164800;
define('ATELIER', file_get_contents($source . '/tests/access/consent_activity.textproto'));

function policy(): Policy
{
    global $source;
    return Policy::load(file_get_contents($source . '/tests/access/workload_policy.textproto')
        . ATELIER);
}

function prepare(AccessEngine $engine): void
{
    $engine->setTime(DAY);
    $engine->loadDirectoryTsv("sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n",
        "child\tt1\t\t2025-06-02\nteen\tt1\t\t2025-06-01\nmother\tt1\t\t1995-01-02\n"
        . "father\tt1\t\t1993-07-14\nadult\tt1\t\t1970-06-01\n");
    foreach (['mother', 'father'] as $parent) {
        $engine->setRepresentative('child', $parent,
            Native::SOCLE_REPRESENTATION_PARENTAL_AUTHORITY, '2025-06-02', '', 'livret de famille',
            'sw1');
    }
}

function engine(): AccessEngine
{
    $engine = new AccessEngine(policy());
    prepare($engine);
    return $engine;
}

/** @param list<string> $givenBy */
function workshops(string $person, array $givenBy): ConsentSpec
{
    return new ConsentSpec($person, 'atelier', $givenBy, 'notice-ateliers-v3',
        hash('sha256', 'Notice des ateliers, version 3', true), 'sw1',
        channel: Native::SOCLE_CONSENT_CHANNEL_PAPER, evidenceReference: 'formulaire 2040-117');
}

function reason(AccessEngine $engine, string $person, string $purpose): int
{
    $r = new AccessRequest($engine->findProfessional('sw1'), $engine->findPerson($person),
        $engine->findCategory('social'), $engine->findPurpose($purpose));
    return $engine->decide($r)->reason;
}

function testConsents(): void
{
    $engine = engine();
    $status = $engine->consentStatus('child', 'atelier');
    check($status->state === Native::SOCLE_CONSENT_STATE_NOT_GIVEN && $status->revision === 0,
        'nothing is consented by default');
    check(reason($engine, 'child', 'atelier') === Native::SOCLE_REASON_NO_CONSENT, 'no_consent');

    $incomplete = $engine->giveConsent(workshops('child', ['child', 'mother']));
    check($incomplete === $engine->revision(), 'the grant returns the revision');
    $status = $engine->consentStatus('child', 'atelier');
    check($status->name() === 'incomplete_for_minor' && !$status->valid()
        && $status->revision === $incomplete, 'under 15, one parent is not enough');

    $given = $engine->giveConsent(workshops('child', ['child', 'mother', 'father']));
    $status = $engine->consentStatus('child', 'atelier', category: 'social');
    check($status->valid() && $status->revision === $given, 'the child and both parents');
    check(reason($engine, 'child', 'atelier') === Native::SOCLE_REASON_ALLOWED, 'allowed');
    $engine->giveConsent(workshops('teen', ['teen']));
    check($engine->consentStatus('teen', 'atelier')->valid(), 'at 15, the teen alone');
    // The person summary (REQ-55) shows both consents, the representatives who gave the second.
    $summary = json_decode($engine->personSummary('child'), true, flags: JSON_THROW_ON_ERROR);
    check(count($summary['consents']) === 2
        && $summary['consents'][1]['given_by'] === ['child', 'mother', 'father']
        && $summary['consents'][1]['state'] === 'VALID'
        && $summary['consents'][1]['notice_language'] === 'fr', 'the person summary');

    $engine->setTime(DAY + 3600);
    $engine->withdrawConsent('child', 'atelier', 'father', Native::SOCLE_CONSENT_CHANNEL_PHONE,
        'sw1');
    $status = $engine->consentStatus('child', 'atelier');
    check($status->state === Native::SOCLE_CONSENT_STATE_WITHDRAWN
        && $status->revision === $given, 'withdrawn');
    check($engine->consentStatus('child', 'atelier', atUnixSeconds: DAY)->valid(),
        'valid as it was then');
    check(reason($engine, 'child', 'atelier') === Native::SOCLE_REASON_NO_CONSENT,
        'no_consent after the withdrawal');
    expectNamedError(fn () => $engine->withdrawConsent('child', 'atelier', 'father',
        Native::SOCLE_CONSENT_CHANNEL_PHONE, 'sw1'), Native::SOCLE_E_NOT_FOUND, '',
        'nothing left to withdraw');
    $engine->endRepresentative('child', 'mother', Native::SOCLE_REPRESENTATION_PARENTAL_AUTHORITY,
        '2040-06-30', 'sw1');
}

function testObjection(): void
{
    $engine = engine();
    $engine->recordObjection('adult', Native::SOCLE_OBJECTION_KIND_PROCESSING, 'accompagnement',
        'adult', 'sw1');
    check(reason($engine, 'adult', 'accompagnement') === Native::SOCLE_REASON_OBJECTION_PENDING,
        'objection_pending');
    expectNamedError(fn () => $engine->recordObjection('adult', Native::SOCLE_OBJECTION_KIND_PROCESSING,
        'accompagnement', 'adult', 'sw1'), Native::SOCLE_E_ALREADY_EXISTS, '', 'not twice');
    $engine->decideObjection('adult', 'accompagnement', Native::SOCLE_OBJECTION_OUTCOME_UPHELD,
        'aucun motif impérieux', 'mgr1');
    check(reason($engine, 'adult', 'accompagnement') === Native::SOCLE_REASON_OBJECTION_UPHELD,
        'objection_upheld');
    $engine->withdrawObjection('adult', Native::SOCLE_OBJECTION_KIND_PROCESSING, 'accompagnement',
        'sw1');
    check(reason($engine, 'adult', 'accompagnement') === Native::SOCLE_REASON_ALLOWED,
        'allowed once withdrawn');
}

function testHostile(): void
{
    $engine = engine();
    $before = $engine->revision();
    $short = workshops('adult', ['adult']);
    $short->informationSha256 = substr($short->informationSha256, 0, 31);
    expectNamedError(fn () => $engine->giveConsent($short), Native::SOCLE_E_INVALID_ARGUMENT,
        'sha256', 'a 31-byte SHA-256');
    $unknown = workshops('adult', ['adult']);
    $unknown->purpose = 'nothing_such';
    expectNamedError(fn () => $engine->giveConsent($unknown), Native::SOCLE_E_NOT_FOUND, '',
        'an unknown purpose');
    $badScope = workshops('adult', ['adult']);
    $badScope->scope = 3;
    expectNamedError(fn () => $engine->giveConsent($badScope), Native::SOCLE_E_INVALID_ARGUMENT,
        'scope', 'a scope out of range');
    expectNamedError(fn () => $engine->consentStatus('adult', 'atelier', 9),
        Native::SOCLE_E_INVALID_ARGUMENT, 'scope', 'a status of scope 9');
    expectNamedError(fn () => $engine->withdrawConsent('adult', 'atelier', 'adult', 42, 'sw1'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'channel', 'channel 42');
    expectNamedError(fn () => $engine->setRepresentative('adult', 'mother',
        Native::SOCLE_REPRESENTATION_GUARDIANSHIP, '2040-02-30', '', 'jugement', 'sw1'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'from', 'a day that does not exist');
    expectNamedError(fn () => $engine->decideObjection('adult', 'accompagnement',
        Native::SOCLE_OBJECTION_OUTCOME_PENDING, 'x', 'mgr1'), Native::SOCLE_E_INVALID_ARGUMENT,
        'outcome', 'PENDING is not a decision');
    check($engine->revision() === $before, 'nothing recorded');
    check($engine->consentStatus('adult', 'atelier')->state
        === Native::SOCLE_CONSENT_STATE_NOT_GIVEN, 'still not given');
}

function testReceipt(): void
{
    $tmp = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . '/php-consent-' . getmypid();
    @mkdir($tmp, 0700, true);
    foreach (['master.key', 'vault.db', 'state.db'] as $f) {
        @unlink("{$tmp}/{$f}");
    }
    $provider = KeyProvider::createKeyFile("{$tmp}/master.key", 'consent test passphrase', 2,
        64 << 20);
    $vault = Vault::open($provider, "{$tmp}/vault.db", 'ccas-lyon');
    $state = Ledger::open($vault, "{$tmp}/state.db", 'state');
    $policy = policy();
    $engine = AccessEngine::open($policy, $state);
    prepare($engine);
    $revision = $engine->giveConsent(workshops('teen', ['teen']));

    $receipt = Consent::issueReceipt($state, $policy, $revision - 1);
    $key = Consent::receiptVerifierKey($state);
    $checked = Consent::verifyReceipt($receipt, $key, $state->verifierKey());
    check($checked['index'] === $revision - 1, 'the receipt proves the entry of the grant');
    check(is_array(json_decode($checked['json'], true)) && str_contains($checked['json'],
        'atelier'), 'the JSON-LD document');
    $altered = str_replace('notice-ateliers-v3', 'notice-ateliers-v4', $receipt);
    check($altered !== $receipt, 'the receipt names the notice');
    expectNamedError(fn () => Consent::verifyReceipt($altered, $key, $state->verifierKey()),
        Native::SOCLE_E_VERIFICATION_FAILED, '', 'an altered receipt');
    expectNamedError(fn () => Consent::issueReceipt($state, $policy, 0),
        Native::SOCLE_E_INVALID_ARGUMENT, '', 'entry 0 is not a consent');
}

$cases = [
    'consents' => 'testConsents',
    'objection' => 'testObjection',
    'hostile' => 'testHostile',
    'receipt' => 'testReceipt',
];
runCase('consent_test.php', $cases, $argv);
