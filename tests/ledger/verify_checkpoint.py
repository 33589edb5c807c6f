#!/usr/bin/env python3
"""An independent verifier of signed checkpoints, written from the C2SP texts
(https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint) with hashlib and PyNaCl only,
not from socle's code. It is what a third party would write to check socle's checkpoints.

Usage:
  verify_checkpoint.py VERIFIER_KEY_FILE ORIGIN_FILE GOOD_DIR BAD_DIR
      every GOOD_DIR/*.txt must verify as a checkpoint of ORIGIN, every BAD_DIR/*.txt must not;
  verify_checkpoint.py --note VERIFIER_KEY SIGNED_NOTE_FILE
      SIGNED_NOTE_FILE must verify as a signed note (any text).
Exit status 0 when all hold, 1 otherwise, 77 when PyNaCl is missing (skipped).
"""
import base64
import binascii
import hashlib
import pathlib
import sys

try:
    import nacl.exceptions
    import nacl.signing
except ImportError:  # python3-nacl (tools/debian-packages.txt)
    print("SKIP: python3-nacl is not installed")
    sys.exit(77)

EM_DASH_PREFIX = "\u2014 ".encode()
ED25519 = 0x01


class Invalid(Exception):
    pass


def b64decode(text):
    """Standard base64 with padding, nothing else."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(f"not base64: {text!r}") from exc
    if base64.b64encode(raw).decode() != text:
        raise Invalid(f"not canonical base64: {text!r}")
    return raw


def key_id(name, alg_and_key):
    return hashlib.sha256(name.encode() + b"\n" + alg_and_key).digest()[:4]


def valid_name(name):
    return name != "" and "+" not in name and not any(c.isspace() for c in name)


def parse_verifier_key(vkey):
    """<name>+<hex key id>+<base64(0x01 || 32-byte Ed25519 public key)>"""
    parts = vkey.split("+", 2)  # the base64 key may hold a '+'
    if len(parts) != 3:
        raise Invalid("verifier key: not name+id+key")
    name, hex_id, b64 = parts
    if not valid_name(name) or len(hex_id) != 8:
        raise Invalid("verifier key: bad name or id")
    raw = b64decode(b64)
    if len(raw) != 33 or raw[0] != ED25519:
        raise Invalid("verifier key: not an Ed25519 key")
    if key_id(name, raw) != bytes.fromhex(hex_id):
        raise Invalid("verifier key: the id does not match the key")
    return name, bytes.fromhex(hex_id), nacl.signing.VerifyKey(raw[1:])


def open_note(msg, vkey):
    """Returns the note's text when a signature line of `vkey` verifies it."""
    name, kid, verify_key = vkey
    try:
        decoded = msg.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid("not UTF-8") from exc
    if any(ord(c) < 0x20 and c != "\n" for c in decoded):
        raise Invalid("control character")
    # The text ends with a newline and is followed by a blank line; signature lines follow it.
    split = msg.rfind(b"\n\n")
    if split < 0:
        raise Invalid("no blank line before the signatures")
    text, sigs = msg[: split + 1], msg[split + 2 :]
    if not sigs.endswith(b"\n"):
        raise Invalid("no signature lines")
    lines = sigs[:-1].split(b"\n")
    if len(lines) > 100:
        raise Invalid("too many signatures")
    verified = False
    for line in lines:
        if not line.startswith(EM_DASH_PREFIX):
            raise Invalid(f"bad signature line {line!r}")
        line_name, sep, b64 = line[len(EM_DASH_PREFIX) :].decode().partition(" ")
        if not sep or not valid_name(line_name):
            raise Invalid(f"bad signature line {line!r}")
        raw = b64decode(b64)
        if len(raw) < 5:
            raise Invalid("signature too short")
        if line_name != name or raw[:4] != kid:
            continue  # another key's signature: ignored
        try:
            verify_key.verify(text, raw[4:])
        except nacl.exceptions.BadSignatureError as exc:
            raise Invalid("bad signature of the known key") from exc
        verified = True
    if not verified:
        raise Invalid("no signature by the known key")
    return text


def parse_checkpoint(text, origin):
    """origin, tree size (decimal), base64 root hash, then non-empty extension lines."""
    lines = text.decode().split("\n")
    if lines[-1] != "" or len(lines) < 4:
        raise Invalid("a checkpoint has at least 3 lines, each ending with a newline")
    lines = lines[:-1]
    if lines[0] != origin:
        raise Invalid(f"origin {lines[0]!r}, not {origin!r}")
    size = lines[1]
    if not size.isascii() or not size.isdigit() or (len(size) > 1 and size[0] == "0"):
        raise Invalid(f"bad tree size {size!r}")
    if int(size) >= 2**64:
        raise Invalid("tree size too large")
    if len(b64decode(lines[2])) != 32:
        raise Invalid("root hash is not 32 bytes")
    if any(line == "" for line in lines[3:]):
        raise Invalid("empty extension line")
    return int(size)


def main(argv):
    if len(argv) == 4 and argv[1] == "--note":
        open_note(pathlib.Path(argv[3]).read_bytes(), parse_verifier_key(argv[2]))
        print(f"ok   {argv[3]} verifies")
        return 0
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    vkey = parse_verifier_key(pathlib.Path(argv[1]).read_text().strip("\n"))
    origin = pathlib.Path(argv[2]).read_text().strip("\n")
    good = sorted(pathlib.Path(argv[3]).glob("*.txt"))
    bad = sorted(pathlib.Path(argv[4]).glob("*.txt"))
    if not good or not bad:
        print("no samples", file=sys.stderr)
        return 1
    failed = False
    for path in good:
        try:
            parse_checkpoint(open_note(path.read_bytes(), vkey), origin)
            print(f"ok   {path.name} verifies")
        except Invalid as exc:
            print(f"FAIL {path.name}: rejected: {exc}")
            failed = True
    for path in bad:
        try:
            parse_checkpoint(open_note(path.read_bytes(), vkey), origin)
            print(f"FAIL {path.name}: altered, yet accepted")
            failed = True
        except Invalid as exc:
            print(f"ok   {path.name} rejected ({exc})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
