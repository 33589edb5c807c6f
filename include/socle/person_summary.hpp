// socle/person_summary.hpp: what the person sees (REQ-55), in one call.
//
// SummarisePerson gathers, from one immutable snapshot, everything recorded by or for a person
// that bears on who may read their file and what was done on their behalf: their consents and
// how each ended (REQ-05, REQ-06), their objections and the controller's decisions (REQ-16), their
// legal representatives (REQ-09), their masks and blocks (REQ-55, REQ-56), the mandates held for
// them (REQ-63 to REQ-66), every share of their file with its recipient, items and basis (REQ-12:
// whom to notify of a rectification), the prior information still owed to them after an urgency
// (REQ-27), the break-the-glass sessions open on their file (REQ-58), and who can reach their file
// and why. It is what a social worker shows the person at the front desk and what a DPO answers to
// an art. 15 request; PersonSummaryJson gives it as the socle.v1.PersonSummary message
// (proto/socle/v1/person_summary.proto), which the export's access-request file embeds.
//
// Every id is the vendor's id or the policy's id, never a dense id. The parts reuse the types of
// the queries they come from (socle/consent.hpp, representation.hpp, sharing.hpp, mandate.hpp).
//
// Thread safety: SummarisePerson reads an immutable snapshot and may run on any thread; the
// serialisers are pure functions.
#ifndef SOCLE_PERSON_SUMMARY_HPP_
#define SOCLE_PERSON_SUMMARY_HPP_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/export.hpp"
#include "socle/mandate.hpp"
#include "socle/representation.hpp"
#include "socle/sharing.hpp"

namespace socle {

// A mask the person set: one item or one whole data category (exactly one of the two is set),
// hidden from `audience`.
struct MaskInfo {
  std::string item;
  std::string category;  // a data category of the policy
  MaskAudience audience = MaskAudience::kEveryone;
  std::string audience_id;  // kRole: a role of the policy; kProfessional: a professional
};

// A break-the-glass session open on the person's file at the summary's time.
struct BreakGlassInfo {
  std::string professional;
  std::string role;         // the professional's role
  std::string structure;    // empty when the vendor gave none
  std::string reason_code;  // a reason code of the policy's break_glass section
  absl::Time opened_at;
  absl::Time expires_at;
};

// One professional and one reason why they reach the person's file
// (AccessSnapshot::ListAccessHolders, with the ids resolved).
struct AccessHolderInfo {
  std::string professional;
  std::string role;       // the professional's role
  std::string structure;  // empty when the vendor gave none
  AccessBasis basis = AccessBasis::kTeam;
  std::string team;  // kTeam: the team of the person's case they belong to
  absl::Time expires_at = absl::InfiniteFuture();  // kGrant, kBreakGlass: when it ends
  std::string reference;                           // kGrant: the sharing decision, if any
};

// Everything the person sees, as it stood at `at`.
struct PersonSummary {
  std::string person;
  absl::Time at;                                    // the instant described
  uint64_t revision = 0;                            // the snapshot's state revision
  std::string birth_date;                           // YYYY-MM-DD; empty when unknown
  std::string referent;                             // a professional; empty when none
  std::vector<std::string> teams;                   // the teams assigned to the person's case
  std::vector<ConsentInfo> consents;                // in the order given, ended ones included
  std::vector<ObjectionInfo> objections;            // in the order recorded, decided ones included
  bool objects_to_emergency_access = false;         // no break-the-glass session may be opened
  std::vector<RepresentativeInfo> representatives;  // in the order recorded, ended ones included
  std::vector<MaskInfo> masks;
  std::vector<std::string> blocked;                  // professionals the person blocked, by id
  std::vector<MandateInfo> mandates;                 // in the order created, ended ones included
  std::vector<ShareInfo> shares;                     // in the order granted, revoked ones included
  std::vector<InformationFollowUp> open_follow_ups;  // prior information still owed
  std::vector<BreakGlassInfo> break_glass_sessions;  // open at `at`
  std::vector<AccessHolderInfo> access;              // by professional id, then basis
};

// The summary of `person` at `time` (InfinitePast: the engine's clock now). The facts recorded
// after `time` are left out, and the states are those of `time`: a consent withdrawn later shows
// as valid, an objection decided later as pending, a mandate procedure revoked later as active,
// a follow-up closed later as open. Masks, blocks, the teams, the referent, mandate use counts and
// whether a share's grant still stands carry no time in the engine's state: they are those of the
// snapshot (their history is in the state ledger and the access trail). Who can reach the file at
// an earlier time counts grants and sessions as of the clock (AccessSnapshot::ListAccessHolders
// never reopens what has ended). NOT_FOUND, naming no id, when the person is not in the snapshot's
// directory.
SOCLE_CXX_API absl::StatusOr<PersonSummary> SummarisePerson(const AccessSnapshot& snapshot,
                                                            absl::string_view person,
                                                            absl::Time time = absl::InfinitePast());

// The summary as a socle.v1.PersonSummary in protobuf's JSON mapping: the proto's field names,
// enums by name, times in RFC 3339 (UTC), every scalar field printed even when empty, a time that
// does not end (an expiry of "never") left out. INTERNAL if protobuf refuses it.
SOCLE_CXX_API absl::StatusOr<std::string> PersonSummaryJson(const PersonSummary& summary);

// The summary as a serialized socle.v1.PersonSummary (the protobuf binary encoding).
SOCLE_CXX_API std::string SerializePersonSummary(const PersonSummary& summary);

}  // namespace socle

#endif  // SOCLE_PERSON_SUMMARY_HPP_
