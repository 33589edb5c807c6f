#!/usr/bin/env python3
"""An independent implementation of socle's pseudonymisation constructions (docs/pseudonyms.md),
written from the document with the standard library only (hashlib's BLAKE2b; ChaCha20,
HChaCha20 and Poly1305 below, from RFC 8439 and draft-irtf-cfrg-xchacha). It printed the
known-answer vectors frozen in kat_test.cc; run it again to check them:

    python3 tests/pseudonym/reference_vectors.py
"""
import base64
import hashlib
import struct

KDF, PRF, SIV = b"socle.pseudo.kdf", b"socle.pseudo.prf", b"socle.token.siv"


def b2b(key, person, msg, n):
    return hashlib.blake2b(msg, key=key, person=person, digest_size=n).digest()


def derive(key, label, version, domain, extra=b""):
    info = (label + b"\0" + struct.pack(">I", version) + struct.pack(">H", len(domain)) + domain
            + struct.pack(">H", len(extra)) + extra)
    return b2b(key, KDF, info, 32)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def text(tag, version, b):
    return "%s%04d%s" % (tag, version, b64url(b))


# --- ChaCha20 / HChaCha20 / Poly1305 -------------------------------------------------------------
def _rotl(v, c):
    return ((v << c) & 0xffffffff) | (v >> (32 - c))


def _qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = _rotl(s[b] ^ s[c], 7)


def _rounds(s):
    for _ in range(10):
        _qr(s, 0, 4, 8, 12); _qr(s, 1, 5, 9, 13); _qr(s, 2, 6, 10, 14); _qr(s, 3, 7, 11, 15)
        _qr(s, 0, 5, 10, 15); _qr(s, 1, 6, 11, 12); _qr(s, 2, 7, 8, 13); _qr(s, 3, 4, 9, 14)


CONST = list(struct.unpack("<4I", b"expand 32-byte k"))


def chacha_block(key, counter, nonce12):
    init = CONST + list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce12))
    s = list(init)
    _rounds(s)
    return struct.pack("<16I", *[(a + b) & 0xffffffff for a, b in zip(s, init)])


def hchacha(key, nonce16):
    s = CONST + list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    _rounds(s)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def chacha_xor(key, counter, nonce12, data):
    out = bytearray()
    for i in range(0, len(data), 64):
        ks = chacha_block(key, counter + i // 64, nonce12)
        out += bytes(x ^ y for x, y in zip(data[i:i + 64], ks))
    return bytes(out)


def poly1305(key, msg):
    r = int.from_bytes(key[:16], "little") & 0x0ffffffc0ffffffc0ffffffc0fffffff
    s = int.from_bytes(key[16:], "little")
    p, acc = (1 << 130) - 5, 0
    for i in range(0, len(msg), 16):
        acc = (acc + int.from_bytes(msg[i:i + 16] + b"\x01", "little")) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def xchacha20poly1305_encrypt(key, nonce24, ad, plaintext):
    subkey = hchacha(key, nonce24[:16])
    nonce12 = b"\0\0\0\0" + nonce24[16:]
    otk = chacha_block(subkey, 0, nonce12)[:32]
    ct = chacha_xor(subkey, 1, nonce12, plaintext)
    pad = lambda b: b"\0" * (-len(b) % 16)
    mac_data = ad + pad(ad) + ct + pad(ct) + struct.pack("<QQ", len(ad), len(ct))
    return ct + poly1305(otk, mac_data)


# --- socle's constructions ------------------------------------------------------------------------
def person(master_base, base, domain, identifier, chain=()):
    """chain: [(master_v, v), ...] for the versions after the base, in order."""
    p = b2b(derive(master_base, b"pseudonym", base, domain), PRF, identifier, 16)
    for master, v in chain:
        p = b2b(derive(master, b"rotate", v, domain), PRF, p, 16)
    return p


def relationship(master_base, base, domain, label, identifier):
    root = derive(master_base, b"relationship", base, domain)
    key = derive(root, b"relationship-label", base, domain, label)
    return b2b(key, PRF, identifier, 16)


def transaction(master, version, domain, export_random, identifier):
    root = derive(master, b"export", version, domain)
    key = derive(root, b"export-context", version, domain, export_random)
    return b2b(key, PRF, identifier, 16)


def token(master, version, domain, identifier):
    bucket = 16
    while bucket < len(identifier) + 1:
        bucket *= 2
    padded = identifier + b"\x80" + b"\0" * (bucket - len(identifier) - 1)
    ad = b"socle.token.v1\0" + struct.pack(">I", version) + struct.pack(">H", len(domain)) + domain
    siv = b2b(derive(master, b"token-mac", version, domain), SIV, ad + padded, 24)
    sealed = xchacha20poly1305_encrypt(derive(master, b"token-enc", version, domain), siv, ad, padded)
    return "K%04d%s" % (version, b64url(siv + sealed))


if __name__ == "__main__":
    m1, m2, m3 = bytes(range(0, 32)), bytes(range(32, 64)), bytes(range(64, 96))
    ident = b"personne-000042"
    print("derive pseudonym v1 suivi      ", derive(m1, b"pseudonym", 1, b"suivi").hex())
    print("derive rotate v2 suivi         ", derive(m2, b"rotate", 2, b"suivi").hex())
    print("person v1                      ", text("P", 1, person(m1, 1, b"suivi", ident)))
    print("person v1 'a'                  ", text("P", 1, person(m1, 1, b"suivi", b"a")))
    print("person v2 (chain 1->2)         ", text("P", 2, person(m1, 1, b"suivi", ident, [(m2, 2)])))
    print("person v3 (chain 1->2->3)      ",
          text("P", 3, person(m1, 1, b"suivi", ident, [(m2, 2), (m3, 3)])))
    print("relationship v1 apa_2026       ",
          text("R", 1, relationship(m1, 1, b"evaluation", b"apa_2026", ident)))
    print("relationship v1 ash_2026       ",
          text("R", 1, relationship(m1, 1, b"evaluation", b"ash_2026", ident)))
    print("transaction v1 random=0xaa*32  ",
          text("T", 1, transaction(m1, 1, b"stats", b"\xaa" * 32, ident)))
    print("token v1 suivi (15 bytes)      ", token(m1, 1, b"suivi", ident))
    print("token v1 suivi (16 bytes)      ", token(m1, 1, b"suivi", b"personne-0000042"))
    print("token v2 suivi (15 bytes)      ", token(m2, 2, b"suivi", ident))
