<?php

// The PHP binding's tests (label `php`), run by CTest (tests/php/CMakeLists.txt) as
//   php bindings_test.php <case>
// with SOCLE_LIBRARY (the libsocle of the build), SOCLE_ACCESS_WORKLOAD_DIR, SOCLE_SOURCE_DIR and
// SOCLE_TEST_TMP set. Exit code 0 only when every check of the case passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\AccessEngine;
use Socle\AccessTrail;
use Socle\AccessRequest;
use Socle\KeyProvider;
use Socle\Ledger;
use Socle\Native;
use Socle\Policy;
use Socle\Pseudonymizer;
use Socle\Redactor;
use Socle\SocleException;
use Socle\Storage;
use Socle\Vault;

const PURPOSE = 'accompagnement';
const REQUEST_FILES = ['requests_allowed.tsv', 'requests_denied.tsv', 'requests_mixed.tsv'];
const EXPECTED_REASONS = [
    'allow' => Native::SOCLE_REASON_ALLOWED,
    'allow_own_masked' => Native::SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED,
    'deny_not_in_team' => Native::SOCLE_REASON_NOT_ASSIGNED,
    'deny_role_category' => Native::SOCLE_REASON_ROLE_DOES_NOT_ALLOW,
    'deny_masked' => Native::SOCLE_REASON_MASKED,
];

function workloadDir(): string
{
    global $source;
    return getenv('SOCLE_ACCESS_WORKLOAD_DIR') ?: $source . '/tests/access/workload';
}

function workloadEngine(): AccessEngine
{
    global $source;
    $policy = Policy::loadFile($source . '/tests/access/workload_policy.textproto');
    $engine = new AccessEngine($policy);
    $revision = $engine->loadDirectoryTsvFiles(workloadDir() . '/professionals.tsv',
        workloadDir() . '/persons.tsv');
    // One event per professional (2,000) and per person (100,000).
    check($revision === 102000 && $engine->revision() === 102000, "revision {$revision}");
    return $engine;
}

/**
 * The rows of a request file: [professional, action, record, person, category, masked, author,
 * decision, reason].
 *
 * @return list<list<string>>
 */
function readRows(string $name): array
{
    $rows = [];
    foreach (file(workloadDir() . '/' . $name, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES)
             as $line) {
        $rows[] = explode("\t", $line);
    }
    check(count($rows) === 20000, "{$name}: " . count($rows) . ' rows');
    return $rows;
}

/** @return list<AccessRequest> */
function requestsOf(AccessEngine $engine, array $rows): array
{
    $purpose = $engine->findPurpose(PURPOSE);
    $categories = [];
    $requests = [];
    foreach ($rows as $r) {
        $categories[$r[4]] ??= $engine->findCategory($r[4]);
        $requests[] = new AccessRequest(
            actor: $engine->findProfessional($r[0]),
            person: $engine->findPerson($r[3]),
            category: $categories[$r[4]],
            purpose: $purpose,
            action: $r[1] === 'write' ? Native::SOCLE_ACTION_WRITE : Native::SOCLE_ACTION_READ,
            author: $engine->findProfessional($r[6]),
            masked: $r[5] === '1',
            item: $r[2]
        );
    }
    return $requests;
}

/**
 * The number of decisions that differ from the file's expectations (effect or reason), the
 * first few described on stderr.
 *
 * @param list<\Socle\Decision> $decisions
 */
function mismatches(string $name, array $rows, array $decisions, bool $quiet = false): int
{
    $wrong = 0;
    if (count($decisions) !== count($rows)) {
        fwrite(STDERR, "{$name}: " . count($decisions) . ' decisions for ' . count($rows)
            . " requests\n");
        return max(1, count($rows));
    }
    foreach ($rows as $i => $r) {
        $d = $decisions[$i];
        if ($d->allowed() !== ($r[7] === 'allow') || $d->reason !== EXPECTED_REASONS[$r[8]]
            || ($d->obligations & Native::SOCLE_OBLIGATION_LOG) === 0) {
            if (++$wrong <= 5 && !$quiet) {
                fwrite(STDERR, sprintf("%s line %d: expected %s, got %s\n", $name, $i + 1, $r[8],
                    $d->reasonName()));
            }
        }
    }
    return $wrong;
}

function testWorkloadOneCallPerRequest(): void
{
    $engine = workloadEngine();
    foreach (REQUEST_FILES as $name) {
        $rows = readRows($name);
        $decisions = [];
        foreach (requestsOf($engine, $rows) as $request) {
            $decisions[] = $engine->decide($request);
        }
        $wrong = mismatches($name, $rows, $decisions);
        check($wrong === 0, "{$name}, one call per request: {$wrong} mismatches");
        check($decisions[0]->revision === 102000, 'decisions carry the revision');
    }
    // The comparison itself can fail: the same decisions against flipped expectations.
    $rows = readRows('requests_mixed.tsv');
    $decisions = $engine->decideMany(requestsOf($engine, array_slice($rows, 0, 10)));
    $flipped = array_map(static fn(array $r): array =>
        array_replace($r, [7 => $r[7] === 'allow' ? 'deny' : 'allow']), array_slice($rows, 0, 10));
    check(mismatches('flipped', $flipped, $decisions, true) === 10,
        'the mismatch count sees a wrong decision');
}

function testWorkloadBatch(): void
{
    $engine = workloadEngine();
    foreach (REQUEST_FILES as $name) {
        $rows = readRows($name);
        $decisions = $engine->decideMany(requestsOf($engine, $rows));
        $wrong = mismatches($name, $rows, $decisions);
        check($wrong === 0, "{$name}, one batch call: {$wrong} mismatches");
    }

    // requests_denied.tsv line 1: p872 shares no team with x50757.
    $request = new AccessRequest(
        actor: $engine->findProfessional('p872'),
        person: $engine->findPerson('x50757'),
        category: $engine->findCategory('administrative'),
        purpose: $engine->findPurpose(PURPOSE),
        author: $engine->findProfessional('p953'),
        item: 'r20001'
    );
    $e = $engine->explain($request);
    check(!$e->decision->allowed() && $e->decision->reason === Native::SOCLE_REASON_NOT_ASSIGNED,
        'explain: the decision');
    check($e->decision == $engine->decide($request), 'explain gives what decide gives');
    $decisive = $e->decisiveStep();
    check($decisive !== null && $decisive->check === 'need_to_know' && !$decisive->passed,
        'explain: need_to_know is the decisive step');
    check(count(array_filter($e->steps, static fn($s) => $s->decisive)) === 1,
        'explain: exactly one decisive step');
    check(str_contains($e->text, 'not_assigned'), 'explain: the text names the reason');
    check($engine->ruleName($e->decision->rule) !== '', 'ruleName');

    // filter_view: one visible item, one the actor may not see.
    $visible = new AccessRequest(
        actor: $engine->findProfessional('p23'),
        person: $engine->findPerson('x70058'),
        category: $engine->findCategory('health'),
        purpose: $engine->findPurpose(PURPOSE)
    );
    check($engine->filterView([$visible, $request])
        === [Native::SOCLE_VIEW_VISIBLE, Native::SOCLE_VIEW_ABSENT], 'filterView');

    // list_persons is what deciding every person gives.
    $actor = $engine->findProfessional('p23');
    $category = $engine->findCategory('administrative');
    $purpose = $engine->findPurpose(PURPOSE);
    $listed = $engine->listPersons($actor, $category, $purpose);
    $everyone = [];
    for ($person = 0; $person < 100000; $person++) {
        $everyone[] = new AccessRequest($actor, $person, $category, $purpose);
    }
    $allowed = [];
    foreach ($engine->decideMany($everyone) as $person => $d) {
        if ($d->allowed()) {
            $allowed[] = $person;
        }
    }
    check(count($listed) > 1024 && $listed === $allowed,
        'listPersons equals deciding everyone (' . count($listed) . ' persons)');

    expectError(static fn() => $engine->findPerson('nobody'), Native::SOCLE_E_NOT_FOUND,
        'an unknown person');
}

function testPolicyError(): void
{
    $e = expectError(static fn() => Policy::load(
        "format_version: 1\nid: \"broken\"\ncolour: \"blue\"\n", 'broken.textproto'),
        Native::SOCLE_E_PARSE, 'an unknown field');
    if ($e !== null) {
        check($e->statusName() === 'PARSE', 'status name');
        $d = $e->diagnostics()[0] ?? null;
        check($d !== null && $d->line === 3 && $d->column >= 1 && str_contains($d->message, 'colour'),
            'the parse error is on line 3');
        check(str_contains($e->getMessage(), 'broken.textproto'), 'the message names the source');
    }
    $e = expectError(static fn() => Policy::load("format_version: 1\nid: \"broken\"\n"
        . "revision: \"test\"\nstatistics {\n  small_cell_threshold: 2\n}\n", 'broken.textproto'),
        Native::SOCLE_E_POLICY_INVALID, 'a semantic error');
    if ($e !== null) {
        $threshold = array_values(array_filter($e->diagnostics(),
            static fn($d) => $d->code === 'statistics.threshold_too_low'));
        check(count($e->diagnostics()) > 1, 'every problem is reported');
        check(count($threshold) === 1 && $threshold[0]->line === 5 && $threshold[0]->column === 3
            && $threshold[0]->path === 'statistics.small_cell_threshold'
            && $threshold[0]->isError(), 'the threshold diagnostic is at 5:3');
        check(str_contains((string) $e->getMessage(), '5:3: error: '), 'the message holds 5:3');
    }
    global $source;
    $policy = Policy::loadFile($source . '/examples/policies/ccas.textproto');
    check($policy->id() !== '' && strlen($policy->digestHex()) === 64, 'a valid policy loads');
}

function testVault(): void
{
    global $source;
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . '/php-vault-' . getmypid();
    @mkdir($dir, 0700, true);
    foreach (['master.key', 'vault.db', 'vault.db-wal', 'vault.db-shm'] as $f) {
        @unlink("{$dir}/{$f}");
    }
    $passphrase = 'correct horse battery staple';
    // The weakest Argon2id cost socle accepts (libsodium's INTERACTIVE set), to keep the test fast.
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", $passphrase, 2, 64 << 20);
    check($provider->keyId() !== '', 'the key file has an id');
    expectError(static fn() => KeyProvider::createKeyFile("{$dir}/master.key", $passphrase, 2,
        64 << 20), Native::SOCLE_E_ALREADY_EXISTS, 'a second key file at the same path');
    expectError(static fn() => KeyProvider::openKeyFile("{$dir}/master.key", 'wrong passphrase'),
        Native::SOCLE_E_VERIFICATION_FAILED, 'a wrong passphrase');
    $vault = Vault::open($provider, "{$dir}/vault.db", 'ccas-1');
    $provider = null; // the vault keeps its own reference

    $note = "Entretien du 3 mars : situation stable.\x00\xff";
    $sealed = $vault->sealRecord('x1', 'note-7', $note);
    check(strlen($sealed) === strlen($note) + Native::SOCLE_VAULT_SEAL_OVERHEAD, 'sealed size');
    check(!str_contains($sealed, 'Entretien'), 'the sealed bytes hide the text');
    check($vault->openRecord('x1', 'note-7', $sealed) === $note, 'the round trip');
    $tampered = $sealed;
    $tampered[strlen($tampered) - 1] = chr(ord($tampered[strlen($tampered) - 1]) ^ 1);
    expectError(static fn() => $vault->openRecord('x1', 'note-7', $tampered),
        Native::SOCLE_E_VERIFICATION_FAILED, 'altered bytes');
    expectError(static fn() => $vault->openRecord('x1', 'note-8', $sealed),
        Native::SOCLE_E_VERIFICATION_FAILED, 'another record');

    // Reopened from the key file, the same vault opens the record.
    $vault = null;
    $vault = Vault::open(KeyProvider::openKeyFile("{$dir}/master.key", $passphrase),
        "{$dir}/vault.db", 'ccas-1');
    check($vault->openRecord('x1', 'note-7', $sealed) === $note, 'after reopening');

    $vault->shredPerson('x1');
    expectError(static fn() => $vault->openRecord('x1', 'note-7', $sealed),
        Native::SOCLE_E_NOT_FOUND, 'a shredded person');

    // Pseudonyms from in-memory secrets, in the PERSON domain of the example policy.
    $policy = Policy::loadFile($source . '/examples/policies/ccas.textproto');
    $p = Pseudonymizer::fromSecrets($policy, [1 => str_repeat("\x42", 32)]);
    check($p->currentVersion() === 1, 'current version');
    $context = $p->context('recherche_non_recours');
    $one = $context->compute('x1');
    check(strlen($one) === Native::SOCLE_PSEUDONYM_TEXT_LEN && str_starts_with($one, 'P0001'),
        "pseudonym text form: {$one}");
    check($context->compute('x1') === $one && $context->compute('x2') !== $one,
        'a PERSON domain is stable per person');
    check(strlen($context->compute('x1', true)) === Native::SOCLE_PSEUDONYM_BYTES, 'binary form');
    check($context->computeMany(['x1', 'x2']) === [$one, $context->compute('x2')], 'batch');
    $again = Pseudonymizer::fromSecrets($policy, [1 => str_repeat("\x42", 32)]);
    check($again->context('recherche_non_recours')->compute('x1') === $one,
        'the same secret gives the same pseudonym');
    expectError(static fn() => $p->context('no_such_domain'), Native::SOCLE_E_NOT_FOUND,
        'an unknown domain');
    expectError(static fn() => Pseudonymizer::fromSecrets($policy, [1 => 'short']),
        Native::SOCLE_E_INVALID_ARGUMENT, 'a too short secret');
}

function testLedger(): void
{
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . '/php-ledger-' . getmypid();
    @mkdir($dir, 0700, true);
    foreach (glob("{$dir}/*") ?: [] as $f) {
        @unlink($f);
    }
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", 'ledger passphrase', 2, 64 << 20);
    $vault = Vault::open($provider, "{$dir}/vault.db", 'ccas-1');
    $ledger = Ledger::open($vault, "{$dir}/trail.db", 'access_trail',
        Native::SOCLE_DURABILITY_SYNC);
    $vault = null; // the ledger keeps it alive
    check($ledger->origin() === 'socle/ccas-1/access_trail', 'origin ' . $ledger->origin());
    check(str_starts_with($ledger->verifierKey(), 'socle/ccas-1/access_trail+'), 'verifier key');

    $engine = workloadEngine();
    $trail = AccessTrail::create($ledger, $engine);
    $requests = array_slice(requestsOf($engine, readRows('requests_mixed.tsv')), 0, 4);
    $one = $trail->decide($requests[0], 'justification');
    $many = $trail->decideMany($requests);
    check($many[0] == $one, 'the batch decides as the single call');
    check($engine->decide($requests[1]) == $many[1], 'the trail decides as the engine');
    $trail->recordOperation(Native::SOCLE_TRAIL_OPERATION_EXPORT, 'someone',
        $engine->personName($requests[0]->person), 'export pdf');

    // The person of the first request reads their history, one entry a page.
    $person = $engine->personName($requests[0]->person);
    $expected = 0;
    foreach ($requests as $r) {
        $expected += $r->person === $requests[0]->person ? 1 : 0;
    }
    $decisions = 0;
    $operations = 0;
    $after = -1;
    $pages = 0;
    do {
        $page = $trail->history($person, $person, true, $after, 1);
        foreach ($page['entries'] as $e) {
            if ($e['type'] === Native::SOCLE_LEDGER_ENTRY_ACCESS_DECISION) {
                $decisions++;
                check($e['readable'] && $e['category'] !== '' && $e['reason'] !== '',
                    'a readable decision');
            } elseif ($e['operation'] === 'export') {
                $operations++;
                check($e['detail'] === 'export pdf', 'the operation detail');
            }
        }
        check(str_starts_with($page['checkpoint_note'], "socle/ccas-1/access_trail\n"),
            'the checkpoint note');
        $after = $page['next_after'];
    } while ($after !== -1 && ++$pages < 100);
    check($decisions === $expected + 1, "{$decisions} decisions, expected " . ($expected + 1));
    check($operations === 1, 'the export is in the history');
    expectError(static fn() => $trail->history($person, 'nobody'),
        Native::SOCLE_E_PERMISSION_DENIED, 'a reader who may not read');

    $checkpoint = $ledger->checkpoint();
    check($checkpoint['size'] === $ledger->size() && strlen($checkpoint['root']) === 32,
        'the checkpoint covers the ledger');
    $proof = $ledger->proveInclusion(1);
    check($proof['tree_size'] === $checkpoint['size'] && count($proof['hashes']) > 0, 'a proof');
    $ticket = $ledger->append(Native::SOCLE_LEDGER_ENTRY_OPERATION, "\x08\x01");
    check($ledger->waitDurable($ticket) === $checkpoint['size'], 'the appended index');
    expectError(static fn() => $ledger->updateEntry(0, 'admin'),
        Native::SOCLE_E_LOG_TAMPER_ATTEMPT, 'an update');
    expectError(static fn() => $ledger->deleteEntry(0, 'admin'),
        Native::SOCLE_E_LOG_TAMPER_ATTEMPT, 'a delete');
    $ledger->flush();
    $verification = $ledger->verify();
    check($verification['ok'] && $verification['entries'] === $checkpoint['size'] + 3,
        'verified: ' . $verification['problem']);
}

function testStorage(): void
{
    // freshDir() empties files, not directories: a new subdirectory for each run.
    $dir = freshDir('storage') . '/' . bin2hex(random_bytes(4));
    mkdir($dir, 0700);
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", 'storage passphrase', 2, 64 << 20);
    $location = "{$dir}/ccas"; // absent: created
    $storage = Storage::open($location);
    check(!$storage->isPostgresql() && $storage->location() === $location,
        'a directory: ' . $storage->location());
    $vault = $storage->openVault($provider, 'ccas-1');
    $ledger = $storage->openLedger($vault, 'access_trail', Native::SOCLE_DURABILITY_SYNC);
    $storage = null; // the vault and the ledger outlive it
    check(is_dir($location) && (fileperms($location) & 0777) === 0700, 'the directory, 0700');
    check(is_file("{$location}/vault.db") && is_file("{$location}/access_trail.db"),
        'vault.db and access_trail.db in the directory');
    $sealed = $vault->sealRecord('x1', 'note-1', 'visite');
    check($vault->openRecord('x1', 'note-1', $sealed) === 'visite', 'a record seals and opens');
    check($ledger->origin() === 'socle/ccas-1/access_trail', 'origin ' . $ledger->origin());
    for ($i = 0; $i < 3; $i++) {
        $ledger->waitDurable($ledger->append(Native::SOCLE_LEDGER_ENTRY_OPERATION, "\x08\x01",
            'x1'));
    }
    $checkpoint = $ledger->checkpoint();
    check($checkpoint['size'] === 3, 'three entries');
    check(is_file("{$location}/access_trail.db.checkpoint"), 'the witness beside the file');
    $verification = $ledger->verify();
    check($verification['ok'] && $verification['entries'] === 3,
        'verified: ' . $verification['problem']);
    $ledger = null;
    $vault = null;

    // The same location again: the same vault and ledger.
    $storage = Storage::open($location);
    $vault = $storage->openVault($provider, 'ccas-1');
    check($vault->openRecord('x1', 'note-1', $sealed) === 'visite', 'the record reopens');
    $ledger = $storage->openLedger($vault);
    check($ledger->size() === 3 && $ledger->verify()['ok'], 'the ledger reopens and verifies');
    expectError(static fn() => $storage->openLedger($storage->openVault($provider, 'ccas-2')),
        Native::SOCLE_E_FAILED_PRECONDITION, "another tenant's ledger");
    expectError(static fn() => $storage->openLedger($vault, 'Not A Name'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'a bad ledger name');

    // A witness directory.
    $storage = Storage::open("{$dir}/data", "{$dir}/witness");
    $state = $storage->openLedger($storage->openVault($provider, 'ccas-1'), 'state');
    $state->waitDurable($state->append(Native::SOCLE_LEDGER_ENTRY_STATE_EVENT, 'event'));
    $state->checkpoint();
    check(is_file("{$dir}/witness/state.checkpoint") && is_file("{$dir}/data/state.db"),
        'the witness in the witness directory');

    // INVALID_ARGUMENT: a file as location; a URI without a witness directory, its password
    // never said.
    file_put_contents("{$dir}/a-file", 'a file');
    $e = expectError(static fn() => Storage::open("{$dir}/a-file"),
        Native::SOCLE_E_INVALID_ARGUMENT, 'a file as location');
    check($e !== null && str_contains($e->getMessage(), "{$dir}/a-file"), 'the path is said');
    check(file_get_contents("{$dir}/a-file") === 'a file', 'the file untouched');
    $uri = 'postgresql://ccas:s3cr3t-pw@db.internal:5432/ccas?sslmode=require';
    foreach ([null, ''] as $witness) {
        $e = expectError(static fn() => Storage::open($uri, $witness),
            Native::SOCLE_E_INVALID_ARGUMENT, 'a URI without a witness directory');
        check($e !== null && str_contains($e->getMessage(), 'witness')
            && !str_contains($e->getMessage(), 's3cr3t-pw')
            && !str_contains($e->getMessage(), 'sslmode'), 'no password in ' . $e?->getMessage());
    }
    $e = expectError(static fn() => Storage::open('postgresql://ccas:s3cr3t-pw@[db', $dir),
        Native::SOCLE_E_INVALID_ARGUMENT, 'a malformed URI');
    check($e !== null && !str_contains($e->getMessage(), 's3cr3t-pw'), 'a malformed URI unsaid');
    $storage = Storage::open($uri, "{$dir}/pg-witness"); // connects to nothing yet
    check($storage->isPostgresql()
        && $storage->location() === 'postgresql://ccas@db.internal:5432/ccas',
        'a URI shown without its password: ' . $storage->location());
}

/** An empty directory of SOCLE_TEST_TMP. */
function freshDir(string $name): string
{
    $dir = (getenv('SOCLE_TEST_TMP') ?: sys_get_temp_dir()) . "/php-{$name}-" . getmypid();
    @mkdir($dir, 0700, true);
    foreach (glob("{$dir}/*") ?: [] as $f) {
        @unlink($f);
    }
    return $dir;
}

/** An empty directory and a vault in it (the weakest Argon2id cost). */
function freshVault(string $name): array
{
    $dir = freshDir($name);
    $provider = KeyProvider::createKeyFile("{$dir}/master.key", 'ledger passphrase', 2, 64 << 20);
    return [$dir, Vault::open($provider, "{$dir}/vault.db", 'ccas-1')];
}

function ccasPolicy(): Policy
{
    global $source;
    return Policy::loadFile($source . '/examples/policies/ccas.textproto');
}

/** Whether $professional may read the "social" category of $person's file on $engine. */
function readsSocial(AccessEngine $engine, string $professional, string $person): bool
{
    return $engine->decide(new AccessRequest(
        actor: $engine->findProfessional($professional),
        person: $engine->findPerson($person),
        category: $engine->findCategory('social'),
        purpose: $engine->findPurpose('accompagnement_social')
    ))->allowed();
}

function testCurrentAccess(): void
{
    [$dir, $vault] = freshVault('current-access');
    $ledger = Ledger::open($vault, "{$dir}/trail.db", 'access_trail',
        Native::SOCLE_DURABILITY_SYNC);
    $engine = new AccessEngine(ccasPolicy());
    $engine->loadDirectoryTsv(
        "ass1\tass\tpole-social\nsec1\tsecretaire_accueil\tpole-social\n"
        . "aud1\tauditeur_securite\t\nass2\tass\tpole-insertion\n",
        "P-1\tpole-social\tass2\nP-2\tpole-social\n");
    $trail = AccessTrail::create($ledger, $engine);

    $lines = $trail->currentAccess('P-1');
    $summary = array_map(static fn(\Socle\CurrentAccess $a): string =>
        "{$a->professional} {$a->role} {$a->basis} {$a->team}", $lines);
    sort($summary); // the C ABI promises no order
    check($summary === ['ass1 ass team pole-social', 'ass2 ass referent ',
        'sec1 secretaire_accueil team pole-social'], 'P-1: ' . implode(' | ', $summary));
    foreach ($lines as $a) {
        check($a instanceof \Socle\CurrentAccess && $a->expiresAt === null
            && $a->structure === '', "{$a->professional}: no end, no structure");
    }
    // ass2 is P-1's referent only: not on P-2's list; the auditor is on no list.
    $p2 = array_map(static fn(\Socle\CurrentAccess $a): string =>
        "{$a->professional} {$a->basis}", $trail->currentAccess('P-2'));
    sort($p2);
    check($p2 === ['ass1 team', 'sec1 team'], 'P-2: ' . implode(' | ', $p2));
    check(readsSocial($engine, 'ass2', 'P-1') && !readsSocial($engine, 'ass2', 'P-2')
        && !readsSocial($engine, 'aud1', 'P-1'), 'the list agrees with the decisions');
    expectError(static fn() => $trail->currentAccess('nobody'), Native::SOCLE_E_NOT_FOUND,
        'an unknown person');
}

function testEngineOfRecord(): void
{
    [$dir, $vault] = freshVault('engine-of-record');
    $policy = ccasPolicy();
    // Two handles on one state ledger, as two processes would have.
    $stateA = Ledger::open($vault, "{$dir}/state.db", 'state');
    $stateB = Ledger::open($vault, "{$dir}/state.db", 'state');
    check($stateA->origin() === 'socle/ccas-1/state', 'origin ' . $stateA->origin());

    $a = AccessEngine::open($policy, $stateA);
    check($a instanceof AccessEngine && $a->revision() === 1,
        'a new state ledger: revision 1, its policy\'s activation');
    check($a->loadDirectoryTsv("ass1\tass\tpole-social\n", "P-1\tpole-social\n") === 3,
        'two events');
    $a->saveSnapshot();
    // Another policy than the one in force does not open the ledger (docs/policy-approval.md).
    global $source;
    expectError(static fn() => AccessEngine::open(
        Policy::loadFile($source . '/examples/policies/departement.textproto'), $stateB),
        Native::SOCLE_E_FAILED_PRECONDITION, 'another policy than the one in force');
    check($a->loadDirectoryTsv('', "P-2\tpole-social\n") === 4, 'an event after the snapshot');
    check($stateA->size() === 4, 'every event is in the state ledger: ' . $stateA->size());

    $b = AccessEngine::open($policy, $stateB); // the snapshot, then the event after it
    check($b->revision() === 4 && $b->revision() === $a->revision(),
        "reopened at revision {$b->revision()}");
    check(readsSocial($b, 'ass1', 'P-2') && readsSocial($a, 'ass1', 'P-2'),
        'the reopened engine decides as the first');

    // a moves P-2 out of ass1's team; b has not seen it, so its own write is refused.
    check($a->loadDirectoryTsv('', "P-2\tpole-insertion\n") === 5, 'a writes revision 5');
    check(!readsSocial($a, 'ass1', 'P-2'), 'a: ass1 no longer reads P-2');
    expectError(static fn() => $b->loadDirectoryTsv('', "P-3\tpole-social\n"),
        Native::SOCLE_E_FAILED_PRECONDITION, 'a write on a stale engine');
    check($b->revision() === 4 && readsSocial($b, 'ass1', 'P-2'),
        'the refused write changed nothing');
    expectError(static fn() => $b->findPerson('P-3'), Native::SOCLE_E_NOT_FOUND,
        'the refused person');
    check($b->catchUp() === 5 && $b->revision() === 5, 'b catches up to revision 5');
    check(!readsSocial($b, 'ass1', 'P-2'), 'b: ass1 no longer reads P-2');
    check($b->loadDirectoryTsv('', "P-3\tpole-social\n") === 6, 'after the catch-up b writes');
    check($a->catchUp() === 6 && readsSocial($a, 'ass1', 'P-3'), 'a sees what b wrote');
    check($b->catchUp() === 6, 'nothing new: the same revision');
    check($stateB->size() === 6, 'six events in the state ledger');

    // b follows the state ledger: a's next write reaches it without a catch-up.
    $b->follow(60000); // only the ledger's watch can be in time
    check($b->followerStatus()['following'], 'b follows');
    expectError(static fn() => $b->follow(), Native::SOCLE_E_FAILED_PRECONDITION,
        'following twice');
    check($a->loadDirectoryTsv('', "P-4\tpole-social\n") === 7, 'a writes revision 7');
    for ($i = 0; $i < 10000 && $b->revision() < 7; $i++) {
        usleep(1000);
    }
    check($b->revision() === 7 && readsSocial($b, 'ass1', 'P-4'), 'b followed a');
    $status = $b->followerStatus();
    check($status['failures'] === 0 && $status['error'] === null && $status['lastError'] === null
        && $status['inStepAtUnixMillis'] > 0, 'the follower had no error');
    $b->stopFollowing();
    check(!$b->followerStatus()['following'], 'b stopped following');

    $memory = new AccessEngine($policy);
    expectError(static fn() => $memory->saveSnapshot(), Native::SOCLE_E_FAILED_PRECONDITION,
        'a snapshot of an engine without a ledger');
}

/** The PHP example of docs/ledger.md runs and prints who may read P-1's file. */
function testDocsExample(): void
{
    global $source;
    $text = file_get_contents($source . '/docs/ledger.md');
    $section = substr($text, (int) strpos($text, '### PHP and Java'));
    $start = strpos($section, "```php\n");
    check($start !== false, 'docs/ledger.md has a PHP example');
    if ($start === false) {
        return;
    }
    $example = substr($section, $start + 7);
    $example = substr($example, 0, (int) strpos($example, '```'));
    $dir = freshDir('docs-example');
    @symlink($source . '/examples', "{$dir}/examples");
    $cwd = getcwd();
    chdir($dir);
    ob_start();
    try {
        (static function (string $code): void {
            eval($code);
        })($example);
    } finally {
        $out = (string) ob_get_clean();
        chdir($cwd);
    }
    check($out === "ass1 ass team pole-social\n", "the example printed: {$out}");
}

function testRedaction(): void
{
    $redactor = Redactor::create([
        [Native::SOCLE_IDENTITY_NAME, 1, 'Martin'],
        [Native::SOCLE_IDENTITY_FIRST_NAME, 1, 'Rose'],
    ]);
    $r = $redactor->redact('Mme ROSE martin (tél. 06.12.34.56.78) écrit depuis rose.m@example.fr.');
    check($r->text === 'Mme [PERSONNE-1] (tél. [TÉLÉPHONE]) écrit depuis [EMAIL].',
        "redacted: {$r->text}");
    check($r->counts['PERSONNE'] === 1 && $r->counts['TÉLÉPHONE'] === 1
        && $r->counts['EMAIL'] === 1 && $r->counts['NIR'] === 0, 'counts per type');
    $fromText = Redactor::fromText("name Martin\nfirst_name Rose\nperson\nfirst_name Lucas\n"
        . "name Martin\n");
    check((string) $fromText->redact('Rose Martin et son fils Lucas Martin')
        === '[PERSONNE-1] et son fils [PERSONNE-2]', 'from the --known text format');
    $e = expectError(static fn() => Redactor::fromText("name Martin\nnot_a_kind x\n"),
        Native::SOCLE_E_PARSE, 'a bad known-identities text');
    check($e === null || str_contains($e->getMessage(), '2'), 'the parse error names the line');
}

function testLayout(): void
{
    global $source;
    $ffi = \Socle\Library::ffi(); // FFI::cdef resolved every declared function to load
    $sizes = [];
    foreach (explode(',', getenv('SOCLE_STRUCT_SIZES') ?: '') as $pair) {
        if ($pair !== '') {
            [$name, $size] = explode('=', $pair);
            $sizes[$name] = (int) $size;
        }
    }
    preg_match_all('/^typedef struct (socle_\w+) \{/m', file_get_contents(Native::HEADER_FILE),
        $structs);
    check(count($structs[1]) >= 6 && array_keys($sizes) == $structs[1],
        'the structs of socle_ffi.h are those of socle.h: ' . implode(' ', $structs[1]));
    foreach ($sizes as $name => $size) {
        $php = FFI::sizeof($ffi->type($name));
        check($php === $size, "sizeof({$name}): {$php} in PHP, {$size} in C");
    }
    check(\Socle\Library::version() === Native::SOCLE_VERSION_MAJOR . '.'
        . Native::SOCLE_VERSION_MINOR . '.' . Native::SOCLE_VERSION_PATCH, 'the library version');
}

$cases = [
    'layout' => 'testLayout',
    'workload_one_call' => 'testWorkloadOneCallPerRequest',
    'workload_batch' => 'testWorkloadBatch',
    'policy_error' => 'testPolicyError',
    'vault' => 'testVault',
    'ledger' => 'testLedger',
    'current_access' => 'testCurrentAccess',
    'engine_of_record' => 'testEngineOfRecord',
    'docs_example' => 'testDocsExample',
    'redaction' => 'testRedaction',
    'storage' => 'testStorage',
];
runCase('bindings_test.php', $cases, $argv);
