// `socle mandate`: mandates to carry out procedures on a person's behalf, the Aidants Connect
// model (socle/mandate.hpp): create, use, revoke, check and list, in the state of record.
#include "socle/mandate.hpp"

#include <array>
#include <iostream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/error.hpp"

namespace socle::cli {
namespace {

constexpr char kMandateUsage[] =
    "usage: socle mandate create ENGINE_OPTIONS --mandate ID --person ID --structure NAME\n"
    "                            --procedures P,... --days 1|31|182|365\n"
    "                            --template-version V --aidant PRO INVOLVEMENT\n"
    "       socle mandate use    ENGINE_OPTIONS --mandate ID --procedure P --professional PRO\n"
    "                            INVOLVEMENT\n"
    "       socle mandate revoke ENGINE_OPTIONS --mandate ID (--by-person | --by-structure)\n"
    "                            --recorded-by PRO [--procedures P,...]\n"
    "       socle mandate check  ENGINE_OPTIONS --mandate ID --procedure P --professional PRO\n"
    "                            [--at RFC3339]\n"
    "       socle mandate list   ENGINE_OPTIONS --person ID [--at RFC3339]\n"
    "INVOLVEMENT: --involvement present|informed_beforehand|not_informed [--involvement-reason R]\n"
    "\n"
    "  create: a mandate held by a habilitated structure for the policy's procedures, for 1, 31,\n"
    "          182 or 365 days exactly; prints its attestation hash (SHA-256 over its terms)\n"
    "  use:    records that a professional acted under the mandate; refused (exit 1, with the\n"
    "          reason) unless the authorisation is in force and the professional is of the\n"
    "          structure with a listed role\n"
    "  revoke: ends the named procedures, or all, at once (by the person, or by the structure\n"
    "          at the person's request)\n"
    "  check:  whether a use would be allowed, and why not; records nothing (exit 1 if not)\n"
    "  list:   the person's mandates, each procedure's state and uses, and until when the\n"
    "          record is kept\n"
    "\n";

std::string ParseInvolvement(const Flags& flags, MandateInvolvement* out) {
  static const std::map<std::string, MandateInvolvement::Kind> kKinds = {
      {"present", MandateInvolvement::Kind::kPresent},
      {"informed_beforehand", MandateInvolvement::Kind::kInformedBeforehand},
      {"not_informed", MandateInvolvement::Kind::kNotInformed}};
  auto it = kKinds.find(flags.Get("--involvement"));
  if (it == kKinds.end()) return "--involvement is present, informed_beforehand or not_informed";
  out->kind = it->second;
  out->reason = flags.Get("--involvement-reason");
  return "";
}

std::string HexOf(const std::array<uint8_t, 32>& bytes) {
  return Hex(absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

int Create(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  MandateSpec spec;
  spec.mandate = flags.Get("--mandate");
  spec.person = flags.Get("--person");
  spec.structure = flags.Get("--structure");
  spec.procedures = flags.List("--procedures");
  if (spec.procedures.empty()) return r.Usage("--procedures is required");
  if (!absl::SimpleAtoi(flags.Get("--days"), &spec.duration_days)) {
    return r.Usage("--days is 1, 31, 182 or 365");
  }
  spec.template_version = flags.Get("--template-version");
  spec.aidant = flags.Get("--aidant");
  if (const std::string p = ParseInvolvement(flags, &spec.involvement); !p.empty()) {
    return r.Usage(p);
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto created = CreateMandate(*(*opened)->engine, spec);
  if (!created.ok()) return r.Failed(created.status());
  r.io.out << "mandate " << spec.mandate << " created: state revision " << created->revision << "\n"
           << "  from " << ShowTime(created->created_at) << " to " << ShowTime(created->expires_at)
           << " (" << spec.duration_days << " days)\n"
           << "  attestation sha256: " << HexOf(created->attestation_sha256) << "\n";
  return kExitOk;
}

int Use(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  MandateInvolvement involvement;
  if (const std::string p = ParseInvolvement(flags, &involvement); !p.empty()) {
    return r.Usage(p);
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = UseMandate(*(*opened)->engine, flags.Get("--mandate"), flags.Get("--procedure"),
                             flags.Get("--professional"), involvement);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "use of mandate " << flags.Get("--mandate") << " for " << flags.Get("--procedure")
           << " recorded: state revision " << *revision << "\n";
  return kExitOk;
}

int Revoke(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  if (flags.Has("--by-person") == flags.Has("--by-structure")) {
    return r.Usage("give exactly one of --by-person and --by-structure");
  }
  const std::vector<std::string> procedures = flags.List("--procedures");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RevokeMandate(*(*opened)->engine, flags.Get("--mandate"), procedures,
                                flags.Has("--by-person"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "mandate " << flags.Get("--mandate") << " revoked ("
           << (procedures.empty() ? std::string("every procedure in force")
                                  : absl::StrJoin(procedures, ", "))
           << ", " << (flags.Has("--by-person") ? "by the person" : "by the structure")
           << "): state revision " << *revision << "\n";
  return kExitOk;
}

int Check(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at = absl::InfinitePast();
  if (flags.Has("--at") && !ParseTimeFlag(flags.Get("--at"), &at)) {
    return r.Usage("--at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto verdict = CheckMandate(*(*opened)->engine->snapshot(), flags.Get("--mandate"),
                              flags.Get("--procedure"), flags.Get("--professional"), at);
  if (!verdict.ok()) return r.Failed(verdict.status());
  r.io.out << flags.Get("--professional") << " under mandate " << flags.Get("--mandate") << " for "
           << flags.Get("--procedure") << ": " << MandateVerdictName(*verdict) << "\n";
  return *verdict == MandateVerdict::kAllowed ? kExitOk : kExitInvalidInput;
}

int List(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at = absl::InfinitePast();
  if (flags.Has("--at") && !ParseTimeFlag(flags.Get("--at"), &at)) {
    return r.Usage("--at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto mandates = Mandates(*(*opened)->engine->snapshot(), flags.Get("--person"), at);
  if (!mandates.ok()) return r.Failed(mandates.status());
  r.io.out << "mandates of " << flags.Get("--person") << ":" << (mandates->empty() ? " none" : "")
           << "\n";
  for (const MandateInfo& m : *mandates) {
    r.io.out << "  " << m.mandate << ": " << MandateStateName(m.state) << ", held by "
             << m.structure << ", created by " << m.aidant << " " << ShowTime(m.created_at) << ", "
             << m.duration_days << " days to " << ShowTime(m.expires_at) << "; template "
             << m.template_version << "\n"
             << "    attestation sha256: " << HexOf(m.attestation_sha256) << "\n"
             << "    ends " << ShowTime(m.ends_at) << "; record kept until "
             << ShowTime(m.keep_until) << "\n";
    for (const MandateProcedureInfo& p : m.procedures) {
      r.io.out << "    " << p.procedure << ": " << MandateStateName(p.state);
      if (p.revoked_at) {
        r.io.out << " " << ShowTime(*p.revoked_at)
                 << (p.revoked_by_person ? " by the person" : " by the structure");
      }
      r.io.out << "; " << p.uses << (p.uses == 1 ? " use" : " uses");
      if (p.last_used_at) r.io.out << ", last " << ShowTime(*p.last_used_at);
      r.io.out << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

int Mandate(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle mandate", std::string(kMandateUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"create",
       {"--mandate", "--person", "--structure", "--days", "--template-version", "--aidant",
        "--involvement"},
       {"--procedures", "--involvement-reason"},
       {},
       true,
       false,
       Create},
      {"use",
       {"--mandate", "--procedure", "--professional", "--involvement"},
       {"--involvement-reason"},
       {},
       true,
       false,
       Use},
      {"revoke",
       {"--mandate", "--recorded-by"},
       {"--procedures"},
       {"--by-person", "--by-structure"},
       true,
       false,
       Revoke},
      {"check", {"--mandate", "--procedure", "--professional"}, {"--at"}, {}, false, false, Check},
      {"list", {"--person"}, {"--at"}, {}, false, false, List},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
