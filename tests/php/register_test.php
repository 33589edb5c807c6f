<?php

// The register of processing activities from PHP (Policy::renderRegister), run by CTest
// (tests/php/CMakeLists.txt) as
//   php register_test.php <case>
// with SOCLE_LIBRARY and SOCLE_SOURCE_DIR set, on examples/policies/ccas.textproto. Exit code 0
// only when every check passed.

declare(strict_types=1);

$source = getenv('SOCLE_SOURCE_DIR') ?: dirname(__DIR__, 2);
require $source . '/bindings/php/autoload.php';
require __DIR__ . '/harness.php';

use Socle\Native;
use Socle\Policy;

function policy(): Policy
{
    global $source;
    return Policy::loadFile($source . '/examples/policies/ccas.textproto');
}

/** How many activities the policy has (the entries of its JSON register). */
function activities(Policy $policy): int
{
    return count(json_decode($policy->renderRegister('json'), true)['entries']);
}

function testLanguages(): void
{
    $policy = policy();
    $n = activities($policy);
    check($n > 0, 'activities');
    $french = $policy->renderRegister();
    check($french === $policy->renderRegister('markdown', 'fr'), 'French is the default');
    check(str_starts_with($french, '# Registre des activités de traitement'), 'the French title');
    foreach (['| (b) Finalité(s) |', '| (b) Base légale | RGPD art. 6(1)(',
              '| (c) Catégories de personnes concernées |', '| (c) Données sensibles |',
              '| (e) Transferts hors UE | aucun |', '| (f) Durées de conservation |',
              '| (g) Mesures de sécurité |'] as $heading) {
        check(substr_count($french, $heading) === $n, "{$heading} in every fiche");
    }
    $english = $policy->renderRegister('md', 'en');
    check(str_starts_with($english, '# Register of processing activities'), 'the English title');
    check(substr_count($english, '| (g) Security measures |') === $n, 'English headings');
    check(!str_contains($english, 'Mesures de sécurité'), 'no French left in English');
    check(json_decode($policy->renderRegister('json'), true)['language'] === 'fr', 'json fr');
    $json = json_decode($policy->renderRegister('json', 'en'), true);
    check($json['language'] === 'en', 'json en');
    foreach ($json['entries'] as $entry) {
        check(str_starts_with($entry['legal_basis'], 'GDPR art. 6(1)('), 'English legal basis');
    }
}

function testJsonld(): void
{
    $policy = policy();
    foreach (['fr', 'en'] as $language) {
        $doc = json_decode($policy->renderRegister('jsonld', $language), true, 512,
            JSON_THROW_ON_ERROR);
        check($doc['@context']['dpv'] === 'https://w3id.org/dpv#', 'the DPV namespace');
        $processes = array_values(array_filter($doc['@graph'],
            fn ($n) => ($n['@type'] ?? null) === 'dpv:Process'));
        check(count($processes) === activities($policy), 'one dpv:Process per activity');
        foreach ($processes as $node) {
            // socle's sentences in the register's language, the DPO's text in French
            check($node['dpv:hasPurpose']['dct:description']['@language'] === 'fr',
                'the purpose as the DPO wrote it');
            check($node['dpv:hasLegalBasis'][0]['skos:prefLabel']['@language'] === $language,
                "the legal basis in {$language}");
            check(str_starts_with($node['dpv:hasLegalBasis'][0]['@id'], 'eu-gdpr:A6-1-'),
                'the GDPR art. 6 term');
            foreach (['dpv:hasPersonalData', 'dpv:hasDataSubject', 'dpv:hasRecipient',
                      'dpv:hasStorageCondition'] as $key) {
                check(!empty($node[$key]), $key);
            }
        }
    }
}

function testRefused(): void
{
    $policy = policy();
    expectNamedError(fn () => $policy->renderRegister('markdown', 'de'),
        Native::SOCLE_E_INVALID_ARGUMENT, 'language', 'an unknown language');
    expectNamedError(fn () => $policy->renderRegister('xml'), Native::SOCLE_E_INVALID_ARGUMENT,
        'format', 'an unknown format');
}

$cases = [
    'languages' => 'testLanguages',
    'jsonld' => 'testJsonld',
    'refused' => 'testRefused',
];
runCase('register_test.php', $cases, $argv);
