// `socle person summary`: what the person sees (REQ-55), read from the state of record (engine.h):
// the socle.v1.PersonSummary of socle/person_summary.hpp, as JSON, for the front desk or a DPO
// answering an access request (docs/consent-and-sharing.md, "What the person sees").
#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/person_summary.hpp"

namespace socle::cli {
namespace {

constexpr char kPersonUsage[] =
    "usage: socle person summary ENGINE_OPTIONS --person ID [--at RFC3339]\n"
    "\n"
    "  summary: everything recorded by or for the person that bears on who may read their file:\n"
    "           consents and their history, objections, representatives, masks, blocks,\n"
    "           mandates, shares with their recipients and bases, prior information still\n"
    "           owed, open break-the-glass sessions, and who can reach the file and why; now,\n"
    "           or as it stood at --at. Printed as the JSON of socle.v1.PersonSummary\n"
    "           (proto/socle/v1/person_summary.proto), one line.\n"
    "\n";

int Summary(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at = absl::InfinitePast();
  if (flags.Has("--at") && !ParseTimeFlag(flags.Get("--at"), &at)) {
    return r.Usage("--at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto summary = SummarisePerson(*(*opened)->engine->snapshot(), flags.Get("--person"), at);
  if (!summary.ok()) return r.Failed(summary.status());
  auto json = PersonSummaryJson(*summary);
  if (!json.ok()) return r.Failed(json.status());
  r.io.out << *json << "\n";
  return kExitOk;
}

}  // namespace

int Person(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle person", std::string(kPersonUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"summary", {"--person"}, {"--at"}, {}, false, false, Summary},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
