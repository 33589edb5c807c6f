// `socle consent|objection|representative`: the person's consents, objections and legal
// representatives, recorded in and read from the state of record (engine.h), for a DPO or a
// social worker at a terminal (docs/consent-and-sharing.md, "On the command line").
#include "socle/consent.hpp"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/consent_receipt.hpp"
#include "socle/error.hpp"
#include "socle/representation.hpp"

namespace socle::cli {
namespace {

constexpr char kConsentUsage[] =
    "usage: socle consent give     ENGINE_OPTIONS --person ID --purpose ACTIVITY\n"
    "                              --given-by ID[,ID...] --information-version V\n"
    "                              (--information-sha256 HEX | --information-file FILE)\n"
    "                              --recorded-by PRO [--scope processing|sharing]\n"
    "                              [--channel in_person|paper|online|phone] [--evidence REF]\n"
    "                              [--expires RFC3339] [--categories C,...]\n"
    "                              [--recipients PRO,...] [--recipient-roles ROLE,...]\n"
    "                              [--supports TEXT] [--security-measures TEXT]\n"
    "       socle consent withdraw ENGINE_OPTIONS --person ID --purpose ACTIVITY\n"
    "                              --withdrawn-by ID --recorded-by PRO\n"
    "                              [--scope processing|sharing] [--channel CHANNEL]\n"
    "       socle consent status   ENGINE_OPTIONS --person ID --purpose ACTIVITY\n"
    "                              [--scope processing|sharing] [--at RFC3339]\n"
    "                              [--category C] [--recipient PRO]\n"
    "       socle consent history  ENGINE_OPTIONS --person ID [--purpose ACTIVITY] [--proofs]\n"
    "       socle consent receipt  ENGINE_OPTIONS --person ID --purpose ACTIVITY\n"
    "                              [--scope processing|sharing] [--index N]\n"
    "       socle consent keys     ENGINE_OPTIONS\n"
    "       socle consent verify   RECEIPT_FILE --receipts-key KEY --checkpoint-key KEY\n"
    "\n"
    "  give:     records a consent for ONE purpose (never a bundle): who gave it (the person\n"
    "            and/or representatives in force), the information text shown (version and\n"
    "            SHA-256, or the file whose SHA-256 is taken), channel, evidence, expiry\n"
    "  withdraw: ends the consent in force, with no more than the grant asked\n"
    "  status:   whether a valid consent stands now (or at --at), and why not\n"
    "  history:  every consent of the person, given, withdrawn, replaced or expired, with its\n"
    "            givers, information version and hash, channel and evidence; then objections\n"
    "            and representatives. --proofs: each consent event's inclusion proof in the\n"
    "            state ledger, checked against its signed checkpoint\n"
    "  receipt:  the signed consent receipt (JSON-LD, ISO/IEC TS 27560 in DPV, in a C2SP\n"
    "            signed note) of the newest consent event of the purpose, or of entry N\n"
    "  keys:     the verifier keys a receipt is checked with\n"
    "  verify:   checks a receipt file with those two keys, as another system would\n"
    "\n";

constexpr char kObjectionUsage[] =
    "usage: socle objection record   ENGINE_OPTIONS --person ID --objected-by ID\n"
    "                                --recorded-by PRO [--kind processing|sharing]\n"
    "                                [--purpose ACTIVITY] [--informed-evidence REF]\n"
    "       socle objection decide   ENGINE_OPTIONS --person ID --purpose ACTIVITY\n"
    "                                --outcome upheld|compelling_legitimate_grounds|legal_claims\n"
    "                                --justification TEXT --recorded-by PRO\n"
    "       socle objection withdraw ENGINE_OPTIONS --person ID --recorded-by PRO\n"
    "                                [--kind processing|sharing] [--purpose ACTIVITY]\n"
    "\n"
    "  record:   an objection to a processing (GDPR art. 21; --purpose; it stops until decided)\n"
    "            or to sharing (CSP L.1110-4 IV; --informed-evidence: how the person was told)\n"
    "  decide:   the controller's decision on a pending processing objection\n"
    "  withdraw: the person withdraws a standing objection\n"
    "\n";

constexpr char kRepresentativeUsage[] =
    "usage: socle representative set ENGINE_OPTIONS --person ID --representative ID\n"
    "                                --kind KIND --from YYYY-MM-DD --recorded-by PRO\n"
    "                                [--to YYYY-MM-DD] [--reference REF]\n"
    "       socle representative end ENGINE_OPTIONS --person ID --representative ID\n"
    "                                --kind KIND --last-day YYYY-MM-DD --recorded-by PRO\n"
    "KIND: parental_authority, guardianship, curatorship, family_authorisation, proxy\n"
    "\n"
    "  set: records a legal representative (a person of the directory) over a range of days;\n"
    "       parental authority needs the person's birth date and ends before their 18th\n"
    "       birthday\n"
    "  end: the representation's last day becomes --last-day\n"
    "\n";

bool ParseScope(const std::string& s, ConsentScope* out) {
  if (s.empty() || s == "processing") {
    *out = ConsentScope::kProcessing;
  } else if (s == "sharing") {
    *out = ConsentScope::kSharing;
  } else {
    return false;
  }
  return true;
}
const char* ScopeName(ConsentScope s) {
  return s == ConsentScope::kSharing ? "sharing" : "processing";
}

std::string ListOr(const std::vector<std::string>& v, const char* none) {
  return v.empty() ? std::string(none) : absl::StrJoin(v, ", ");
}

// The information text's SHA-256: --information-sha256 HEX, or the SHA-256 of a file.
std::string InformationSha256(const Flags& flags, std::string* out) {
  return Sha256Flag(flags, "--information-sha256", "--information-file", true, out);
}

int Give(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ConsentSpec spec;
  spec.person = flags.Get("--person");
  spec.purpose = flags.Get("--purpose");
  if (!ParseScope(flags.Get("--scope"), &spec.scope)) {
    return r.Usage("--scope is processing or sharing");
  }
  spec.given_by = flags.List("--given-by");
  if (spec.given_by.empty()) return r.Usage("--given-by is required");
  spec.information_version = flags.Get("--information-version");
  if (const std::string p = InformationSha256(flags, &spec.information_sha256); !p.empty()) {
    return r.Usage(p);
  }
  if (!ParseChannel(flags.Get("--channel"), &spec.channel)) {
    return r.Usage("--channel is in_person, paper, online or phone");
  }
  spec.evidence_reference = flags.Get("--evidence");
  if (flags.Has("--expires") && !ParseTimeFlag(flags.Get("--expires"), &spec.expires_at)) {
    return r.Usage("--expires is not an RFC 3339 time (2027-06-30T00:00:00Z)");
  }
  spec.categories = flags.List("--categories");
  spec.recipients = flags.List("--recipients");
  spec.recipient_roles = flags.List("--recipient-roles");
  spec.supports = flags.Get("--supports");
  spec.security_measures = flags.Get("--security-measures");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  AccessEngine& engine = *(*opened)->engine;
  auto revision = GiveConsent(engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "consent given for " << spec.purpose << " (" << ScopeName(spec.scope)
           << "): state revision " << *revision << ", state ledger entry " << *revision - 1 << "\n";
  // What the engine makes of it now: a minor's consent alone is recorded, and is not enough.
  auto status = ConsentStatusAt(*engine.snapshot(), spec.person, spec.purpose, spec.scope);
  if (!status.ok()) return r.Failed(status.status());
  r.io.out << "status now: " << Name(status->state) << "\n";
  return kExitOk;
}

int Withdraw(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ConsentScope scope = ConsentScope::kProcessing;
  ConsentChannel channel = ConsentChannel::kInPerson;
  if (!ParseScope(flags.Get("--scope"), &scope)) {
    return r.Usage("--scope is processing or sharing");
  }
  if (!ParseChannel(flags.Get("--channel"), &channel)) {
    return r.Usage("--channel is in_person, paper, online or phone");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision =
      WithdrawConsent(*(*opened)->engine, flags.Get("--person"), flags.Get("--purpose"), scope,
                      flags.Get("--withdrawn-by"), channel, flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "consent withdrawn for " << flags.Get("--purpose") << " (" << ScopeName(scope)
           << "): state revision " << *revision << ", state ledger entry " << *revision - 1 << "\n";
  return kExitOk;
}

int Status(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ConsentScope scope = ConsentScope::kProcessing;
  if (!ParseScope(flags.Get("--scope"), &scope)) {
    return r.Usage("--scope is processing or sharing");
  }
  absl::Time at = absl::InfinitePast();
  if (flags.Has("--at") && !ParseTimeFlag(flags.Get("--at"), &at)) {
    return r.Usage("--at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto status =
      ConsentStatusAt(*(*opened)->engine->snapshot(), flags.Get("--person"), flags.Get("--purpose"),
                      scope, at, flags.Get("--category"), flags.Get("--recipient"));
  if (!status.ok()) return r.Failed(status.status());
  r.io.out << flags.Get("--purpose") << " (" << ScopeName(scope) << "): " << Name(status->state);
  if (status->revision != 0) r.io.out << " (consent of state revision " << status->revision << ")";
  r.io.out << "\n";
  return kExitOk;
}

void PrintConsent(const ConsentInfo& c, size_t n, std::ostream& out) {
  out << "  " << n << ". " << c.purpose << " (" << ScopeName(c.scope) << "): " << Name(c.state)
      << "\n"
      << "     given " << ShowTime(c.given_at) << " by " << ListOr(c.given_by, "-")
      << "; recorded by " << (c.recorded_by.empty() ? "-" : c.recorded_by) << "; state revision "
      << c.revision << "\n"
      << "     information text: version " << c.information_version << ", sha256 "
      << Hex(c.information_sha256) << "\n"
      << "     channel: " << ChannelName(c.channel)
      << "; evidence: " << (c.evidence_reference.empty() ? "-" : c.evidence_reference)
      << "; expires: " << ShowTime(c.expires_at) << "\n"
      << "     categories: " << ListOr(c.categories, "the purpose's");
  if (c.scope == ConsentScope::kSharing) {
    out << "; recipients: " << ListOr(c.recipients, "-")
        << "; recipient roles: " << ListOr(c.recipient_roles, "-");
  }
  out << "\n";
  if (c.state == ConsentState::kWithdrawn) {
    out << "     withdrawn " << ShowTime(c.ended_at) << " by " << c.withdrawn_by << " ("
        << ChannelName(c.withdrawal_channel) << "), state revision " << c.ended_revision << "\n";
  } else if (c.state == ConsentState::kReplaced || c.state == ConsentState::kCaseClosed) {
    out << "     ended " << ShowTime(c.ended_at) << ", state revision " << c.ended_revision << "\n";
  }
}

int History(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& e = **opened;
  const std::string person = flags.Get("--person");
  const std::string only = flags.Get("--purpose");
  auto snapshot = e.engine->snapshot();
  auto consents = Consents(*snapshot, person);
  if (!consents.ok()) return r.Failed(consents.status());
  std::vector<std::string> purposes;
  size_t shown = 0;
  r.io.out << "consents of " << person << " (state revision " << snapshot->revision() << "):\n";
  for (const ConsentInfo& c : *consents) {
    if (!only.empty() && c.purpose != only) continue;
    PrintConsent(c, ++shown, r.io.out);
    if (std::find(purposes.begin(), purposes.end(), c.purpose) == purposes.end()) {
      purposes.push_back(c.purpose);
    }
  }
  if (shown == 0) r.io.out << "  none (nothing is consented by default)\n";
  auto objections = Objections(*snapshot, person);
  if (!objections.ok()) return r.Failed(objections.status());
  r.io.out << "objections:" << (objections->empty() ? " none" : "") << "\n";
  for (const ObjectionInfo& o : *objections) {
    r.io.out << "  " << (o.kind == ObjectionKind::kSharing ? "to sharing" : "to " + o.purpose)
             << ": " << Name(o.outcome) << "; by " << o.objected_by << ", recorded "
             << ShowTime(o.recorded_at) << " by " << o.recorded_by << " (state revision "
             << o.revision << ")";
    if (!o.informed_evidence.empty()) r.io.out << "; told of the right: " << o.informed_evidence;
    if (o.outcome != ObjectionOutcome::kPending) {
      r.io.out << "; decided " << ShowTime(o.decided_at) << " by " << o.decided_by << ": \""
               << o.justification << "\"";
    }
    if (o.withdrawn_at != absl::InfiniteFuture()) {
      r.io.out << "; withdrawn " << ShowTime(o.withdrawn_at);
    }
    r.io.out << "\n";
  }
  auto representatives = Representatives(*snapshot, person);
  if (!representatives.ok()) return r.Failed(representatives.status());
  r.io.out << "representatives:" << (representatives->empty() ? " none" : "") << "\n";
  for (const RepresentativeInfo& rep : *representatives) {
    r.io.out << "  " << rep.representative << ": " << RepresentativeKindName(rep.kind) << " from "
             << absl::FormatCivilTime(rep.from) << " to "
             << (rep.to ? absl::FormatCivilTime(*rep.to) : std::string("-")) << "\n";
  }
  if (!flags.Has("--proofs")) return kExitOk;

  // Each consent event, proven in the state ledger, and checked here again as a third party
  // would: VerifyConsentProof, then the checkpoint's signature and each inclusion proof with
  // libsodium alone.
  Ledger& ledger = *e.state_ledger;
  std::optional<LedgerCheckpoint> checkpoint;
  r.io.out << "proofs (state ledger):\n";
  for (const std::string& purpose : purposes) {
    auto proof = ConsentHistory(*e.record, person, purpose);
    if (!proof.ok()) return r.Failed(proof.status());
    if (absl::Status verified = VerifyConsentProof(*proof, ledger.verifier_key()); !verified.ok()) {
      return r.Failed(verified);
    }
    const std::string problem =
        CheckCheckpoint(proof->checkpoint, ledger.verifier_key(), ledger.origin());
    if (!problem.empty()) return r.Failed(MakeError(ErrorCode::kVerificationFailed, problem));
    for (const ConsentProofEvent& event : proof->events) {
      const ConsentEventFields& f = event.fields;
      if (!InclusionProofHolds(event.proof, proof->checkpoint.root) ||
          event.proof.index != f.index) {
        return r.Failed(MakeError(ErrorCode::kVerificationFailed,
                                  absl::StrCat("the inclusion proof of state ledger entry ",
                                               f.index, " does not lead to the checkpoint")));
      }
      r.io.out << "  entry " << f.index << ": "
               << (f.status == ConsentStatus::kGiven ? "given" : "withdrawn") << " " << f.purpose
               << " (" << ScopeName(f.scope) << ") " << ShowTime(f.time) << " by "
               << ListOr(f.given_by, "-") << ", channel " << f.channel << "  proof: ok ("
               << event.proof.hashes.size() << " hashes, tree of " << event.proof.tree_size
               << ")\n";
    }
    checkpoint = proof->checkpoint;
  }
  if (checkpoint) {
    r.io.out << "every proof leads to this checkpoint, whose signature verifies with "
             << ledger.verifier_key() << ":\n"
             << checkpoint->note;
  } else {
    r.io.out << "  no consent event\n";
  }
  return kExitOk;
}

int Receipt(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ConsentScope scope = ConsentScope::kProcessing;
  if (!ParseScope(flags.Get("--scope"), &scope)) {
    return r.Usage("--scope is processing or sharing");
  }
  uint64_t index = 0;
  const bool by_index = flags.Has("--index");
  if (by_index && !absl::SimpleAtoi(flags.Get("--index"), &index)) {
    return r.Usage("--index N is a state ledger entry (N >= 0)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& e = **opened;
  auto proof = ConsentHistory(*e.record, flags.Get("--person"), flags.Get("--purpose"));
  if (!proof.ok()) return r.Failed(proof.status());
  bool found = false;
  for (const ConsentProofEvent& event : proof->events) {
    if (by_index ? event.fields.index == index : event.fields.scope == scope) {
      index = event.fields.index;
      found = true;
    }
  }
  if (!found) {
    return r.Failed(MakeError(ErrorCode::kNotFound,
                              by_index ? "that entry is not a consent event of this person and "
                                         "purpose"
                                       : "no consent event of this person, purpose and scope"));
  }
  auto receipt = IssueConsentReceipt(*e.record, *e.policy, index);
  if (!receipt.ok()) return r.Failed(receipt.status());
  r.io.out << *receipt;
  return kExitOk;
}

int ConsentKeys(const Flags&, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto receipts_key = ConsentReceiptVerifierKey(*(*opened)->state_ledger);
  if (!receipts_key.ok()) return r.Failed(receipts_key.status());
  r.io.out << "receipts key:   " << *receipts_key << "\n"
           << "checkpoint key: " << (*opened)->state_ledger->verifier_key() << "\n";
  return kExitOk;
}

// `socle consent verify FILE --receipts-key K --checkpoint-key K`: no engine, no passphrase.
int VerifyReceipt(const std::vector<std::string>& args, const Reporter& r) {
  std::vector<std::string> rest;
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) == 0) {
      rest.push_back(args[i]);
      if (args[i].find('=') == std::string::npos && i + 1 < args.size()) {
        rest.push_back(args[++i]);
      }
    } else if (path.empty()) {
      path = args[i];
    } else {
      return r.Usage(absl::StrCat("unexpected argument '", args[i], "'"));
    }
  }
  Flags flags;
  if (const std::string p = flags.Parse(rest, {"--receipts-key", "--checkpoint-key"}, {});
      !p.empty()) {
    return r.Usage(p);
  }
  if (path.empty()) return r.Usage("the receipt file is required");
  for (const char* required : {"--receipts-key", "--checkpoint-key"}) {
    if (flags.Get(required).empty()) return r.Usage(absl::StrCat(required, " is required"));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return r.Failed(MakeError(ErrorCode::kNotFound, "no such file: " + path));
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto receipt =
      VerifyConsentReceipt(text, flags.Get("--receipts-key"), flags.Get("--checkpoint-key"));
  if (!receipt.ok()) return r.Failed(receipt.status());
  const ConsentEventFields& f = receipt->event;
  r.io.out << "receipt verified: " << (f.status == ConsentStatus::kGiven ? "given" : "withdrawn")
           << " " << f.purpose << " (" << ScopeName(f.scope) << ") " << ShowTime(f.time) << " by "
           << ListOr(f.given_by, "-") << "; state ledger entry " << f.index << " of "
           << receipt->proof.tree_size << "; controller " << receipt->controller_name << "\n";
  return kExitOk;
}

bool ParseObjectionKind(const std::string& s, ObjectionKind* out) {
  if (s.empty() || s == "processing") {
    *out = ObjectionKind::kProcessing;
  } else if (s == "sharing") {
    *out = ObjectionKind::kSharing;
  } else {
    return false;
  }
  return true;
}

int ObjectionRecord(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ObjectionSpec spec;
  if (!ParseObjectionKind(flags.Get("--kind"), &spec.kind)) {
    return r.Usage("--kind is processing or sharing");
  }
  spec.person = flags.Get("--person");
  spec.purpose = flags.Get("--purpose");
  if (spec.kind == ObjectionKind::kProcessing && spec.purpose.empty()) {
    return r.Usage("an objection to a processing needs --purpose");
  }
  if (spec.kind == ObjectionKind::kSharing && flags.Get("--informed-evidence").empty()) {
    return r.Usage("an objection to sharing needs --informed-evidence");
  }
  spec.objected_by = flags.Get("--objected-by");
  spec.informed_evidence = flags.Get("--informed-evidence");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordObjection(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "objection recorded ("
           << (spec.kind == ObjectionKind::kSharing ? "to sharing" : "to " + spec.purpose)
           << "): state revision " << *revision << "\n";
  if (spec.kind == ObjectionKind::kProcessing) {
    r.io.out << "the processing is suspended for the person (objection_pending) until the "
                "controller decides: socle objection decide\n";
  }
  return kExitOk;
}

int ObjectionDecide(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  static const std::map<std::string, ObjectionOutcome> kOutcomes = {
      {"upheld", ObjectionOutcome::kUpheld},
      {"compelling_legitimate_grounds", ObjectionOutcome::kCompellingLegitimateGrounds},
      {"legal_claims", ObjectionOutcome::kLegalClaims}};
  auto it = kOutcomes.find(flags.Get("--outcome"));
  if (it == kOutcomes.end()) {
    return r.Usage("--outcome is upheld, compelling_legitimate_grounds or legal_claims");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision =
      DecideObjection(*(*opened)->engine, flags.Get("--person"), flags.Get("--purpose"), it->second,
                      flags.Get("--justification"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "objection to " << flags.Get("--purpose") << " decided: " << Name(it->second) << " ("
           << (it->second == ObjectionOutcome::kUpheld ? "the processing stays stopped"
                                                       : "the processing resumes")
           << "): state revision " << *revision << "\n";
  return kExitOk;
}

int ObjectionWithdraw(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ObjectionKind kind = ObjectionKind::kProcessing;
  if (!ParseObjectionKind(flags.Get("--kind"), &kind)) {
    return r.Usage("--kind is processing or sharing");
  }
  if (kind == ObjectionKind::kProcessing && flags.Get("--purpose").empty()) {
    return r.Usage("an objection to a processing needs --purpose");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = WithdrawObjection(*(*opened)->engine, flags.Get("--person"), kind,
                                    flags.Get("--purpose"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "objection withdrawn: state revision " << *revision << "\n";
  return kExitOk;
}

bool ParseKind(const std::string& s, RepresentativeKind* out) {
  for (int k = 1; k <= 5; ++k) {
    if (s == RepresentativeKindName(static_cast<RepresentativeKind>(k))) {
      *out = static_cast<RepresentativeKind>(k);
      return true;
    }
  }
  return false;
}
constexpr char kKindProblem[] =
    "--kind is parental_authority, guardianship, curatorship, family_authorisation or proxy";

int RepresentativeSet(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  RepresentativeSpec spec;
  spec.person = flags.Get("--person");
  spec.representative = flags.Get("--representative");
  if (!ParseKind(flags.Get("--kind"), &spec.kind)) return r.Usage(kKindProblem);
  if (!ParseDayFlag(flags.Get("--from"), &spec.from)) return r.Usage("--from is YYYY-MM-DD");
  if (flags.Has("--to")) {
    absl::CivilDay to;
    if (!ParseDayFlag(flags.Get("--to"), &to)) return r.Usage("--to is YYYY-MM-DD");
    spec.to = to;
  }
  spec.reference = flags.Get("--reference");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = SetRepresentative(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "representative recorded (" << RepresentativeKindName(spec.kind)
           << "): state revision " << *revision << "\n";
  return kExitOk;
}

int RepresentativeEnd(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  RepresentativeKind kind = RepresentativeKind::kParentalAuthority;
  absl::CivilDay last;
  if (!ParseKind(flags.Get("--kind"), &kind)) return r.Usage(kKindProblem);
  if (!ParseDayFlag(flags.Get("--last-day"), &last)) return r.Usage("--last-day is YYYY-MM-DD");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision =
      EndRepresentative(*(*opened)->engine, flags.Get("--person"), flags.Get("--representative"),
                        kind, last, flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "representation ended on " << absl::FormatCivilTime(last) << ": state revision "
           << *revision << "\n";
  return kExitOk;
}

}  // namespace

int Consent(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle consent", std::string(kConsentUsage) + kEngineOptionsHelp, io};
  if (!args.empty() && args[0] == "verify" && !WantsHelp(args)) {
    return VerifyReceipt(std::vector<std::string>(args.begin() + 1, args.end()), r);
  }
  const std::vector<EngineSubcommand> subs = {
      {"give",
       {"--person", "--purpose", "--information-version", "--recorded-by"},
       {"--given-by", "--information-sha256", "--information-file", "--scope", "--channel",
        "--evidence", "--expires", "--categories", "--recipients", "--recipient-roles",
        "--supports", "--security-measures"},
       {},
       true,
       false,
       Give},
      {"withdraw",
       {"--person", "--purpose", "--withdrawn-by", "--recorded-by"},
       {"--scope", "--channel"},
       {},
       true,
       false,
       Withdraw},
      {"status",
       {"--person", "--purpose"},
       {"--scope", "--at", "--category", "--recipient"},
       {},
       false,
       false,
       Status},
      {"history", {"--person"}, {"--purpose"}, {"--proofs"}, false, false, History},
      {"receipt", {"--person", "--purpose"}, {"--scope", "--index"}, {}, false, false, Receipt},
      {"keys", {}, {}, {}, false, false, ConsentKeys},
  };
  return RunEngineCommand(r, subs, args);
}

int Objection(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle objection", std::string(kObjectionUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"record",
       {"--person", "--objected-by", "--recorded-by"},
       {"--kind", "--purpose", "--informed-evidence"},
       {},
       true,
       false,
       ObjectionRecord},
      {"decide",
       {"--person", "--purpose", "--outcome", "--justification", "--recorded-by"},
       {},
       {},
       true,
       false,
       ObjectionDecide},
      {"withdraw",
       {"--person", "--recorded-by"},
       {"--kind", "--purpose"},
       {},
       true,
       false,
       ObjectionWithdraw},
  };
  return RunEngineCommand(r, subs, args);
}

int Representative(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle representative", std::string(kRepresentativeUsage) + kEngineOptionsHelp,
                   io};
  const std::vector<EngineSubcommand> subs = {
      {"set",
       {"--person", "--representative", "--kind", "--from", "--recorded-by"},
       {"--to", "--reference"},
       {},
       true,
       false,
       RepresentativeSet},
      {"end",
       {"--person", "--representative", "--kind", "--last-day", "--recorded-by"},
       {},
       {},
       true,
       false,
       RepresentativeEnd},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
