#include "export/case_file.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "socle/error.hpp"

namespace socle {

EntrySource EntriesFrom(const std::vector<CaseEntry>& entries) {
  auto next = std::make_shared<size_t>(0);
  return [&entries, next](CaseEntry* entry) -> absl::StatusOr<bool> {
    if (*next >= entries.size()) return false;
    *entry = entries[(*next)++];
    return true;
  };
}

namespace export_internal {

void ToProto(const PersonIdentity& x, v1::Identity* out) {
  out->set_person(x.person);
  out->set_family_name(x.family_name);
  out->set_given_names(x.given_names);
  out->set_birth_date(x.birth_date);
  out->set_birth_place(x.birth_place);
  out->set_address(x.address);
  out->set_postcode(x.postcode);
  out->set_commune(x.commune);
  out->set_phone(x.phone);
  out->set_email(x.email);
  out->set_nir(x.nir);
}

void ToProto(const CaseEntry& x, v1::Entry* out) {
  out->set_id(x.id);
  out->set_person(x.person);
  out->set_category(x.category);
  out->set_kind(static_cast<v1::EntryKind>(x.kind));
  out->set_author(x.author);
  core::SetTimestampIfFinite(x.created_at, [out] { return out->mutable_created_at(); });
  out->set_purpose(x.purpose);
  out->set_provided_by_person(x.provided_by_person);
  out->set_title(x.title);
  out->set_text(x.text);
  for (const auto& [name, value] : x.fields) {
    v1::Entry::Field* f = out->add_fields();
    f->set_name(name);
    f->set_value(value);
  }
  out->set_released_by(x.released_by);
}

PersonIdentity FromProto(const v1::Identity& x) {
  PersonIdentity out;
  out.person = x.person();
  out.family_name = x.family_name();
  out.given_names = x.given_names();
  out.birth_date = x.birth_date();
  out.birth_place = x.birth_place();
  out.address = x.address();
  out.postcode = x.postcode();
  out.commune = x.commune();
  out.phone = x.phone();
  out.email = x.email();
  out.nir = x.nir();
  return out;
}

CaseEntry FromProto(const v1::Entry& x) {
  CaseEntry out;
  out.id = x.id();
  out.person = x.person();
  out.category = x.category();
  out.kind = static_cast<EntryKind>(x.kind());
  out.author = x.author();
  if (x.has_created_at()) out.created_at = core::TimeOf(x.created_at());
  out.purpose = x.purpose();
  out.provided_by_person = x.provided_by_person();
  out.title = x.title();
  out.text = x.text();
  out.fields.reserve(x.fields_size());
  for (const v1::Entry::Field& f : x.fields()) out.fields.emplace_back(f.name(), f.value());
  out.released_by = x.released_by();
  return out;
}

namespace {

// protobuf's JSON parser, with a message that names the field at fault but never echoes the
// value (its own messages may quote the input).
template <typename Message>
absl::Status ParseJson(absl::string_view json, absl::string_view what, Message* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), out, options);
  if (!status.ok()) {
    return MakeError(ErrorCode::kParse,
                     absl::StrCat(what, " is not the JSON of ", Message::descriptor()->full_name(),
                                  " (an unknown field, a wrong type or a bad time)"));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace export_internal

absl::StatusOr<PersonIdentity> ParsePersonIdentityJson(absl::string_view json) {
  v1::Identity identity;
  if (auto s = export_internal::ParseJson(json, "the identity", &identity); !s.ok()) return s;
  return export_internal::FromProto(identity);
}

absl::StatusOr<CaseEntry> ParseCaseEntryJson(absl::string_view json) {
  v1::Entry entry;
  if (auto s = export_internal::ParseJson(json, "the entry", &entry); !s.ok()) return s;
  if (entry.kind() < 0 || entry.kind() >= kEntryKindCount) {
    return MakeError(ErrorCode::kParse, "the entry has an unknown kind");
  }
  return export_internal::FromProto(entry);
}

absl::StatusOr<PersonCaseFile> ParsePersonCaseFileJson(absl::string_view json) {
  v1::CaseFile file;
  if (auto s = export_internal::ParseJson(json, "the case file", &file); !s.ok()) return s;
  PersonCaseFile out;
  out.identity = export_internal::FromProto(file.identity());
  out.entries.reserve(file.entries_size());
  for (const v1::Entry& e : file.entries()) {
    if (e.kind() < 0 || e.kind() >= kEntryKindCount) {
      return MakeError(ErrorCode::kParse, "the case file has an entry of an unknown kind");
    }
    out.entries.push_back(export_internal::FromProto(e));
  }
  return out;
}

}  // namespace socle
