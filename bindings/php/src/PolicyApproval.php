<?php

declare(strict_types=1);

namespace Socle;

use FFI;

/**
 * Two-person activation of a policy (REQ-62; socle/policy_approval.hpp; docs/policy-approval.md),
 * as static functions: a new policy takes effect on a state ledger once two distinct
 * professionals, one whose role holds DPO_ROLE in the policy in force, approved it and it was
 * activated. Every step is an event of the state ledger and an operation of the access trail.
 *
 *   [$signer, $verifier] = PolicyApproval::generateKey('dpo1');
 *   PolicyApproval::registerKey($engine, 'dpo1', $verifier, 'dpo1');
 *   $note = PolicyApproval::sign($current, $new, 'dpo1', $signer);
 *   PolicyApproval::record($trail, $engine, $new, $note);   // and the second approver's
 *   PolicyApproval::activate($trail, $engine, $new, 'resp1');
 *   $engine = AccessEngine::open($new, $stateLedger);
 *
 * The signer key is a secret: keep it where only its holder reads it.
 */
final class PolicyApproval
{
    private function __construct()
    {
    }

    /**
     * A fresh approval key named $name (no '+', no white space): [signer key (secret), verifier
     * key (to register)].
     *
     * @return array{0: string, 1: string}
     */
    public static function generateKey(string $name): array
    {
        $ffi = Library::ffi();
        $signer = $ffi->new('socle_buffer');
        $verifier = $ffi->new('socle_buffer');
        $error = Library::newError();
        $status = $ffi->socle_policy_approval_key_generate($name, strlen($name),
            FFI::addr($signer), FFI::addr($verifier), FFI::addr($error));
        $signerKey = Library::take($signer);
        $verifierKey = Library::take($verifier);
        Library::check($status, $error);
        return [$signerKey, $verifierKey];
    }

    /** The approval by $professional of $next in place of $previous (the policy in force). */
    public static function sign(Policy $previous, Policy $next, string $professional,
                                string $signerKey): string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        $key = Library::bytes($signerKey);
        $status = $ffi->socle_policy_approval_sign($previous->handle(), $next->handle(),
            $professional, strlen($professional), $key, strlen($signerKey), FFI::addr($out),
            FFI::addr($error));
        FFI::memset($key, 0, strlen($signerKey));
        $note = Library::take($out);
        Library::check($status, $error);
        return $note;
    }

    /** Records $verifierKey as $professional's approval key; the new revision. */
    public static function registerKey(AccessEngine $engine, string $professional,
                                       string $verifierKey, string $recordedBy): int
    {
        $ffi = Library::ffi();
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_register_approval_key($engine->handle(),
            $professional, strlen($professional), $verifierKey, strlen($verifierKey),
            $recordedBy, strlen($recordedBy), FFI::addr($revision), FFI::addr($error)), $error);
        return (int) $revision->cdata;
    }

    /** Records an approval of $next on $engine (running the policy in force) and in $trail. */
    public static function record(AccessTrail $trail, AccessEngine $engine, Policy $next,
                                  string $approval): int
    {
        $ffi = Library::ffi();
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_record_policy_approval($trail->handle(),
            $engine->handle(), $next->handle(), $approval, strlen($approval),
            FFI::addr($revision), FFI::addr($error)), $error);
        return (int) $revision->cdata;
    }

    /**
     * Activates $next on $engine with the approvals recorded for it, by $actor; $engine then
     * refuses writes: open the ledger again with $next.
     */
    public static function activate(AccessTrail $trail, AccessEngine $engine, Policy $next,
                                    string $actor): int
    {
        $ffi = Library::ffi();
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_activate_policy($trail->handle(),
            $engine->handle(), $next->handle(), $actor, strlen($actor), FFI::addr($revision),
            FFI::addr($error)), $error);
        return (int) $revision->cdata;
    }

    /**
     * The ledger's policy in force: mode (Native::SOCLE_POLICY_ACTIVATION_*), digest (hex) and
     * pending_approvals.
     *
     * @return array{mode: int, digest: string, pending_approvals: int}
     */
    public static function inForce(AccessEngine $engine): array
    {
        $ffi = Library::ffi();
        $mode = $ffi->new('int32_t');
        $pending = $ffi->new('uint64_t');
        $digest = $ffi->new('socle_buffer');
        $error = Library::newError();
        $status = $ffi->socle_access_engine_policy_in_force($engine->handle(), FFI::addr($mode),
            FFI::addr($digest), FFI::addr($pending), FFI::addr($error));
        $hex = Library::take($digest);
        Library::check($status, $error);
        return ['mode' => (int) $mode->cdata, 'digest' => $hex,
                'pending_approvals' => (int) $pending->cdata];
    }
}
