// socle/export_file.hpp: the `.socle` export file, written and read as a stream (REQ-11, REQ-15,
// REQ-46; the bytes are specified in docs/export-format.md).
//
// A file is a magic and format version, a header (socle.v1.ExportHeader: kind, issuer and its
// Ed25519 public key, creation time, policy digest, pseudonymisation domain and profile, the
// FileDescriptorSet of the record type, recipients), frames of length-delimited records, and a
// trailer (record count, a BLAKE2b-256 body hash binding everything before it through the frames'
// own hashes, the issuer's signature). The header and every frame are signed by the issuer, each
// frame bound to the file and to its position, so a reader checks each frame before it returns
// one of its records. A *sealed* file encrypts the frames' contents with libsodium's
// secretstream under a random file key, sealed to each recipient's X25519 public key.
//
// The writer and the reader use constant memory whatever the file's size: a frame holds at most
// kExportFrameBytes of records, a record at most ExportLimits::max_record_bytes.
//
// Thread safety: an ExportWriter or ExportReader is used by one thread at a time. Keys are
// immutable after creation and may be shared.
#ifndef SOCLE_EXPORT_FILE_HPP_
#define SOCLE_EXPORT_FILE_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/export.hpp"
#include "socle/secret_bytes.hpp"

namespace socle {

class Vault;

// What a file is for. Values equal socle.v1.ExportKind; each kind has one record type.
enum class ExportKind : int32_t {
  kAccessRequest = 1,         // socle.v1.AccessRequestRecord
  kPortability = 2,           // socle.v1.PortabilityRecord
  kPseudonymisedDataset = 3,  // socle.v1.DatasetRecord
  kAuditExtract = 4,          // socle.v1.AuditRecord
  kTrainingMirror = 5,        // socle.v1.MirrorRecord
  kStatisticsTable = 6,       // socle.v1.StatisticsRecord (socle/statistics_release.hpp)
};
SOCLE_CXX_API absl::string_view Name(ExportKind kind);  // "access_request"…

inline constexpr size_t kExportKeyBytes = 32;
using ExportPublicKey = std::array<uint8_t, kExportKeyBytes>;

// The issuer's Ed25519 key. Its 32-byte seed is a secret: never printed, never in a message.
class SOCLE_CXX_API ExportSigningKey {
 public:
  static ExportSigningKey Generate();
  static absl::StatusOr<ExportSigningKey> FromSeed(const SecretBytes& seed);  // 32 bytes
  // The tenant's export key, derived from the vault's ledger secret "exports" (created on first
  // use): every process of the tenant signs with the same key.
  static absl::StatusOr<ExportSigningKey> FromVault(Vault& vault);

  const ExportPublicKey& public_key() const { return public_key_; }
  const SecretBytes& seed() const { return seed_; }

 private:
  ExportSigningKey(SecretBytes seed, const ExportPublicKey& public_key)
      : seed_(std::move(seed)), public_key_(public_key) {}
  SecretBytes seed_;
  ExportPublicKey public_key_{};
};

// A recipient's X25519 key pair. The recipient keeps the secret; the issuer is given the public
// key (e.g. as 64 hex digits).
class SOCLE_CXX_API ExportRecipientKey {
 public:
  static ExportRecipientKey Generate();
  static absl::StatusOr<ExportRecipientKey> FromSecret(const SecretBytes& secret);  // 32 bytes

  const ExportPublicKey& public_key() const { return public_key_; }
  const SecretBytes& secret_key() const { return secret_key_; }

 private:
  ExportRecipientKey(SecretBytes secret_key, const ExportPublicKey& public_key)
      : secret_key_(std::move(secret_key)), public_key_(public_key) {}
  SecretBytes secret_key_;
  ExportPublicKey public_key_{};
};

// Lowercase hex of a public key, and back (INVALID_ARGUMENT unless 64 hex digits).
SOCLE_CXX_API std::string PublicKeyHex(const ExportPublicKey& key);
SOCLE_CXX_API absl::StatusOr<ExportPublicKey> ParsePublicKeyHex(absl::string_view hex);

// Where a writer's bytes go. Write is called with chunks of at most a frame.
class SOCLE_CXX_API ExportSink {
 public:
  virtual ~ExportSink() = default;
  virtual absl::Status Write(absl::string_view bytes) = 0;
  // Called once, after the trailer: make the file durable and visible.
  virtual absl::Status Close() = 0;
};
// A file written beside `path` and renamed onto it at Close (fsync'd): a reader never sees half
// a file, and a failed export leaves no file.
SOCLE_CXX_API absl::StatusOr<std::unique_ptr<ExportSink>> FileSink(const std::string& path);
// Appends to a string the caller owns (tests, small files).
SOCLE_CXX_API std::unique_ptr<ExportSink> StringSink(std::string* out);

// Where a reader's bytes come from. Read returns up to `size` bytes, 0 at the end of the input.
class SOCLE_CXX_API ExportSource {
 public:
  virtual ~ExportSource() = default;
  virtual absl::StatusOr<size_t> Read(char* buffer, size_t size) = 0;
};
SOCLE_CXX_API absl::StatusOr<std::unique_ptr<ExportSource>> FileSource(const std::string& path);
// Reads bytes the caller keeps alive for the reader's lifetime.
SOCLE_CXX_API std::unique_ptr<ExportSource> MemorySource(absl::string_view bytes);

// The bytes of records are gathered into frames of at most this many bytes.
inline constexpr size_t kExportFrameBytes = 1 << 20;

struct SOCLE_CXX_API ExportRecipient {
  ExportPublicKey public_key{};
  std::string label;  // shown to people ("Observatoire départemental"); not secret, not an id
};

// What the writer puts in the header besides what it computes (descriptors, file id, keys).
struct SOCLE_CXX_API ExportWriterOptions {
  ExportKind kind = ExportKind::kAccessRequest;
  std::string issuer;                            // the controller's name
  absl::Time created_at = absl::InfinitePast();  // InfinitePast: now
  std::string policy_id;
  std::string policy_revision;
  std::string policy_digest;  // 32 raw bytes, or empty
  std::string pseudonym_domain;
  std::string pseudonymisation_profile;
  // The kind's notice, serialized: socle.v1.PortabilityNotice (kPortability) or
  // socle.v1.DatasetNotice (kPseudonymisedDataset); empty for the other kinds.
  std::string notice;
  // Empty: a signed file. Otherwise sealed to each of them (at most 64).
  std::vector<ExportRecipient> recipients;
};

struct SOCLE_CXX_API ExportFileSummary {
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::array<uint8_t, 32> body_hash{};
};

// Writes one file. Add records (each a serialized message of the kind's record type), then
// Finish. A writer destroyed before Finish leaves no file behind (FileSink).
class SOCLE_CXX_API ExportWriter {
 public:
  static absl::StatusOr<std::unique_ptr<ExportWriter>> Create(std::unique_ptr<ExportSink> sink,
                                                              const ExportSigningKey& key,
                                                              const ExportWriterOptions& options);
  virtual ~ExportWriter() = default;
  // The kind the writer was made for (ExportWriterOptions::kind; a writer that wraps another
  // returns the wrapped one's). The functions that write a kind's records (WriteAccessRequest,
  // WritePortability, WriteAuditExtract, WriteDataset, WriteTrainingMirror,
  // WriteStatisticsExport) refuse a writer of another kind with INVALID_ARGUMENT before they write
  // or record anything. This virtual function changed the C++ ABI of ExportWriter (a subclass
  // built against an older header must implement it and be rebuilt); the C ABI, the one the ABI
  // gate checks, is unchanged.
  virtual ExportKind kind() const = 0;
  // INVALID_ARGUMENT for a record larger than ExportLimits{}.max_record_bytes; the record is not
  // checked against the record type (the writer's callers build it from the generated classes).
  virtual absl::Status Add(absl::string_view serialized_record) = 0;
  virtual absl::StatusOr<ExportFileSummary> Finish() = 0;
};

// Hard limits on every length read from a file: nothing is allocated beyond them.
struct SOCLE_CXX_API ExportLimits {
  size_t max_header_bytes = 4 << 20;
  size_t max_record_bytes = 16 << 20;
  size_t max_recipients = 64;
};

// Why a file was refused. The reader's error message names it and the byte offset; the same
// facts are in ExportReader::failure().
enum class ExportProblem : int32_t {
  kNone = 0,
  kNotAnExport = 1,      // the magic is wrong
  kUnknownVersion = 2,   // a format version this build does not read
  kMalformed = 3,        // a header, frame or record does not parse
  kTooLarge = 4,         // a length beyond ExportLimits
  kTruncated = 5,        // the input ends before the trailer
  kReordered = 6,        // a frame out of its place
  kAltered = 7,          // a signature, hash or authentication tag does not match
  kForeign = 8,          // a frame of another file
  kUntrustedIssuer = 9,  // signed by a key the caller does not trust
  kNotARecipient = 10,   // sealed, and the key given is none of the recipients'
  kKeyRequired = 11,     // sealed, and no key was given
  kTrailingBytes = 12,   // bytes after the trailer
};
SOCLE_CXX_API absl::string_view Name(ExportProblem problem);  // "truncated"…

struct SOCLE_CXX_API ExportFailure {
  ExportProblem problem = ExportProblem::kNone;
  uint64_t offset = 0;  // the byte where the problem was found
};
// The failure an error of ExportReader::Open, Next or VerifyExport carries (a payload of the
// status); kNone for any other status. Open has no reader to ask once it failed.
SOCLE_CXX_API ExportFailure ExportFailureOf(const absl::Status& status);

struct SOCLE_CXX_API ExportReaderOptions {
  // Empty: any issuer (the caller checks ExportReader::issuer_public_key()); otherwise the
  // header's issuer key must be one of these.
  std::vector<ExportPublicKey> trusted_issuers;
  // For a sealed file: the recipient's key. Unused for a signed file.
  const ExportRecipientKey* key = nullptr;
  ExportLimits limits;
};

// Reads one file. Open reads and checks the header; Next returns the records one by one, each
// only after the frame holding it was verified; the last Next (false) verifies the trailer.
// A file is accepted only when Next returned false without error.
class SOCLE_CXX_API ExportReader {
 public:
  static absl::StatusOr<std::unique_ptr<ExportReader>> Open(std::unique_ptr<ExportSource> source,
                                                            const ExportReaderOptions& options);
  virtual ~ExportReader() = default;

  virtual ExportKind kind() const = 0;
  virtual bool sealed() const = 0;
  virtual const ExportPublicKey& issuer_public_key() const = 0;
  // The header as serialized in the file (socle.v1.ExportHeader).
  virtual absl::string_view header() const = 0;
  // The next record's bytes into *record: true, or false at the end once the trailer verified.
  virtual absl::StatusOr<bool> Next(std::string* record) = 0;
  virtual uint64_t records_read() const = 0;
  // After an error: what and where. kNone otherwise.
  virtual ExportFailure failure() const = 0;
};

// Reads a whole file through: its header and record count, or the first failure.
struct SOCLE_CXX_API ExportVerification {
  ExportKind kind = ExportKind::kAccessRequest;
  bool sealed = false;
  ExportPublicKey issuer_public_key{};
  uint64_t records = 0;
  uint64_t bytes = 0;
};
// Without a key, a sealed file is checked frame by frame (signatures, order, trailer) without
// being decrypted.
SOCLE_CXX_API absl::StatusOr<ExportVerification> VerifyExport(std::unique_ptr<ExportSource> source,
                                                              const ExportReaderOptions& options);

// Shows a file's header and records as text, decoded with the FileDescriptorSet the header carries
// (not with socle's compiled-in types): what any reader of the file sees. For `socle export dump`
// and the bindings. Not thread-safe (one printer per thread).
class SOCLE_CXX_API ExportRecordPrinter {
 public:
  enum class Format { kText, kJson };  // protobuf's text format, or its JSON mapping (one line)
  // `header` is ExportReader::header(). INVALID_ARGUMENT when its descriptors do not build or do
  // not define its record type.
  static absl::StatusOr<std::unique_ptr<ExportRecordPrinter>> Create(absl::string_view header);
  virtual ~ExportRecordPrinter() = default;
  // The header without its descriptors (bytes fields in base64 in JSON).
  virtual absl::StatusOr<std::string> Header(Format format) const = 0;
  // One record; PARSE when it is not a message of the record type.
  virtual absl::StatusOr<std::string> Record(absl::string_view record, Format format) const = 0;
};

}  // namespace socle

#endif  // SOCLE_EXPORT_FILE_HPP_
