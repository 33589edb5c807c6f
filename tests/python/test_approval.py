"""Two-person activation of a policy (REQ-62; docs/policy-approval.md) through the Python
binding: a state ledger takes the CCAS policy as its first; the front desk's wider matrix opens
only once the DPO and the head of service approved it and it was activated; one approval, the
same twice and a forged signature are refused; development mode runs a policy unapproved."""

from __future__ import annotations

from pathlib import Path

import pytest

import socle

PASSPHRASE = b"approval test passphrase"
FAST = {"opslimit": 2, "memlimit": 64 << 20}
FRONT_DESK = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
              'data_categories: ["administrative"] }')
FRONT_DESK_SOCIAL = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
                     'data_categories: ["administrative", "social"] }')


@pytest.fixture
def vault(tmp_path: Path) -> socle.Vault:
    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key", PASSPHRASE, **FAST)
    with provider:
        return socle.Vault.open(provider, tmp_path / "vault.db", "ccas")


def test_two_approvals_one_by_the_dpo_put_a_policy_in_force(vault: socle.Vault, tmp_path: Path,
                                                             examples_dir: Path) -> None:
    text = (examples_dir / "policies" / "ccas.textproto").read_text(encoding="utf-8")
    assert FRONT_DESK in text
    current = socle.Policy.load(text)
    wider = socle.Policy.load(text.replace(FRONT_DESK, FRONT_DESK_SOCIAL))
    state = socle.Ledger.open(vault, tmp_path / "state.db", "state")
    engine = socle.AccessEngine.open(current, state)
    trail = socle.AccessTrail.create(
        socle.Ledger.open(vault, tmp_path / "trail.db", "access_trail"), engine)
    first = engine.policy_in_force()
    assert first == socle.PolicyInForce(socle.PolicyActivation.INITIAL, current.digest_hex, 0)
    engine.upsert_professional("dpo1", "dpo", ["direction"])
    engine.upsert_professional("resp1", "responsable_service", ["pole-social"])
    keys = {}
    for who in ("dpo1", "resp1"):
        signer, verifier = socle.generate_approval_key(who)
        assert signer.startswith(b"PRIVATE+KEY+" + who.encode()) and verifier.startswith(who + "+")
        engine.register_approval_key(who, verifier, recorded_by="dpo1")
        keys[who] = signer
    with pytest.raises(socle.InvalidArgumentError):
        socle.generate_approval_key("two words")

    notes = {who: socle.sign_policy_approval(current, wider, who, keys[who]) for who in keys}
    assert notes["dpo1"].startswith("socle policy approval v1\n")
    forger, _ = socle.generate_approval_key("resp1")
    with pytest.raises(socle.VerificationFailedError):
        trail.record_policy_approval(engine, wider,
                                     socle.sign_policy_approval(current, wider, "resp1", forger))
    trail.record_policy_approval(engine, wider, notes["dpo1"])
    with pytest.raises(socle.FailedPreconditionError):
        trail.activate_policy(engine, wider, actor="dpo1")  # one approval
    with pytest.raises(socle.AlreadyExistsError):
        trail.record_policy_approval(engine, wider, notes["dpo1"])
    with pytest.raises(socle.FailedPreconditionError):
        socle.AccessEngine.open(wider, state)  # approved once, not activated
    trail.record_policy_approval(engine, wider, notes["resp1"])
    assert engine.policy_in_force().pending_approvals == 2
    revision = trail.activate_policy(engine, wider, actor="resp1")
    with pytest.raises(socle.FailedPreconditionError):
        engine.upsert_person("P-1", ["pole-social"])  # the former policy writes no more

    reopened = socle.AccessEngine.open(wider, state)
    assert reopened.revision == revision
    assert reopened.policy_in_force() == socle.PolicyInForce(socle.PolicyActivation.APPROVED,
                                                             wider.digest_hex, 0)
    with pytest.raises(socle.FailedPreconditionError):
        socle.AccessEngine.open(current, state)
    development = socle.AccessEngine.open(current, state, development=True)
    assert development.policy_in_force().mode == socle.PolicyActivation.DEVELOPMENT
