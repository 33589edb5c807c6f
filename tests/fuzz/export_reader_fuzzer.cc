// libFuzzer target for the `.socle` export file reader (socle/export_file.hpp,
// docs/export-format.md). Two modes, chosen by the input's first byte:
//   - even: the rest is a whole file, read by ExportReader (with the fuzzer's fixed recipient key,
//     so sealed seeds decrypt) and by VerifyExport (without a key);
//   - odd: the rest is the content of one frame, wrapped in a file signed with the fuzzer's fixed
//     issuer key (header, frame and trailer signatures valid), so the record parser is reached
//     past the signature checks.
//
// Contracts checked (abort on failure):
//   - every error of Open, Next and VerifyExport names an ExportProblem (ExportFailureOf) and
//     the reader's failure() agrees; its offset is within the input;
//   - a file read through without error also verifies without a key, with the same record count
//     for a signed file; a record is never longer than ExportLimits::max_record_bytes;
//   - nothing allocates from a hostile length (ASan's allocation limit in the smoke run).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "crypto/crypto.h"
#include "exportfile/format.h"
#include "socle/export_file.hpp"
#include "socle/init.hpp"
#include "socle/v1/export.pb.h"

namespace {

using namespace socle;

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "export_reader_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

const ExportRecipientKey& RecipientKey() {
  // The seeds' recipient: secret 32 bytes of 0x42 (tests/fuzz/export_reader/README).
  static const ExportRecipientKey key =
      ExportRecipientKey::FromSecret(SecretBytes(std::string(32, '\x42'))).value();
  return key;
}

const ExportSigningKey& IssuerKey() {
  static const ExportSigningKey key =
      ExportSigningKey::FromSeed(SecretBytes(std::string(32, '\x17'))).value();
  return key;
}

void CheckFailure(const absl::Status& status, size_t size) {
  const ExportFailure failure = ExportFailureOf(status);
  if (failure.problem == ExportProblem::kNone) Broken("an error without a problem");
  if (failure.offset > size) Broken("an offset beyond the input");
}

void ReadFile(absl::string_view file) {
  ExportReaderOptions options;
  options.key = &RecipientKey();
  auto reader = ExportReader::Open(MemorySource(file), options);
  uint64_t records = 0;
  bool accepted = false;
  if (!reader.ok()) {
    CheckFailure(reader.status(), file.size());
  } else {
    std::string record;
    while (true) {
      auto more = (*reader)->Next(&record);
      if (!more.ok()) {
        CheckFailure(more.status(), file.size());
        if ((*reader)->failure().problem != ExportFailureOf(more.status()).problem) {
          Broken("failure() disagrees with the status");
        }
        break;
      }
      if (!*more) {
        accepted = true;
        break;
      }
      if (record.size() > ExportLimits{}.max_record_bytes) Broken("a record beyond the limit");
      ++records;
    }
  }
  auto verified = VerifyExport(MemorySource(file), {});
  if (!verified.ok()) {
    CheckFailure(verified.status(), file.size());
    if (accepted) Broken("a file read through does not verify");
  } else if (accepted && !(*reader)->sealed() && verified->records != records) {
    Broken("VerifyExport counts other records");
  }
}

// A signed file whose only frame holds `content` as it is.
std::string WrapContent(absl::string_view content) {
  std::string file;
  ExportWriterOptions options;
  options.kind = ExportKind::kAuditExtract;
  options.created_at = absl::FromUnixSeconds(0);
  auto writer = ExportWriter::Create(StringSink(&file), IssuerKey(), options);
  if (!writer.ok() || !(*writer)->Finish().ok()) Broken("cannot write an empty file");
  const uint32_t header_length = exportfile::GetUint32(file.data() + 12);
  const std::string header_bytes = file.substr(16, header_length);
  v1::ExportHeader header;
  if (!header.ParseFromString(header_bytes)) Broken("the writer's header does not parse");
  const auto header_hash = exportfile::Blake2b256(header_bytes);
  auto pair = crypto::SigningKeyPairFromSeed(IssuerKey().seed()).value();
  auto sign = [&](const std::string& input, std::string* out) {
    const auto signature = crypto::Sign(
        pair, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
    out->append(reinterpret_cast<const char*>(signature.data()), signature.size());
  };
  std::string out = file.substr(0, 16 + header_length + 64);
  std::string frame = header.file_id();
  exportfile::PutUint64(&frame, 0);
  exportfile::PutUint32(&frame, exportfile::kFlagFinal);
  exportfile::PutUint32(&frame, static_cast<uint32_t>(content.size()));
  frame.append(content.data(), content.size());
  const auto frame_hash = exportfile::Blake2b256(frame);
  sign(exportfile::FrameSigningInput(header.file_id(), header_hash, 0, exportfile::kFlagFinal,
                                     frame_hash),
       &frame);
  // The body hash: the bytes up to the first frame, then the frame's hash and signature.
  const auto body_hash = exportfile::Blake2b256(absl::StrCat(
      out, absl::string_view(reinterpret_cast<const char*>(frame_hash.data()), frame_hash.size()),
      absl::string_view(frame).substr(frame.size() - exportfile::kSignatureBytes)));
  out += frame;
  v1::ExportTrailer trailer;
  trailer.set_record_count(0);
  trailer.set_body_hash(body_hash.data(), body_hash.size());
  std::string signature;
  sign(exportfile::TrailerSigningInput(header.file_id(), header_hash, body_hash, 0), &signature);
  trailer.set_signature(signature);
  const std::string trailer_bytes = trailer.SerializeAsString();
  exportfile::PutUint32(&out, static_cast<uint32_t>(trailer_bytes.size()));
  out += trailer_bytes;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = Initialize().ok();
  if (!initialised) Broken("socle does not initialise");
  if (size == 0) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    ReadFile(rest);
  } else {
    ReadFile(WrapContent(rest));
  }
  return 0;
}
