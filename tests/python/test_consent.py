"""Representatives, consents, objections and consent receipts from Python (socle._consent): a
minor under 15 whose consent needs both parents, a withdrawal, an objection pending then
decided, a receipt issued on an engine of record and verified, bad input refused with nothing
recorded, and the examples of docs/consent-and-sharing.md run."""

from __future__ import annotations

import datetime
import hashlib
import importlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import socle
from conftest import REPO

PASSPHRASE = b"consent test passphrase"
FAST = {"opslimit": 2, "memlimit": 64 << 20}  # libsodium's INTERACTIVE Argon2id cost
# 2040-06-01 12:00 UTC: later than the real clock (the engine's clock never goes back). On that
# day `child` (born 2025-06-02) is 14 years and 364 days old, `teen` (born 2025-06-01) 15.
DAY = int(datetime.datetime(2040, 6, 1, 12, tzinfo=datetime.timezone.utc).timestamp())
NOTICE = hashlib.sha256(b"Notice des ateliers, version 3").digest()

ATELIER = (REPO / "tests" / "access" / "consent_activity.textproto").read_text(encoding="utf-8")
PROFESSIONALS = "sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n"
PERSONS = ("child\tt1\t\t2025-06-02\nteen\tt1\t\t2025-06-01\nmother\tt1\t\t1995-01-02\n"
           "father\tt1\t\t1993-07-14\nadult\tt1\t\t1970-06-01\n")


@pytest.fixture
def policy() -> socle.Policy:
    text = (REPO / "tests" / "access" / "workload_policy.textproto").read_text(encoding="utf-8")
    return socle.Policy.load(text + ATELIER)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    """The workload policy with the activity `atelier`, as the docs' examples read it."""
    text = (REPO / "tests" / "access" / "workload_policy.textproto").read_text(encoding="utf-8")
    path = tmp_path / "policy.textproto"
    path.write_text(text + ATELIER, encoding="utf-8")
    return path


def prepare(engine: socle.AccessEngine) -> None:
    engine.set_time(DAY)
    engine.load_directory_tsv(PROFESSIONALS, PERSONS)
    for parent in ("mother", "father"):
        engine.set_representative("child", parent, socle.RepresentationKind.PARENTAL_AUTHORITY,
                                  datetime.date(2025, 6, 2), reference="livret de famille",
                                  recorded_by="sw1")


@pytest.fixture
def engine(policy: socle.Policy) -> socle.AccessEngine:
    engine = socle.AccessEngine.create(policy)
    prepare(engine)
    return engine


def workshops(person: str, *given_by: str) -> socle.ConsentSpec:
    return socle.ConsentSpec(person=person, purpose="atelier", given_by=list(given_by),
                             information_version="notice-ateliers-v3",
                             information_sha256=NOTICE, channel="paper",
                             evidence_reference="formulaire 2040-117", recorded_by="sw1")


def test_the_package_exports_the_consent_section() -> None:
    module = importlib.import_module("socle._consent")
    assert module.__all__ and set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)
    assert socle.ConsentState.INCOMPLETE_FOR_MINOR == 7
    assert socle.RepresentationKind.PROXY == 5 and socle.ObjectionOutcome.PENDING == 0


def test_a_minor_under_15_needs_both_parents(engine: socle.AccessEngine) -> None:
    assert engine.consent_status("child", "atelier") == (socle.ConsentState.NOT_GIVEN, 0)
    assert engine.decide("sw1", "child", "social", "atelier").reason == socle.Reason.NO_CONSENT

    incomplete = engine.give_consent(workshops("child", "child", "mother"))
    assert incomplete == engine.revision
    status = engine.consent_status("child", "atelier")
    assert status.state == socle.ConsentState.INCOMPLETE_FOR_MINOR and not status
    assert status.name == "incomplete_for_minor" and status.revision == incomplete

    given = engine.give_consent(workshops("child", "child", "mother", "father"))
    status = engine.consent_status("child", "atelier", category="social")
    assert status.valid and status.revision == given and status.name == "valid"
    assert engine.decide("sw1", "child", "social", "atelier").allowed
    # At 15, the teen's own consent is enough.
    engine.give_consent(workshops("teen", "teen"))
    assert engine.consent_status("teen", "atelier").valid

    # An hour later a parent withdraws it, by phone: the same parameters as the grant.
    engine.set_time(DAY + 3600)
    withdrawn = engine.withdraw_consent("child", "atelier", "father", channel="phone",
                                        recorded_by="sw1")
    assert withdrawn == engine.revision
    assert engine.consent_status("child", "atelier") == (socle.ConsentState.WITHDRAWN, given)
    assert engine.consent_status("child", "atelier", at=DAY).valid  # as it was then
    assert engine.decide("sw1", "child", "social", "atelier").reason == socle.Reason.NO_CONSENT
    with pytest.raises(socle.NotFoundError):
        engine.withdraw_consent("child", "atelier", "father", recorded_by="sw1")

    engine.end_representative("child", "mother", "parental_authority", "2040-06-30", "sw1")
    with pytest.raises(socle.NotFoundError):
        engine.end_representative("child", "adult", socle.RepresentationKind.GUARDIANSHIP,
                                  "2040-06-30", "sw1")


def test_an_objection_is_pending_then_decided(engine: socle.AccessEngine) -> None:
    assert engine.decide("sw1", "adult", "social", "accompagnement").allowed
    engine.record_objection("adult", "accompagnement", objected_by="adult", recorded_by="sw1")
    assert engine.decide("sw1", "adult", "social", "accompagnement").reason == \
        socle.Reason.OBJECTION_PENDING
    with pytest.raises(socle.AlreadyExistsError):
        engine.record_objection("adult", "accompagnement", objected_by="adult",
                               recorded_by="sw1")
    before = engine.revision
    with pytest.raises(socle.InvalidArgumentError, match="outcome"):
        engine.decide_objection("adult", "accompagnement", "pending", "aucun motif", "mgr1")
    assert engine.revision == before
    engine.decide_objection("adult", "accompagnement", socle.ObjectionOutcome.UPHELD,
                            "aucun motif impérieux", "mgr1")
    assert engine.decide("sw1", "adult", "social", "accompagnement").reason == \
        socle.Reason.OBJECTION_UPHELD
    engine.withdraw_objection("adult", "accompagnement", recorded_by="sw1")
    assert engine.decide("sw1", "adult", "social", "accompagnement").allowed


def test_bad_input_is_refused_and_records_nothing(engine: socle.AccessEngine) -> None:
    before = engine.revision
    short = workshops("adult", "adult")
    short.information_sha256 = NOTICE[:31]
    with pytest.raises(socle.InvalidArgumentError, match="sha256"):
        engine.give_consent(short)
    unknown = workshops("adult", "adult")
    unknown.purpose = "nothing_such"
    with pytest.raises(socle.NotFoundError):
        engine.give_consent(unknown)
    with pytest.raises(socle.NotFoundError):
        engine.consent_status("adult", "nothing_such")
    with pytest.raises(socle.InvalidArgumentError, match="scope"):
        engine.consent_status("adult", "atelier", scope=9)
    with pytest.raises(socle.InvalidArgumentError):
        engine.withdraw_consent("adult", "atelier", "adult", channel="pigeon", recorded_by="sw1")
    with pytest.raises(socle.InvalidArgumentError, match="from"):
        engine.set_representative("adult", "mother", "guardianship", "2040-02-30",
                                  recorded_by="sw1")
    with pytest.raises(socle.InvalidArgumentError, match="kind"):
        engine.record_objection("adult", "accompagnement", objected_by="adult", kind=0,
                                recorded_by="sw1")
    with pytest.raises(TypeError):
        engine.give_consent({"person": "adult"})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        engine.set_representative("adult", "mother", "guardianship",
                                  datetime.datetime(2040, 1, 1),  # a day, not a time
                                  recorded_by="sw1")
    untagged = workshops("adult", "adult")
    untagged.notice_language = "pas une langue"
    with pytest.raises(socle.InvalidArgumentError, match="notice_language"):
        engine.give_consent(untagged)
    assert engine.revision == before
    assert engine.consent_status("adult", "atelier").state == socle.ConsentState.NOT_GIVEN


def test_the_notice_language_is_kept_and_shown(engine: socle.AccessEngine) -> None:
    default = engine.give_consent(workshops("adult", "adult"))
    arabic = workshops("teen", "teen")
    arabic.notice_language = "ar"
    engine.give_consent(arabic)
    assert [c["notice_language"] for c in engine.person_summary("adult")["consents"]] == ["fr"]
    assert [c["notice_language"] for c in engine.person_summary("teen")["consents"]] == ["ar"]
    assert default > 0


def test_a_receipt_is_issued_and_verified(policy: socle.Policy, tmp_path: Path) -> None:
    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key", PASSPHRASE, **FAST)
    with provider:
        vault = socle.Vault.open(provider, tmp_path / "vault.db", "ccas-lyon")
    state = socle.Ledger.open(vault, tmp_path / "state.db", "state")
    engine = socle.AccessEngine.open(policy, state)
    prepare(engine)
    revision = engine.give_consent(workshops("teen", "teen"))

    receipt = state.issue_consent_receipt(policy, revision - 1)
    key = state.consent_receipt_verifier_key()
    checked = socle.verify_consent_receipt(receipt, key, state.verifier_key)
    assert checked.index == revision - 1
    assert "atelier" in checked.json and isinstance(checked.document, dict)
    json.loads(checked.json)
    altered = receipt.replace("notice-ateliers-v3", "notice-ateliers-v4")
    assert altered != receipt
    with pytest.raises(socle.VerificationFailedError):
        socle.verify_consent_receipt(altered, key, state.verifier_key)
    with pytest.raises(socle.InvalidArgumentError):
        state.issue_consent_receipt(policy, 0)  # the directory, not a consent
    with pytest.raises(socle.OutOfRangeError):
        state.issue_consent_receipt(policy, 10 ** 6)


def docs_example(language: str) -> str:
    text = (REPO / "docs" / "consent-and-sharing.md").read_text(encoding="utf-8")
    section = text[text.index("## From C, PHP, Java and Python: consent"):]
    example = section[section.index(f"```{language}\n") + len(language) + 4:]
    return example[:example.index("```")]


def test_the_python_example_of_the_docs_runs(policy_file: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(policy_file.parent)
    exec(compile(docs_example("python"), "docs/consent-and-sharing.md", "exec"), {})
    assert capsys.readouterr().out.splitlines() == ["incomplete_for_minor", "valid", "no_consent"]


@pytest.mark.skipif(shutil.which("cc") is None or not os.environ.get("SOCLE_LIBRARY_DIR"),
                    reason="needs a C compiler and SOCLE_LIBRARY_DIR (set by CTest)")
def test_the_c_example_of_the_docs_runs(policy_file: Path, include_dir: Path) -> None:
    source = policy_file.parent / "consent_example.c"
    source.write_text(docs_example("c"), encoding="utf-8")
    library_dir = os.environ["SOCLE_LIBRARY_DIR"]
    program = policy_file.parent / "consent_example"
    subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", str(include_dir),
                    str(source), "-L", library_dir, f"-Wl,-rpath,{library_dir}", "-lsocle", "-o",
                    str(program)], check=True)
    run = subprocess.run([str(program), str(policy_file)], check=True, capture_output=True,
                         text=True)
    assert run.stdout.splitlines() == ["incomplete_for_minor", "valid", "withdrawn"]
