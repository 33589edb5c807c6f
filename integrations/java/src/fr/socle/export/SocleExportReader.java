// Reads a `.socle` export file (docs/export-format.md) without socle: the records decoded as the
// protoc-generated classes of fr.socle.v1, every signature and hash verified before a record is
// handed out. Needs Java 17 (Ed25519 from the JDK), protobuf-java 3.21 (protobuf.jar) and
// BouncyCastle (bcprov.jar: BLAKE2b-256, which the JDK does not have). Not thread-safe: read
// each file from one thread.
//
// Sealed files: their signatures and hashes are verified (verifyAll()), but their records are not
// decrypted here: X25519 sealed boxes and libsodium's XChaCha20-Poly1305 secretstream are not in
// the JDK, and socle does not write its own crypto. Open them through socle's Java binding
// (fr.socle, libsodium underneath) or libsodium through a binding of your choice
// (docs/export-integrations.md).
package fr.socle.export;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import fr.socle.v1.AccessRequestRecord;
import fr.socle.v1.AuditRecord;
import fr.socle.v1.DatasetRecord;
import fr.socle.v1.ExportHeader;
import fr.socle.v1.ExportKind;
import fr.socle.v1.ExportTrailer;
import fr.socle.v1.MirrorRecord;
import fr.socle.v1.PortabilityRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.Blake2bDigest;

public final class SocleExportReader implements Closeable {
  /** A file the reader refuses: the problem's name (docs/export-format.md, section 6) and the
   * byte where it was found. The message names nothing of the file's contents. */
  public static final class RefusedException extends IOException {
    private final String problem;
    private final long offset;

    public RefusedException(String problem, long offset) {
      super(problem + " at byte " + offset);
      this.problem = problem;
      this.offset = offset;
    }

    public String problem() { return problem; }

    public long offset() { return offset; }
  }

  private static final byte[] MAGIC = {(byte) 0x89, 'S', 'O', 'C', 'L', 'E', '\r', '\n'};
  private static final int VERSION = 1;
  private static final int FLAG_FINAL = 1;
  private static final long MAX_HEADER = 4L << 20;
  private static final long MAX_RECORD = 16L << 20;
  private static final long FRAME_BYTES = 1L << 20;
  private static final long MAX_TRAILER = 1024;
  private static final int SECRETSTREAM_ABYTES = 17;
  // The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the JDK's way to take a raw key.
  private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b,
      0x65, 0x70, 0x03, 0x21, 0x00};

  private final InputStream in;
  private long offset;
  private final ExportHeader header;
  private final long headerEnd;  // 16 + L + 64: the first frame's offset
  private final Parser<? extends Message> parser;
  private final byte[] headerHash;
  private final PublicKey issuerKey;
  private final Blake2bDigest body = new Blake2bDigest(256);
  private final ArrayDeque<Message> pending = new ArrayDeque<>();
  private long frameIndex;
  private long count;
  private boolean finalSeen;
  private ExportTrailer trailer;

  /**
   * Reads and verifies the preamble and the header. trustedIssuer: the issuer's Ed25519 public
   * key (32 bytes) the controller published, or null to check header().getIssuerPublicKey()
   * yourself.
   */
  public SocleExportReader(InputStream in, byte[] trustedIssuer) throws IOException {
    this.in = in;
    byte[] magic = new byte[8];
    int got = readUpTo(magic);
    if (!Arrays.equals(Arrays.copyOf(magic, got), Arrays.copyOf(MAGIC, got))) {
      throw new RefusedException("not_an_export", 0);
    }
    if (got < 8) throw new RefusedException("truncated", got);
    byte[] version = read(4);
    if (le32(version, 0) != VERSION) throw new RefusedException("unknown_version", 8);
    byte[] length = read(4);
    long headerLength = le32(length, 0);
    if (headerLength > MAX_HEADER) throw new RefusedException("too_large", 12);
    byte[] headerBytes = read((int) headerLength);
    byte[] headerSignature = read(64);
    headerEnd = offset;
    body.update(magic, 0, 8);
    body.update(version, 0, 4);
    body.update(length, 0, 4);
    body.update(headerBytes, 0, headerBytes.length);
    body.update(headerSignature, 0, 64);
    try {
      header = ExportHeader.parseFrom(headerBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new RefusedException("malformed", 16);
    }
    parser = parserOf(header.getKind());
    if (header.getFormatVersion() != VERSION || header.getIssuerPublicKey().size() != 32
        || header.getFileId().size() != 16 || parser == null
        || !recordTypeOf(header.getKind()).equals(header.getRecordType())
        || (header.getRecipientsCount() > 0 && header.getStreamHeader().size() != 24)) {
      throw new RefusedException("malformed", 16);
    }
    issuerKey = ed25519Key(header.getIssuerPublicKey().toByteArray());
    headerHash = blake2b256(headerBytes);
    verify(concat(ascii("socle-export-v1-header"), new byte[1], headerHash), headerSignature,
        "altered", 16);
    if (trustedIssuer != null
        && !Arrays.equals(trustedIssuer, header.getIssuerPublicKey().toByteArray())) {
      throw new RefusedException("untrusted_issuer", 16);
    }
  }

  /** The verified header: who issued the file, when, its kind, its recipients if sealed. */
  public ExportHeader header() { return header; }

  /** Whether the file is sealed (its records encrypted to the recipients in the header). */
  public boolean sealed() { return header.getRecipientsCount() > 0; }

  /** The trailer, once next() returned null or verifyAll() returned. */
  public ExportTrailer trailer() { return trailer; }

  /**
   * The next record, of the generated class of the file's kind (AccessRequestRecord,
   * PortabilityRecord, DatasetRecord, AuditRecord, MirrorRecord), or null once the trailer was
   * verified. Act on the records only once null came back: a later frame may still be refused.
   */
  public Message next() throws IOException {
    if (sealed()) throw new RefusedException("key_required", headerEnd);
    while (pending.isEmpty()) {
      if (finalSeen) {
        if (trailer == null) readTrailer(true);
        return null;
      }
      readFrame(true);
    }
    return pending.poll();
  }

  /** Every record of a signed file, once all of it verified. */
  public List<Message> readAll() throws IOException {
    List<Message> records = new ArrayList<>();
    for (Message m = next(); m != null; m = next()) records.add(m);
    return records;
  }

  /**
   * Verifies the rest of the file without decoding its records: every frame's signature, the
   * body hash and the trailer's signature. Works on sealed files (the signatures cover the
   * ciphertext); the record count is checked only for a signed file.
   */
  public void verifyAll() throws IOException {
    if (!sealed()) {
      while (next() != null) {}
      return;
    }
    while (!finalSeen) readFrame(false);
    if (trailer == null) readTrailer(false);
  }

  @Override
  public void close() throws IOException { in.close(); }

  private void readFrame(boolean decode) throws IOException {
    long frameOffset = offset;
    byte[] head = read(32);
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    long index = b.getLong(16);
    long flags = b.getInt(24) & 0xffffffffL;
    long n = b.getInt(28) & 0xffffffffL;
    if (!Arrays.equals(Arrays.copyOf(head, 16), header.getFileId().toByteArray())) {
      throw new RefusedException("foreign", frameOffset);
    }
    if (index != frameIndex) throw new RefusedException("reordered", frameOffset);
    if ((flags & ~FLAG_FINAL) != 0) throw new RefusedException("malformed", frameOffset);
    long maxContent = Math.max(FRAME_BYTES, MAX_RECORD + 10) + (sealed() ? SECRETSTREAM_ABYTES : 0);
    if (n > maxContent) throw new RefusedException("too_large", frameOffset);
    byte[] content = read((int) n);
    byte[] signature = read(64);
    Blake2bDigest frameDigest = new Blake2bDigest(256);
    frameDigest.update(head, 0, 32);
    frameDigest.update(content, 0, content.length);
    byte[] frameHash = new byte[32];
    frameDigest.doFinal(frameHash, 0);
    ByteBuffer place = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    place.putLong(index).putInt((int) flags);
    verify(concat(ascii("socle-export-v1-frame"), new byte[1], header.getFileId().toByteArray(),
               headerHash, place.array(), frameHash),
        signature, "altered", frameOffset);
    body.update(frameHash, 0, 32);
    body.update(signature, 0, 64);
    if (decode) split(content, frameOffset);
    frameIndex++;
    finalSeen = (flags & FLAG_FINAL) != 0;
  }

  // The delimited records of a frame (a varint length, then the message); the whole frame is
  // parsed before any of its records is handed out.
  private void split(byte[] plain, long frameOffset) throws IOException {
    List<Message> records = new ArrayList<>();
    int pos = 0;
    while (pos < plain.length) {
      long size = 0;
      int shift = 0;
      while (true) {
        if (pos >= plain.length || shift > 63) throw new RefusedException("malformed", frameOffset);
        int v = plain[pos++] & 0xff;
        size |= (long) (v & 0x7f) << shift;
        shift += 7;
        if ((v & 0x80) == 0) break;
      }
      if (size > MAX_RECORD) throw new RefusedException("too_large", frameOffset);
      if (pos + size > plain.length) throw new RefusedException("malformed", frameOffset);
      try {
        records.add(parser.parseFrom(plain, pos, (int) size));
      } catch (InvalidProtocolBufferException e) {
        throw new RefusedException("malformed", frameOffset);
      }
      pos += (int) size;
    }
    count += records.size();
    pending.addAll(records);
  }

  private void readTrailer(boolean counted) throws IOException {
    long trailerOffset = offset;
    byte[] bodyHash = new byte[32];
    body.doFinal(bodyHash, 0);
    long length = le32(read(4), 0);
    if (length > MAX_TRAILER) throw new RefusedException("too_large", trailerOffset);
    ExportTrailer t;
    try {
      t = ExportTrailer.parseFrom(read((int) length));
    } catch (InvalidProtocolBufferException e) {
      throw new RefusedException("malformed", trailerOffset);
    }
    if (!Arrays.equals(t.getBodyHash().toByteArray(), bodyHash)
        || (counted && t.getRecordCount() != count)) {
      throw new RefusedException("altered", trailerOffset);
    }
    ByteBuffer recordCount = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    recordCount.putLong(t.getRecordCount());
    verify(concat(ascii("socle-export-v1-trailer"), new byte[1], header.getFileId().toByteArray(),
               headerHash, bodyHash, recordCount.array()),
        t.getSignature().toByteArray(), "altered", trailerOffset);
    if (in.read() != -1) throw new RefusedException("trailing_bytes", offset);
    trailer = t;
  }

  private static Parser<? extends Message> parserOf(ExportKind kind) {
    switch (kind) {
      case ACCESS_REQUEST: return AccessRequestRecord.parser();
      case PORTABILITY: return PortabilityRecord.parser();
      case PSEUDONYMISED_DATASET: return DatasetRecord.parser();
      case AUDIT_EXTRACT: return AuditRecord.parser();
      case TRAINING_MIRROR: return MirrorRecord.parser();
      default: return null;
    }
  }

  private static String recordTypeOf(ExportKind kind) {
    switch (kind) {
      case ACCESS_REQUEST: return AccessRequestRecord.getDescriptor().getFullName();
      case PORTABILITY: return PortabilityRecord.getDescriptor().getFullName();
      case PSEUDONYMISED_DATASET: return DatasetRecord.getDescriptor().getFullName();
      case AUDIT_EXTRACT: return AuditRecord.getDescriptor().getFullName();
      case TRAINING_MIRROR: return MirrorRecord.getDescriptor().getFullName();
      default: return "";
    }
  }

  /** H(x) of the format: BLAKE2b with a 32-byte output, no key, salt or personalisation. */
  public static byte[] blake2b256(byte[] data) {
    Blake2bDigest d = new Blake2bDigest(256);
    d.update(data, 0, data.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  private static PublicKey ed25519Key(byte[] raw) throws RefusedException {
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, raw)));
    } catch (GeneralSecurityException e) {
      throw new RefusedException("malformed", 16);
    }
  }

  private void verify(byte[] message, byte[] signature, String problem, long where)
      throws RefusedException {
    boolean ok;
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(issuerKey);
      s.update(message);
      ok = signature.length == 64 && s.verify(signature);
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) throw new RefusedException(problem, where);
  }

  private int readUpTo(byte[] buf) throws IOException {
    int got = 0;
    while (got < buf.length) {
      int r = in.read(buf, got, buf.length - got);
      if (r < 0) break;
      got += r;
    }
    offset += got;
    return got;
  }

  // Exactly n bytes (n is checked against a limit by every caller before it allocates).
  private byte[] read(int n) throws IOException {
    byte[] buf = new byte[n];
    if (readUpTo(buf) < n) throw new RefusedException("truncated", offset);
    return buf;
  }

  private static long le32(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
  }

  private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) b.put(p);
    return b.array();
  }
}
