// `socle share`: sharing under professional secrecy from the command line (socle/sharing.hpp):
// check a share against the sharing checklist, record it through the access trail (granted or
// refused, REQ-30), revoke it, record the person's prior information or its exception, and list
// whom an item went to (REQ-12).
#include <sodium.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/error.hpp"
#include "socle/sharing.hpp"
#include "socle/trail.hpp"
#include "socle/vocabulary.hpp"

namespace socle::cli {
namespace {

constexpr char kShareUsage[] =
    "usage: socle share check      ENGINE_OPTIONS SHARE_OPTIONS\n"
    "       socle share record     ENGINE_OPTIONS SHARE_OPTIONS\n"
    "                              --involvement present|informed_beforehand|not_informed\n"
    "                              [--involvement-reason TEXT]\n"
    "       socle share revoke     ENGINE_OPTIONS --person ID --recipient PRO --share ID\n"
    "                              --recorded-by PRO\n"
    "       socle share informed   ENGINE_OPTIONS --person ID --share ID --recipient PRO\n"
    "                              --recorded-by PRO [--informed ID] [--categories C,...]\n"
    "                              [--channel in_person|paper|online|phone]\n"
    "                              [--maturity-assessment TEXT]\n"
    "       socle share exception  ENGINE_OPTIONS --person ID --share ID\n"
    "                              --kind urgency|impossibility|contrary_to_child_interest\n"
    "                              --justification TEXT --recorded-by PRO\n"
    "       socle share recipients ENGINE_OPTIONS --person ID --item ID [--category C]\n"
    "       socle share list       ENGINE_OPTIONS --person ID\n"
    "SHARE_OPTIONS: --emitter PRO --recipient PRO --person ID --basis BASIS --purpose ACTIVITY\n"
    "               --share ID (--item ITEM:CATEGORY[:SHA256] ... | --whole-file)\n"
    "SHA256: the SHA-256 of the item's content as shared, 64 hex digits or @FILE (the file's);\n"
    "        required by `share record` (the sharing log keeps it), optional for `share check`\n"
    "BASIS: csp_l1110_4_ii, csp_l1110_4_iii_team, csp_l1110_4_iii_consent, casf_l226_2_2,\n"
    "       casf_l226_2_1, casf_l121_6_2, cp_226_14, legal_obligation\n"
    "\n"
    "  check:      every line of the sharing checklist for the basis; records nothing. Exit 0\n"
    "              when the share would be granted, 1 when refused: the failed check by name,\n"
    "              its line of the checklist, and what would fix it\n"
    "  record:     decides and records in one call (AccessTrail::Share): a granted share\n"
    "              becomes an item-level grant (the recipient reads exactly those items, for\n"
    "              that purpose); granted or refused, it goes to the access trail and the\n"
    "              person's history (`socle audit history`). Exit 1 when refused\n"
    "  revoke:     ends one share's grant (the share stays in the history)\n"
    "  informed:   the person (or --informed, a representative) was told beforehand what will\n"
    "              be shared with the recipient\n"
    "  exception:  why the person was not told beforehand (urgency and impossibility leave a\n"
    "              follow-up open until `share informed` is recorded)\n"
    "  recipients: whom an item was shared with, to notify them of a rectification (art. 19)\n"
    "  list:       every share of the person, active or revoked, and open follow-ups\n"
    "\n";

bool ParseBasis(const std::string& s, SharingBasis* out) {
  for (int b = 1; b <= 8; ++b) {
    if (s == Name(static_cast<SharingBasis>(b))) {
      *out = static_cast<SharingBasis>(b);
      return true;
    }
  }
  return false;
}

// The line of the sharing checklist (docs/consent-and-sharing.md) a check belongs to.
int ChecklistLine(SharingCheck check) {
  switch (check) {
    case SharingCheck::kNoBasis:
      return 1;
    case SharingCheck::kPartyNotIdentified:
    case SharingCheck::kEmitterNotBoundBySecrecy:
    case SharingCheck::kRecipientNotBoundBySecrecy:
      return 2;
    case SharingCheck::kNotInCareOfSamePerson:
    case SharingCheck::kNotInSameCareTeam:
      return 3;
    case SharingCheck::kPurposeNotAllowed:
      return 4;
    case SharingCheck::kNoItemSelected:
    case SharingCheck::kWholeFileNotAllowed:
    case SharingCheck::kItemOutsideSharingRule:
    case SharingCheck::kItemOutsideRecipientHabilitations:
      return 5;
    case SharingCheck::kPersonNotInformed:
      return 6;
    case SharingCheck::kNoSharingConsent:
      return 7;
    case SharingCheck::kPersonObjectsToSharing:
      return 8;
    case SharingCheck::kOnwardDisclosureForbidden:
      return 9;
    default:
      return 0;
  }
}

// What would make a refused share pass that check.
const char* Fix(SharingCheck check) {
  switch (check) {
    case SharingCheck::kNoBasis:
      return "name one basis of the closed list with --basis";
    case SharingCheck::kPartyNotIdentified:
      return "both professionals must be active in the directory with a known secrecy status "
             "(their role's, or their own in the directory)";
    case SharingCheck::kEmitterNotBoundBySecrecy:
      return "this basis needs the emitter bound by professional secrecy: the share is for a "
             "professional whose role (or own status) is bound by secrecy";
    case SharingCheck::kRecipientNotBoundBySecrecy:
      return "share only with a professional bound by secrecy under this basis; a recipient "
             "who is not can receive nothing under professional secrecy";
    case SharingCheck::kNotInCareOfSamePerson:
      return "both professionals must be in charge of the person: a team of each assigned to "
             "the case, or the referent";
    case SharingCheck::kNotInSameCareTeam:
      return "csp_l1110_4_iii_team needs a care team in common; outside the team, share under "
             "csp_l1110_4_iii_consent with the person's sharing consent";
    case SharingCheck::kPurposeNotAllowed:
      return "share for a purpose whose activity declares the category of every item (the "
             "policy's activities[].data_categories)";
    case SharingCheck::kNoItemSelected:
      return "select the items one by one with --item ITEM:CATEGORY";
    case SharingCheck::kWholeFileNotAllowed:
      return "select the items one by one (--item); a whole-file share needs a sharing rule of "
             "this basis with allow_whole_file";
    case SharingCheck::kItemOutsideSharingRule:
      return "leave out the items whose category no sharing rule of this basis lists for the "
             "recipient's role (the policy's sharing_rules)";
    case SharingCheck::kItemOutsideRecipientHabilitations:
      return "leave out the items whose category the recipient's role may not read (the "
             "policy's habilitations)";
    case SharingCheck::kPersonNotInformed:
      return "tell the person first and record it (`socle share informed --share ID "
             "--recipient PRO ...`), or record why not (`socle share exception`)";
    case SharingCheck::kNoSharingConsent:
      return "record the person's sharing consent for this purpose and recipient (`socle "
             "consent give --scope sharing --recipients PRO ...`)";
    case SharingCheck::kPersonObjectsToSharing:
      return "the person objects to sharing: only a mandatory report (casf_l226_2_1, "
             "cp_226_14) goes through; the person may withdraw the objection (`socle "
             "objection withdraw --kind sharing`)";
    case SharingCheck::kOnwardDisclosureForbidden:
      return "what the emitter received under casf_l121_6_2 may not be passed on: nothing to "
             "fix, the share must not happen";
    default:
      return "";
  }
}

std::string ParseRequest(const Flags& flags, bool needs_hashes, SharingRequest* request) {
  request->emitter = flags.Get("--emitter");
  request->recipient = flags.Get("--recipient");
  request->person = flags.Get("--person");
  request->purpose = flags.Get("--purpose");
  request->share = flags.Get("--share");
  if (!ParseBasis(flags.Get("--basis"), &request->basis)) {
    return "--basis is one of csp_l1110_4_ii, csp_l1110_4_iii_team, csp_l1110_4_iii_consent, "
           "casf_l226_2_2, casf_l226_2_1, casf_l121_6_2, cp_226_14, legal_obligation";
  }
  request->whole_file = flags.Has("--whole-file");
  for (const std::string& spec : flags.List("--item")) {
    const std::vector<std::string> parts = absl::StrSplit(spec, ':');
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty()) {
      return "--item is ITEM:CATEGORY or ITEM:CATEGORY:SHA256_HEX";
    }
    SharedItem item{parts[0], parts[1], ""};
    if (parts.size() == 3 && !parts[2].empty() && parts[2][0] == '@') {
      // The SHA-256 of the content shared, from the file that holds it.
      std::ifstream file(parts[2].substr(1), std::ios::binary);
      if (!file) return absl::StrCat("cannot read ", parts[2].substr(1));
      const std::string content((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
      item.content_sha256.assign(crypto_hash_sha256_BYTES, '\0');
      crypto_hash_sha256(reinterpret_cast<unsigned char*>(item.content_sha256.data()),
                         reinterpret_cast<const unsigned char*>(content.data()), content.size());
    } else if (parts.size() == 3 &&
               (!FromHex(parts[2], &item.content_sha256) || item.content_sha256.size() != 32)) {
      return "an --item's SHA-256 is 64 hexadecimal digits, or @FILE for the file's";
    }
    if (needs_hashes && item.content_sha256.empty()) {
      return "to record a share, every --item carries the SHA-256 of its content: "
             "ITEM:CATEGORY:SHA256_HEX or ITEM:CATEGORY:@FILE";
    }
    request->items.push_back(std::move(item));
  }
  static const std::map<std::string, PersonInvolvementKind> kInvolvement = {
      {"", PersonInvolvementKind::kUnspecified},
      {"present", PersonInvolvementKind::kPresent},
      {"informed_beforehand", PersonInvolvementKind::kInformedBeforehand},
      {"not_informed", PersonInvolvementKind::kNotInformed}};
  auto it = kInvolvement.find(flags.Get("--involvement"));
  if (it == kInvolvement.end()) {
    return "--involvement is present, informed_beforehand or not_informed";
  }
  request->involvement = it->second;
  request->involvement_reason = flags.Get("--involvement-reason");
  return "";
}

void PrintOutcome(const SharingOutcome& o, std::ostream& out) {
  out << "share " << o.share << ": " << Name(o.basis) << " (" << LegalReference(o.basis)
      << "), from " << o.emitter << " to " << o.recipient << " ("
      << (o.recipient_role.empty() ? "-" : o.recipient_role)
      << (o.recipient_structure.empty() ? "" : ", " + o.recipient_structure) << ") for "
      << o.purpose << "\n";
  if (o.whole_file) {
    out << "  the whole file: " << absl::StrJoin(o.categories, ", ") << "\n";
  } else {
    for (const SharedItem& item : o.items)
      out << "  item " << item.item << " (" << item.category << ")\n";
  }
  if (o.granted) {
    out << "granted: every check of the sharing checklist passed\n";
  } else {
    out << "REFUSED at check " << Name(o.failed) << " (line " << ChecklistLine(o.failed)
        << " of the sharing checklist): " << o.sentence << "\n"
        << "  to fix: " << Fix(o.failed) << "\n";
  }
  std::vector<std::string> evidence;
  for (uint64_t r : o.information_revisions) {
    evidence.push_back(absl::StrCat("person informed (state revision ", r, ")"));
  }
  if (o.exception_revision != 0) {
    evidence.push_back(absl::StrCat("information exception (state revision ", o.exception_revision,
                                    ")", o.follow_up_open ? ", follow-up open" : ""));
  }
  if (o.consent_revision != 0) {
    evidence.push_back(absl::StrCat("sharing consent (state revision ", o.consent_revision, ")"));
  }
  out << "  evidence: " << (evidence.empty() ? "none" : absl::StrJoin(evidence, "; ")) << "\n";
  for (const PersonToInform& p : o.persons_to_inform) {
    out << "  to inform: " << p.person << (p.required ? "" : " (offered)") << ": "
        << (p.informed ? absl::StrCat("informed (state revision ", p.revision, ")")
                       : std::string("not yet"))
        << "\n";
  }
  if (o.overrides_opposition) {
    out << "  a mandatory report made although the person objects to sharing\n";
  }
}

int Check(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  SharingRequest request;
  if (const std::string p = ParseRequest(flags, false, &request); !p.empty()) return r.Usage(p);
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto outcome = CheckShare(*(*opened)->engine->snapshot(), request);
  if (!outcome.ok()) return r.Failed(outcome.status());
  PrintOutcome(*outcome, r.io.out);
  r.io.out << "(checked on state revision " << outcome->checked_revision << "; nothing recorded)\n";
  return outcome->granted ? kExitOk : kExitInvalidInput;
}

int Record(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  SharingRequest request;
  if (const std::string p = ParseRequest(flags, true, &request); !p.empty()) return r.Usage(p);
  if (request.involvement == PersonInvolvementKind::kUnspecified) {
    return r.Usage("--involvement is required to record a share (REQ-61)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& e = **opened;
  auto outcome = e.trail->Share(*e.engine, request);
  if (!outcome.ok()) return r.Failed(outcome.status());
  PrintOutcome(*outcome, r.io.out);
  auto size = e.trail_ledger->Size();
  if (!size.ok()) return r.Failed(size.status());
  if (outcome->granted) {
    r.io.out << "recorded: the grant at state revision " << outcome->revision
             << "; the decision in the access trail (" << *size << " entries)\n";
  } else {
    r.io.out << "recorded: the refusal in the access trail (" << *size
             << " entries); nothing granted\n";
  }
  return outcome->granted ? kExitOk : kExitInvalidInput;
}

int Revoke(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RevokeShare(*(*opened)->engine, flags.Get("--person"), flags.Get("--recipient"),
                              flags.Get("--share"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "share " << flags.Get("--share") << " revoked: state revision " << *revision << "\n";
  return kExitOk;
}

int Informed(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  InformationSpec spec;
  spec.person = flags.Get("--person");
  spec.informed = flags.Get("--informed");
  spec.share = flags.Get("--share");
  spec.recipient = flags.Get("--recipient");
  spec.categories = flags.List("--categories");
  static const std::map<std::string, InformChannel> kChannels = {
      {"", InformChannel::kInPerson},
      {"in_person", InformChannel::kInPerson},
      {"paper", InformChannel::kPaper},
      {"online", InformChannel::kOnline},
      {"phone", InformChannel::kPhone}};
  auto it = kChannels.find(flags.Get("--channel"));
  if (it == kChannels.end()) return r.Usage("--channel is in_person, paper, online or phone");
  spec.channel = it->second;
  spec.maturity_assessment = flags.Get("--maturity-assessment");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordPersonInformed(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "prior information recorded for share " << spec.share << ": state revision "
           << *revision << "\n";
  return kExitOk;
}

int Exception(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  static const std::map<std::string, InformationExceptionKind> kKinds = {
      {"urgency", InformationExceptionKind::kUrgency},
      {"impossibility", InformationExceptionKind::kImpossibility},
      {"contrary_to_child_interest", InformationExceptionKind::kContraryToChildInterest}};
  auto it = kKinds.find(flags.Get("--kind"));
  if (it == kKinds.end()) {
    return r.Usage("--kind is urgency, impossibility or contrary_to_child_interest");
  }
  InformationExceptionSpec spec;
  spec.person = flags.Get("--person");
  spec.share = flags.Get("--share");
  spec.kind = it->second;
  spec.justification = flags.Get("--justification");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordInformationException(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "information exception (" << flags.Get("--kind") << ") recorded for share "
           << spec.share << ": state revision " << *revision << "\n";
  if (spec.kind != InformationExceptionKind::kContraryToChildInterest) {
    r.io.out << "follow-up open: tell the person as soon as possible, then `socle share "
                "informed`\n";
  }
  return kExitOk;
}

int Recipients(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto recipients = ItemRecipients(*(*opened)->engine->snapshot(), flags.Get("--person"),
                                   flags.Get("--item"), flags.Get("--category"));
  if (!recipients.ok()) return r.Failed(recipients.status());
  r.io.out << "item " << flags.Get("--item") << " was shared with " << recipients->size()
           << (recipients->size() == 1 ? " professional" : " professionals")
           << (recipients->empty() ? "" : ":") << "\n";
  for (const std::string& pro : *recipients) r.io.out << "  " << pro << "\n";
  return kExitOk;
}

int List(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto snapshot = (*opened)->engine->snapshot();
  auto shares = Shares(*snapshot, flags.Get("--person"));
  if (!shares.ok()) return r.Failed(shares.status());
  r.io.out << "shares of " << flags.Get("--person") << ":" << (shares->empty() ? " none" : "")
           << "\n";
  for (const ShareInfo& s : *shares) {
    r.io.out << "  " << s.share << ": " << (s.active ? "active" : "revoked") << ", "
             << ShowTime(s.at) << ", " << s.emitter << " to " << s.recipient << ", "
             << Name(s.basis) << ", for " << s.purpose << ", "
             << (s.items.empty() ? "whole file" : "items " + absl::StrJoin(s.items, ", ")) << " ("
             << absl::StrJoin(s.categories, ", ") << "), state revision " << s.revision << "\n";
  }
  auto follow_ups = OpenInformationFollowUps(*snapshot, flags.Get("--person"));
  if (!follow_ups.ok()) return r.Failed(follow_ups.status());
  for (const InformationFollowUp& f : *follow_ups) {
    r.io.out << "  follow-up open: share " << f.share << ", the person to be told since "
             << ShowTime(f.since) << "\n";
  }
  return kExitOk;
}

}  // namespace

int Share(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle share", std::string(kShareUsage) + kEngineOptionsHelp, io};
  const std::vector<std::string> share_required = {"--emitter", "--recipient", "--person",
                                                   "--basis",   "--purpose",   "--share"};
  const std::set<std::string> share_valued = {"--item", "--involvement", "--involvement-reason"};
  const std::vector<EngineSubcommand> subs = {
      {"check", share_required, share_valued, {"--whole-file"}, false, false, Check},
      {"record", share_required, share_valued, {"--whole-file"}, true, true, Record},
      {"revoke",
       {"--person", "--recipient", "--share", "--recorded-by"},
       {},
       {},
       true,
       false,
       Revoke},
      {"informed",
       {"--person", "--share", "--recipient", "--recorded-by"},
       {"--informed", "--categories", "--channel", "--maturity-assessment"},
       {},
       true,
       false,
       Informed},
      {"exception",
       {"--person", "--share", "--kind", "--justification", "--recorded-by"},
       {},
       {},
       true,
       false,
       Exception},
      {"recipients", {"--person", "--item"}, {"--category"}, {}, false, false, Recipients},
      {"list", {"--person"}, {}, {}, false, false, List},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
