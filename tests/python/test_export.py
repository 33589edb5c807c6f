"""Export files from Python: an access request written through the trail from a generator of
entries, signed and sealed, read back with socle.ExportReader as dicts; portability and an audit
extract; a tampered file refused with its problem and offset; a failing generator; keys and a
hand-written file through ExportWriter; hostile inputs."""

from __future__ import annotations

import datetime
import importlib
import pickle
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import socle

FAST = {"opslimit": 2, "memlimit": 64 << 20}
NOW = 1900000000
PROFESSIONALS = ("ass1\tass\tpole-social\tccas\n"
                 "aud1\tauditeur_securite\t\tccas\n")
IDENTITY = {"person": "P-1", "familyName": "Martin", "givenNames": "Léa",
            "birthDate": "1990-04-02"}


@pytest.fixture
def policy(examples_dir: Path) -> socle.Policy:
    return socle.Policy.load_file(examples_dir / "policies" / "ccas.textproto")


@pytest.fixture
def vault(tmp_path: Path) -> socle.Vault:
    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key", b"export test", **FAST)
    with provider:
        return socle.Vault.open(provider, tmp_path / "vault.db", "ccas")


@pytest.fixture
def trail(policy: socle.Policy, vault: socle.Vault, tmp_path: Path) -> socle.AccessTrail:
    engine = socle.AccessEngine.create(policy)
    engine.set_time(NOW)
    engine.load_directory_tsv(PROFESSIONALS, "P-1\tpole-social\n")
    ledger = socle.Ledger.open(vault, tmp_path / "trail.db", "access_trail",
                               durability=socle.Durability.NONE)
    return socle.AccessTrail.create(ledger, engine)


@pytest.fixture
def signing_key(vault: socle.Vault) -> socle.ExportSigningKey:
    return socle.ExportSigningKey.from_vault(vault)


def entries(count: int = 4) -> Iterator[Dict[str, Any]]:
    """A generator, as over a database cursor: the working note last."""
    kinds = ["FACT", "PROFESSIONAL_APPRECIATION", "THIRD_PARTY_INFORMATION", "WORKING_NOTE"]
    for i in range(count):
        yield {"id": f"note-{i}", "person": "P-1", "category": "social",
               "kind": kinds[i % len(kinds)], "author": "ass1",
               "createdAt": datetime.datetime(2030, 3, 1, 9, 30, tzinfo=datetime.timezone.utc),
               "purpose": "accompagnement_social", "title": "Entretien",
               "text": f"Compte rendu {i}"}


def test_the_package_exports_the_section() -> None:
    module = importlib.import_module("socle._export")
    assert set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)
    assert socle.ExportKind.AUDIT_EXTRACT == 4
    assert socle.ExportProblem.TRAILING_BYTES == 12
    assert socle.portability_json_schema()["$schema"].endswith("2020-12/schema")


def test_an_access_request_signed_then_read_as_dicts(trail: socle.AccessTrail,
                                                     signing_key: socle.ExportSigningKey,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "p1.socle"
    report = trail.write_access_request(identity=IDENTITY, entries=entries(), requested_by="P-1",
                                        handled_by="ass1", out=out, signing_key=signing_key,
                                        issuer="CCAS de Test")
    assert (report.entries, report.withheld, report.left_out) == (2, 1, 1)
    assert report.records > 2 and report.bytes == out.stat().st_size

    reader = socle.ExportReader(out, trusted_issuers=[signing_key.public_key.hex()])
    assert reader.kind is socle.ExportKind.ACCESS_REQUEST
    assert not reader.sealed
    assert reader.issuer_public_key == signing_key.public_key
    assert reader.header["issuer"] == "CCAS de Test"
    records = list(reader)
    assert len(records) == report.records == reader.records_read
    assert all(isinstance(r, dict) for r in records)
    assert records[0]["identity"]["family_name"] == "Martin"
    assert any("Compte rendu 0" in str(r) for r in records)
    assert not any("Compte rendu 3" in str(r) for r in records)  # the working note

    verified = socle.verify_export(out, trusted_issuers=[signing_key.public_key])
    assert verified == (socle.ExportKind.ACCESS_REQUEST, False, report.records, report.bytes)


def test_a_sealed_access_request_opens_with_the_recipients_key_only(
        trail: socle.AccessTrail, signing_key: socle.ExportSigningKey, tmp_path: Path) -> None:
    key = socle.RecipientKey.generate()
    other = socle.RecipientKey.generate()
    out = tmp_path / "sealed.socle"
    report = trail.write_access_request(identity=IDENTITY, entries=entries(), requested_by="P-1",
                                        handled_by="ass1", out=out, signing_key=signing_key,
                                        recipients=[(key.public_key, "La personne"), other])
    assert len(list(socle.ExportReader(out, key=key))) == report.records
    # Its stored secret works as well; another recipient opens it too.
    assert len(list(socle.ExportReader(out, key=key.secret_key))) == report.records
    assert len(list(socle.ExportReader(out, key=other))) == report.records
    assert socle.verify_export(out).sealed

    with pytest.raises(socle.ExportFileError) as refused:
        list(socle.ExportReader(out))
    assert refused.value.problem is socle.ExportProblem.KEY_REQUIRED
    with pytest.raises(socle.PermissionDeniedError) as stranger:
        list(socle.ExportReader(out, key=socle.RecipientKey.generate()))
    assert isinstance(stranger.value, socle.ExportFileError)
    assert stranger.value.problem is socle.ExportProblem.NOT_A_RECIPIENT


def test_a_tampered_file_is_refused_at_its_offset(trail: socle.AccessTrail,
                                                  signing_key: socle.ExportSigningKey,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "p1.socle"
    trail.write_access_request(identity=IDENTITY, entries=entries(), requested_by="P-1",
                               handled_by="ass1", out=out, signing_key=signing_key)
    data = bytearray(out.read_bytes())
    data[-200] ^= 1
    tampered = tmp_path / "tampered.socle"
    tampered.write_bytes(bytes(data))
    with pytest.raises(socle.ExportFileError) as refused:
        list(socle.ExportReader(tampered))
    error = refused.value
    assert error.problem is not socle.ExportProblem.NONE
    assert 0 < error.offset < len(data)
    assert isinstance(error, socle.error_class(error.code))
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), again.problem, again.offset) == (type(error), error.problem, error.offset)
    with pytest.raises(socle.ExportFileError):
        socle.verify_export(tampered)

    (tmp_path / "zip.socle").write_bytes(b"PK\x03\x04 not an export")
    with pytest.raises(socle.ParseError) as not_export:
        socle.ExportReader(tmp_path / "zip.socle")
    assert not_export.value.problem is socle.ExportProblem.NOT_AN_EXPORT
    with pytest.raises(socle.ExportFileError) as untrusted:
        socle.ExportReader(out, trusted_issuers=[bytes(32)])
    assert untrusted.value.problem is socle.ExportProblem.UNTRUSTED_ISSUER


def test_a_failing_generator_stops_the_export_and_leaves_no_file(
        trail: socle.AccessTrail, signing_key: socle.ExportSigningKey, tmp_path: Path) -> None:
    class DatabaseGone(RuntimeError):
        pass

    def broken() -> Iterator[Dict[str, Any]]:
        yield next(entries())
        raise DatabaseGone("connection lost")

    out = tmp_path / "broken.socle"
    with pytest.raises(DatabaseGone):
        trail.write_access_request(identity=IDENTITY, entries=broken(), requested_by="P-1",
                                   handled_by="ass1", out=out, signing_key=signing_key)
    assert not out.exists()
    # An entry socle refuses (another person's): the error names its position, not its content.
    stranger = dict(next(entries()), person="P-2")
    with pytest.raises(socle.InvalidArgumentError) as refused:
        trail.write_access_request(identity=IDENTITY, entries=[stranger], requested_by="P-1",
                                   handled_by="ass1", out=out, signing_key=signing_key)
    assert "P-2" not in str(refused.value)
    with pytest.raises(socle.ParseError):
        trail.write_access_request(identity=IDENTITY, entries=[{"kind": "NOT_A_KIND"}],
                                   requested_by="P-1", handled_by="ass1", out=out,
                                   signing_key=signing_key)
    with pytest.raises(socle.PermissionDeniedError):
        trail.write_access_request(identity=IDENTITY, entries=[], requested_by="ass1",
                                   handled_by="ass1", out=out, signing_key=signing_key)
    assert not out.exists()


def test_portability_and_an_audit_extract(trail: socle.AccessTrail, policy: socle.Policy,
                                          signing_key: socle.ExportSigningKey,
                                          tmp_path: Path) -> None:
    out = tmp_path / "portability.socle"
    report = trail.write_portability(policy=policy, identity=IDENTITY, entries=entries(),
                                     requested_by="P-1", handled_by="ass1", out=out,
                                     signing_key=signing_key)
    assert report.entries == 0  # the example's activities rest on a public task (art. 20(3))
    reader = socle.ExportReader(out)
    assert reader.kind is socle.ExportKind.PORTABILITY
    assert len(list(reader)) == report.records

    audit = tmp_path / "audit.socle"
    report = trail.write_audit_extract(auditor="aud1", out=audit, signing_key=signing_key)
    assert report.entries > 0 and report.checkpoint_size >= report.entries
    assert socle.verify_export(audit).kind is socle.ExportKind.AUDIT_EXTRACT
    with pytest.raises(socle.PermissionDeniedError):
        trail.write_audit_extract(auditor="ass1", out=tmp_path / "no.socle",
                                  signing_key=signing_key)
    assert not (tmp_path / "no.socle").exists()


def test_keys_and_a_hand_written_file(tmp_path: Path) -> None:
    key = socle.RecipientKey.generate()
    assert len(key.public_key) == 32 and len(key.secret_key) == 32
    assert socle.RecipientKey.from_secret(key.secret_key).public_key == key.public_key
    with pytest.raises(socle.InvalidArgumentError):
        socle.RecipientKey.from_secret(b"short")
    signing = socle.ExportSigningKey.generate()

    out = tmp_path / "dataset.socle"
    with socle.ExportWriter(out, signing, kind=socle.ExportKind.PSEUDONYMISED_DATASET,
                            recipients=[key.public_key_hex]) as writer:
        writer.add(b"\x0a\x02hi")
        assert not out.exists()
        assert writer.finish() == (1, out.stat().st_size)
    reader = socle.ExportReader(out, key=key, trusted_issuers=[signing.public_key])
    assert reader.sealed and list(reader.raw_records()) == [b"\x0a\x02hi"]

    # A writer left by an exception leaves no file.
    with pytest.raises(RuntimeError):
        with socle.ExportWriter(tmp_path / "never.socle", signing) as writer:
            writer.add(b"x")
            raise RuntimeError("stop")
    assert not (tmp_path / "never.socle").exists()

    with pytest.raises(socle.InvalidArgumentError):
        socle.ExportWriter(tmp_path / "x.socle", signing, kind=9)
    with pytest.raises(socle.InvalidArgumentError):
        socle.ExportWriter(tmp_path / "x.socle", signing, recipients=[b"short"])
    with pytest.raises(socle.InvalidArgumentError):
        socle.ExportWriter(tmp_path / "x.socle", signing, recipients=["not hex"])
    with pytest.raises(socle.InvalidArgumentError):
        socle.ExportReader(out, trusted_issuers=[b"\x01" * 31])
    with pytest.raises(socle.NotFoundError):
        socle.ExportReader(tmp_path / "missing.socle")
