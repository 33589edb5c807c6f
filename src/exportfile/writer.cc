// ExportWriter: the header, then frames of whole records (signed, and sealed with secretstream
// when there are recipients), then the trailer. It holds one frame.
#include <sodium.h>

#include <cstring>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "exportfile/format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/v1/export.pb.h"
#include "socle/v1/statistics.pb.h"

namespace socle {
namespace {

using exportfile::Hash;

const google::protobuf::Descriptor* RecordDescriptor(ExportKind kind) {
  switch (kind) {
    case ExportKind::kAccessRequest:
      return v1::AccessRequestRecord::descriptor();
    case ExportKind::kPortability:
      return v1::PortabilityRecord::descriptor();
    case ExportKind::kPseudonymisedDataset:
      return v1::DatasetRecord::descriptor();
    case ExportKind::kAuditExtract:
      return v1::AuditRecord::descriptor();
    case ExportKind::kTrainingMirror:
      return v1::MirrorRecord::descriptor();
    case ExportKind::kStatisticsTable:
      return v1::StatisticsRecord::descriptor();
  }
  return nullptr;
}

// Dependencies before the files that import them, so a reader can add them to a pool in order.
void AddFile(const google::protobuf::FileDescriptor* file, std::set<std::string>* seen,
             google::protobuf::FileDescriptorSet* set) {
  if (!seen->insert(file->name()).second) return;
  for (int i = 0; i < file->dependency_count(); ++i) AddFile(file->dependency(i), seen, set);
  file->CopyTo(set->add_file());
}

class Writer : public ExportWriter {
 public:
  Writer(std::unique_ptr<ExportSink> sink, crypto::SigningKeyPair key)
      : sink_(std::move(sink)), key_(std::move(key)) {
    crypto_generichash_init(&body_, nullptr, 0, 32);
  }
  ~Writer() override {
    sodium_memzero(&stream_, sizeof(stream_));
    // The records of the last frames, wherever they were (plaintext in frame_ or out_).
    for (std::string* buffer : {&frame_, &out_}) {
      buffer->resize(buffer->capacity());
      sodium_memzero(buffer->data(), buffer->size());
    }
  }

  absl::Status Start(const ExportWriterOptions& options, const ExportPublicKey& issuer_key) {
    const google::protobuf::Descriptor* record = RecordDescriptor(options.kind);
    if (record == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument, "export writer: unknown export kind");
    }
    if (options.recipients.size() > ExportLimits{}.max_recipients) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("export writer: ", options.recipients.size(),
                                    " recipients, at most ", ExportLimits{}.max_recipients));
    }
    if (!options.policy_digest.empty() && options.policy_digest.size() != 32) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "export writer: a policy digest is 32 bytes, or empty");
    }
    v1::ExportHeader header;
    header.set_format_version(exportfile::kFormatVersion);
    kind_ = options.kind;
    header.set_kind(static_cast<v1::ExportKind>(options.kind));
    header.set_issuer(options.issuer);
    header.set_issuer_public_key(issuer_key.data(), issuer_key.size());
    const absl::Time created =
        options.created_at == absl::InfinitePast() ? absl::Now() : options.created_at;
    const int64_t nanos = absl::ToUnixNanos(created);
    header.mutable_created_at()->set_seconds(nanos / 1000000000);
    header.mutable_created_at()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
    if (nanos % 1000000000 < 0) {
      header.mutable_created_at()->set_seconds(nanos / 1000000000 - 1);
      header.mutable_created_at()->set_nanos(static_cast<int32_t>(nanos % 1000000000 + 1000000000));
    }
    header.set_policy_id(options.policy_id);
    header.set_policy_revision(options.policy_revision);
    header.set_policy_digest(options.policy_digest);
    header.set_pseudonym_domain(options.pseudonym_domain);
    header.set_pseudonymisation_profile(options.pseudonymisation_profile);
    header.set_record_type(record->full_name());
    std::set<std::string> seen;
    AddFile(record->file(), &seen, header.mutable_descriptors());
    if (!options.notice.empty()) {
      bool parsed = false;
      if (options.kind == ExportKind::kPortability) {
        parsed = header.mutable_portability()->ParseFromString(options.notice);
      } else if (options.kind == ExportKind::kPseudonymisedDataset) {
        parsed = header.mutable_dataset()->ParseFromString(options.notice);
      }
      if (!parsed) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            absl::StrCat("export writer: the notice is not a notice of kind ", Name(options.kind)));
      }
    }
    file_id_.resize(exportfile::kFileIdBytes);
    crypto::RandomBytes(
        absl::MakeSpan(reinterpret_cast<uint8_t*>(file_id_.data()), file_id_.size()));
    header.set_file_id(file_id_);
    if (!options.recipients.empty()) {
      sealed_ = true;
      SecretBytes file_key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
      crypto_secretstream_xchacha20poly1305_keygen(file_key.data());
      uint8_t stream_header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
      crypto_secretstream_xchacha20poly1305_init_push(&stream_, stream_header, file_key.data());
      header.set_stream_header(stream_header, sizeof(stream_header));
      for (const ExportRecipient& recipient : options.recipients) {
        uint8_t sealed_key[exportfile::kSealedKeyBytes];
        static_assert(sizeof(sealed_key) == crypto_box_SEALBYTES + 32);
        if (crypto_box_seal(sealed_key, file_key.data(), file_key.size(),
                            recipient.public_key.data()) != 0) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "export writer: a recipient's public key is not an X25519 key");
        }
        v1::ExportHeader::Recipient* out = header.add_recipients();
        out->set_public_key(recipient.public_key.data(), recipient.public_key.size());
        out->set_sealed_key(sealed_key, sizeof(sealed_key));
        out->set_label(recipient.label);
      }
    }
    std::string header_bytes;
    if (!header.SerializeToString(&header_bytes)) {
      return MakeError(ErrorCode::kInternal, "export writer: cannot serialize the header");
    }
    if (header_bytes.size() > ExportLimits{}.max_header_bytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("export writer: the header is ", header_bytes.size(),
                                    " bytes, at most ", ExportLimits{}.max_header_bytes));
    }
    header_hash_ = exportfile::Blake2b256(header_bytes);
    out_.assign(exportfile::kMagic, sizeof(exportfile::kMagic));
    exportfile::PutUint32(&out_, exportfile::kFormatVersion);
    exportfile::PutUint32(&out_, static_cast<uint32_t>(header_bytes.size()));
    out_.append(header_bytes);
    AppendSignature(exportfile::HeaderSigningInput(header_hash_));
    crypto_generichash_update(&body_, reinterpret_cast<const uint8_t*>(out_.data()), out_.size());
    SOCLE_RETURN_IF_ERROR(Emit());
    // Records go straight after room for the frame header (signed) or into frame_ (sealed).
    out_.reserve(exportfile::kFrameHeaderBytes + kExportFrameBytes +
                 exportfile::kStreamOverheadBytes + exportfile::kSignatureBytes);
    out_.assign(exportfile::kFrameHeaderBytes, '\0');
    if (sealed_) frame_.reserve(kExportFrameBytes);
    return absl::OkStatus();
  }

  ExportKind kind() const override { return kind_; }

  absl::Status Add(absl::string_view record) override {
    SOCLE_RETURN_IF_ERROR(CheckOpen());
    if (record.size() > ExportLimits{}.max_record_bytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("export writer: a record of ", record.size(),
                                    " bytes, at most ", ExportLimits{}.max_record_bytes));
    }
    char varint[exportfile::kMaxVarintBytes];
    size_t varint_bytes = 0;
    for (uint64_t v = record.size();; v >>= 7) {
      varint[varint_bytes++] = static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
      if (v < 0x80) break;
    }
    std::string& plain = sealed_ ? frame_ : out_;
    const size_t filled = plain.size() - (sealed_ ? 0 : exportfile::kFrameHeaderBytes);
    if (filled != 0 && filled + varint_bytes + record.size() > kExportFrameBytes) {
      SOCLE_RETURN_IF_ERROR(Guard(Flush(/*final=*/false)));
    }
    plain.append(varint, varint_bytes);
    plain.append(record.data(), record.size());
    ++records_;
    return absl::OkStatus();
  }

  absl::StatusOr<ExportFileSummary> Finish() override {
    SOCLE_RETURN_IF_ERROR(CheckOpen());
    SOCLE_RETURN_IF_ERROR(Guard(Flush(/*final=*/true)));
    Hash body_hash;
    crypto_generichash_final(&body_, body_hash.data(), body_hash.size());
    v1::ExportTrailer trailer;
    trailer.set_record_count(records_);
    trailer.set_body_hash(body_hash.data(), body_hash.size());
    const auto signature = crypto::Sign(key_, AsBytes(exportfile::TrailerSigningInput(
                                                  file_id_, header_hash_, body_hash, records_)));
    trailer.set_signature(signature.data(), signature.size());
    const std::string trailer_bytes = trailer.SerializeAsString();
    out_.clear();
    exportfile::PutUint32(&out_, static_cast<uint32_t>(trailer_bytes.size()));
    out_.append(trailer_bytes);
    SOCLE_RETURN_IF_ERROR(Guard(Emit()));
    SOCLE_RETURN_IF_ERROR(Guard(sink_->Close()));
    finished_ = true;
    ExportFileSummary summary;
    summary.records = records_;
    summary.bytes = bytes_;
    summary.body_hash = body_hash;
    return summary;
  }

 private:
  static absl::Span<const uint8_t> AsBytes(absl::string_view s) {
    return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }

  absl::Status CheckOpen() const {
    if (finished_) return MakeError(ErrorCode::kFailedPrecondition, "export writer: finished");
    if (failed_) return MakeError(ErrorCode::kFailedPrecondition, "export writer: failed before");
    return absl::OkStatus();
  }
  absl::Status Guard(absl::Status status) {
    if (!status.ok()) failed_ = true;
    return status;
  }

  void AppendSignature(absl::string_view input) {
    const auto signature = crypto::Sign(key_, AsBytes(input));
    out_.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  }

  absl::Status Emit() {
    bytes_ += out_.size();
    return sink_->Write(out_);
  }

  // Completes the frame in out_ (its header, the secretstream chunk of frame_ when sealed, its
  // signature), writes it, and leaves out_ ready for the next frame's records.
  absl::Status Flush(bool final) {
    const uint32_t flags = final ? exportfile::kFlagFinal : 0;
    if (sealed_) {
      out_.resize(exportfile::kFrameHeaderBytes + frame_.size() + exportfile::kStreamOverheadBytes);
      crypto_secretstream_xchacha20poly1305_push(
          &stream_, reinterpret_cast<uint8_t*>(out_.data() + exportfile::kFrameHeaderBytes),
          nullptr, reinterpret_cast<const uint8_t*>(frame_.data()), frame_.size(), nullptr, 0,
          final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
      frame_.clear();  // overwritten by the next frame, zeroed by the destructor
    }
    const size_t content_bytes = out_.size() - exportfile::kFrameHeaderBytes;
    char* head = out_.data();
    std::memcpy(head, file_id_.data(), exportfile::kFileIdBytes);
    exportfile::StoreUint64(head + 16, index_);
    exportfile::StoreUint32(head + 24, flags);
    exportfile::StoreUint32(head + 28, static_cast<uint32_t>(content_bytes));
    const Hash frame_hash = exportfile::Blake2b256(out_);
    AppendSignature(
        exportfile::FrameSigningInput(file_id_, header_hash_, index_, flags, frame_hash));
    // The body hash covers the frame through its hash, and its signature.
    crypto_generichash_update(&body_, frame_hash.data(), frame_hash.size());
    crypto_generichash_update(
        &body_,
        reinterpret_cast<const uint8_t*>(out_.data() + out_.size() - exportfile::kSignatureBytes),
        exportfile::kSignatureBytes);
    ++index_;
    SOCLE_RETURN_IF_ERROR(Emit());
    out_.resize(exportfile::kFrameHeaderBytes);
    return absl::OkStatus();
  }

  std::unique_ptr<ExportSink> sink_;
  ExportKind kind_ = ExportKind::kAccessRequest;  // set by Start
  crypto::SigningKeyPair key_;
  crypto_generichash_state body_;
  crypto_secretstream_xchacha20poly1305_state stream_{};
  bool sealed_ = false;
  bool finished_ = false;
  bool failed_ = false;
  std::string file_id_;
  Hash header_hash_{};
  std::string frame_;  // sealed files: the records of the frame being filled (plaintext)
  std::string out_;    // the bytes of one frame as written (signed files: filled in place)
  uint64_t index_ = 0;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace

namespace exportfile {

absl::Status RequireWriterKind(const ExportWriter& writer, ExportKind kind,
                               absl::string_view operation) {
  if (writer.kind() == kind) return absl::OkStatus();
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat(operation, ": the writer was made for exports of kind ",
                                Name(writer.kind()), ", not ", Name(kind)));
}

}  // namespace exportfile

absl::StatusOr<std::unique_ptr<ExportWriter>> ExportWriter::Create(
    std::unique_ptr<ExportSink> sink, const ExportSigningKey& key,
    const ExportWriterOptions& options) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  if (sink == nullptr) return MakeError(ErrorCode::kInvalidArgument, "export writer: no sink");
  SOCLE_ASSIGN_OR_RETURN(crypto::SigningKeyPair pair, crypto::SigningKeyPairFromSeed(key.seed()));
  auto writer = std::make_unique<Writer>(std::move(sink), std::move(pair));
  SOCLE_RETURN_IF_ERROR(writer->Start(options, key.public_key()));
  return std::unique_ptr<ExportWriter>(std::move(writer));
}

}  // namespace socle
