#include "export/dataset.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/nir.hpp"

namespace socle::export_internal {
namespace {

using policy_internal::ProfileField;
using Profile = v1::PseudonymisationProfile;

// A date as a generalisation reads it: "YYYY-MM-DD", optionally followed by a time
// ("2024-03-12T10:00:00Z", "2024-03-12 10:00").
std::optional<absl::CivilDay> ReadDate(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.size() > 10 && (value[10] == 'T' || value[10] == ' ')) value = value.substr(0, 10);
  auto day = ParseIsoDate(value);
  if (!day.ok()) return std::nullopt;
  return *day;
}

// An amount as written in a form: digits with optional sign, spaces (also U+00A0 and U+202F,
// French thousands separators), a decimal part after ',' or '.', and a trailing "€" or "EUR".
// The decimal part is cut (floor for positive, towards minus infinity for negative amounts), so
// 999,99 falls in the bracket below 1000.
std::optional<int64_t> ReadAmount(absl::string_view value) {
  std::string digits;
  bool negative = false, fraction = false, fraction_nonzero = false;
  absl::string_view v = absl::StripAsciiWhitespace(value);
  if (absl::ConsumeSuffix(&v, "EUR") || absl::ConsumeSuffix(&v, "\xE2\x82\xAC")) {
    v = absl::StripTrailingAsciiWhitespace(v);
  }
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  while (!v.empty()) {
    if (absl::ConsumePrefix(&v, "\xC2\xA0") || absl::ConsumePrefix(&v, "\xE2\x80\xAF")) continue;
    const char c = v[0];
    v.remove_prefix(1);
    if (c >= '0' && c <= '9') {
      if (fraction) {
        fraction_nonzero |= c != '0';
      } else {
        digits.push_back(c);
      }
    } else if ((c == ',' || c == '.') && !fraction && !digits.empty()) {
      fraction = true;
    } else if (c == ' ' && !fraction && !digits.empty()) {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  int64_t amount = 0;
  if (!absl::SimpleAtoi(digits, &amount)) return std::nullopt;
  if (negative) amount = -amount - (fraction_nonzero ? 1 : 0);
  return amount;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

bool HoldsNir(absl::string_view value) { return !FindNirs(value).empty(); }

}  // namespace

std::vector<KnownIdentity> KnownIdentitiesOf(const v1::Identity& identity) {
  std::vector<KnownIdentity> out;
  auto add = [&](IdentityKind kind, absl::string_view value) {
    value = absl::StripAsciiWhitespace(value);
    if (value.empty()) return;
    out.push_back(KnownIdentity{kind, std::string(value), 1});
  };
  add(IdentityKind::kName, identity.family_name());
  add(IdentityKind::kFirstName, identity.given_names());
  // "Marie Rose" or "Marie, Rose": each first name alone too.
  std::vector<absl::string_view> names =
      absl::StrSplit(identity.given_names(), absl::ByAnyChar(" ,"), absl::SkipWhitespace());
  if (names.size() > 1) {
    for (absl::string_view n : names) add(IdentityKind::kFirstName, n);
  }
  add(IdentityKind::kAddress, identity.address());
  add(IdentityKind::kPhone, identity.phone());
  add(IdentityKind::kEmail, identity.email());
  add(IdentityKind::kNir, identity.nir());
  add(IdentityKind::kBirthDate, identity.birth_date());
  return out;
}

absl::StatusOr<Redactor> RedactorFor(const v1::Identity& identity) {
  std::vector<KnownIdentity> known = KnownIdentitiesOf(identity);
  auto redactor = Redactor::Create(known);
  if (redactor.ok()) return redactor;
  // The redactor refuses a whole list for one value it cannot match (a one-letter name, a
  // malformed NIR): keep those it accepts, one by one. The recognisers (NIR, phone, e-mail,
  // IBAN, birth date) apply whatever is left, even nothing.
  std::vector<KnownIdentity> accepted;
  for (KnownIdentity& k : known) {
    if (Redactor::Create(absl::MakeConstSpan(&k, 1)).ok()) accepted.push_back(std::move(k));
  }
  return Redactor::Create(accepted);
}

absl::StatusOr<DatasetTransform> DatasetTransform::Create(const Policy& policy,
                                                          absl::string_view profile_id,
                                                          PseudonymContext context,
                                                          absl::CivilDay reference) {
  const v1::Policy& source = policy_internal::Compiled(policy).source;
  const Profile* profile = nullptr;
  for (const Profile& p : source.pseudonymisation_profiles()) {
    if (p.id() == profile_id) profile = &p;
  }
  if (profile == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     "the policy declares no pseudonymisation profile of "
                     "that id (pseudonymisation_profiles)");
  }
  if (context.domain() != profile->domain()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("the pseudonym context belongs to domain '", context.domain(), "', profile '",
                     profile->id(), "' uses domain '", profile->domain(), "'"));
  }
  const v1::PseudonymDomain* domain = nullptr;
  for (const auto& d : source.pseudonym_domains()) {
    if (d.id() == profile->domain()) domain = &d;
  }
  const v1::Activity* activity = nullptr;
  for (const auto& a : source.activities()) {
    if (a.id() == profile->activity()) activity = &a;
  }
  if (domain == nullptr || activity == nullptr) {  // validation guarantees both
    return MakeError(ErrorCode::kInternal,
                     "a validated profile names an unknown domain or "
                     "activity");
  }

  DatasetTransform t(std::move(context));
  t.profile_ = *profile;
  t.reference_ = reference;
  t.notice_.set_activity(activity->id());
  t.notice_.set_purpose(profile->purpose());
  t.notice_.set_recipient(profile->recipient().empty() ? domain->recipient()
                                                       : profile->recipient());
  *t.notice_.mutable_retention() = activity->retention();
  t.notice_.set_linkage_declared(t.context_.kind() != PseudonymKind::kTransaction);

  absl::flat_hash_set<std::string> nir_categories;
  for (const auto& c : source.data_categories()) {
    if (c.sensitivity() == v1::NIR) nir_categories.insert(c.id());
  }
  for (const auto& c : activity->data_categories()) {
    if (!nir_categories.contains(c)) t.categories_.insert(c);
  }

  for (const Profile::FieldTreatment& f : profile->fields()) {
    FieldPlan plan;
    plan.name = f.name();
    plan.field = policy_internal::FindProfileField(f.name());
    plan.treatment = f.treatment();
    plan.generalisation = f.generalisation();
    plan.open_from_age = static_cast<int>(f.open_from_age());
    // Belt and braces: validation refuses these, and a NIR never leaves whatever happens.
    if (plan.treatment == Profile::DROP || plan.field == ProfileField::kNir) continue;
    if (plan.generalisation == Profile::AMOUNT_BRACKETS) {
      SOCLE_ASSIGN_OR_RETURN(
          AmountBrackets brackets,
          AmountBrackets::Create({f.bracket_bounds().begin(), f.bracket_bounds().end()}));
      plan.brackets = std::move(brackets);
    }
    if (!policy_internal::IsIdentityField(plan.field)) t.per_entry_ = true;
    if (plan.treatment == Profile::REDACT ||
        (plan.treatment == Profile::KEEP && plan.field == ProfileField::kEntryField)) {
      t.needs_redactor_ = true;
    }
    t.plans_.push_back(std::move(plan));
  }
  return t;
}

bool DatasetTransform::Releases(const v1::Entry& entry) const {
  return entry.purpose() == notice_.activity() && entry.kind() != v1::WORKING_NOTE &&
         categories_.contains(entry.category());
}

std::optional<std::string> DatasetTransform::Raw(const FieldPlan& plan,
                                                 const v1::Identity& identity,
                                                 const v1::Entry* entry) const {
  auto text = [](const std::string& s) -> std::optional<std::string> {
    if (s.empty()) return std::nullopt;
    return s;
  };
  switch (plan.field) {
    case ProfileField::kPerson:
      return text(identity.person());
    case ProfileField::kFamilyName:
      return text(identity.family_name());
    case ProfileField::kGivenNames:
      return text(identity.given_names());
    case ProfileField::kBirthDate:
      return text(identity.birth_date());
    case ProfileField::kBirthPlace:
      return text(identity.birth_place());
    case ProfileField::kAddress:
      return text(identity.address());
    case ProfileField::kPostcode:
      return text(identity.postcode());
    case ProfileField::kCommune:
      return text(identity.commune());
    case ProfileField::kPhone:
      return text(identity.phone());
    case ProfileField::kEmail:
      return text(identity.email());
    case ProfileField::kNir:
      return std::nullopt;
    default:
      break;
  }
  if (entry == nullptr) return std::nullopt;
  switch (plan.field) {
    case ProfileField::kText:
      return text(entry->text());
    case ProfileField::kTitle:
      return text(entry->title());
    case ProfileField::kCategory:
      return text(entry->category());
    case ProfileField::kCreatedAt:
      if (!entry->has_created_at()) return std::nullopt;
      return FormatTimestamp(entry->created_at());
    case ProfileField::kKind:
      if (entry->kind() == v1::ENTRY_KIND_UNSPECIFIED) return std::nullopt;
      return v1::EntryKind_Name(entry->kind());
    case ProfileField::kAuthor:
      return text(entry->author());
    case ProfileField::kPurpose:
      return text(entry->purpose());
    case ProfileField::kEntryField:
      for (const auto& f : entry->fields()) {
        if (f.name() == plan.name) return text(f.value());
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<std::string> DatasetTransform::Generalise(const FieldPlan& plan,
                                                        absl::string_view value) const {
  switch (plan.generalisation) {
    case Profile::AGE_BAND_5:
    case Profile::AGE_BAND_10: {
      const auto birth = ReadDate(value);
      if (!birth) return std::nullopt;
      const int width = plan.generalisation == Profile::AGE_BAND_5 ? 5 : 10;
      auto band = AgeBandAt(*birth, reference_, width, plan.open_from_age);
      if (!band.ok()) return std::nullopt;
      return band->Label();
    }
    case Profile::BIRTH_YEAR:
    case Profile::DATE_YEAR:
    case Profile::DATE_MONTH: {
      const auto day = ReadDate(value);
      if (!day) return std::nullopt;
      return GeneraliseDate(*day, plan.generalisation == Profile::DATE_MONTH
                                      ? DateGranularity::kMonth
                                      : DateGranularity::kYear);
    }
    case Profile::DEPARTEMENT: {
      // A commune or a place of birth is an INSEE code; a postcode is a postcode; an entry
      // field may be either (they agree but for Corsica and a few border communes).
      const bool insee_first =
          plan.field == ProfileField::kCommune || plan.field == ProfileField::kBirthPlace;
      auto first = insee_first ? DepartementFromInseeCode(value) : DepartementFromPostcode(value);
      if (first.ok()) return *std::move(first);
      auto second = insee_first ? DepartementFromPostcode(value) : DepartementFromInseeCode(value);
      if (second.ok()) return *std::move(second);
      return std::nullopt;
    }
    case Profile::AMOUNT_BRACKETS: {
      const auto amount = ReadAmount(value);
      if (!amount || !plan.brackets) return std::nullopt;
      return plan.brackets->Find(*amount).Label();
    }
    default:
      return std::nullopt;
  }
}

void DatasetTransform::Emit(const FieldPlan& plan, const v1::Identity& identity,
                            const v1::Entry* entry, const Redactor* redactor,
                            v1::DatasetRecord* record) {
  std::optional<std::string> raw = Raw(plan, identity, entry);
  if (!raw) return;
  if (raw->size() > kMaxDatasetValueBytes) {
    ++stats_.oversized_values;
    return;
  }
  std::string value;
  switch (plan.treatment) {
    case Profile::KEEP:
      value = *std::move(raw);
      // A kept entry field is whatever the vendor's form holds: it leaves only if it names
      // none of the person's identities (nor an undeclared phone, e-mail, IBAN…).
      if (plan.field == ProfileField::kEntryField && redactor != nullptr &&
          !redactor->Find(value).empty()) {
        ++(HoldsNir(value) ? stats_.nir_values_dropped : stats_.identifier_values_dropped);
        return;
      }
      break;
    case Profile::PSEUDONYMISE: {
      // Domain-separated by field name: equal values of two fields get unrelated pseudonyms.
      auto p = context_.Compute(absl::StrCat(plan.name, absl::string_view("\0", 1), *raw));
      if (!p.ok()) return;
      value = p->ToText();
      break;
    }
    case Profile::GENERALISE: {
      std::optional<std::string> g = Generalise(plan, *raw);
      if (!g) {
        ++stats_.unreadable_values;
        return;
      }
      value = *std::move(g);
      break;
    }
    case Profile::REDACT:
      if (redactor == nullptr) return;
      redactor->RedactTo(*raw, &scratch_);
      value = scratch_;
      break;
    default:
      return;
  }
  // REQ-44: whatever the profile says, a value holding a NIR-shaped number never leaves.
  if (plan.treatment != Profile::PSEUDONYMISE && HoldsNir(value)) {
    ++stats_.nir_values_dropped;
    return;
  }
  v1::Entry::Field* out = record->add_fields();
  out->set_name(plan.name);
  out->set_value(std::move(value));
}

absl::Status DatasetTransform::Add(const v1::Identity& identity,
                                   absl::Span<const v1::Entry* const> entries,
                                   std::vector<v1::DatasetRecord>* out) {
  if (identity.person().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the identity has no person id");
  }
  SOCLE_ASSIGN_OR_RETURN(const Pseudonym subject, context_.Compute(identity.person()));
  const std::string subject_text = subject.ToText();

  std::optional<Redactor> redactor;
  if (needs_redactor_) {
    SOCLE_ASSIGN_OR_RETURN(Redactor r, RedactorFor(identity));
    redactor = std::move(r);
  }
  const Redactor* red = redactor ? &*redactor : nullptr;

  ++stats_.persons;
  auto emit_record = [&](const v1::Entry* entry) {
    v1::DatasetRecord record;
    record.set_subject(subject_text);
    for (const FieldPlan& plan : plans_) Emit(plan, identity, entry, red, &record);
    out->push_back(std::move(record));
    ++stats_.records;
  };
  if (!per_entry_) {
    emit_record(nullptr);
    return absl::OkStatus();
  }
  for (const v1::Entry* entry : entries) {
    if (entry == nullptr) continue;
    if (!Releases(*entry)) {
      ++stats_.entries_outside_activity;
      continue;
    }
    emit_record(entry);
  }
  return absl::OkStatus();
}

}  // namespace socle::export_internal

namespace socle {

DatasetBuilder::DatasetBuilder(std::unique_ptr<export_internal::DatasetTransform> impl)
    : impl_(std::move(impl)) {}
DatasetBuilder::DatasetBuilder(DatasetBuilder&&) noexcept = default;
DatasetBuilder& DatasetBuilder::operator=(DatasetBuilder&&) noexcept = default;
DatasetBuilder::~DatasetBuilder() = default;

absl::StatusOr<DatasetBuilder> DatasetBuilder::Create(const Policy& policy,
                                                      absl::string_view profile,
                                                      PseudonymContext context,
                                                      absl::CivilDay reference) {
  SOCLE_ASSIGN_OR_RETURN(
      export_internal::DatasetTransform t,
      export_internal::DatasetTransform::Create(policy, profile, std::move(context), reference));
  return DatasetBuilder(std::make_unique<export_internal::DatasetTransform>(std::move(t)));
}

absl::StatusOr<std::vector<std::string>> DatasetBuilder::Add(
    absl::string_view identity, absl::Span<const absl::string_view> entries) {
  v1::Identity id;
  if (identity.size() > static_cast<size_t>(INT32_MAX) ||
      !id.ParseFromArray(identity.data(), static_cast<int>(identity.size()))) {
    return MakeError(ErrorCode::kParse, "the identity is not a serialised socle.v1.Identity");
  }
  std::vector<v1::Entry> parsed(entries.size());
  std::vector<const v1::Entry*> pointers(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].size() > static_cast<size_t>(INT32_MAX) ||
        !parsed[i].ParseFromArray(entries[i].data(), static_cast<int>(entries[i].size()))) {
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("entry ", i, " is not a serialised socle.v1.Entry"));
    }
    pointers[i] = &parsed[i];
  }
  std::vector<v1::DatasetRecord> records;
  SOCLE_RETURN_IF_ERROR(impl_->Add(id, pointers, &records));
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(r.SerializeAsString());
  return out;
}

std::string DatasetBuilder::Notice() const { return impl_->notice().SerializeAsString(); }
absl::string_view DatasetBuilder::domain() const { return impl_->profile().domain(); }
const std::string& DatasetBuilder::profile() const { return impl_->profile().id(); }
const DatasetStats& DatasetBuilder::stats() const { return impl_->stats(); }

}  // namespace socle
