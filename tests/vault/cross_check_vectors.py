#!/usr/bin/env python3
"""Recomputes the vault's known-answer vectors with code that shares nothing with socle.

Not run by CTest (it needs the `cryptography` package; Argon2id needs version 44 or later, Debian
12 ships 38): it documents where the constants in format_test.cc and crypto_additions_test.cc
come from. HChaCha20 is written out here; ChaCha20-Poly1305 comes from `cryptography`, keyed
BLAKE2b from hashlib. Usage: python3 tests/vault/cross_check_vectors.py
"""
import hashlib, struct
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

def rotl(v, c): return ((v << c) & 0xffffffff) | (v >> (32 - c))
def qr(s, a, b, c, d):
    s[a]=(s[a]+s[b])&0xffffffff; s[d]^=s[a]; s[d]=rotl(s[d],16)
    s[c]=(s[c]+s[d])&0xffffffff; s[b]^=s[c]; s[b]=rotl(s[b],12)
    s[a]=(s[a]+s[b])&0xffffffff; s[d]^=s[a]; s[d]=rotl(s[d],8)
    s[c]=(s[c]+s[d])&0xffffffff; s[b]^=s[c]; s[b]=rotl(s[b],7)
def hchacha20(key, n16):
    s = [0x61707865,0x3320646e,0x79622d32,0x6b206574] + list(struct.unpack('<8I', key)) + list(struct.unpack('<4I', n16))
    for _ in range(10):
        qr(s,0,4,8,12); qr(s,1,5,9,13); qr(s,2,6,10,14); qr(s,3,7,11,15)
        qr(s,0,5,10,15); qr(s,1,6,11,12); qr(s,2,7,8,13); qr(s,3,4,9,14)
    return struct.pack('<8I', *(s[0:4]+s[12:16]))
def xseal(key, nonce, pt, ad):
    sub = hchacha20(key, nonce[:16])
    return ChaCha20Poly1305(sub).encrypt(b'\0'*4 + nonce[16:], pt, ad)
def lp(b): return struct.pack('>I', len(b)) + b

# draft A.3.1 check of the helper itself
k=bytes(range(0x80,0xa0)); n=bytes(range(0x40,0x58)); ad=bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
pt=b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
assert xseal(k,n,pt,ad).hex().endswith("c0875924c1c7987947deafd8780acf49"), "helper broken"

key=bytes(range(32)); nonce=bytes(range(0x40,0x58))
header=bytes([1,0,0,0,1])
tenant=b"ccas-lyon"; person=b"P-000123"; record=b"note-42"
ad = header + lp(b"socle.vault.record.v1") + lp(tenant) + lp(person) + lp(record) + struct.pack('>I',3)
print("record_ad", ad.hex())
pt = "Entretien du 12 mars : situation de logement précaire.".encode()
print("sealed", (header + nonce + xseal(key, nonce, pt, ad)).hex())
lk = bytes(range(0x20,0x40))
print("tag", hashlib.blake2b(lp(b"socle.vault.person-tag.v1")+lp(tenant)+lp(person), key=lk, digest_size=32).hexdigest())
try:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    a = Argon2id(salt=bytes(range(16)), length=32, iterations=1, lanes=1, memory_cost=8)
    print("argon2id", a.derive(b"correct horse battery staple").hex())
except Exception as e:
    print("argon2id unavailable:", e)
