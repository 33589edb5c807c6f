<?php

// Policy analysis from PHP (Socle\PolicyAnalysis; docs/policy-analysis.md, "From C and the
// bindings"), run by CTest (tests/php/CMakeLists.txt) as
//   php analysis_test.php <case>
// with SOCLE_LIBRARY and SOCLE_SOURCE_DIR set, on examples/policies/ccas.textproto. Exit code 0
// only when every check passed.

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
use Socle\PolicyAnalysis;
use Socle\PolicyApproval;
use Socle\Vault;

// The line of the matrix the variant changes (as tests/analysis/diff_test.cc).
const FRONT_DESK = 'habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
    . 'data_categories: ["administrative"] }';
const FRONT_DESK_SOCIAL = 'habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, '
    . 'PRINT] data_categories: ["administrative", "social"] }';

function ccasText(): string
{
    global $source;
    return file_get_contents($source . '/examples/policies/ccas.textproto');
}

function testProve(): void
{
    $policy = Policy::load(ccasText());
    $analysis = new PolicyAnalysis($policy);
    $report = $analysis->prove();
    check($report['holds'] && $report['failed'] === 0, 'every declared property holds');
    check(count($report['properties']) === 7, 'the seven properties');
    foreach ($report['properties'] as $p) {
        check($p['holds'] === true && $p['id'] !== '' && $p['cases'] > 0, "{$p['id']} holds");
    }
    check($report['policy_digest'] === $policy->digestHex(), 'the policy digest');
    check($report['space_size'] === $analysis->spaceSize() && $report['space_size'] > 1000,
        'the space size');

    $ids = ['archives_pour_les_archivistes', 'stagiaires_sans_appreciations'];
    $chosen = $analysis->prove(null, $ids);
    check(array_column($chosen['properties'], 'id') === $ids, 'by id, in the order asked');
    expectNamedError(fn () => $analysis->prove(null, ['no_such_property']),
        Native::SOCLE_E_NOT_FOUND, 'ids[0]', 'an unknown id');

    // A false statement: refuted, with its counter-example and the engine's explanation.
    $false = $analysis->prove('forall action = read: deny');
    check(!$false['holds'] && $false['failed'] === 1, 'refuted');
    $r = $false['properties'][0];
    check($r['id'] === '' && $r['forall'] === true && $r['holds'] === false, 'the finding');
    check($r['example']['action'] === 'read' && $r['effect'] === 'allow', 'the counter-example');
    check($r['explanation'] !== '', 'the explanation');
    $true = $analysis->prove('exists role = ass and action = read and relation = team: allow');
    check($true['holds'] && $true['properties'][0]['example']['role'] === 'ass', 'a witness');

    // Bad statements: the character where they go wrong.
    expectNamedError(fn () => $analysis->prove('forall action = read deny'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'at character 22', 'no colon');
    expectNamedError(fn () => $analysis->prove('forall role = nobody: deny'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'at character 8', 'an unknown role');
}

function testDiff(): void
{
    $text = ccasText();
    $before = new PolicyAnalysis(Policy::load($text));
    $same = PolicyAnalysis::diffPolicies($before, Policy::load($text));
    check($same['changed_cases'] === 0 && $same['changes'] === [] && $same['summary'] === [],
        'a policy and itself do not differ');
    check($same['cases'] === $before->spaceSize(), 'every case compared');

    check(str_contains($text, FRONT_DESK), 'the front desk line');
    $variant = Policy::load(str_replace(FRONT_DESK, FRONT_DESK_SOCIAL, $text));
    $diff = PolicyAnalysis::diffPolicies($before, $variant);
    check($diff['changed_cases'] > 0, 'the variant differs');
    check(array_sum(array_column($diff['changes'], 'cases')) === $diff['changed_cases'],
        'the groups add up');
    foreach ($diff['changes'] as $c) {
        check($c['example']['role'] === 'secretaire_accueil'
            && $c['example']['category'] === 'social', 'only the front desk\'s social data');
    }
    check(count(array_filter($diff['summary'],
        fn ($s) => str_contains($s, '« secretaire_accueil » peut désormais'))) > 0,
        'the French summary');
    $english = $before->diff(new PolicyAnalysis($variant), 'en');
    check(count(array_filter($english['summary'],
        fn ($s) => str_contains($s, "'secretaire_accueil' may now"))) > 0, 'the English summary');
    expectNamedError(fn () => $before->diff($before, 'de'), Native::SOCLE_E_INVALID_ARGUMENT,
        'language', 'an unknown language');
}

// Two-person activation (REQ-62; docs/policy-approval.md): the front desk's wider matrix opens a
// state ledger only once the DPO and the head of service approved it and it was activated.
function testApproval(): void
{
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . '/php-approval-' . getmypid();
    @mkdir($dir, 0700, true);
    foreach (glob("{$dir}/*") ?: [] as $f) {
        @unlink($f);
    }
    $vault = Vault::open(KeyProvider::createKeyFile("{$dir}/master.key", 'approval passphrase',
        2, 64 << 20), "{$dir}/vault.db", 'ccas');
    $state = Ledger::open($vault, "{$dir}/state.db", 'state');
    $text = ccasText();
    $current = Policy::load($text);
    $wider = Policy::load(str_replace(FRONT_DESK, FRONT_DESK_SOCIAL, $text));
    $engine = AccessEngine::open($current, $state);
    $first = PolicyApproval::inForce($engine);
    check($first['mode'] === Native::SOCLE_POLICY_ACTIVATION_INITIAL
        && $first['digest'] === $current->digestHex(), 'the first policy is in force');
    $engine->loadDirectoryTsv("dpo1\tdpo\tdirection\nresp1\tresponsable_service\tpole-social\n",
        '');
    $trail = AccessTrail::create(Ledger::open($vault, "{$dir}/trail.db", 'access_trail'),
        $engine);
    $notes = [];
    foreach (['dpo1', 'resp1'] as $who) {
        [$signer, $verifier] = PolicyApproval::generateKey($who);
        check(str_starts_with($signer, "PRIVATE+KEY+{$who}+"), "{$who}'s signer key");
        PolicyApproval::registerKey($engine, $who, $verifier, 'dpo1');
        $notes[$who] = PolicyApproval::sign($current, $wider, $who, $signer);
    }
    [$forger] = PolicyApproval::generateKey('resp1');
    expectError(fn () => PolicyApproval::record($trail, $engine, $wider,
        PolicyApproval::sign($current, $wider, 'resp1', $forger)),
        Native::SOCLE_E_VERIFICATION_FAILED, 'a forged signature');
    PolicyApproval::record($trail, $engine, $wider, $notes['dpo1']);
    expectError(fn () => PolicyApproval::activate($trail, $engine, $wider, 'dpo1'),
        Native::SOCLE_E_FAILED_PRECONDITION, 'one approval');
    expectError(fn () => PolicyApproval::record($trail, $engine, $wider, $notes['dpo1']),
        Native::SOCLE_E_ALREADY_EXISTS, 'the same approval twice');
    PolicyApproval::record($trail, $engine, $wider, $notes['resp1']);
    $revision = PolicyApproval::activate($trail, $engine, $wider, 'resp1');
    $trail = null;
    $engine = null;
    expectError(fn () => AccessEngine::open($current, $state), Native::SOCLE_E_FAILED_PRECONDITION,
        'the former policy after the activation');
    $reopened = AccessEngine::open($wider, $state);
    $now = PolicyApproval::inForce($reopened);
    check($now['mode'] === Native::SOCLE_POLICY_ACTIVATION_APPROVED
        && $now['digest'] === $wider->digestHex() && $reopened->revision() === $revision,
        'the new policy in force');
    $reopened = null;
    $development = AccessEngine::open($current, $state, true);
    check(PolicyApproval::inForce($development)['mode']
        === Native::SOCLE_POLICY_ACTIVATION_DEVELOPMENT, 'development mode');
}

$cases = [
    'prove' => 'testProve',
    'diff' => 'testDiff',
    'approval' => 'testApproval',
];
runCase('analysis_test.php', $cases, $argv);
