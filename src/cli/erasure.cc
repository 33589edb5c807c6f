// `socle erase`: the right to erasure (socle/erasure.hpp) on the state of record: the decision
// per data category, the erasure (tombstone, then the key shredded through the access trail),
// the tombstones, the keys shredded again after a restore of the vault, and legal holds.
#include "socle/erasure.hpp"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/rights.hpp"

namespace socle::cli {
namespace {

constexpr char kEraseUsage[] =
    "usage: socle erase decide     ENGINE_OPTIONS --person ID [--category C,...]\n"
    "                              [--assert EXCEPTION,...] [--at YYYY-MM-DD]\n"
    "       socle erase apply      ENGINE_OPTIONS --person ID --recorded-by PRO\n"
    "                              [--category C,...] [--assert EXCEPTION,...] [--request ID]\n"
    "       socle erase tombstones ENGINE_OPTIONS [--since REVISION]\n"
    "       socle erase reapply    ENGINE_OPTIONS\n"
    "       socle erase hold       ENGINE_OPTIONS --person ID --reason TEXT --recorded-by PRO\n"
    "                              [--reference REF]\n"
    "       socle erase lift       ENGINE_OPTIONS --person ID --recorded-by PRO\n"
    "EXCEPTION: legal_obligation, public_task, archiving_public_interest, statistics_89,\n"
    "           legal_claims (asserted by the controller, GDPR art. 17(3))\n"
    "\n"
    "  decide:     per data category (none given: the whole file), erase or the art. 17(3)\n"
    "              exception that refuses it and the policy element it rests on, on --at\n"
    "              (default: today in Europe/Paris); nothing is recorded\n"
    "  apply:      decides, records the tombstone, then (whole file) shreds the person's key;\n"
    "              prints the categories whose rows the vendor deletes (store, indexes, caches,\n"
    "              derived datasets). Run again after a crash: it finishes the shred\n"
    "  tombstones: the erasures, one per line: person, day, categories (empty: whole file),\n"
    "              request, recorded by, revision (tab-separated); a restore skips them\n"
    "  reapply:    after restoring the vault's database from a backup: shreds again the keys of\n"
    "              the persons erased since\n"
    "  hold|lift:  a legal hold (legal claims, art. 17(3)(e)): no erasure while it stands\n"
    "\n";

bool ParseAsserted(const std::vector<std::string>& words, ErasureFlags* out) {
  for (const std::string& w : words) {
    if (w == "legal_obligation") {
      out->legal_obligation = true;
    } else if (w == "public_task") {
      out->public_task = true;
    } else if (w == "archiving_public_interest") {
      out->archiving_public_interest = true;
    } else if (w == "statistics_89") {
      out->statistics_89 = true;
    } else if (w == "legal_claims") {
      out->legal_claims = true;
    } else {
      return false;
    }
  }
  return true;
}

// The request of decide and apply; false after a usage error (reported).
bool RequestOf(const Flags& flags, const Reporter& r, ErasureRequest* out, int* exit) {
  out->person = flags.Get("--person");
  out->categories = flags.List("--category");
  out->request = flags.Get("--request");
  if (!ParseAsserted(flags.List("--assert"), &out->asserted)) {
    *exit = r.Usage(
        "--assert is legal_obligation, public_task, archiving_public_interest, statistics_89 or "
        "legal_claims");
    return false;
  }
  return true;
}

int Decide(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ErasureRequest request;
  int exit = kExitOk;
  if (!RequestOf(flags, r, &request, &exit)) return exit;
  absl::CivilDay day = RightsDayOf(absl::Now());
  if (flags.Has("--at") && !ParseDayFlag(flags.Get("--at"), &day)) {
    return r.Usage("--at is not a date YYYY-MM-DD");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto decided = DecideErasure(*(*opened)->engine->snapshot(), request, day);
  if (!decided.ok()) return r.Failed(decided.status());
  r.io.out << "erasure decided on " << absl::FormatCivilTime(day) << " (Europe/Paris), "
           << decided->ToString();
  return kExitOk;
}

int Apply(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  ErasureRequest request;
  int exit = kExitOk;
  if (!RequestOf(flags, r, &request, &exit)) return exit;
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto out =
      socle::Erase(*(*opened)->engine, *(*opened)->trail, request, flags.Get("--recorded-by"));
  if (!out.ok()) return r.Failed(out.status());
  if (!out->recorded && !out->whole_erased) {
    r.io.out << "nothing erased: every category is refused\n" << out->decision.ToString();
    return kExitOk;
  }
  if (out->recorded) {
    r.io.out << (out->whole_erased ? "whole file erased" : "categories erased")
             << ": tombstone at state revision " << out->revision << "\n";
  } else {
    r.io.out << "whole file erased earlier (a tombstone)\n";
  }
  if (out->whole_erased) {
    r.io.out << (out->key_shredded ? "the person's key was crypto-shredded\n"
                                   : "the person's key was already gone\n");
  } else {
    r.io.out << out->decision.ToString();
  }
  r.io.out << "the vendor deletes the person's rows of: "
           << absl::StrJoin(out->vendor_deletes, ", ") << "\n";
  return kExitOk;
}

int ListTombstones(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  uint64_t since = 0;
  if (flags.Has("--since") && !absl::SimpleAtoi(flags.Get("--since"), &since)) {
    return r.Usage("--since is a state revision (a number)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  for (const TombstoneInfo& t : Tombstones(*(*opened)->engine->snapshot(), since)) {
    r.io.out << t.person << "\t" << absl::FormatCivilTime(t.day) << "\t"
             << absl::StrJoin(t.categories, ",") << "\t" << t.request << "\t" << t.recorded_by
             << "\t" << t.revision << "\n";
  }
  return kExitOk;
}

int Reapply(const Flags&, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto shredded = ReapplyTombstones(*(*opened)->engine->snapshot(), *(*opened)->vault);
  if (!shredded.ok()) return r.Failed(shredded.status());
  r.io.out << "tombstones reapplied: " << *shredded << (*shredded == 1 ? " key" : " keys")
           << " shredded again\n";
  return kExitOk;
}

int Hold(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = SetLegalHold(*(*opened)->engine, flags.Get("--person"), flags.Get("--reason"),
                               flags.Get("--reference"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "legal hold recorded: state revision " << *revision << "\n";
  return kExitOk;
}

int Lift(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision =
      LiftLegalHold(*(*opened)->engine, flags.Get("--person"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "legal hold lifted: state revision " << *revision << "\n";
  return kExitOk;
}

}  // namespace

int Erasure(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle erase", std::string(kEraseUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"decide", {"--person"}, {"--category", "--assert", "--at"}, {}, false, false, Decide},
      {"apply",
       {"--person", "--recorded-by"},
       {"--category", "--assert", "--request"},
       {},
       true,
       true,
       Apply},
      {"tombstones", {}, {"--since"}, {}, false, false, ListTombstones},
      {"reapply", {}, {}, {}, false, false, Reapply},
      {"hold", {"--person", "--reason", "--recorded-by"}, {"--reference"}, {}, true, false, Hold},
      {"lift", {"--person", "--recorded-by"}, {}, {}, true, false, Lift},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
