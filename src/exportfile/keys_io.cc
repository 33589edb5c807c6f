// Keys, names, and the sinks and sources of socle/export_file.hpp.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/vault.hpp"
#include "storage/file_util.h"

namespace socle {

absl::string_view Name(ExportKind kind) {
  switch (kind) {
    case ExportKind::kAccessRequest:
      return "access_request";
    case ExportKind::kPortability:
      return "portability";
    case ExportKind::kPseudonymisedDataset:
      return "pseudonymised_dataset";
    case ExportKind::kAuditExtract:
      return "audit_extract";
    case ExportKind::kTrainingMirror:
      return "training_mirror";
    case ExportKind::kStatisticsTable:
      return "statistics_table";
  }
  return "unknown";
}

absl::string_view Name(ExportProblem problem) {
  switch (problem) {
    case ExportProblem::kNone:
      return "none";
    case ExportProblem::kNotAnExport:
      return "not_an_export";
    case ExportProblem::kUnknownVersion:
      return "unknown_version";
    case ExportProblem::kMalformed:
      return "malformed";
    case ExportProblem::kTooLarge:
      return "too_large";
    case ExportProblem::kTruncated:
      return "truncated";
    case ExportProblem::kReordered:
      return "reordered";
    case ExportProblem::kAltered:
      return "altered";
    case ExportProblem::kForeign:
      return "foreign";
    case ExportProblem::kUntrustedIssuer:
      return "untrusted_issuer";
    case ExportProblem::kNotARecipient:
      return "not_a_recipient";
    case ExportProblem::kKeyRequired:
      return "key_required";
    case ExportProblem::kTrailingBytes:
      return "trailing_bytes";
  }
  return "unknown";
}

namespace {
ExportPublicKey ToKey(const uint8_t* bytes) {
  ExportPublicKey key;
  std::memcpy(key.data(), bytes, key.size());
  return key;
}
}  // namespace

ExportSigningKey ExportSigningKey::Generate() {
  (void)crypto::Init();
  auto key = FromSeed(SecretBytes::Random(crypto_sign_SEEDBYTES));
  return std::move(key).value();  // a 32-byte seed cannot be refused
}

absl::StatusOr<ExportSigningKey> ExportSigningKey::FromSeed(const SecretBytes& seed) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  SOCLE_ASSIGN_OR_RETURN(crypto::SigningKeyPair pair, crypto::SigningKeyPairFromSeed(seed));
  return ExportSigningKey(seed.Clone(), ToKey(pair.public_key.data()));
}

absl::StatusOr<ExportSigningKey> ExportSigningKey::FromVault(Vault& vault) {
  SOCLE_ASSIGN_OR_RETURN(const SecretBytes secret, vault.LedgerSecret("exports"));
  // One key per use of the ledger secret: keyed BLAKE2b personalised with the use, as the ledger
  // derives its checkpoint-signing seed (src/ledger/ledger.cc, DeriveKey).
  SecretBytes seed(crypto_sign_SEEDBYTES);
  SOCLE_RETURN_IF_ERROR(crypto::KeyedHashPersonal(secret.span(), "socle.expo.sign", {},
                                                  absl::MakeSpan(seed.data(), seed.size())));
  return FromSeed(seed);
}

ExportRecipientKey ExportRecipientKey::Generate() {
  (void)crypto::Init();
  auto key = FromSecret(SecretBytes::Random(crypto_box_SECRETKEYBYTES));
  return std::move(key).value();  // a 32-byte secret cannot be refused
}

absl::StatusOr<ExportRecipientKey> ExportRecipientKey::FromSecret(const SecretBytes& secret) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  if (secret.size() != crypto_box_SECRETKEYBYTES) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("an export recipient key is ", crypto_box_SECRETKEYBYTES,
                                  " bytes, not ", secret.size()));
  }
  ExportPublicKey public_key;
  crypto_scalarmult_base(public_key.data(), secret.data());
  return ExportRecipientKey(secret.Clone(), public_key);
}

std::string PublicKeyHex(const ExportPublicKey& key) { return crypto::ToHex(key); }

absl::StatusOr<ExportPublicKey> ParsePublicKeyHex(absl::string_view hex) {
  ExportPublicKey key{};
  size_t written = 0;
  if (hex.size() != 2 * key.size() ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &written, nullptr) !=
          0 ||
      written != key.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a public key is 64 hexadecimal digits (32 bytes)");
  }
  return key;
}

// ---- Sinks and sources -------------------------------------------------------------------

namespace {

absl::Status IoError(absl::string_view what, const std::string& path, int error) {
  return MakeError(ErrorCode::kIo,
                   absl::StrCat("export file: ", what, " ", path, ": ", std::strerror(error)));
}

// A storage error's code and message, said of an export file.
absl::Status InExportFile(const absl::Status& status) {
  if (status.ok()) return status;
  return MakeError(ErrorCodeOf(status), absl::StrCat("export file: ", status.message()));
}

// The export file's bytes streamed into a storage::AtomicFileWriter (mode 0600, fsynced, renamed
// over `path` with its directory fsynced on Close): an export that fails or is abandoned leaves
// no file and no temporary file.
class FileSinkImpl : public ExportSink {
 public:
  explicit FileSinkImpl(storage::AtomicFileWriter file) : file_(std::move(file)) {}

  absl::Status Write(absl::string_view bytes) override {
    if (closed_) return SinkClosed();
    return InExportFile(file_.Append(bytes));
  }

  absl::Status Close() override {
    if (closed_) return SinkClosed();
    closed_ = true;
    return InExportFile(file_.Commit());
  }

 private:
  static absl::Status SinkClosed() {
    return MakeError(ErrorCode::kFailedPrecondition, "export file: sink closed");
  }
  storage::AtomicFileWriter file_;
  bool closed_ = false;
};

class StringSinkImpl : public ExportSink {
 public:
  explicit StringSinkImpl(std::string* out) : out_(out) {}
  absl::Status Write(absl::string_view bytes) override {
    out_->append(bytes.data(), bytes.size());
    return absl::OkStatus();
  }
  absl::Status Close() override { return absl::OkStatus(); }

 private:
  std::string* out_;
};

class FileSourceImpl : public ExportSource {
 public:
  FileSourceImpl(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~FileSourceImpl() override { ::close(fd_); }
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    while (true) {
      const ssize_t n = ::read(fd_, buffer, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return IoError("cannot read", path_, errno);
    }
  }

 private:
  std::string path_;
  int fd_;
};

class MemorySourceImpl : public ExportSource {
 public:
  explicit MemorySourceImpl(absl::string_view bytes) : bytes_(bytes) {}
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    const size_t n = std::min(size, bytes_.size());
    if (n > 0) std::memcpy(buffer, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }

 private:
  absl::string_view bytes_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ExportSink>> FileSink(const std::string& path) {
  if (path.empty()) return MakeError(ErrorCode::kInvalidArgument, "export file: empty path");
  auto file = storage::AtomicFileWriter::Create(path, storage::WriteMode::kReplace);
  if (!file.ok()) return InExportFile(file.status());
  return std::unique_ptr<ExportSink>(new FileSinkImpl(std::move(*file)));
}

std::unique_ptr<ExportSink> StringSink(std::string* out) {
  return std::make_unique<StringSinkImpl>(out);
}

absl::StatusOr<std::unique_ptr<ExportSource>> FileSource(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return MakeError(ErrorCode::kNotFound, absl::StrCat("export file: no file ", path));
    }
    return IoError("cannot open", path, errno);
  }
  return std::unique_ptr<ExportSource>(new FileSourceImpl(path, fd));
}

std::unique_ptr<ExportSource> MemorySource(absl::string_view bytes) {
  return std::make_unique<MemorySourceImpl>(bytes);
}

}  // namespace socle
