// socle/training_mirror.hpp: a training copy of a file base, with every identity faked.
//
// The "mirror site" of the HCTS: professionals learn a tool on realistic case files that hold no
// real person's identity. For each person, a TrainingMirror takes the person's socle.v1.Identity
// and socle.v1.Entry records (serialized, proto/socle/v1/export.proto) and returns the same
// records with:
//   - the names replaced by French fakes of the same sex, the address by a fake address in a real
//     commune, the e-mail by one at example.org (RFC 2606), the phone by a number from the blocks
//     ARCEP reserves for fiction, the NIR by a NIR-shaped number with order number 000, which
//     INSEE never assigns, and a valid key;
//   - the same fakes everywhere for one person: the identity's fields, and every entry's title,
//     text and field values, where socle's Redactor finds the person's known identities (and
//     phones, e-mails, NIRs it recognises: faked too; IBANs become "[IBAN]");
//   - every date of the person (birth date, entry dates, dates written in text) moved by one
//     offset of 1 to `max_shift_days` days, earlier or later: ages and intervals are kept;
//   - the person id, entry ids and authors replaced by pseudonyms of this run.
// Fakes are drawn from a random seed made when the mirror is created, wiped when it is destroyed
// and never written anywhere: a mirror cannot be reversed, and two mirrors give unrelated fakes.
// docs/training-mirror.md says what a mirror still shows (facts in free text, the shape of the
// file base) and what it hides.
//
// Thread safety: a TrainingMirror is immutable after Create(); Mirror() may be called from any
// number of threads at once. It is movable, not copyable (the seed has one owner).
#ifndef SOCLE_TRAINING_MIRROR_HPP_
#define SOCLE_TRAINING_MIRROR_HPP_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/case_file.hpp"
#include "socle/dataset.hpp"
#include "socle/export.hpp"
#include "socle/export_file.hpp"
#include "socle/redact.hpp"

namespace socle {

struct TrainingMirrorOptions {
  // Dates move by a per-person offset of 1 to max_shift_days days, earlier or later (1 to 3650).
  int32_t max_shift_days = 365;
  // Replace Entry.author by a pseudonym of this run ("pro-" and 12 hex digits). false keeps the
  // vendor's professional ids (for a mirror whose users log in as the original professionals).
  bool pseudonymise_authors = true;
};

// One person's records, mirrored.
struct MirroredPerson {
  std::string identity;              // a serialized socle.v1.Identity
  std::vector<std::string> entries;  // serialized socle.v1.Entry, in the order given
  // What was replaced in the titles, texts and field values (counts only, never a value);
  // counts[kBirthDate] counts birth dates the Redactor found, `dates_shifted` every date moved.
  RedactionReport report;
  uint64_t dates_shifted = 0;
};

class SOCLE_CXX_API TrainingMirror {
 public:
  // Draws the seed (libsodium's randombytes). INVALID_ARGUMENT for max_shift_days outside
  // [1, 3650].
  static absl::StatusOr<TrainingMirror> Create(const TrainingMirrorOptions& options = {});

  TrainingMirror(TrainingMirror&&) noexcept;
  TrainingMirror& operator=(TrainingMirror&&) noexcept;
  TrainingMirror(const TrainingMirror&) = delete;
  TrainingMirror& operator=(const TrainingMirror&) = delete;
  ~TrainingMirror();  // wipes the seed

  // Mirrors one person: `identity` a serialized socle.v1.Identity (its `person` must not be
  // empty), `entries` serialized socle.v1.Entry records of that person (Entry.person empty or
  // equal to Identity.person). `known_identities`, optional, is more of what the file knows, in
  // the text format of ParseKnownIdentities (socle/redact.hpp): the first individual is the
  // person (a usage name, a former address, a second phone…), the next ones relatives, whose
  // names are faked as well. The same person mirrored twice by one mirror gets the same fakes.
  // Errors (never naming a value): PARSE for bytes that are not the message (or hold invalid
  // UTF-8), INVALID_ARGUMENT for an empty person id or an entry of another person (by index),
  // and ParseKnownIdentities' and Redactor::Create's errors for `known_identities`.
  absl::StatusOr<MirroredPerson> Mirror(absl::string_view identity,
                                        absl::Span<const std::string> entries,
                                        absl::string_view known_identities = {}) const;

  // The same for the vendor's structs (socle/case_file.hpp): the person's case file, mirrored.
  absl::StatusOr<PersonCaseFile> Mirror(const PersonCaseFile& file,
                                        absl::string_view known_identities = {}) const;

  const TrainingMirrorOptions& options() const;

 private:
  struct Impl;
  explicit TrainingMirror(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The vendor's persons for a mirror, one at a time (a database cursor): fill *file and, when
// the file knows more of them, *known_identities (the text format of ParseKnownIdentities, as
// for Mirror; it arrives empty), and return true; return false at the end. An error stops the
// export and is returned as is.
using MirrorSource =
    std::function<absl::StatusOr<bool>(PersonCaseFile* file, std::string* known_identities)>;

// Writes the training mirror of every person of `source` to `writer` (created with
// ExportKind::kTrainingMirror) and finishes the file: for each person a socle.v1.MirrorRecord of
// their faked identity, then one of each faked entry. Each person's history gets the line
// "export: training_mirror" by options.handled_by before their records are written, in batches
// as for WriteDataset (socle/dataset.hpp), with the same errors and the same guarantee: no
// record of an unrecorded person is ever written. A person whose mirror fails stops the export
// (the error names their position in the source, never an id).
SOCLE_CXX_API absl::StatusOr<BulkExportReport> WriteTrainingMirror(
    AccessTrail& trail, const TrainingMirror& mirror, const MirrorSource& source,
    ExportWriter& writer, const BulkExportOptions& options);

}  // namespace socle

#endif  // SOCLE_TRAINING_MIRROR_HPP_
