#!/usr/bin/env python3
"""An independent verifier of socle's consent receipts (docs/consent-and-sharing.md, "Consent
receipts and proofs"), written from the published formats with hashlib, json and PyNaCl only:
the C2SP signed note (verify_checkpoint.py, beside this file), RFC 9162's inclusion proof, and
the protobuf wire format of the entry (socle.v1.LedgerEntry holding a socle.v1.StateEvent). It
is what a person's adviser or another system would write to check a receipt without socle.

Usage:
  verify_consent_receipt.py RECEIPTS_VERIFIER_KEY CHECKPOINT_VERIFIER_KEY RECEIPT_FILE
Prints the consent's person, purpose, status and time and exits 0 when the receipt verifies;
exits 1 naming what fails otherwise; 77 when PyNaCl is missing (skipped).
"""
import hashlib
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import verify_checkpoint as vc  # noqa: E402  (exits 77 without PyNaCl)

Invalid = vc.Invalid


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(leaf, index, size, path):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        raise Invalid("index out of range")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Invalid("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while (fn & 1) == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Invalid("proof too short")
    return r


def fields(message):
    """The protobuf wire format: {field number: [values]} (varints as int, the rest as bytes)."""
    out, i = {}, 0

    def varint():
        nonlocal i
        value, shift = 0, 0
        while True:
            if i >= len(message) or shift > 63:
                raise Invalid("truncated varint")
            byte = message[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while i < len(message):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            value = varint()
        elif wire == 2:
            n = varint()
            if i + n > len(message):
                raise Invalid("truncated field")
            value, i = message[i : i + n], i + n
        elif wire == 1:
            value, i = message[i : i + 8], i + 8
        elif wire == 5:
            value, i = message[i : i + 4], i + 4
        else:
            raise Invalid(f"wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def one(message_fields, number, default=b""):
    values = message_fields.get(number)
    return values[-1] if values else default


def verify(receipt, receipts_key, checkpoint_key):
    text = vc.open_note(receipt, vc.parse_verifier_key(receipts_key))
    cp_name, _, _ = cp_key = vc.parse_verifier_key(checkpoint_key)
    if receipts_key.split("+", 1)[0] != cp_name + "/consent-receipts":
        raise Invalid("the receipts key is not the one of this ledger")
    doc = json.loads(text.decode("utf-8"))
    if doc["@type"] != "dpv:ConsentReceipt":
        raise Invalid("not a dpv:ConsentReceipt")
    record = doc["dpv:hasRecordOfActivity"]
    proof = doc["socle:proof"]
    # The checkpoint, signed by the ledger.
    cp_text = vc.open_note(proof["socle:checkpoint"].encode("utf-8"), cp_key)
    size = vc.parse_checkpoint(cp_text, cp_name)
    root = vc.b64decode(cp_text.decode().split("\n")[2])
    if proof["socle:origin"] != cp_name or proof["socle:treeSize"] != size:
        raise Invalid("the proof is not against its checkpoint")
    # The leaf is the entry's bytes, and it is in the checkpointed tree.
    entry = vc.b64decode(proof["socle:entry"])
    leaf = leaf_hash(entry)
    if leaf != vc.b64decode(proof["socle:leafHash"]):
        raise Invalid("the leaf hash is not the entry's")
    path = [vc.b64decode(h) for h in proof["socle:path"]]
    if root_from_inclusion(leaf, proof["socle:index"], size, path) != root:
        raise Invalid("the entry is not in the checkpointed ledger")
    # The entry: LedgerEntry.payload (6) is the StateEvent; its consent_given (26) or
    # consent_withdrawn (27) names person (1) and purpose (2); `at` (2) is a Timestamp.
    ledger_entry = fields(entry)
    if one(ledger_entry, 3, 0) != 4:  # LedgerEntryType STATE_EVENT
        raise Invalid("the entry is not a state event")
    event = fields(one(ledger_entry, 6))
    given = 26 in event
    consent = fields(one(event, 26 if given else 27))
    person = one(consent, 1).decode("utf-8")
    purpose = one(consent, 2).decode("utf-8")
    seconds = one(fields(one(event, 2)), 1, 0)
    status = record["dpv:hasConsentStatus"]
    if (record["dpv:hasDataSubject"]["dct:identifier"] != person
            or record["dpv:hasProcess"]["dpv:hasPurpose"]["dct:identifier"] != purpose
            or status["@type"] != ("dpv:ConsentGiven" if given else "dpv:ConsentWithdrawn")
            or record["socle:stateLedgerIndex"] != proof["socle:index"]):
        raise Invalid("the record does not state the event its entry holds")
    if given:
        # The notice's language (ConsentGiven.notice_language, 15): a BCP 47 tag, "fr" when the
        # event names none.
        language = one(consent, 15).decode("utf-8") or "fr"
        if record["dpv:hasNotice"].get("dct:language") != language:
            raise Invalid("the notice's language is not the entry's")
    return person, purpose, status["@type"], seconds


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    receipts_key, checkpoint_key = argv[1], argv[2]
    receipt = pathlib.Path(argv[3]).read_bytes()
    try:
        person, purpose, status, seconds = verify(receipt, receipts_key, checkpoint_key)
    except (Invalid, KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        print(f"FAIL: {exc!r}")
        return 1
    print(f"OK: {person} {purpose} {status} at {seconds}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
