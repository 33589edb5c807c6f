// The training mirror over the vendor's structs, and as an export file (socle/training_mirror.hpp).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "export/case_file.h"
#include "export/export_recorder.h"
#include "exportfile/format.h"
#include "socle/error.hpp"
#include "socle/training_mirror.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

using export_internal::FromProto;
using export_internal::ToProto;

// The mirrored messages of `file`: its identity, then its entries.
absl::Status MirrorMessages(const TrainingMirror& mirror, const PersonCaseFile& file,
                            absl::string_view known_identities, v1::Identity* identity,
                            std::vector<v1::Entry>* entries) {
  v1::Identity in;
  ToProto(file.identity, &in);
  std::vector<std::string> serialized(file.entries.size());
  v1::Entry entry;
  for (size_t i = 0; i < file.entries.size(); ++i) {
    entry.Clear();
    ToProto(file.entries[i], &entry);
    serialized[i] = entry.SerializeAsString();
  }
  SOCLE_ASSIGN_OR_RETURN(MirroredPerson mirrored,
                         mirror.Mirror(in.SerializeAsString(), serialized, known_identities));
  if (!identity->ParseFromString(mirrored.identity)) {
    return MakeError(ErrorCode::kInternal, "TrainingMirror: a mirrored identity does not parse");
  }
  entries->resize(mirrored.entries.size());
  for (size_t i = 0; i < mirrored.entries.size(); ++i) {
    if (!(*entries)[i].ParseFromString(mirrored.entries[i])) {
      return MakeError(ErrorCode::kInternal, "TrainingMirror: a mirrored entry does not parse");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PersonCaseFile> TrainingMirror::Mirror(const PersonCaseFile& file,
                                                      absl::string_view known_identities) const {
  v1::Identity identity;
  std::vector<v1::Entry> entries;
  SOCLE_RETURN_IF_ERROR(MirrorMessages(*this, file, known_identities, &identity, &entries));
  PersonCaseFile out;
  out.identity = FromProto(identity);
  out.entries.reserve(entries.size());
  for (const v1::Entry& e : entries) out.entries.push_back(FromProto(e));
  return out;
}

absl::StatusOr<BulkExportReport> WriteTrainingMirror(AccessTrail& trail,
                                                     const TrainingMirror& mirror,
                                                     const MirrorSource& source,
                                                     ExportWriter& writer,
                                                     const BulkExportOptions& options) {
  SOCLE_RETURN_IF_ERROR(
      exportfile::RequireWriterKind(writer, ExportKind::kTrainingMirror, "WriteTrainingMirror"));
  SOCLE_ASSIGN_OR_RETURN(export_internal::ExportBatcher batcher,
                         export_internal::ExportBatcher::Create(
                             trail, writer, options, "training_mirror", "WriteTrainingMirror"));
  PersonCaseFile file;
  std::string known_identities;
  v1::Identity identity;
  std::vector<v1::Entry> entries;
  v1::MirrorRecord record;
  for (uint64_t n = 1;; ++n) {
    known_identities.clear();
    SOCLE_ASSIGN_OR_RETURN(const bool more, source(&file, &known_identities));
    if (!more) break;
    const absl::Status mirrored =
        MirrorMessages(mirror, file, known_identities, &identity, &entries);
    if (!mirrored.ok()) {
      return MakeError(ErrorCodeOf(mirrored),
                       absl::StrCat("WriteTrainingMirror: person ", n, ": ", mirrored.message()));
    }
    std::vector<std::string> records;
    records.reserve(entries.size() + 1);
    record.Clear();
    *record.mutable_identity() = std::move(identity);
    records.push_back(record.SerializeAsString());
    for (v1::Entry& e : entries) {
      record.Clear();
      *record.mutable_entry() = std::move(e);
      records.push_back(record.SerializeAsString());
    }
    SOCLE_RETURN_IF_ERROR(batcher.Add(file.identity.person, std::move(records)));
  }
  return batcher.Finish();
}

}  // namespace socle
