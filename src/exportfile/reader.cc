// ExportReader and VerifyExport: read one frame at a time, verify it, then hand out its records.
// Every length read from the file is checked against ExportLimits before anything is sized from
// it, and buffers grow with the bytes actually read (a hostile length allocates nothing).
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "exportfile/format.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

using exportfile::Hash;

constexpr char kFailurePayload[] = "socle.export.failure";

ErrorCode CodeFor(ExportProblem problem) {
  switch (problem) {
    case ExportProblem::kNotAnExport:
    case ExportProblem::kMalformed:
    case ExportProblem::kTrailingBytes:
      return ErrorCode::kParse;
    case ExportProblem::kUnknownVersion:
      return ErrorCode::kUnsupported;
    case ExportProblem::kTooLarge:
      return ErrorCode::kResourceExhausted;
    case ExportProblem::kTruncated:
      return ErrorCode::kDataLoss;
    case ExportProblem::kReordered:
    case ExportProblem::kAltered:
    case ExportProblem::kForeign:
    case ExportProblem::kUntrustedIssuer:
      return ErrorCode::kVerificationFailed;
    case ExportProblem::kNotARecipient:
      return ErrorCode::kPermissionDenied;
    case ExportProblem::kKeyRequired:
      return ErrorCode::kFailedPrecondition;
    case ExportProblem::kNone:
      break;
  }
  return ErrorCode::kInternal;
}

absl::Span<const uint8_t> AsBytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

class Reader : public ExportReader {
 public:
  Reader(std::unique_ptr<ExportSource> source, const ExportReaderOptions& options, bool verify_only)
      : source_(std::move(source)),
        limits_(options.limits),
        trusted_(options.trusted_issuers),
        key_(options.key),
        verify_only_(verify_only) {
    crypto_generichash_init(&body_, nullptr, 0, 32);
  }
  ~Reader() override {
    sodium_memzero(&stream_, sizeof(stream_));
    if (!plain_.empty()) sodium_memzero(plain_.data(), plain_.size());
    if (!sealed_ && !frame_.empty()) sodium_memzero(frame_.data(), frame_.size());
  }

  absl::Status Open() {
    char preamble[exportfile::kPreambleBytes];
    SOCLE_ASSIGN_OR_RETURN(size_t n, ReadExact(preamble, sizeof(preamble)));
    const size_t magic_seen = std::min(n, sizeof(exportfile::kMagic));
    if (std::memcmp(preamble, exportfile::kMagic, magic_seen) != 0) {
      return Fail(ExportProblem::kNotAnExport, 0);
    }
    if (n < sizeof(preamble)) return Fail(ExportProblem::kTruncated, n);
    if (exportfile::GetUint32(preamble + 8) != exportfile::kFormatVersion) {
      return Fail(ExportProblem::kUnknownVersion, 8);
    }
    char length[4];
    SOCLE_ASSIGN_OR_RETURN(n, ReadExact(length, 4));
    if (n < 4) return Fail(ExportProblem::kTruncated, offset_);
    const uint32_t header_length = exportfile::GetUint32(length);
    if (header_length > limits_.max_header_bytes) {
      return Fail(ExportProblem::kTooLarge, exportfile::kPreambleBytes);
    }
    const uint64_t header_offset = offset_;
    SOCLE_ASSIGN_OR_RETURN(bool complete, ReadInto(&header_, header_length));
    if (!complete) return Fail(ExportProblem::kTruncated, offset_);
    char signature[exportfile::kSignatureBytes];
    SOCLE_ASSIGN_OR_RETURN(n, ReadExact(signature, sizeof(signature)));
    if (n < sizeof(signature)) return Fail(ExportProblem::kTruncated, offset_);
    crypto_generichash_update(&body_, reinterpret_cast<const uint8_t*>(preamble), sizeof(preamble));
    crypto_generichash_update(&body_, reinterpret_cast<const uint8_t*>(length), 4);
    crypto_generichash_update(&body_, reinterpret_cast<const uint8_t*>(header_.data()),
                              header_.size());
    crypto_generichash_update(&body_, reinterpret_cast<const uint8_t*>(signature),
                              sizeof(signature));

    v1::ExportHeader header;
    if (!header.ParseFromString(header_)) return Fail(ExportProblem::kMalformed, header_offset);
    if (header.format_version() != exportfile::kFormatVersion) {
      return Fail(ExportProblem::kUnknownVersion, header_offset);
    }
    kind_ = static_cast<ExportKind>(header.kind());
    if (exportfile::RecordTypeName(kind_).empty() ||
        header.record_type() != exportfile::RecordTypeName(kind_) ||
        header.issuer_public_key().size() != kExportKeyBytes ||
        header.file_id().size() != exportfile::kFileIdBytes) {
      return Fail(ExportProblem::kMalformed, header_offset);
    }
    if (static_cast<size_t>(header.recipients_size()) > limits_.max_recipients) {
      return Fail(ExportProblem::kTooLarge, header_offset);
    }
    sealed_ = header.recipients_size() > 0;
    if (sealed_ != !header.stream_header().empty() ||
        (sealed_ && header.stream_header().size() != exportfile::kStreamHeaderBytes)) {
      return Fail(ExportProblem::kMalformed, header_offset);
    }
    for (const auto& recipient : header.recipients()) {
      if (recipient.public_key().size() != kExportKeyBytes ||
          recipient.sealed_key().size() != exportfile::kSealedKeyBytes) {
        return Fail(ExportProblem::kMalformed, header_offset);
      }
    }
    std::memcpy(issuer_.data(), header.issuer_public_key().data(), issuer_.size());
    file_id_ = header.file_id();
    header_hash_ = exportfile::Blake2b256(header_);
    if (!crypto::Verify(
             issuer_, AsBytes(exportfile::HeaderSigningInput(header_hash_)),
             absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(signature), sizeof(signature)))
             .ok()) {
      return Fail(ExportProblem::kAltered, header_offset);
    }
    if (!trusted_.empty() &&
        std::find(trusted_.begin(), trusted_.end(), issuer_) == trusted_.end()) {
      return Fail(ExportProblem::kUntrustedIssuer, header_offset);
    }
    if (sealed_ && key_ != nullptr) {
      const v1::ExportHeader::Recipient* mine = nullptr;
      for (const auto& recipient : header.recipients()) {
        if (std::memcmp(recipient.public_key().data(), key_->public_key().data(),
                        kExportKeyBytes) == 0) {
          mine = &recipient;
          break;
        }
      }
      if (mine == nullptr) return Fail(ExportProblem::kNotARecipient, header_offset);
      SecretBytes file_key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
      if (crypto_box_seal_open(file_key.data(),
                               reinterpret_cast<const uint8_t*>(mine->sealed_key().data()),
                               mine->sealed_key().size(), key_->public_key().data(),
                               key_->secret_key().data()) != 0) {
        // The header is signed: the issuer sealed something this key does not open.
        return Fail(ExportProblem::kNotARecipient, header_offset);
      }
      if (crypto_secretstream_xchacha20poly1305_init_pull(
              &stream_, reinterpret_cast<const uint8_t*>(header.stream_header().data()),
              file_key.data()) != 0) {
        return Fail(ExportProblem::kMalformed, header_offset);
      }
      decrypting_ = true;
    }
    first_frame_offset_ = offset_;
    return absl::OkStatus();
  }

  ExportKind kind() const override { return kind_; }
  bool sealed() const override { return sealed_; }
  const ExportPublicKey& issuer_public_key() const override { return issuer_; }
  absl::string_view header() const override { return header_; }
  uint64_t records_read() const override { return records_; }
  ExportFailure failure() const override { return failure_; }
  uint64_t trailer_record_count() const { return trailer_records_; }
  uint64_t bytes_read() const { return offset_; }

  absl::StatusOr<bool> Next(std::string* record) override {
    if (failure_.problem != ExportProblem::kNone) return status_;
    if (sealed_ && !decrypting_ && !verify_only_) {
      return Fail(ExportProblem::kKeyRequired, first_frame_offset_);
    }
    while (true) {
      const absl::string_view records = frame_records_;
      if (pos_ < records.size()) {
        uint64_t length = 0;
        int shift = 0;
        size_t p = pos_;
        while (true) {
          if (p >= records.size() || shift > 63)
            return Fail(ExportProblem::kMalformed, frame_offset_);
          const uint8_t byte = static_cast<uint8_t>(records[p++]);
          length |= static_cast<uint64_t>(byte & 0x7f) << shift;
          shift += 7;
          if ((byte & 0x80) == 0) break;
        }
        if (length > limits_.max_record_bytes) return Fail(ExportProblem::kTooLarge, frame_offset_);
        if (length > records.size() - p) return Fail(ExportProblem::kMalformed, frame_offset_);
        if (record != nullptr) record->assign(records.data() + p, length);
        pos_ = p + length;
        ++records_;
        return true;
      }
      if (done_) return false;
      if (final_seen_) {
        SOCLE_RETURN_IF_ERROR(ReadTrailer());
        done_ = true;
        return false;
      }
      SOCLE_RETURN_IF_ERROR(ReadFrame());
    }
  }

 private:
  absl::Status Fail(ExportProblem problem, uint64_t offset) {
    failure_ = ExportFailure{problem, offset};
    status_ =
        MakeError(CodeFor(problem),
                  absl::StrCat("export file: ", absl::StrReplaceAll(Name(problem), {{"_", " "}}),
                               " at byte ", offset));
    status_.SetPayload(kFailurePayload,
                       absl::Cord(absl::StrCat(static_cast<int32_t>(problem), " ", offset)));
    return status_;
  }

  // Reads up to `size` bytes (fewer only at the end of the input).
  absl::StatusOr<size_t> ReadExact(char* buffer, size_t size) {
    size_t got = 0;
    while (got < size) {
      SOCLE_ASSIGN_OR_RETURN(const size_t n, source_->Read(buffer + got, size - got));
      if (n == 0) break;
      if (n > size - got) return MakeError(ErrorCode::kInternal, "export file: source overran");
      got += n;
    }
    offset_ += got;
    return got;
  }

  // Reads `size` bytes into *out, growing it by at most 1 MiB ahead of the bytes read; false
  // when the input ends first.
  absl::StatusOr<bool> ReadInto(std::string* out, size_t size) {
    size_t have = 0;
    SOCLE_ASSIGN_OR_RETURN(const bool complete, ReadInto(out, size, &have));
    out->resize(have);
    return complete;
  }
  // The same into a buffer reused from frame to frame: the bytes are (*out)[0, *have), and *out
  // keeps its size (only grows, so it is not cleared and zero-filled again for every frame).
  absl::StatusOr<bool> ReadInto(std::string* out, size_t size, size_t* have) {
    constexpr size_t kStep = size_t{1} << 20;
    *have = 0;
    while (*have < size) {
      const size_t want = std::min(size - *have, kStep);
      if (out->size() < *have + want) out->resize(*have + want);
      SOCLE_ASSIGN_OR_RETURN(const size_t n, ReadExact(out->data() + *have, want));
      *have += n;
      if (n < want) return false;
    }
    return true;
  }

  absl::Status ReadFrame() {
    frame_offset_ = offset_;
    char head[exportfile::kFrameHeaderBytes];
    SOCLE_ASSIGN_OR_RETURN(size_t n, ReadExact(head, sizeof(head)));
    if (n < sizeof(head)) return Fail(ExportProblem::kTruncated, offset_);
    if (std::memcmp(head, file_id_.data(), exportfile::kFileIdBytes) != 0) {
      return Fail(ExportProblem::kForeign, frame_offset_);
    }
    const uint64_t index = exportfile::GetUint64(head + 16);
    const uint32_t flags = exportfile::GetUint32(head + 24);
    const uint32_t length = exportfile::GetUint32(head + 28);
    if (index != next_index_) return Fail(ExportProblem::kReordered, frame_offset_);
    if ((flags & ~exportfile::kFlagFinal) != 0)
      return Fail(ExportProblem::kMalformed, frame_offset_);
    if (length > exportfile::MaxFrameContentBytes(limits_.max_record_bytes, sealed_)) {
      return Fail(ExportProblem::kTooLarge, frame_offset_);
    }
    if (sealed_ && length < exportfile::kStreamOverheadBytes) {
      return Fail(ExportProblem::kMalformed, frame_offset_);
    }
    // The previous frame's records are all handed out: its buffers can be reused.
    frame_records_ = absl::string_view();
    pos_ = 0;
    size_t have = 0;
    SOCLE_ASSIGN_OR_RETURN(bool complete, ReadInto(&frame_, length, &have));
    if (!complete) return Fail(ExportProblem::kTruncated, offset_);
    const absl::string_view content(frame_.data(), length);
    uint8_t signature[exportfile::kSignatureBytes];
    SOCLE_ASSIGN_OR_RETURN(n, ReadExact(reinterpret_cast<char*>(signature), sizeof(signature)));
    if (n < sizeof(signature)) return Fail(ExportProblem::kTruncated, offset_);

    crypto_generichash_state frame_state;
    crypto_generichash_init(&frame_state, nullptr, 0, 32);
    crypto_generichash_update(&frame_state, reinterpret_cast<const uint8_t*>(head), sizeof(head));
    crypto_generichash_update(&frame_state, reinterpret_cast<const uint8_t*>(content.data()),
                              content.size());
    Hash frame_hash;
    crypto_generichash_final(&frame_state, frame_hash.data(), frame_hash.size());
    if (!crypto::Verify(issuer_,
                        AsBytes(exportfile::FrameSigningInput(file_id_, header_hash_, index, flags,
                                                              frame_hash)),
                        signature)
             .ok()) {
      return Fail(ExportProblem::kAltered, frame_offset_);
    }
    crypto_generichash_update(&body_, frame_hash.data(), frame_hash.size());
    crypto_generichash_update(&body_, signature, sizeof(signature));

    if (!sealed_) {
      frame_records_ = content;
    } else if (decrypting_) {
      const size_t plain_bytes = content.size() - exportfile::kStreamOverheadBytes;
      if (plain_.size() < plain_bytes) plain_.resize(plain_bytes);
      unsigned char tag = 0;
      if (crypto_secretstream_xchacha20poly1305_pull(
              &stream_, reinterpret_cast<uint8_t*>(plain_.data()), nullptr, &tag,
              reinterpret_cast<const uint8_t*>(content.data()), content.size(), nullptr, 0) != 0 ||
          tag != ((flags & exportfile::kFlagFinal) != 0
                      ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                      : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)) {
        return Fail(ExportProblem::kAltered, frame_offset_);
      }
      frame_records_ = absl::string_view(plain_.data(), plain_bytes);
    }
    ++next_index_;
    final_seen_ = (flags & exportfile::kFlagFinal) != 0;
    return absl::OkStatus();
  }

  absl::Status ReadTrailer() {
    const uint64_t trailer_offset = offset_;
    Hash body_hash;
    crypto_generichash_final(&body_, body_hash.data(), body_hash.size());
    char length[4];
    SOCLE_ASSIGN_OR_RETURN(size_t n, ReadExact(length, 4));
    if (n < 4) return Fail(ExportProblem::kTruncated, offset_);
    const uint32_t trailer_length = exportfile::GetUint32(length);
    if (trailer_length > exportfile::kMaxTrailerBytes) {
      return Fail(ExportProblem::kTooLarge, trailer_offset);
    }
    std::string bytes;
    SOCLE_ASSIGN_OR_RETURN(bool complete, ReadInto(&bytes, trailer_length));
    if (!complete) return Fail(ExportProblem::kTruncated, offset_);
    v1::ExportTrailer trailer;
    if (!trailer.ParseFromString(bytes) || trailer.body_hash().size() != body_hash.size() ||
        trailer.signature().size() != exportfile::kSignatureBytes) {
      return Fail(ExportProblem::kMalformed, trailer_offset);
    }
    if (std::memcmp(trailer.body_hash().data(), body_hash.data(), body_hash.size()) != 0) {
      return Fail(ExportProblem::kAltered, trailer_offset);
    }
    if (!crypto::Verify(issuer_,
                        AsBytes(exportfile::TrailerSigningInput(file_id_, header_hash_, body_hash,
                                                                trailer.record_count())),
                        AsBytes(trailer.signature()))
             .ok()) {
      return Fail(ExportProblem::kAltered, trailer_offset);
    }
    // Records were counted unless a sealed file was only verified, without its key.
    if ((!sealed_ || decrypting_) && trailer.record_count() != records_) {
      return Fail(ExportProblem::kAltered, trailer_offset);
    }
    trailer_records_ = trailer.record_count();
    char extra;
    SOCLE_ASSIGN_OR_RETURN(n, ReadExact(&extra, 1));
    if (n != 0) return Fail(ExportProblem::kTrailingBytes, offset_ - 1);
    return absl::OkStatus();
  }

  std::unique_ptr<ExportSource> source_;
  ExportLimits limits_;
  std::vector<ExportPublicKey> trusted_;
  const ExportRecipientKey* key_;
  bool verify_only_;
  crypto_generichash_state body_;
  crypto_secretstream_xchacha20poly1305_state stream_{};
  uint64_t offset_ = 0;
  std::string header_;
  ExportKind kind_ = ExportKind::kAccessRequest;
  bool sealed_ = false;
  bool decrypting_ = false;
  ExportPublicKey issuer_{};
  std::string file_id_;
  Hash header_hash_{};
  uint64_t first_frame_offset_ = 0;
  uint64_t frame_offset_ = 0;
  uint64_t next_index_ = 0;
  bool final_seen_ = false;
  bool done_ = false;
  std::string frame_;  // the frame as read (its first bytes: the buffer is reused and only grows)
  std::string plain_;  // sealed files: its records, decrypted (the same)
  absl::string_view frame_records_;  // the frame's records: in frame_ (signed) or plain_ (sealed)
  size_t pos_ = 0;
  uint64_t records_ = 0;
  uint64_t trailer_records_ = 0;
  ExportFailure failure_;
  absl::Status status_;
};

absl::StatusOr<std::unique_ptr<Reader>> OpenReader(std::unique_ptr<ExportSource> source,
                                                   const ExportReaderOptions& options,
                                                   bool verify_only) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  if (source == nullptr) return MakeError(ErrorCode::kInvalidArgument, "export reader: no source");
  auto reader = std::make_unique<Reader>(std::move(source), options, verify_only);
  SOCLE_RETURN_IF_ERROR(reader->Open());
  return reader;
}

}  // namespace

ExportFailure ExportFailureOf(const absl::Status& status) {
  ExportFailure out;
  const auto payload = status.GetPayload(kFailurePayload);
  if (!payload) return out;
  const std::vector<std::string> parts = absl::StrSplit(std::string(*payload), ' ');
  int32_t problem = 0;
  uint64_t offset = 0;
  if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &problem) &&
      absl::SimpleAtoi(parts[1], &offset) && problem > 0 &&
      problem <= static_cast<int32_t>(ExportProblem::kTrailingBytes)) {
    out.problem = static_cast<ExportProblem>(problem);
    out.offset = offset;
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ExportReader>> ExportReader::Open(
    std::unique_ptr<ExportSource> source, const ExportReaderOptions& options) {
  SOCLE_ASSIGN_OR_RETURN(auto reader, OpenReader(std::move(source), options, false));
  return std::unique_ptr<ExportReader>(std::move(reader));
}

absl::StatusOr<ExportVerification> VerifyExport(std::unique_ptr<ExportSource> source,
                                                const ExportReaderOptions& options) {
  SOCLE_ASSIGN_OR_RETURN(auto reader, OpenReader(std::move(source), options, true));
  while (true) {
    SOCLE_ASSIGN_OR_RETURN(const bool more, reader->Next(nullptr));
    if (!more) break;
  }
  ExportVerification out;
  out.kind = reader->kind();
  out.sealed = reader->sealed();
  out.issuer_public_key = reader->issuer_public_key();
  out.records = reader->trailer_record_count();
  out.bytes = reader->bytes_read();
  return out;
}

}  // namespace socle
