<?php

// Retention, rights requests and breaches from PHP (Retention.php), run by CTest
// (tests/php/CMakeLists.txt) as
//   php retention_test.php <case>
// with SOCLE_LIBRARY, SOCLE_SOURCE_DIR and SOCLE_TEST_TMP set. On the CCAS example: financial
// papers 24 months active after the last contact from the person, then 36 months of intermediate
// archive; the head of service is the archivist. Exit code 0 only when every check passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\AccessEngine;
use Socle\AccessRequest;
use Socle\Native;
use Socle\Policy;
use Socle\Retention;

const NOW = 4102444800; // 2100-01-01 00:00 UTC, ahead of the real clock
const DAY_SECONDS = 86400;

function engine(): AccessEngine
{
    global $source;
    $engine = new AccessEngine(Policy::load(
        file_get_contents($source . '/examples/policies/ccas.textproto')));
    $engine->setTime(NOW);
    $engine->loadDirectoryTsv("ass1\tass\tpole-social\tccas\n"
        . "resp1\tresponsable_service\tpole-social\tccas\n", "P-1\t\tass1\n");
    return $engine;
}

function testRetention(): void
{
    $engine = engine();
    // The file opened a year ago (its first contact) and the person came today; no team holds
    // the case (the referent alone): the CCAS's other rules of the financial papers end within
    // the 24 months.
    Retention::recordContact($engine, 'P-1', 'ass1', day: '2099-01-01');
    $revision = Retention::recordContact($engine, 'P-1', 'ass1');
    check($revision === $engine->revision(), 'the contact is the last event');
    $financial = $engine->findCategory('financial');
    $now = Retention::phases($engine, 'P-1')[$financial];
    check($now['phase'] === Native::SOCLE_RETENTION_PHASE_ACTIVE, 'active today');
    check($now['start_day'] === '2100-01-01', 'counted from the contact');
    check($now['next_change'] === '2102-01-01', 'archived after 24 months');
    $later = Retention::phases($engine, 'P-1', '2102-06-01')[$financial];
    check($later['phase'] === Native::SOCLE_RETENTION_PHASE_INTERMEDIATE_ARCHIVE,
        'in the intermediate archive two years later');
    check($later['since'] === '2102-01-01' && $later['next_change'] === '2105-01-01',
        'for 36 months');
    check(Retention::phaseName($later['phase']) === 'intermediate_archive', 'its name');

    $engine->setTime(NOW + 900 * DAY_SECONDS);
    $request = new AccessRequest($engine->findProfessional('ass1'), $engine->findPerson('P-1'),
        $financial, $engine->findPurpose('aides_facultatives'));
    check($engine->decide($request)->reason === Native::SOCLE_REASON_ARCHIVED,
        'an ordinary professional is refused');
    $archivist = new AccessRequest($engine->findProfessional('resp1'),
        $engine->findPerson('P-1'), $financial, $engine->findPurpose('aides_facultatives'));
    check(Retention::decideWithArchiveReason($engine, $archivist, 'Recours gracieux')->reason
        === Native::SOCLE_REASON_ALLOWED_ARCHIVIST, 'the archivist with a reason');
    check(Retention::decideWithArchiveReason($engine, $archivist, '')->reason
        === Native::SOCLE_REASON_NOT_ASSIGNED,
        'the archivist without a reason is an outsider to the file');

    expectNamedError(fn () => Retention::recordContact($engine, 'P-1', 'ass1', 9),
        Native::SOCLE_E_INVALID_ARGUMENT, 'originator', 'an originator that does not exist');
    $e = expectError(fn () => Retention::phases($engine, 'P-SECRET-7'),
        Native::SOCLE_E_NOT_FOUND, 'an unknown person');
    check($e === null || !str_contains($e->getMessage(), 'P-SECRET-7'), 'not named');
}

function testRights(): void
{
    $engine = engine();
    Retention::recordRightsRequest($engine, 'DA-1', Native::SOCLE_RIGHTS_REQUEST_KIND_ACCESS,
        'P-1', 'ass1', channel: Native::SOCLE_CONSENT_CHANNEL_PAPER);
    $request = Retention::getRightsRequest($engine, 'DA-1');
    check($request['deadline'] === '2100-02-01' && $request['days_left'] === 31,
        'due in one month');
    check($request['status'] === Native::SOCLE_RIGHTS_REQUEST_STATUS_OPEN, 'open');
    check(count(Retention::openRightsRequests($engine, 'P-1')) === 1, "the person's open list");
    check(count(Retention::rightsRequestsDueWithin($engine, 7, '2100-01-25')) === 1, 'due soon');
    check(Retention::overdueRightsRequests($engine) === [], 'not overdue yet');

    $engine->setTime(NOW + 40 * DAY_SECONDS);
    $e = expectError(fn () => Retention::extendRightsRequest($engine, 'DA-1', 'Pièces', 2,
        'ass1'), Native::SOCLE_E_FAILED_PRECONDITION, 'an extension told too late');
    check($e === null || str_starts_with($e->getMessage(), 'extension_too_late:'),
        'the message says why');
    $overdue = Retention::overdueRightsRequests($engine);
    check(count($overdue) === 1 && $overdue[0]['request'] === 'DA-1'
        && $overdue[0]['days_left'] === -9, "on the DPO's overdue list, 9 days late");
    Retention::closeRightsRequest($engine, 'DA-1', 'ass1');
    check(Retention::rightsRegister($engine)[0]['status']
        === Native::SOCLE_RIGHTS_REQUEST_STATUS_ANSWERED, 'answered');
    expectNamedError(fn () => Retention::recordRightsRequest($engine, 'DA-2', 42, 'P-1', 'ass1'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'kind', 'a kind that does not exist');
}

function testBreach(): void
{
    $engine = engine();
    $aware = NOW - 3600;
    Retention::recordBreach($engine, 'V-1', $aware, ['confidentiality', 'lost_laptop'],
        Native::SOCLE_BREACH_RISK_HIGH, 'ass1', personsConcerned: 120);
    $breach = Retention::getBreach($engine, 'V-1');
    check($breach['nature'] === ['confidentiality', 'lost_laptop'], 'its nature');
    check($breach['authority_deadline_unix_seconds'] === $aware + 72 * 3600, '72 hours');
    check($breach['person_notification_required'] === 1, 'the persons must be told');
    check(count(Retention::overdueBreachNotifications($engine, $aware + 73 * 3600)) === 1,
        'late for the authority after 72 hours');
    expectError(fn () => Retention::closeBreach($engine, 'V-1', 'ass1'),
        Native::SOCLE_E_FAILED_PRECONDITION, 'closing before the notifications');
    Retention::notifyBreachAuthority($engine, 'V-1', 'ass1', reference: 'CNIL-1');
    Retention::notifyBreachPersons($engine, 'V-1', 'letter', 'ass1');
    Retention::closeBreach($engine, 'V-1', 'ass1');
    $register = Retention::breachRegister($engine);
    check(count($register) === 1 && $register[0]['closed_unix_seconds'] === NOW, 'closed');
    expectNamedError(fn () => Retention::recordBreach($engine, 'V-2', 0, ['availability'], 0,
        'ass1'), Native::SOCLE_E_INVALID_ARGUMENT, 'risk', 'a risk that does not exist');
}

$cases = [
    'retention' => 'testRetention',
    'rights' => 'testRights',
    'breach' => 'testBreach',
];
runCase('retention_test.php', $cases, $argv);
