"""Two-person activation of a policy (REQ-62; docs/policy-approval.md): approval keys, signed
approvals, activation, and the policy in force on a state ledger.

    signer, verifier = socle.generate_approval_key("dpo1")
    engine.register_approval_key("dpo1", verifier, recorded_by="dpo1")
    note = socle.sign_policy_approval(current, new, "dpo1", signer)
    trail.record_policy_approval(engine, new, note)
    ...                                   # the second approver, the same way
    trail.activate_policy(engine, new, actor="resp1")
    engine = socle.AccessEngine.open(new, state_ledger)

The signer key is a secret: keep it where only its holder reads it.
"""
from __future__ import annotations

import enum
from typing import NamedTuple, Tuple

from . import Policy, _ErrorSlot, _take, check
from ._access import AccessEngine, _bytes
from ._consent import _text_args
from ._ledger import AccessTrail
from ._native import ffi, lib

__all__ = ["PolicyActivation", "PolicyInForce", "generate_approval_key", "sign_policy_approval"]


class PolicyActivation(enum.IntEnum):
    """How the policy in force came into force (SOCLE_POLICY_ACTIVATION_*)."""
    NONE = lib.SOCLE_POLICY_ACTIVATION_NONE
    INITIAL = lib.SOCLE_POLICY_ACTIVATION_INITIAL
    APPROVED = lib.SOCLE_POLICY_ACTIVATION_APPROVED
    DEVELOPMENT = lib.SOCLE_POLICY_ACTIVATION_DEVELOPMENT


class PolicyInForce(NamedTuple):
    """A state ledger's policy in force, and the approvals recorded since it came into force."""
    mode: PolicyActivation
    digest: str            # hex; empty for NONE
    pending_approvals: int


def generate_approval_key(name: str) -> Tuple[bytes, str]:
    """A fresh approval key named `name` (no '+', no white space): (signer key, a secret;
    verifier key, to register)."""
    n = _bytes(name, "name")
    signer = ffi.new("socle_buffer*")
    verifier = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_policy_approval_key_generate(n, len(n), signer, verifier, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(signer)
            lib.socle_buffer_free(verifier)
        check(status, slot.error)
    return _take(signer), _take(verifier).decode("utf-8")


def sign_policy_approval(previous: Policy, new: Policy, professional: str,
                         signer_key: bytes) -> str:
    """The approval by `professional` of `new` in place of `previous` (the policy in force): a
    signed note over both digests and the digest of the summary of changes of access."""
    out = ffi.new("socle_buffer*")
    key = _bytes(signer_key, "signer_key")
    with _ErrorSlot() as slot:
        status = lib.socle_policy_approval_sign(previous._live(), new._live(),
                                                *_text_args((professional, "professional")),
                                                key, len(key), out, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(out)
        check(status, slot.error)
    return _take(out).decode("utf-8")


# ---------------------------------------------------------------------------------------------
# The methods of AccessEngine

def register_approval_key(self: AccessEngine, professional: str, verifier_key: str, *,
                          recorded_by: str) -> int:
    """Records `verifier_key` as the approval key of `professional`; the new revision."""
    return self._write(lib.socle_access_engine_register_approval_key,
                       *_text_args((professional, "professional"), (verifier_key, "verifier_key"),
                                   (recorded_by, "recorded_by")))


def record_policy_approval(self: AccessTrail, engine: AccessEngine, new: Policy,
                           approval: str) -> int:
    """Records an approval of `new` (sign_policy_approval's note) on `engine`, which runs the
    policy in force, and in this trail. The new revision."""
    revision = ffi.new("uint64_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_trail_record_policy_approval(
            self._live(), engine._live(), new._live(), *_text_args((approval, "approval")),
            revision, slot.pointer), slot.error)
    return int(revision[0])


def activate_policy(self: AccessTrail, engine: AccessEngine, new: Policy, *, actor: str) -> int:
    """Activates `new` on `engine` with the approvals recorded for it (two distinct
    professionals, one with DPO_ROLE), recorded in this trail too; `engine` then refuses writes:
    open the ledger again with `new`."""
    revision = ffi.new("uint64_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_trail_activate_policy(
            self._live(), engine._live(), new._live(), *_text_args((actor, "actor")), revision,
            slot.pointer), slot.error)
    return int(revision[0])


def policy_in_force(self: AccessEngine) -> PolicyInForce:
    """The state ledger's policy in force and the approvals recorded since."""
    mode = ffi.new("int32_t*")
    pending = ffi.new("uint64_t*")
    digest = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_access_engine_policy_in_force(self._live(), mode, digest, pending,
                                                         slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(digest)
        check(status, slot.error)
    return PolicyInForce(PolicyActivation(mode[0]), _take(digest).decode("ascii"), int(pending[0]))


for _method in (register_approval_key, policy_in_force):
    _method.__qualname__ = f"AccessEngine.{_method.__name__}"
    setattr(AccessEngine, _method.__name__, _method)
for _method in (record_policy_approval, activate_policy):
    _method.__qualname__ = f"AccessTrail.{_method.__name__}"
    setattr(AccessTrail, _method.__name__, _method)
