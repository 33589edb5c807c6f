#!/usr/bin/env python3
"""The policy digest recomputed without socle: `protoc --encode=socle.v1.Policy` serialises the
example policy, Python's hashlib computes BLAKE2b-256 with socle's domain separation, and the
result must equal both the digest `socle policy check` prints and the value frozen below.

How socle computes it (src/policy/compile.cc PolicyDigest, src/crypto/crypto.cc Hash):
    BLAKE2b-256( len(domain) as one byte || domain || serialisation ),  domain = b"socle.policy.v1"
with the serialisation made deterministic (CodedOutputStream::SetSerializationDeterministic).
`protoc --encode` does not ask for deterministic serialisation; the two agree because the schema
has no map field (deterministic mode only sorts map entries, and a policy parsed from text has no
unknown fields). This test checks that assumption on the .proto files and fails if a map appears.

A frozen value changes only when the example policy's content or the schema's field numbers
change, and then on purpose: update it here in the same commit, and say why.

Usage: digest_crosscheck.py PROTOC PROTO_DIR EXAMPLES_DIR [SOCLE_BINARY]
"""
import hashlib
import pathlib
import re
import subprocess
import sys

DOMAIN = b"socle.policy.v1"
FROZEN = {
    "ccas.textproto": "f8fba70d81c7d5136f7747643b62c685dfbacc3dfd46b4d21c50dedc0cd9f9eb",
    "departement.textproto": "e3eca7c3f9bcc759464abcf702a9ca8df81dcacdf39be44a2bb133c806d1e514",
}


def digest(serialised):
    return hashlib.blake2b(bytes([len(DOMAIN)]) + DOMAIN + serialised, digest_size=32).hexdigest()


def main():
    protoc, proto_dir, examples = sys.argv[1:4]
    socle = sys.argv[4] if len(sys.argv) > 4 else None
    failures = []
    for proto in pathlib.Path(proto_dir, "socle", "v1").glob("*.proto"):
        if re.search(r"\bmap\s*<", proto.read_text(encoding="utf-8")):
            failures.append("%s has a map field: protoc --encode is no longer deterministic "
                            "serialisation; sort the entries before hashing" % proto)
    for name, frozen in FROZEN.items():
        path = pathlib.Path(examples, "policies", name)
        encoded = subprocess.run(
            [protoc, "--encode=socle.v1.Policy", "-I" + proto_dir,
             str(pathlib.Path(proto_dir, "socle", "v1", "policy.proto"))],
            stdin=path.open("rb"), capture_output=True, timeout=120)
        if encoded.returncode != 0:
            failures.append("protoc --encode failed on %s: %s" % (name, encoded.stderr.decode()))
            continue
        independent = digest(encoded.stdout)
        print("%s: protoc + hashlib %s" % (name, independent))
        if independent != frozen:
            failures.append("%s: protoc + hashlib give %s, the frozen value is %s" %
                            (name, independent, frozen))
        if socle:
            check = subprocess.run([socle, "policy", "check", str(path)], capture_output=True,
                                   text=True, timeout=120)
            match = re.search(r"^digest ([0-9a-f]{64})$", check.stdout, re.M)
            if check.returncode != 0 or not match:
                failures.append("socle policy check %s: exit %d, no digest line:\n%s%s" %
                                (name, check.returncode, check.stdout, check.stderr))
            else:
                print("%s: socle policy check %s" % (name, match.group(1)))
                if match.group(1) != independent:
                    failures.append("%s: socle prints %s, protoc + hashlib give %s" %
                                    (name, match.group(1), independent))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
