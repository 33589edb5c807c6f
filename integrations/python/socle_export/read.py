"""Reads a `.socle` export file (docs/export-format.md) with the generated record types, verifying
every signature and hash before it hands out a record. Pure Python over python3-protobuf and
python3-nacl (PyNaCl); no socle library, no DescriptorPool.

    with open("reponse.socle", "rb") as f:
        reader = Reader(f, trusted_issuer=bytes.fromhex(ISSUER_HEX))
        print(reader.header.issuer, reader.header.record_type)
        for record in reader:          # socle_export.AccessRequestRecord, ...
            print(record.WhichOneof("record"))

A problem raises `Refused` with the problem's name (as in the format's section 6) and the byte
where it was found. Records of a frame are handed out only after that frame's signature was
checked; the file as a whole (the trailer, the record count, nothing after the trailer) is
verified when the iteration ends: consume the records, and act on them only once the loop ended
without `Refused`. A Reader is not thread-safe; read each file from one thread.
"""
import hashlib
import struct

import nacl.bindings as sodium
import nacl.exceptions
import nacl.signing

from socle_export.v1 import export_pb2

MAGIC = b"\x89SOCLE\r\n"
VERSION = 1
FLAG_FINAL = 1
MAX_HEADER = 4 << 20        # socle's default limit of the header message
MAX_RECORD = 16 << 20       # socle's records are at most 16 MiB
FRAME_BYTES = 1 << 20       # kExportFrameBytes
MAX_TRAILER = 1024
SECRETSTREAM_ABYTES = 17

# ExportHeader.kind -> the generated class of its records (ExportHeader.record_type).
RECORD_TYPES = {
    export_pb2.ACCESS_REQUEST: export_pb2.AccessRequestRecord,
    export_pb2.PORTABILITY: export_pb2.PortabilityRecord,
    export_pb2.PSEUDONYMISED_DATASET: export_pb2.DatasetRecord,
    export_pb2.AUDIT_EXTRACT: export_pb2.AuditRecord,
    export_pb2.TRAINING_MIRROR: export_pb2.MirrorRecord,
}


class Refused(Exception):
    """A file the reader refuses: `problem` (not_an_export, unknown_version, malformed,
    too_large, truncated, reordered, altered, foreign, untrusted_issuer, not_a_recipient,
    key_required, trailing_bytes) at byte `offset`. The message names nothing of the contents."""

    def __init__(self, problem, offset):
        super().__init__("%s at byte %d" % (problem, offset))
        self.problem = problem
        self.offset = offset


def blake2b_256(data):
    """H(x) of the format: BLAKE2b, 32-byte output, no key, salt or personalisation."""
    return hashlib.blake2b(data, digest_size=32).digest()


def _verify(public_key, message, signature, problem, offset):
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise Refused(problem, offset) from None


class _Input:
    """Reads exactly n bytes, refusing a short read as truncated at the length read."""

    def __init__(self, f):
        self.f = f
        self.offset = 0

    def read(self, n):
        data = self.f.read(n)
        self.offset += len(data)
        if len(data) < n:
            raise Refused("truncated", self.offset)
        return data


class Reader:
    """One `.socle` file read from a binary file object `f`.

    Constructing it reads and verifies the preamble and the header (`header`, an ExportHeader);
    iterating it yields the records as instances of `record_class`, frame by frame, and verifies
    the trailer at the end (`trailer`, an ExportTrailer, is set then).

    secret_key: a recipient's X25519 secret key (32 bytes) to read a sealed file.
    trusted_issuer: the Ed25519 public key (32 bytes) the controller published; another issuer
    is refused (untrusted_issuer). Without it, check `header.issuer_public_key` yourself.
    raw: yield each record's serialized bytes instead of a message.
    """

    def __init__(self, f, secret_key=None, trusted_issuer=None, raw=False):
        self._input = _Input(f)
        self._secret_key = secret_key
        self._raw = raw
        self.trailer = None
        self._read_header(trusted_issuer)
        self._iterated = False

    def _read_header(self, trusted_issuer):
        inp = self._input
        magic = inp.f.read(8)
        inp.offset = len(magic)
        if magic != MAGIC[:len(magic)]:
            raise Refused("not_an_export", 0)
        if len(magic) < 8:
            raise Refused("truncated", len(magic))
        version_bytes = inp.read(4)
        if struct.unpack("<I", version_bytes)[0] != VERSION:
            raise Refused("unknown_version", 8)
        length_bytes = inp.read(4)
        (length,) = struct.unpack("<I", length_bytes)
        if length > MAX_HEADER:
            raise Refused("too_large", 12)
        header_bytes = inp.read(length)
        header_signature = inp.read(64)
        # body_hash: the first 16 + L + 64 bytes as they are, then each frame's hash and
        # signature (section 4).
        self._body = hashlib.blake2b(
            magic + version_bytes + length_bytes + header_bytes + header_signature,
            digest_size=32)
        header = export_pb2.ExportHeader()
        try:
            header.ParseFromString(header_bytes)
        except Exception:
            raise Refused("malformed", 16) from None
        record_class = RECORD_TYPES.get(header.kind)
        if (header.format_version != VERSION or len(header.issuer_public_key) != 32
                or len(header.file_id) != 16 or record_class is None
                or record_class.DESCRIPTOR.full_name != header.record_type):
            raise Refused("malformed", 16)
        self._header_hash = blake2b_256(header_bytes)
        _verify(header.issuer_public_key, b"socle-export-v1-header\x00" + self._header_hash,
                header_signature, "altered", 16)
        if trusted_issuer is not None and header.issuer_public_key != trusted_issuer:
            raise Refused("untrusted_issuer", 16)
        self._stream = None
        if header.recipients:
            if len(header.stream_header) != 24:
                raise Refused("malformed", 16)
            if self._secret_key is None:
                raise Refused("key_required", inp.offset)
            self._stream = self._open_stream(header)
        self.header = header
        self.record_class = record_class
        self.sealed = bool(header.recipients)

    def _open_stream(self, header):
        """Section 5: the file key sealed to our X25519 key, then the secretstream state."""
        try:
            public_key = sodium.crypto_scalarmult_base(self._secret_key)
        except Exception:
            raise ValueError("the secret key must be 32 bytes") from None
        mine = [r for r in header.recipients if r.public_key == public_key]
        if not mine:
            raise Refused("not_a_recipient", 16)
        try:
            file_key = sodium.crypto_box_seal_open(mine[0].sealed_key, public_key,
                                                   self._secret_key)
        except Exception:
            raise Refused("altered", 16) from None
        if len(file_key) != 32:
            raise Refused("malformed", 16)
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header.stream_header,
                                                               file_key)
        return state

    def __iter__(self):
        if self._iterated:
            raise RuntimeError("a Reader is iterated once")
        self._iterated = True
        return self._records()

    def _records(self):
        inp = self._input
        header = self.header
        file_id = header.file_id
        issuer = header.issuer_public_key
        count = 0
        index = 0
        max_content = max(FRAME_BYTES, MAX_RECORD + 10) + (SECRETSTREAM_ABYTES if self.sealed
                                                           else 0)
        while True:
            frame_offset = inp.offset
            head = inp.read(32)
            frame_index, flags, n = struct.unpack("<QII", head[16:])
            if head[:16] != file_id:
                raise Refused("foreign", frame_offset)
            if frame_index != index:
                raise Refused("reordered", frame_offset)
            if flags & ~FLAG_FINAL:
                raise Refused("malformed", frame_offset)
            if n > max_content:
                raise Refused("too_large", frame_offset)
            content = inp.read(n)
            signature = inp.read(64)
            frame_hash = blake2b_256(head + content)
            message = (b"socle-export-v1-frame\x00" + file_id + self._header_hash
                       + struct.pack("<QI", frame_index, flags) + frame_hash)
            _verify(issuer, message, signature, "altered", frame_offset)
            self._body.update(frame_hash + signature)
            plain = self._open_frame(content, flags, frame_offset) if self.sealed else content
            for record in self._split(plain, frame_offset):
                count += 1
                yield record
            index += 1
            if flags & FLAG_FINAL:
                break
        self._read_trailer(count)

    def _open_frame(self, content, flags, frame_offset):
        try:
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(self._stream, content,
                                                                           b"")
        except Exception:
            raise Refused("altered", frame_offset) from None
        want = (sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL if flags & FLAG_FINAL
                else sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
        if tag != want:
            raise Refused("altered", frame_offset)
        return plain

    def _split(self, plain, frame_offset):
        """The delimited records of a frame's plaintext (varint length, then the message)."""
        records = []
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
            data = bytes(plain[pos:pos + size])
            pos += size
            if self._raw:
                records.append(data)
                continue
            record = self.record_class()
            try:
                record.ParseFromString(data)
            except Exception:
                raise Refused("malformed", frame_offset) from None
            records.append(record)
        # The whole frame parsed before any of its records is handed out.
        return records

    def _read_trailer(self, count):
        inp = self._input
        trailer_offset = inp.offset
        body_hash = self._body.digest()
        (length,) = struct.unpack("<I", inp.read(4))
        if length > MAX_TRAILER:
            raise Refused("too_large", trailer_offset)
        trailer_bytes = inp.read(length)
        trailer = export_pb2.ExportTrailer()
        try:
            trailer.ParseFromString(trailer_bytes)
        except Exception:
            raise Refused("malformed", trailer_offset) from None
        if trailer.body_hash != body_hash or trailer.record_count != count:
            raise Refused("altered", trailer_offset)
        message = (b"socle-export-v1-trailer\x00" + self.header.file_id + self._header_hash
                   + body_hash + struct.pack("<Q", trailer.record_count))
        _verify(self.header.issuer_public_key, message, trailer.signature, "altered",
                trailer_offset)
        if inp.f.read(1):
            raise Refused("trailing_bytes", inp.offset)
        self.trailer = trailer


def read_file(path, secret_key=None, trusted_issuer=None):
    """The header and the list of every record of the file at `path`, once all of it verified."""
    with open(path, "rb") as f:
        reader = Reader(f, secret_key=secret_key, trusted_issuer=trusted_issuer)
        records = list(reader)
    return reader.header, records
