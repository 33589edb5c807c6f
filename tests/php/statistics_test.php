<?php

// Anonymous statistics from PHP (Statistics.php; REQ-53), run by CTest (tests/php/CMakeLists.txt)
// as
//   php statistics_test.php <case>
// with SOCLE_LIBRARY, SOCLE_SOURCE_DIR and SOCLE_TEST_TMP set, on tests/stats/
// statistics_policy.textproto (the workload policy with a statistics activity and two privacy
// budgets). Exit code 0 only when every check passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\AccessEngine;
use Socle\AccessTrail;
use Socle\KeyProvider;
use Socle\Ledger;
use Socle\Native;
use Socle\Policy;
use Socle\Statistics;
use Socle\Vault;

const NOW = 1900000000;

/** @return array{0: AccessEngine, 1: AccessTrail, 2: Vault} */
function setUp(string $name): array
{
    global $source;
    $engine = new AccessEngine(Policy::load(
        file_get_contents($source . '/tests/stats/statistics_policy.textproto')));
    $engine->setTime(NOW);
    $engine->loadDirectoryTsv("sw1\tsocial_worker\tt1\n", "P-1\tt1\n");
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . "/statistics-{$name}-" . getmypid();
    @mkdir($dir, 0700, true);
    foreach (glob("{$dir}/*") ?: [] as $file) {
        unlink($file);
    }
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", 'statistics binding test', 2,
        64 << 20);
    $vault = Vault::open($provider, "{$dir}/vault.db", 'ccas');
    $ledger = Ledger::open($vault, "{$dir}/trail.db", 'access_trail',
        Native::SOCLE_DURABILITY_NONE);
    return [$engine, AccessTrail::create($ledger, $engine), $vault];
}

/** Ages × communes: 2 records in (18-29, Albi), 20 + 3a + c in the others. */
function columns(): array
{
    $ages = [];
    $communes = [];
    foreach (['18-29', '30-44', '45-59'] as $a => $age) {
        foreach (['Albi', 'Castres', 'Gaillac'] as $c => $commune) {
            $n = ($a === 0 && $c === 0) ? 2 : 20 + 3 * $a + $c;
            for ($i = 0; $i < $n; $i++) {
                $ages[] = $age;
                $communes[] = $commune;
            }
        }
    }
    return [$ages, $communes];
}

function testPublish(): void
{
    [$engine, $trail] = setUp('publish');
    $release = Statistics::publish($trail, ['age_band', 'commune'], columns(), null,
        'activite_2026', 'rapport_activite', 'sw1');
    check($release['name'] === 'activite_2026', 'its name');
    check($release['categories'][1] === ['Albi', 'Castres', 'Gaillac'], 'the communes, sorted');
    check($release['primary_suppressed'] === 1, 'one sensitive cell');
    check($release['secondary_suppressed'] >= 3, 'its complements');
    $rows = $release['rows'];
    check(count($rows) === 16, 'every cell, margins included');
    check($rows[0] === ['age_band' => '18-29', 'commune' => 'Albi',
        'status' => Native::SOCLE_CELL_STATUS_PRIMARY_SUPPRESSED, 'count' => null,
        'sum' => null], 'the cell of 2 withheld');
    check($rows[10]['count'] === 28 && $rows[10]['commune'] === 'Gaillac', '45-59 in Gaillac');
    check($rows[15]['age_band'] === 'total' && $rows[15]['count'] === 198, 'the grand total');
    $document = json_decode($release['json'], true);
    check(is_array($document) && str_contains($release['json'], 'PRIMARY_SUPPRESSED'), 'JSON');
    check(str_contains($release['csv'], "total,total,published,198,,,,,\r\n"), 'CSV');
}

function testNoisy(): void
{
    [$engine, $trail] = setUp('noisy');
    $budget = Statistics::privacyBudget($engine, 'activite');
    check($budget['epsilon'] === [1, 1] && $budget['charges'] === 0, 'ε = 1, nothing spent');
    for ($round = 0; $round < 2; $round++) {
        $release = Statistics::publishNoisy($trail, $engine, ['age_band', 'commune'], columns(),
            null, 'bruite', 'rapport_activite', 'sw1', 'activite', 2);
        check($release['noisy'], 'noisy');
        $noisy = array_filter($release['rows'],
            fn ($r) => $r['status'] === Native::SOCLE_CELL_STATUS_NOISY && $r['count'] !== null);
        check(count($noisy) === 16, 'every cell noisy and published');
        $row = $release['rows'][0]['count'] + $release['rows'][1]['count']
            + $release['rows'][2]['count'];
        check($row === $release['rows'][3]['count'], 'additive margins');
    }
    check(Statistics::privacyBudget($engine, 'activite')['laplace_epsilon_spent'] === [1, 1],
        'the budget spent');
    expectError(fn () => Statistics::publishNoisy($trail, $engine, ['age_band', 'commune'],
        columns(), null, 'bruite', 'rapport_activite', 'sw1', 'activite', 2),
        Native::SOCLE_E_RESOURCE_EXHAUSTED, 'a third release');
    expectError(fn () => Statistics::privacyBudget($engine, 'nope'), Native::SOCLE_E_NOT_FOUND,
        'an unknown dataset');
}

function testHostile(): void
{
    [$engine, $trail] = setUp('hostile');
    expectNamedError(fn () => Statistics::publish($trail, [], [], null, 't', 'rapport_activite',
        'sw1'), Native::SOCLE_E_INVALID_ARGUMENT, 'dimensions', 'no dimension');
    $e = expectError(fn () => Statistics::publish($trail, ['age_band'], [['18-29', '']], null,
        't', 'rapport_activite', 'sw1'), Native::SOCLE_E_INVALID_ARGUMENT, 'an empty label');
    check($e !== null && str_contains($e->getMessage(), 'records[1]')
        && !str_contains($e->getMessage(), '18-29'), 'the position, never the label');
    expectNamedError(fn () => Statistics::publish($trail, ['age_band'], [['18-29']], [-1], 't',
        'rapport_activite', 'sw1'), Native::SOCLE_E_INVALID_ARGUMENT, 'negative',
        'a negative amount');
    expectNamedError(fn () => Statistics::publish($trail, ['age_band'], [['18-29']], null, 't',
        'nowhere', 'sw1'), Native::SOCLE_E_NOT_FOUND, 'activity', 'an unknown activity');
}

$cases = [
    'publish' => 'testPublish',
    'noisy' => 'testNoisy',
    'hostile' => 'testHostile',
];
runCase('statistics_test.php', $cases, $argv);
