<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * The analysis of one policy (socle/policy_analysis.hpp; docs/policy-analysis.md): every case of
 * the policy decided by an access engine of its own, so that a property is proven or refuted
 * with the smallest counter-example, and two policies compared case by case. Immutable; it keeps
 * its own copy of the policy. Freed when the object is destroyed.
 *
 * Reports are associative arrays decoded from socle's JSON (socle.v1.PropertyReport and
 * socle.v1.PolicyDiffReport, proto/socle/v1/analysis.proto), the 64-bit counts as int, with:
 * prove(): policy_id, policy_digest, space_size, properties (each: id, statement, forall, holds,
 * cases, decisions, example (absent when a forall holds), effect, reason, rule, description,
 * explanation), failed (how many do not hold), holds, json; diff(): before_digest,
 * after_digest, cases, changed_cases, summary (sentences), changes (each: example, cases,
 * before, after), json.
 *
 * A statement that does not parse, or names what the policy does not declare, throws a
 * SocleException with SOCLE_E_INVALID_ARGUMENT whose message says at which character.
 */
final class PolicyAnalysis
{
    private const LANGUAGES = [
        'fr' => Native::SOCLE_ANALYSIS_LANG_FR,
        'en' => Native::SOCLE_ANALYSIS_LANG_EN,
    ];

    private CData $handle;

    public function __construct(Policy $policy)
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_policy_analysis*');
        $error = Library::newError();
        Library::check($ffi->socle_policy_analysis_create($policy->handle(), FFI::addr($out),
            FFI::addr($error)), $error);
        $this->handle = $out;
    }

    /** The number of cases of the whole space that can occur. */
    public function spaceSize(): int
    {
        return Library::ffi()->socle_policy_analysis_space_size($this->handle);
    }

    /**
     * Proves the policy's declared properties (all of them, or those of $ids in that order), or,
     * with $statement, that statement alone (its id is ''). A SocleException with
     * SOCLE_E_NOT_FOUND for an id the policy does not declare.
     *
     * @param list<string> $ids
     * @return array<string, mixed>
     */
    public function prove(?string $statement = null, array $ids = []): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $failed = $ffi->new('uint64_t');
        $error = Library::newError();
        if ($statement !== null) {
            $status = $ffi->socle_policy_analysis_prove($this->handle, $statement,
                strlen($statement), FFI::addr($out), FFI::addr($failed), FFI::addr($error));
        } else {
            [$pointers, $lengths, $block] = Library::strings($ids);
            $status = $ffi->socle_policy_analysis_prove_declared($this->handle, $pointers,
                $lengths, count($ids), FFI::addr($out), FFI::addr($failed), FFI::addr($error));
            unset($block);
        }
        $json = Library::take($out);
        Library::check($status, $error);
        $report = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
        $report['space_size'] = (int) $report['space_size'];
        foreach ($report['properties'] as &$property) {
            $property['cases'] = (int) $property['cases'];
            $property['decisions'] = (int) $property['decisions'];
        }
        unset($property);
        $report['failed'] = (int) $failed->cdata;
        $report['holds'] = $report['failed'] === 0;
        $report['json'] = $json;
        return $report;
    }

    /**
     * Every case whose outcome differs between this policy (before) and $after's, its summary in
     * $language ('fr' or 'en'; anything else: SOCLE_E_INVALID_ARGUMENT naming the language).
     *
     * @return array<string, mixed>
     */
    public function diff(PolicyAnalysis $after, string $language = 'fr'): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $changed = $ffi->new('uint64_t');
        $error = Library::newError();
        // An unknown name goes to the library as 0, which refuses it and names the parameter.
        $status = $ffi->socle_policy_analysis_diff_policies($this->handle, $after->handle,
            self::LANGUAGES[$language] ?? 0, FFI::addr($out), null, FFI::addr($changed),
            FFI::addr($error));
        $json = Library::take($out);
        Library::check($status, $error);
        $report = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
        $report['cases'] = (int) $report['cases'];
        $report['changed_cases'] = (int) $changed->cdata;
        foreach ($report['changes'] as &$change) {
            $change['cases'] = (int) $change['cases'];
        }
        unset($change);
        $report['json'] = $json;
        return $report;
    }

    /**
     * diff() of two policies or analyses (a policy is analysed for this call).
     *
     * @return array<string, mixed>
     */
    public static function diffPolicies(Policy|PolicyAnalysis $before,
                                        Policy|PolicyAnalysis $after,
                                        string $language = 'fr'): array
    {
        $b = $before instanceof Policy ? new self($before) : $before;
        $a = $after instanceof Policy ? new self($after) : $after;
        return $b->diff($a, $language);
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Library::ffi()->socle_policy_analysis_free($this->handle);
        }
    }
}
