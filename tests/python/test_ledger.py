"""socle.Ledger and socle.AccessTrail: decisions recorded as they are made, a person's history
paged with proofs that match the ledger's own, verification, refused edits, entries iterated."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest

import socle

PASSPHRASE = b"ledger test passphrase"
# libsodium's INTERACTIVE Argon2id cost: the cheapest key files may use outside C++ tests.
FAST = {"opslimit": 2, "memlimit": 64 << 20}


@pytest.fixture
def vault(tmp_path: Path) -> socle.Vault:
    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key", PASSPHRASE, **FAST)
    with provider:
        return socle.Vault.open(provider, tmp_path / "vault.db", "ccas-lyon")


@pytest.fixture
def engine(examples_dir: Path) -> socle.AccessEngine:
    with socle.Policy.load_file(examples_dir / "policies" / "ccas.textproto") as policy:
        engine = socle.AccessEngine.create(policy)
    engine.upsert_professional("ass1", "ass", ["pole-social"])
    engine.upsert_professional("sec1", "secretaire_accueil", ["pole-social"])
    engine.upsert_professional("aud1", "auditeur_securite")
    engine.upsert_person("P-1", ["pole-social"])
    engine.upsert_person("P-2", ["pole-social"])
    return engine


@pytest.fixture
def ledger(vault: socle.Vault, tmp_path: Path) -> socle.Ledger:
    return socle.Ledger.open(vault, tmp_path / "trail.db", "access_trail",
                             durability=socle.Durability.SYNC)


def root_of(proof: socle.InclusionProof) -> bytes:
    """The RFC 9162 root an inclusion proof leads to, computed here, independently of socle."""
    def node(left: bytes, right: bytes) -> bytes:
        return hashlib.sha256(b"\x01" + left + right).digest()

    fn, sn, r = proof.index, proof.tree_size - 1, proof.leaf_hash
    for p in proof.hashes:
        assert sn != 0
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    assert sn == 0
    return r


def test_trail_records_every_decision_and_the_person_reads_them(
        ledger: socle.Ledger, engine: socle.AccessEngine) -> None:
    trail = socle.AccessTrail.create(ledger, engine)
    allowed = trail.decide("ass1", "P-1", "social", "accompagnement_social", item="note-7")
    denied = trail.decide("sec1", "P-1", "social", "accompagnement_social",
                          justification="urgence")
    assert allowed.allowed and not denied.allowed
    batch = trail.decide_many(["ass1", "sec1", "ass1"], ["P-1", "P-1", "P-2"], "social",
                              "accompagnement_social")
    assert [d.allowed for d in batch] == [True, False, True]
    assert batch.revision == engine.revision
    trail.record_operation(socle.TrailOperation.EXPORT, "ass1", "P-1", "export pdf")

    entries = list(trail.history("P-1", reader="aud1", page_size=2))
    decisions = [e for e in entries if e.type == socle.LedgerEntryType.ACCESS_DECISION]
    assert [(e.actor, e.allowed) for e in decisions] == [
        ("ass1", True), ("sec1", False), ("ass1", True), ("sec1", False)]
    first = decisions[0]
    assert first.role == "ass" and first.category == "social"
    assert first.purpose == "accompagnement_social" and first.item == "note-7"
    assert first.action == socle.Action.READ and first.reason == "allowed" and first.rule
    assert decisions[1].justification == "urgence"
    assert any(e.operation == "export" and e.detail == "export pdf" for e in entries)
    assert [e.index for e in entries] == sorted({e.index for e in entries})  # no page twice
    # Every proof leads to its page's checkpoint root, and matches the ledger's own proof.
    checkpoint = ledger.checkpoint()
    for e in entries:
        assert e.readable
        assert e.checkpoint_note.startswith("socle/ccas-lyon/access_trail\n")
        assert ledger.prove(e.index, e.proof.tree_size) == e.proof
    last = entries[-1].proof
    assert root_of(ledger.prove(last.index, checkpoint.size)) == checkpoint.root

    # The person reads their own history, since a time, and P-2's entries are not in it.
    now = datetime.datetime.now(datetime.timezone.utc)
    own = list(trail.history("P-1", reader_is_person=True,
                             since=now - datetime.timedelta(hours=1)))
    assert len([e for e in own if e.type == socle.LedgerEntryType.ACCESS_DECISION]) == 4
    assert list(trail.history("P-1", reader_is_person=True,
                              until=now - datetime.timedelta(hours=1))) == []
    with pytest.raises(socle.PermissionDeniedError):
        next(trail.history("P-1", reader="sec1"))
    with pytest.raises(TypeError):
        trail.history("P-1")


def test_ledger_append_verify_iterate_and_refuse_edits(ledger: socle.Ledger) -> None:
    assert ledger.name == "access_trail"
    assert ledger.origin == "socle/ccas-lyon/access_trail"
    assert ledger.verifier_key.startswith("socle/ccas-lyon/access_trail+")
    tickets = [ledger.append(socle.LedgerEntryType.OPERATION, b"\x08\x01") for _ in range(5)]
    ledger.append(socle.LedgerEntryType.OPERATION, b"\x08\x02", person="P-1")
    assert [ledger.wait_durable(t) for t in tickets] == list(range(5))
    ledger.flush()
    assert ledger.size() == len(ledger) == 6

    entries = list(ledger.entries(page_size=4))  # two pages
    assert [e.index for e in entries] == list(range(6))
    assert all(e.type == socle.LedgerEntryType.OPERATION and not e.pruned for e in entries)
    assert entries[0].data and entries[0].leaf_hash == ledger.prove(0, 6).leaf_hash
    assert [e.index for e in ledger] == list(range(6))

    checkpoint = ledger.checkpoint()
    assert checkpoint.size == 6 and len(checkpoint.root) == 32
    for i in range(6):
        assert root_of(ledger.prove(i)) == checkpoint.root
    with pytest.raises(socle.OutOfRangeError):
        ledger.prove(6, 6)

    with pytest.raises(socle.LogTamperAttemptError):
        ledger.update_entry(2, "admin")
    with pytest.raises(socle.LogTamperAttemptError):
        ledger.delete_entry(3, "admin")
    alerts = ledger.read_entries(6)
    assert [e.type for e in alerts] == [socle.LedgerEntryType.TAMPER_ALERT] * 2

    verification = ledger.verify()
    assert verification and verification.entries == 8 and verification.problem == ""
    assert ledger.prune_before(0) == 0


def test_ledger_options_and_bad_input(vault: socle.Vault, tmp_path: Path) -> None:
    with pytest.raises(socle.InvalidArgumentError):
        socle.Ledger.open(vault, tmp_path / "x.db", "access_trail", group_commit_delay=1e-6)
    with pytest.raises(socle.InvalidArgumentError):
        socle.Ledger.open(vault, tmp_path / "x.db", "Not A Name")
    with socle.Ledger.open(vault, tmp_path / "s.db", "state", durability=socle.Durability.GROUP,
                           group_commit_delay=0.001, checkpoint_every=2,
                           checkpoint_interval=0, witness_path=tmp_path / "w") as ledger:
        ledger.append(socle.LedgerEntryType.STATE_EVENT, b"")
        ledger.append(socle.LedgerEntryType.STATE_EVENT, b"")
        ledger.flush()
        assert ledger.checkpoint().size == 2
        with pytest.raises(socle.InvalidArgumentError):
            ledger.append(42, b"")
    assert (tmp_path / "w").exists()
    with pytest.raises(ValueError):
        ledger.size()  # closed


def test_the_example_of_docs_ledger_md_runs(examples_dir: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "ledger.md"
    text = docs.read_text(encoding="utf-8")
    section = text[text.index("## From C, Python, PHP, Java"):]
    example = section[section.index("```python\n") + 10:]
    example = example[:example.index("```")]
    (tmp_path / "examples").symlink_to(examples_dir)
    monkeypatch.chdir(tmp_path)
    exec(compile(example, str(docs), "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and " ass1 ass social allowed" in lines[0]


def test_current_access_lists_who_may_read_the_file(ledger: socle.Ledger,
                                                     engine: socle.AccessEngine) -> None:
    trail = socle.AccessTrail.create(ledger, engine)
    lines = trail.current_access("P-1")
    assert [(a.professional, a.basis, a.team) for a in lines] == [
        ("ass1", "team", "pole-social"), ("sec1", "team", "pole-social")]
    assert lines[0].role == "ass" and lines[0].expires_at is None
    with pytest.raises(socle.NotFoundError):
        trail.current_access("nobody")


def test_engine_of_record_reopens_and_catches_up(vault: socle.Vault, tmp_path: Path,
                                                 examples_dir: Path) -> None:
    with socle.Policy.load_file(examples_dir / "policies" / "ccas.textproto") as policy:
        state_a = socle.Ledger.open(vault, tmp_path / "state.db", "state")
        state_b = socle.Ledger.open(vault, tmp_path / "state.db", "state")
        a = socle.AccessEngine.open(policy, state_a)
        a.upsert_professional("ass1", "ass", ["pole-social"])
        a.upsert_person("P-1", ["pole-social"])
        a.save_snapshot()
        a.upsert_person("P-2", ["pole-social"])
        b = socle.AccessEngine.open(policy, state_b)  # as another process would
    # Revision 1: the policy's activation, the ledger's first (docs/policy-approval.md).
    assert b.revision == a.revision == 4
    assert b.decide("ass1", "P-2", "social", "accompagnement_social").allowed
    a.block("P-2", "ass1")
    with pytest.raises(socle.FailedPreconditionError):
        b.upsert_person("P-3", ["pole-social"])
    assert b.catch_up() == 5
    assert not b.decide("ass1", "P-2", "social", "accompagnement_social").allowed
    b.upsert_person("P-3", ["pole-social"])


def test_a_following_engine_applies_the_other_handles_writes(vault: socle.Vault, tmp_path: Path,
                                                             examples_dir: Path) -> None:
    with socle.Policy.load_file(examples_dir / "policies" / "ccas.textproto") as policy:
        # Two handles on one state ledger, as two processes (or two servers) have them.
        a = socle.AccessEngine.open(policy,
                                    socle.Ledger.open(vault, tmp_path / "state.db", "state"))
        b = socle.AccessEngine.open(policy,
                                    socle.Ledger.open(vault, tmp_path / "state.db", "state"))
    assert not b.follower_status.following
    b.follow(poll_interval=60)  # only the ledger's watch can be in time
    assert b.follower_status.following
    with pytest.raises(socle.FailedPreconditionError):
        b.follow()
    with pytest.raises(socle.OutOfRangeError):
        a.follow(poll_interval=0)
    a.upsert_professional("ass1", "ass", ["pole-social"])
    a.upsert_person("P-1", ["pole-social"])
    assert b.wait_for_revision(a.revision, timeout=10)
    assert b.decide("ass1", "P-1", "social", "accompagnement_social").allowed
    a.block("P-1", "ass1")  # recorded through the other handle (another process, or server)
    assert b.wait_for_revision(a.revision, timeout=10)
    decision = b.decide("ass1", "P-1", "social", "accompagnement_social")
    assert not decision.allowed and decision.revision == a.revision
    status = b.follower_status
    assert status.error is None and status.last_error is None and status.failures == 0
    assert status.in_step_at is not None
    b.stop_following()
    assert not b.follower_status.following
    b.follow()
    b.close()  # stops the follower
