#!/usr/bin/env python3
"""A reader of `.socle` export files written from docs/export-format.md alone, with Debian's
python3-protobuf and python3-nacl (never socle's code or bindings).

    python_reader.py FILE --proto-dir DIR [--key-file K] [--issuer HEX]

DIR holds the protoc-generated Python modules of proto/socle/v1 (for ExportHeader and
ExportTrailer; the records are decoded with the FileDescriptorSet of the file's header). Prints
one JSON object: the header's kind, record type and issuer key, the records in hex and decoded
(protobuf's JSON mapping). Exits 1 with "PROBLEM at byte N" on stderr for a refused file.
"""
import argparse
import hashlib
import json
import struct
import sys

import nacl.bindings as sodium
import nacl.exceptions
import nacl.signing
from google.protobuf import descriptor_pool, json_format, message_factory

MAGIC = b"\x89SOCLE\r\n"
FLAG_FINAL = 1
MAX_HEADER = 4 << 20
MAX_RECORD = 16 << 20
FRAME_BYTES = 1 << 20
MAX_TRAILER = 1024
RECORD_TYPES = {1: "socle.v1.AccessRequestRecord", 2: "socle.v1.PortabilityRecord",
                3: "socle.v1.DatasetRecord", 4: "socle.v1.AuditRecord",
                5: "socle.v1.MirrorRecord"}


class Refused(Exception):
    def __init__(self, problem, offset):
        super().__init__("%s at byte %d" % (problem, offset))
        self.problem = problem
        self.offset = offset


def H(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def verify(public_key, message, signature, problem, offset):
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except nacl.exceptions.BadSignatureError:
        raise Refused(problem, offset)


class Input:
    """Reads exactly n bytes, refusing a short read as truncated."""

    def __init__(self, f):
        self.f = f
        self.offset = 0

    def read(self, n):
        data = self.f.read(n)
        self.offset += len(data)
        if len(data) < n:
            raise Refused("truncated", self.offset)
        return data


def read_export(f, pb2, secret_key=None, trusted_issuer=None):
    """Yields ("header", ExportHeader) then ("record", bytes) for each record, each only after its
    frame verified; returns once the trailer verified."""
    inp = Input(f)
    magic = f.read(8)
    inp.offset = len(magic)
    if magic != MAGIC[:len(magic)]:
        raise Refused("not_an_export", 0)
    if len(magic) < 8:
        raise Refused("truncated", len(magic))
    version_bytes = inp.read(4)
    (version,) = struct.unpack("<I", version_bytes)
    if version != 1:
        raise Refused("unknown_version", 8)
    length_bytes = inp.read(4)
    (length,) = struct.unpack("<I", length_bytes)
    if length > MAX_HEADER:
        raise Refused("too_large", 12)
    header_bytes = inp.read(length)
    header_signature = inp.read(64)
    # The body hash: the first 16 + L + 64 bytes as they are, then each frame's hash and signature.
    body = hashlib.blake2b(magic + version_bytes + length_bytes + header_bytes + header_signature,
                           digest_size=32)
    header = pb2.ExportHeader()
    try:
        header.ParseFromString(header_bytes)
    except Exception:
        raise Refused("malformed", 16)
    issuer = header.issuer_public_key
    if (header.format_version != 1 or len(issuer) != 32 or len(header.file_id) != 16
            or RECORD_TYPES.get(header.kind) != header.record_type):
        raise Refused("malformed", 16)
    header_hash = H(header_bytes)
    verify(issuer, b"socle-export-v1-header\x00" + header_hash, header_signature, "altered", 16)
    if trusted_issuer is not None and issuer != trusted_issuer:
        raise Refused("untrusted_issuer", 16)
    sealed = len(header.recipients) > 0
    state = None
    if sealed:
        if len(header.stream_header) != 24:
            raise Refused("malformed", 16)
        if secret_key is None:
            raise Refused("key_required", inp.offset)
        public_key = sodium.crypto_scalarmult_base(secret_key)
        mine = [r for r in header.recipients if r.public_key == public_key]
        if not mine:
            raise Refused("not_a_recipient", 16)
        file_key = sodium.crypto_box_seal_open(mine[0].sealed_key, public_key, secret_key)
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header.stream_header,
                                                               file_key)
    yield "header", header

    file_id = header.file_id
    count = 0
    index = 0
    max_content = max(FRAME_BYTES, MAX_RECORD + 10) + (17 if sealed else 0)
    while True:
        frame_offset = inp.offset
        head = inp.read(32)
        frame_file_id = head[:16]
        frame_index, flags, n = struct.unpack("<QII", head[16:])
        if frame_file_id != file_id:
            raise Refused("foreign", frame_offset)
        if frame_index != index:
            raise Refused("reordered", frame_offset)
        if flags & ~FLAG_FINAL:
            raise Refused("malformed", frame_offset)
        if n > max_content:
            raise Refused("too_large", frame_offset)
        content = inp.read(n)
        signature = inp.read(64)
        frame_hash = H(head + content)
        message = (b"socle-export-v1-frame\x00" + file_id + header_hash
                   + struct.pack("<QI", frame_index, flags) + frame_hash)
        verify(issuer, message, signature, "altered", frame_offset)
        body.update(frame_hash + signature)
        if sealed:
            try:
                plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, content, b"")
            except Exception:
                raise Refused("altered", frame_offset)
            want = (sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL if flags & FLAG_FINAL
                    else sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
            if tag != want:
                raise Refused("altered", frame_offset)
        else:
            plain = content
        pos = 0
        while pos < len(plain):
            size, shift = 0, 0
            while True:
                if pos >= len(plain) or shift > 63:
                    raise Refused("malformed", frame_offset)
                byte = plain[pos]
                pos += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            if size > MAX_RECORD:
                raise Refused("too_large", frame_offset)
            if pos + size > len(plain):
                raise Refused("malformed", frame_offset)
            yield "record", bytes(plain[pos:pos + size])
            pos += size
            count += 1
        index += 1
        if flags & FLAG_FINAL:
            break

    trailer_offset = inp.offset
    body_hash = body.digest()
    (length,) = struct.unpack("<I", inp.read(4))
    if length > MAX_TRAILER:
        raise Refused("too_large", trailer_offset)
    trailer_bytes = inp.read(length)
    trailer = pb2.ExportTrailer()
    try:
        trailer.ParseFromString(trailer_bytes)
    except Exception:
        raise Refused("malformed", trailer_offset)
    if trailer.body_hash != body_hash or trailer.record_count != count:
        raise Refused("altered", trailer_offset)
    message = (b"socle-export-v1-trailer\x00" + file_id + header_hash + body_hash
               + struct.pack("<Q", trailer.record_count))
    verify(issuer, message, trailer.signature, "altered", trailer_offset)
    if f.read(1):
        raise Refused("trailing_bytes", inp.offset)


def record_class(header):
    """The record type's class, built from the FileDescriptorSet the header carries."""
    pool = descriptor_pool.DescriptorPool()
    for file_proto in header.descriptors.file:
        pool.Add(file_proto)
    descriptor = pool.FindMessageTypeByName(header.record_type)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--key-file")
    parser.add_argument("--issuer")
    args = parser.parse_args()
    sys.path.insert(0, args.proto_dir)
    from socle.v1 import export_pb2  # generated by protoc at test time

    secret = bytes.fromhex(open(args.key_file).read().strip()) if args.key_file else None
    issuer = bytes.fromhex(args.issuer) if args.issuer else None
    out = {"records": [], "decoded": []}
    cls = None
    try:
        with open(args.file, "rb") as f:
            for what, value in read_export(f, export_pb2, secret, issuer):
                if what == "header":
                    out["kind"] = value.kind
                    out["record_type"] = value.record_type
                    out["issuer_public_key"] = value.issuer_public_key.hex()
                    out["sealed"] = len(value.recipients) > 0
                    cls = record_class(value)
                else:
                    out["records"].append(value.hex())
                    message = cls()
                    message.ParseFromString(value)
                    out["decoded"].append(json_format.MessageToJson(
                        message, preserving_proto_field_name=True, indent=None))
    except Refused as e:
        print(str(e), file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
