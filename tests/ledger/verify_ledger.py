#!/usr/bin/env python3
"""An independent verifier of a socle ledger file (docs/ledger.md, "Verifying without socle").

It uses the standard library only (sqlite3, hashlib, base64) and no line of socle: it reads the
rows of the `entries` table in index order, hashes each stored body into its leaf
(SHA-256(0x00 || body), or the stored leaf hash of a row pruned by retention), rebuilds the
RFC 9162 Merkle root of the first `size` leaves of the latest checkpoint and compares it with
the root that checkpoint states. The checkpoint's signature is verify_checkpoint.py's job
(given --verifier-key, this script calls it as a module when PyNaCl is present).

Usage: verify_ledger.py LEDGER_DB [--verifier-key KEY --origin ORIGIN]
Exit: 0 the root matches, 1 it does not (the first leaf that differs from the stored leaf hash
is named), 2 usage or unreadable file.
"""
import argparse
import base64
import hashlib
import os
import sqlite3
import sys


def leaf_hash(body):
    return hashlib.sha256(b"\x00" + body).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves):
    """MTH(D[n]) of RFC 9162 §2.1.1: k is the largest power of two smaller than n."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def latest_checkpoint(db):
    row = db.execute("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
    if row is None:
        return None
    size, note = row
    lines = note.split("\n")
    return int(size), lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True), note


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger")
    parser.add_argument("--verifier-key")
    parser.add_argument("--origin")
    args = parser.parse_args()
    if not os.path.isfile(args.ledger):
        print("no such file: %s" % args.ledger)
        return 2
    db = sqlite3.connect("file:%s?mode=ro" % args.ledger, uri=True)
    checkpoint = latest_checkpoint(db)
    if checkpoint is None:
        print("no checkpoint yet: nothing to verify against")
        return 1
    size, origin, stated_size, stated_root, note = checkpoint
    if size != stated_size:
        print("the checkpoints table's size %d is not the note's %d" % (size, stated_size))
        return 1
    leaves = []
    first_mismatch = None
    expected = 0
    for idx, body, stored in db.execute(
            "SELECT idx, body, leaf_hash FROM entries WHERE idx < ? ORDER BY idx", (size,)):
        if idx != expected:
            print("FAILED: entry %d is missing" % expected)
            return 1
        expected += 1
        h = leaf_hash(bytes(body)) if body is not None else bytes(stored)
        if h != bytes(stored) and first_mismatch is None:
            first_mismatch = idx
        leaves.append(h)
    if len(leaves) != size:
        print("FAILED: the checkpoint covers %d entries, the file holds %d" % (size, len(leaves)))
        return 1
    computed = root(leaves)
    if computed != stated_root:
        where = "" if first_mismatch is None else " (entry %d's body does not hash to its " \
            "stored leaf hash)" % first_mismatch
        print("FAILED: the root of %d entries is %s, the checkpoint says %s%s" %
              (size, base64.b64encode(computed).decode(), base64.b64encode(stated_root).decode(),
               where))
        return 1
    if args.verifier_key:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        try:
            import verify_checkpoint  # noqa: E402 (exits 77 without PyNaCl)
        except SystemExit:
            print("cannot check the signature: python3-nacl is missing")
            return 2
        try:
            vkey = verify_checkpoint.parse_verifier_key(args.verifier_key)
            text = verify_checkpoint.open_note(note.encode(), vkey)
            if verify_checkpoint.parse_checkpoint(text, args.origin or origin) != size:
                raise verify_checkpoint.Invalid("the signed size is not the checkpoint's")
        except verify_checkpoint.Invalid as e:
            print("FAILED: the checkpoint's signature: %s" % e)
            return 1
    print("ok: %d entries hash to the root of the checkpoint of %s" % (size, origin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
