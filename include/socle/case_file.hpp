// socle/case_file.hpp: the vendor's case file as socle's exports read it: a person's identity and
// the entries of their file (notes, documents, forms). socle never stores them: the vendor hands
// them over, one at a time, when an export is written (socle/access_request.hpp,
// socle/dataset.hpp, socle/training_mirror.hpp). In export files they are socle.v1.Identity and
// socle.v1.Entry (proto/socle/v1/export.proto), field for field.
//
// Thread safety: plain values.
#ifndef SOCLE_CASE_FILE_HPP_
#define SOCLE_CASE_FILE_HPP_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/export.hpp"
#include "socle/vocabulary.hpp"

namespace socle {

// Who the person is, as the file holds it. Empty strings: unknown.
struct SOCLE_CXX_API PersonIdentity {
  std::string person;  // the vendor's id
  std::string family_name;
  std::string given_names;
  std::string birth_date;  // YYYY-MM-DD
  std::string birth_place;
  std::string address;  // street and number
  std::string postcode;
  std::string commune;
  std::string phone;
  std::string email;
  std::string nir;  // only for an activity whose policy says nir_authorised
};

// One entry of the person's file.
struct SOCLE_CXX_API CaseEntry {
  std::string id;
  std::string person;
  std::string category;  // a data category of the policy
  EntryKind kind = EntryKind::kFact;
  std::string author;  // a professional of the directory
  absl::Time created_at = absl::InfinitePast();
  std::string purpose;              // the activity it was recorded for
  bool provided_by_person = false;  // given by the person (what portability carries, art. 20)
  std::string title;
  std::string text;                                         // free text
  std::vector<std::pair<std::string, std::string>> fields;  // structured fields: name, value
  // Third-party information (art. 15(4)) released to the person by this professional, who
  // judged it can be shown; empty: withheld from access requests.
  std::string released_by;
};

// The vendor's entries, one at a time, in any order (a database cursor): fill *entry and return
// true, or return false at the end. An error stops the export and is returned as is.
using EntrySource = std::function<absl::StatusOr<bool>(CaseEntry* entry)>;

// A person's identity and entries together (a file base, one person at a time).
struct SOCLE_CXX_API PersonCaseFile {
  PersonIdentity identity;
  std::vector<CaseEntry> entries;
};

// An EntrySource over a vector the caller keeps alive.
SOCLE_CXX_API EntrySource EntriesFrom(const std::vector<CaseEntry>& entries);

// From their JSON form (protobuf's JSON mapping of socle.v1.Identity and socle.v1.Entry, with the
// proto field names as socle export dump prints them, or the lowerCamelCase ones; e.g.
// {"id": "note-12", "person": "x1", "category": "social", "kind": "FACT", "created_at":
// "2026-11-02T09:30:00Z", "text": "…"}): PARSE errors say what is wrong, never the content.
SOCLE_CXX_API absl::StatusOr<PersonIdentity> ParsePersonIdentityJson(absl::string_view json);
SOCLE_CXX_API absl::StatusOr<CaseEntry> ParseCaseEntryJson(absl::string_view json);
// {"identity": {…}, "entries": [{…}, …]} (socle.v1.CaseFile).
SOCLE_CXX_API absl::StatusOr<PersonCaseFile> ParsePersonCaseFileJson(absl::string_view json);

}  // namespace socle

#endif  // SOCLE_CASE_FILE_HPP_
