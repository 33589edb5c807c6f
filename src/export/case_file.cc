#include "export/case_file.h"

#include <memory>
#include <vector>

#include "core/proto_time.h"

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

}  // namespace export_internal
}  // namespace socle
