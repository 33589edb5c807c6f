"""socle.Vault and socle.KeyProvider: key files, sealed records, rotation, crypto-shredding, a
key provider in Python."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
import shutil
from typing import Dict, List, Tuple

import pytest

import socle

PASSPHRASE = b"correct horse battery staple"
# libsodium's INTERACTIVE Argon2id cost: the cheapest key files may use outside C++ tests.
FAST = {"opslimit": 2, "memlimit": 64 << 20}

REPO_POLICY = Path(__file__).resolve().parents[2] / "tests" / "pseudonym" / "policy.textproto"


@pytest.fixture(scope="session")
def _key_file_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "master.key"
    socle.KeyProvider.create_key_file(path, PASSPHRASE, **FAST).close()
    return path


@pytest.fixture
def key_file(_key_file_template: Path, tmp_path: Path) -> Path:
    """A copy of one key file made once per session (each Argon2id run costs about 0.1 s)."""
    path = tmp_path / "master.key"
    shutil.copyfile(_key_file_template, path)
    return path


@pytest.fixture
def vault(key_file: Path, tmp_path: Path) -> socle.Vault:
    with socle.KeyProvider.open_key_file(key_file, PASSPHRASE) as provider:
        # The vault keeps its own reference: the provider may be closed right away.
        return socle.Vault.open(provider, tmp_path / "vault.db", "ccas-test")


def test_seal_and_open(vault: socle.Vault) -> None:
    note = "Visite à domicile"
    sealed = vault.seal_record("x1", "note-1", note)
    assert len(sealed) == len(note.encode()) + socle._vault.SEAL_OVERHEAD
    assert vault.open_record("x1", "note-1", sealed) == note.encode()
    assert vault.seal_record("x1", "note-1", b"same") != vault.seal_record("x1", "note-1", b"same")
    sealed_all = vault.seal_records("x1", [("a", b"1"), ("b", b"22")], schema_version=3)
    assert vault.open_records("x1", [("a", sealed_all[0]), ("b", sealed_all[1])],
                              schema_version=3) == [b"1", b"22"]


def test_misplaced_or_altered_ciphertexts_fail(vault: socle.Vault) -> None:
    sealed = vault.seal_record("x1", "note-1", b"secret content")
    vault.seal_record("x2", "note-1", b"creates the key of x2")
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    for person, record, data, version in [
            ("x2", "note-1", sealed, 1),          # another person
            ("x1", "note-2", sealed, 1),          # another record
            ("x1", "note-1", sealed, 2),          # another schema version
            ("x1", "note-1", sealed[:-1], 1),     # truncated
            ("x1", "note-1", bytes(flipped), 1)]:  # one bit flipped
        with pytest.raises(socle.VerificationFailedError) as raised:
            vault.open_record(person, record, data, version)
        assert "x1" not in str(raised.value) and "note" not in str(raised.value)


def test_shredding_makes_records_unreadable(vault: socle.Vault) -> None:
    sealed = vault.seal_record("x1", "note-1", b"to be forgotten")
    vault.shred_person("x1")
    with pytest.raises(socle.NotFoundError):
        vault.open_record("x1", "note-1", sealed)
    with pytest.raises(socle.NotFoundError):
        vault.shred_person("x1")


def test_rotation_keeps_records_readable(vault: socle.Vault) -> None:
    sealed = vault.seal_record("x1", "note-1", b"kept")
    assert vault.rotate_master_key(retire_previous=True) == 2
    assert vault.open_record("x1", "note-1", sealed) == b"kept"
    vault.verify()
    first = vault.current_pseudonym_version()
    assert vault.rotate_pseudonym_secret() == first + 1
    vault.destroy_pseudonym_secret(first)
    assert vault.current_pseudonym_version() == first + 1


def test_key_file_passphrases(key_file: Path) -> None:
    with pytest.raises(socle.VerificationFailedError) as raised:
        socle.KeyProvider.open_key_file(key_file, b"not the passphrase")
    assert "not the passphrase" not in str(raised.value)
    with socle.KeyProvider.open_key_file(key_file, PASSPHRASE) as provider:
        assert provider.key_id.startswith("kf-")
        provider.change_passphrase(bytearray(b"a new long passphrase"), **FAST)
    socle.KeyProvider.open_key_file(key_file, "a new long passphrase").close()
    with pytest.raises(socle.AlreadyExistsError):
        socle.KeyProvider.create_key_file(key_file, PASSPHRASE, **FAST)
    with pytest.raises(socle.InvalidArgumentError):  # under 8 bytes
        socle.KeyProvider.create_key_file(key_file.with_name("short.key"), b"short", **FAST)
    with pytest.raises(TypeError):
        socle.KeyProvider()


def test_not_a_key_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.key"
    path.write_bytes(b"this is not a key file at all")
    with pytest.raises(socle.ParseError):
        socle.KeyProvider.open_key_file(path, PASSPHRASE)
    with pytest.raises(socle.NotFoundError):
        socle.KeyProvider.open_key_file(tmp_path / "missing.key", PASSPHRASE)


class ToyKms:
    """A key wrapper in Python standing for an HSM: HMAC-bound XOR, enough for a test."""

    def __init__(self) -> None:
        self.secrets: Dict[int, bytes] = {1: os.urandom(32)}
        self.calls: List[Tuple[str, int]] = []

    def current_version(self) -> int:
        return max(self.secrets)

    def _stream(self, version: int, ad: bytes) -> bytes:
        return hashlib.sha256(self.secrets[version] + b"stream" + ad).digest()

    def wrap(self, version: int, key: bytes, ad: bytes) -> bytes:
        self.calls.append(("wrap", version))
        body = bytes(a ^ b for a, b in zip(key, self._stream(version, ad)))
        return body + hmac.new(self.secrets[version], ad + body, "sha256").digest()

    def unwrap(self, version: int, wrapped: bytes, ad: bytes) -> bytes:
        self.calls.append(("unwrap", version))
        body, tag = wrapped[:-32], wrapped[-32:]
        expected = hmac.new(self.secrets[version], ad + body, "sha256").digest()
        if not hmac.compare_digest(tag, expected):
            raise socle.VerificationFailedError("does not authenticate")
        return bytes(a ^ b for a, b in zip(body, self._stream(version, ad)))

    def rotate(self) -> int:
        version = self.current_version() + 1
        self.secrets[version] = os.urandom(32)
        return version


def test_callback_provider(tmp_path: Path) -> None:
    kms = ToyKms()
    provider = socle.KeyProvider.create_from_callbacks(
        "hsm:test-1", current_version=kms.current_version, wrap=kms.wrap, unwrap=kms.unwrap,
        rotate=kms.rotate)
    assert provider.key_id == "hsm:test-1"
    vault = socle.Vault.open(provider, tmp_path / "hsm.db", "tenant", cache_capacity=0)
    provider.close()  # the vault keeps the provider, and the bindings its Python callbacks
    del provider
    sealed = vault.seal_record("x1", "r1", b"via the HSM")
    assert ("wrap", 1) in kms.calls
    assert vault.open_record("x1", "r1", sealed) == b"via the HSM"
    assert ("unwrap", 1) in kms.calls
    assert vault.rotate_master_key() == 2 and ("wrap", 2) in kms.calls
    assert vault.open_record("x1", "r1", sealed) == b"via the HSM"
    # A callback's exception comes back as its status code.
    kms.secrets[2] = os.urandom(32)
    with pytest.raises(socle.VerificationFailedError):
        vault.open_record("x1", "r1", sealed)
    vault.close()
    assert not socle._vault._CALLBACK_PROVIDERS  # `destroy` ran


def test_closed_vault(vault: socle.Vault) -> None:
    vault.close()
    assert vault.closed and "closed" in repr(vault)
    with pytest.raises(ValueError):
        vault.seal_record("x1", "r", b"")


def test_pseudonyms_from_the_vault(vault: socle.Vault, examples_dir: Path) -> None:
    """The pseudonymisation secret stays in the vault: PERSON pseudonyms are stable across two
    pseudonymizers over the same vault, TRANSACTION ones differ between exports."""
    policy = socle.Policy.load_file(examples_dir / "policies" / "ccas.textproto")
    first = socle.Pseudonymizer.create_from_vault(policy, vault)
    second = socle.Pseudonymizer.create_from_vault(policy, vault)
    research = first.compute_batch("recherche_non_recours", ["usager-1", "usager-2"])
    assert research == second.compute_batch("recherche_non_recours", ["usager-1", "usager-2"])
    assert research[0] != research[1] and research[0].startswith("P0001")
    assert (first.compute_batch("stats_abs", ["usager-1"])
            != first.compute_batch("stats_abs", ["usager-1"]))


class _NoCopy(bytearray):
    """A passphrase that fails the test if the binding copies it into an unwipeable bytes."""

    def __bytes__(self) -> bytes:
        raise AssertionError("the passphrase was copied into a bytes object")


def test_a_bytearray_passphrase_reaches_c_without_a_copy(key_file: Path, tmp_path: Path) -> None:
    passphrase = _NoCopy(PASSPHRASE)
    with socle.KeyProvider.open_key_file(key_file, passphrase) as provider:
        provider.change_passphrase(_NoCopy(b"another long passphrase"), **FAST)
    socle.KeyProvider.create_key_file(tmp_path / "new.key", _NoCopy(PASSPHRASE), **FAST).close()
    socle.KeyProvider.open_key_file(key_file, "another long passphrase").close()
    # Wiping the caller's bytearray is the caller's job, and it still holds the passphrase.
    assert bytes(bytearray(passphrase)) == PASSPHRASE


def test_argon2id_below_the_interactive_cost_is_refused(tmp_path: Path) -> None:
    with pytest.raises(socle.InvalidArgumentError) as raised:
        socle.KeyProvider.create_key_file(tmp_path / "weak.key", PASSPHRASE, opslimit=1,
                                          memlimit=8192)
    assert "for tests only" in str(raised.value)
    assert not (tmp_path / "weak.key").exists()


def test_pseudonym_controls_belong_to_the_vault(vault: socle.Vault, key_file: Path,
                                                tmp_path: Path) -> None:
    """Retiring a version and the reversal limit hold for every pseudonymizer of the vault's
    database, including one made after the vault was reopened."""
    policy = socle.Policy.load_file(REPO_POLICY)
    kwargs = {"reversal_hook": lambda event: None, "reversal_rate_limit": (4, 3600)}
    old = socle.Pseudonymizer.create_from_vault(policy, vault, **kwargs)
    token = old.create_token("suivi", "personne-7")
    vault.rotate_pseudonym_secret()
    first = socle.Pseudonymizer.create_from_vault(policy, vault, **kwargs)
    second = socle.Pseudonymizer.create_from_vault(policy, vault, **kwargs)
    ask = {"domain": "suivi", "actor": "agent-7", "role": "dpo", "reason": "motif"}
    assert second.reverse_token(token, **ask) == b"personne-7"  # 1 of 4
    first.retire(1)
    with pytest.raises(socle.FailedPreconditionError):
        second.reverse_token(token, **ask)  # 2 of 4
    vault.close()
    with socle.KeyProvider.open_key_file(key_file, PASSPHRASE) as provider:
        reopened = socle.Vault.open(provider, tmp_path / "vault.db", "ccas-test")
    third = socle.Pseudonymizer.create_from_vault(policy, reopened, **kwargs)
    for _ in range(2):  # 3 and 4 of 4
        with pytest.raises(socle.FailedPreconditionError):
            third.reverse_token(token, **ask)
    with pytest.raises(socle.ResourceExhaustedError):
        third.reverse_token(token, **ask)
