// The fold of grants and shares (AccessGranted, AccessGrantRevoked) and of prior information
// (PersonInformed, InformationException): socle/sharing.hpp says what they mean. The fold checks
// that a fact is well formed and consistent with the state (known ids, one share id per person,
// a child-interest exception only for a minor); whether a share is lawful is decided before it
// is recorded (CheckShare), not here: a replay folds what was decided then.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

bool IsShare(const v1::AccessGranted& e) {
  return !e.share().empty() || e.items_size() > 0 || e.basis() != v1::SHARING_BASIS_UNSPECIFIED ||
         !e.purpose().empty();
}

bool AnyGrantOrSession(const PersonState& state, uint32_t professional) {
  return std::any_of(state.grants.begin(), state.grants.end(),
                     [&](const GrantRecord& g) { return g.professional == professional; }) ||
         std::any_of(state.sessions.begin(), state.sessions.end(),
                     [&](const Session& s) { return s.professional == professional; });
}

}  // namespace

absl::Status Builder::Grant(const v1::StateEvent& event, int64_t at) {
  const v1::AccessGranted& e = event.access_granted();
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("access_granted.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t pro,
                         KnownProfessional("access_granted.professional", e.professional(), true));
  GrantRecord grant;
  grant.professional = pro;
  for (const std::string& name : e.categories()) {
    const auto category = t_.c->data_categories.Find(name);
    if (!category) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("access_granted.categories: '", name.substr(0, kMaxIdBytes),
                                    "' is not a data category of the policy"));
    }
    grant.categories.push_back(*category);
  }
  if (e.has_expires_at()) {
    SOCLE_ASSIGN_OR_RETURN(grant.expires_at,
                           TimestampNanos("access_granted.expires_at", e.expires_at()));
    if (grant.expires_at <= at) {
      return MakeError(ErrorCode::kOutOfRange,
                       "access_granted.expires_at is not after the event's time");
    }
  }
  SOCLE_RETURN_IF_ERROR(CheckText("access_granted.reference", e.reference()));
  grant.reference = e.reference();
  if (IsShare(e)) return Share(event, std::move(grant), id);

  std::sort(grant.categories.begin(), grant.categories.end());
  grant.categories.erase(std::unique(grant.categories.begin(), grant.categories.end()),
                         grant.categories.end());
  PersonRecord& r = MutablePerson(id);
  PersonState& state = MutableState(r);
  // One plain grant per professional: a later one replaces it. Shares are kept apart.
  auto it = std::find_if(state.grants.begin(), state.grants.end(), [&](const GrantRecord& g) {
    return g.professional == pro && !g.is_share();
  });
  if (it != state.grants.end()) {
    *it = std::move(grant);
  } else {
    state.grants.push_back(std::move(grant));
  }
  IndexGranted(pro, id, true);
  return absl::OkStatus();
}

absl::Status Builder::Share(const v1::StateEvent& event, GrantRecord grant, uint32_t person) {
  const v1::AccessGranted& e = event.access_granted();
  SOCLE_RETURN_IF_ERROR(CheckId("access_granted.share", e.share()));
  if (e.basis() == v1::SHARING_BASIS_UNSPECIFIED || !v1::SharingBasis_IsValid(e.basis())) {
    return Invalid(absl::StrCat("access_granted.basis: ", static_cast<int>(e.basis()),
                                " is not a sharing basis of the closed list (1 to 8)"));
  }
  const auto purpose = t_.c->activities.Find(e.purpose());
  if (!purpose) {
    return MakeError(ErrorCode::kNotFound,
                     "access_granted.purpose: not an activity of the policy (a share names the "
                     "activity it serves)");
  }
  // A share is an action on the person's behalf by the professional who shares.
  SOCLE_ASSIGN_OR_RETURN(const uint32_t emitter, Recorder(event));
  SOCLE_RETURN_IF_ERROR(RequireInvolvement(event));
  if (e.items_size() > 0 && e.items_size() != e.categories_size()) {
    return Invalid(absl::StrCat("access_granted.categories: a share of ", e.items_size(),
                                " items names one category per item, not ", e.categories_size()));
  }
  if (e.items_size() == 0 && e.categories_size() == 0) {
    return Invalid("access_granted: a share names its items, or the categories of a whole file");
  }
  std::vector<std::pair<std::string, uint32_t>> items;
  items.reserve(static_cast<size_t>(e.items_size()));
  for (int i = 0; i < e.items_size(); ++i) {
    SOCLE_RETURN_IF_ERROR(CheckId("access_granted.items", e.items(i)));
    items.emplace_back(e.items(i), grant.categories[static_cast<size_t>(i)]);
  }
  std::sort(items.begin(), items.end());
  for (size_t i = 1; i < items.size(); ++i) {
    if (items[i].first == items[i - 1].first) {
      return Invalid("access_granted.items: an item is named twice");
    }
  }
  const PersonState* current = s_.persons[person].state.get();
  if (current != nullptr) {
    for (const ShareRecord& share : current->shares) {
      if (share.share == e.share()) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "access_granted.share: this share id is already recorded for the person");
      }
    }
  }

  grant.share = e.share();
  grant.basis = static_cast<SharingBasis>(e.basis());
  grant.purpose = *purpose;
  for (auto& [item, category] : items) {
    grant.items.push_back(std::move(item));
    grant.item_categories.push_back(category);
  }
  std::sort(grant.categories.begin(), grant.categories.end());
  grant.categories.erase(std::unique(grant.categories.begin(), grant.categories.end()),
                         grant.categories.end());

  ShareRecord record;
  record.share = grant.share;
  record.emitter = emitter;
  record.recipient = grant.professional;
  record.basis = grant.basis;
  record.purpose = grant.purpose;
  record.items = grant.items;
  record.categories = grant.categories;
  record.at = at_;
  record.revision = s_.revision + 1;  // the revision this event gets

  const uint32_t pro = grant.professional;
  PersonRecord& r = MutablePerson(person);
  PersonState& state = MutableState(r);
  state.grants.push_back(std::move(grant));
  state.shares.push_back(std::move(record));
  IndexGranted(pro, person, true);
  return absl::OkStatus();
}

absl::Status Builder::RevokeGrant(const v1::AccessGrantRevoked& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("access_grant_revoked.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t pro, KnownProfessional("access_grant_revoked.professional",
                                                               e.professional(), false));
  if (!e.share().empty()) SOCLE_RETURN_IF_ERROR(CheckId("access_grant_revoked.share", e.share()));
  auto matches = [&](const GrantRecord& g) {
    return g.professional == pro && (e.share().empty() || g.share == e.share());
  };
  const PersonState* current = s_.persons[id].state.get();
  if (current == nullptr || std::none_of(current->grants.begin(), current->grants.end(), matches)) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("access_grant_revoked: '", e.professional(), "' holds no ",
                                  e.share().empty() ? "grant" : "grant from this share",
                                  " on the person's file"));
  }
  PersonRecord& r = MutablePerson(id);
  PersonState& state = MutableState(r);
  // The share stays in the history of shares (ItemRecipients): only its grant ends.
  state.grants.erase(std::remove_if(state.grants.begin(), state.grants.end(), matches),
                     state.grants.end());
  if (!AnyGrantOrSession(state, pro)) IndexGranted(pro, id, false);
  Settle(r);
  return absl::OkStatus();
}

absl::Status Builder::Inform(const v1::PersonInformed& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("person_informed.person", e.person()));
  InformationRecord record;
  record.informed = id;
  if (!e.informed().empty()) {
    SOCLE_ASSIGN_OR_RETURN(record.informed, KnownPerson("person_informed.informed", e.informed()));
  }
  if (record.informed != id) {
    constexpr uint32_t kEveryKind = ~0u;
    const auto representatives = RepresentativesOn(s_.persons[id].state.get(), DayOf(at_),
                                                    kEveryKind);
    if (std::find(representatives.begin(), representatives.end(), record.informed) ==
        representatives.end()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "person_informed.informed is neither the person nor one of their "
                       "representatives on the event's date");
    }
  }
  SOCLE_RETURN_IF_ERROR(CheckId("person_informed.share", e.share()));
  SOCLE_ASSIGN_OR_RETURN(record.recipient,
                         KnownProfessional("person_informed.recipient", e.recipient(), false));
  if (e.categories_size() == 0) {
    return Invalid(
        "person_informed.categories is empty: the information names the nature of what is "
        "shared (REQ-27)");
  }
  for (const std::string& name : e.categories()) {
    const auto category = t_.c->data_categories.Find(name);
    if (!category) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("person_informed.categories: '", name.substr(0, kMaxIdBytes),
                                    "' is not a data category of the policy"));
    }
    InsertSorted(record.categories, *category);
  }
  if (e.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(e.channel())) {
    return Invalid(absl::StrCat("person_informed.channel: ", static_cast<int>(e.channel()),
                                " is not a channel (1 in person to 4 phone)"));
  }
  SOCLE_RETURN_IF_ERROR(
      CheckText("person_informed.maturity_assessment", e.maturity_assessment()));
  record.share = e.share();
  record.channel = static_cast<int32_t>(e.channel());
  record.maturity_assessment = e.maturity_assessment();
  record.recorded_by = recorder_;
  record.at = at_;
  record.revision = s_.revision + 1;
  PersonRecord& r = MutablePerson(id);
  MutableState(r).informed.push_back(std::move(record));
  return absl::OkStatus();
}

absl::Status Builder::Except(const v1::InformationException& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownPerson("information_exception.person", e.person()));
  SOCLE_RETURN_IF_ERROR(CheckId("information_exception.share", e.share()));
  SOCLE_RETURN_IF_ERROR(CheckText("information_exception.justification", e.justification()));
  InformationExceptionRecord record;
  switch (e.kind()) {
    case v1::InformationException::URGENCY:
      record.kind = InformationExceptionKind::kUrgency;
      break;
    case v1::InformationException::IMPOSSIBILITY:
      record.kind = InformationExceptionKind::kImpossibility;
      break;
    case v1::InformationException::CONTRARY_TO_CHILD_INTEREST: {
      record.kind = InformationExceptionKind::kContraryToChildInterest;
      if (e.justification().empty()) {
        return Invalid(
            "information_exception.justification is empty: not informing the parents because it "
            "is contrary to the child's interest is justified (REQ-27)");
      }
      const int32_t birth = s_.persons[id].birth_days;
      if (birth == kUnknownDate || AgeOn(birth, DayOf(at_)) >= 18) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "information_exception.kind: contrary to the child's interest applies to "
                         "a minor only (the person's birth date must say so)");
      }
      break;
    }
    default:
      return Invalid(absl::StrCat("information_exception.kind: ", static_cast<int>(e.kind()),
                                  " is not a kind (1 urgency, 2 impossibility, 3 contrary to the "
                                  "child's interest)"));
  }
  const PersonState* current = s_.persons[id].state.get();
  if (current != nullptr) {
    for (const InformationExceptionRecord& x : current->information_exceptions) {
      if (x.share == e.share()) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "information_exception.share: an exception is already recorded for this "
                         "share");
      }
    }
  }
  record.share = e.share();
  record.justification = e.justification();
  record.decided_by = recorder_;
  record.at = at_;
  record.revision = s_.revision + 1;
  PersonRecord& r = MutablePerson(id);
  MutableState(r).information_exceptions.push_back(std::move(record));
  return absl::OkStatus();
}

}  // namespace socle::access_internal
