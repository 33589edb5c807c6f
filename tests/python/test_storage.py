"""socle.Storage: one location opens the vault and the ledgers (a directory here; the
PostgreSQL side is tested in tests/pg); its INVALID_ARGUMENT errors never quote a password."""

from __future__ import annotations

from pathlib import Path

import pytest

import socle

PASSPHRASE = b"storage test passphrase"
# libsodium's INTERACTIVE Argon2id cost: the cheapest key files may use outside C++ tests.
FAST = {"opslimit": 2, "memlimit": 64 << 20}


@pytest.fixture
def provider(tmp_path: Path) -> socle.KeyProvider:
    return socle.KeyProvider.create_key_file(tmp_path / "master.key", PASSPHRASE, **FAST)


def test_a_directory_holds_the_vault_and_the_ledgers(tmp_path: Path,
                                                    provider: socle.KeyProvider) -> None:
    location = tmp_path / "ccas"  # absent: created
    with socle.Storage.open(location) as storage:
        assert not storage.is_postgresql
        assert storage.location == str(location)
        assert repr(storage) == f"<socle.Storage location={str(location)!r}>"
        vault = storage.open_vault(provider, "ccas-lyon", cache_capacity=16)
        ledger = storage.open_ledger(vault, "access_trail", durability=socle.Durability.SYNC)
    # The vault and the ledger outlive the storage that opened them.
    assert storage.closed
    assert location.is_dir() and (location.stat().st_mode & 0o777) == 0o700
    assert (location / "vault.db").is_file()
    assert (location / "access_trail.db").is_file()
    sealed = vault.seal_record("P-1", "note-1", "visite à domicile")
    assert vault.open_record("P-1", "note-1", sealed) == "visite à domicile".encode()
    assert ledger.name == "access_trail" and ledger.origin == "socle/ccas-lyon/access_trail"
    for i in range(3):
        ledger.wait_durable(ledger.append(socle.LedgerEntryType.OPERATION, f"op {i}", "P-1"))
    checkpoint = ledger.checkpoint()
    assert checkpoint.size == 3
    assert (location / "access_trail.db.checkpoint").is_file()  # the witness, beside the file
    verification = ledger.verify()
    assert verification.ok and verification.entries == 3
    ledger.close()
    vault.close()

    # The same location reopens the same vault and ledger: the record still opens, the entries
    # are there and verify.
    storage = socle.Storage.open(str(location))
    vault = storage.open_vault(provider, "ccas-lyon")
    assert vault.open_record("P-1", "note-1", sealed) == "visite à domicile".encode()
    with storage.open_ledger(vault, "access_trail") as ledger:
        assert ledger.size() == 3
        assert ledger.verify().ok
        assert [e.index for e in ledger.read_entries()] == [0, 1, 2]
    # Another tenant's vault in the same database is refused by the ledger it did not make.
    other = storage.open_vault(provider, "ccas-paris")
    with pytest.raises(socle.FailedPreconditionError):
        storage.open_ledger(other, "access_trail")


def test_a_witness_directory_keeps_the_witness_files(tmp_path: Path,
                                                     provider: socle.KeyProvider) -> None:
    storage = socle.Storage.open(tmp_path / "data", witness_dir=tmp_path / "witness")
    vault = storage.open_vault(provider, "ccas-lyon")
    with storage.open_ledger(vault, "state") as ledger:
        ledger.wait_durable(ledger.append(socle.LedgerEntryType.STATE_EVENT, b"event"))
        ledger.checkpoint()
        assert ledger.verify().ok
    assert (tmp_path / "witness" / "state.checkpoint").is_file()
    assert (tmp_path / "data" / "state.db").is_file()


def test_a_file_as_location_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "not-a-directory"
    path.write_text("a file")
    with pytest.raises(socle.InvalidArgumentError) as caught:
        socle.Storage.open(path)
    assert caught.value.code == socle.lib.SOCLE_E_INVALID_ARGUMENT
    assert str(path) in str(caught.value)  # a path is said, unlike a URI
    assert path.read_text() == "a file"  # untouched


def test_a_uri_needs_a_witness_dir_and_its_password_is_never_said(tmp_path: Path) -> None:
    uri = "postgresql://ccas:s3cr3t-pw@db.internal:5432/ccas?sslmode=require"
    for witness in (None, ""):
        with pytest.raises(socle.InvalidArgumentError) as caught:
            socle.Storage.open(uri, witness_dir=witness)
        message = str(caught.value)
        assert "witness" in message
        assert "s3cr3t-pw" not in message and "sslmode" not in message
    with pytest.raises(socle.InvalidArgumentError) as caught:
        socle.Storage.open("postgresql://ccas:s3cr3t-pw@[db", witness_dir=tmp_path)
    assert "malformed" in str(caught.value) and "s3cr3t-pw" not in str(caught.value)
    # Opening connects to nothing: the location is said without the password or the query.
    storage = socle.Storage.open(uri, witness_dir=tmp_path / "witness")
    assert storage.is_postgresql
    assert storage.location == "postgresql://ccas@db.internal:5432/ccas"
    assert (tmp_path / "witness").is_dir()


def test_closed_storage_and_bad_arguments(tmp_path: Path, provider: socle.KeyProvider) -> None:
    storage = socle.Storage.open(tmp_path)
    storage.close()
    with pytest.raises(ValueError):
        storage.open_vault(provider, "ccas-lyon")
    with pytest.raises(TypeError):
        socle.Storage()
    with pytest.raises(socle.InvalidArgumentError):
        socle.Storage.open(str(tmp_path) + "\0x")
    storage = socle.Storage.open(tmp_path)
    with pytest.raises(TypeError):
        storage.open_vault("not a provider", "ccas-lyon")  # type: ignore[arg-type]
    with pytest.raises(socle.InvalidArgumentError):
        storage.open_vault(provider, "")
    vault = storage.open_vault(provider, "ccas-lyon")
    with pytest.raises(socle.InvalidArgumentError):
        storage.open_ledger(vault, "Not A Name")
    assert not (tmp_path / "Not A Name.db").exists()
