#!/usr/bin/env python3
"""Writes the seeds of merkle_proof_fuzzer (tests/fuzz/merkle_proof_fuzzer.cc) beside this file,
from transparency-dev's vectors copied in tests/ledger/vectors/merkle. Run again after changing
the fuzzer's input layout; the seeds are committed."""
import base64
import json
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parents[1] / "ledger" / "vectors" / "merkle"


def b64(text):
    return base64.b64decode(text)


def write(name, data):
    (HERE / name).write_bytes(data)


def main():
    inc = json.loads((VECTORS / "inclusion/1/happy-path.json").read_text())
    proof = b"".join(b64(p) for p in inc["proof"] or [])
    write("inclusion_happy.bin", bytes([0]) + struct.pack(">QQ", inc["leafIdx"], inc["treeSize"])
          + b64(inc["leafHash"]) + b64(inc["root"]) + proof)
    con = json.loads((VECTORS / "consistency/1/happy-path.json").read_text())
    proof = b"".join(b64(p) for p in con["proof"] or [])
    write("consistency_happy.bin", bytes([1]) + struct.pack(">QQ", con["size1"], con["size2"])
          + b64(con["root1"]) + b64(con["root2"]) + proof)
    # A compact range of size 8: one hash, the tree's root.
    write("range_size8.bin", bytes([2]) + struct.pack(">Q", 8) + b64(inc["root"]))
    # Real proofs of the fuzzer's own tree: unchanged, one bit flipped, and a consistency proof.
    write("mutated_none.bin", bytes([3]) + struct.pack(">QQ", 700, 5) + bytes([0]))
    write("mutated_bit.bin", bytes([3]) + struct.pack(">QQ", 700, 5) + bytes([0, 0, 0x10]))
    write("mutated_consistency.bin", bytes([3]) + struct.pack(">QQ", 999, 312) + bytes([1]))


if __name__ == "__main__":
    main()
