// Helpers of the export file tests: sample records of every kind, whole files written to a
// string, and the byte layout of a file (where its header, frames and trailer start).
#ifndef SOCLE_TESTS_EXPORTFILE_TEST_UTIL_H_
#define SOCLE_TESTS_EXPORTFILE_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exportfile/format.h"
#include "socle/export_file.hpp"
#include "socle/v1/export.pb.h"

namespace socle::exportfile_test {

inline constexpr ExportKind kAllKinds[] = {ExportKind::kAccessRequest, ExportKind::kPortability,
                                           ExportKind::kPseudonymisedDataset,
                                           ExportKind::kAuditExtract, ExportKind::kTrainingMirror};

// The i-th sample record of a kind, serialized; `padding` bytes of text make it bigger.
inline std::string SampleRecord(ExportKind kind, uint64_t i, size_t padding = 0) {
  const std::string text = absl::StrCat("note ", i, " ", std::string(padding, 'x'));
  v1::Entry entry;
  entry.set_id(absl::StrCat("e", i));
  entry.set_person("p1");
  entry.set_category("social");
  entry.set_title("Visite");
  entry.set_text(text);
  entry.mutable_created_at()->set_seconds(1700000000 + static_cast<int64_t>(i));
  switch (kind) {
    case ExportKind::kAccessRequest: {
      v1::AccessRequestRecord r;
      *r.mutable_entry() = entry;
      return r.SerializeAsString();
    }
    case ExportKind::kPortability: {
      v1::PortabilityRecord r;
      *r.mutable_entry() = entry;
      return r.SerializeAsString();
    }
    case ExportKind::kPseudonymisedDataset: {
      v1::DatasetRecord r;
      r.set_subject(absl::StrCat("pseudo-", i));
      auto* field = r.add_fields();
      field->set_name("age_band");
      field->set_value(text);
      return r.SerializeAsString();
    }
    case ExportKind::kAuditExtract: {
      v1::AuditRecord r;
      r.mutable_entry()->set_index(i);
      r.mutable_entry()->set_bytes(text);
      return r.SerializeAsString();
    }
    case ExportKind::kTrainingMirror: {
      v1::MirrorRecord r;
      *r.mutable_entry() = entry;
      return r.SerializeAsString();
    }
  }
  return "";
}

inline ExportWriterOptions Options(ExportKind kind, std::vector<ExportRecipient> recipients = {}) {
  ExportWriterOptions options;
  options.kind = kind;
  options.issuer = "CCAS de Lyon";
  options.created_at = absl::FromUnixSeconds(1764892800);
  options.policy_id = "ccas";
  options.policy_revision = "3";
  options.policy_digest = std::string(32, '\x07');
  options.recipients = std::move(recipients);
  return options;
}

// The offsets of a well-formed file's parts.
struct Layout {
  uint64_t header = 0;  // the header message (after its length)
  uint64_t header_signature = 0;
  std::vector<uint64_t> frames;  // each frame's first byte
  uint64_t trailer = 0;          // the trailer's length field
  uint64_t end = 0;
};
inline Layout LayoutOf(const std::string& file) {
  Layout out;
  const uint32_t header_length = exportfile::GetUint32(file.data() + 12);
  out.header = 16;
  out.header_signature = 16 + header_length;
  uint64_t at = out.header_signature + 64;
  while (true) {
    out.frames.push_back(at);
    const uint32_t flags = exportfile::GetUint32(file.data() + at + 24);
    const uint32_t length = exportfile::GetUint32(file.data() + at + 28);
    at += 32 + length + 64;
    if (flags & exportfile::kFlagFinal) break;
  }
  out.trailer = at;
  out.end = file.size();
  return out;
}

}  // namespace socle::exportfile_test

#endif  // SOCLE_TESTS_EXPORTFILE_TEST_UTIL_H_
