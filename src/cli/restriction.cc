// `socle restrict` and `socle rectify`: restriction of processing (GDPR art. 18;
// socle/restriction.hpp) and rectification with the notification of its recipients (art. 16, 19;
// socle/rectification.hpp), in the state of record.
#include "socle/restriction.hpp"

#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/error.hpp"
#include "socle/rectification.hpp"

namespace socle::cli {
namespace {

constexpr char kRestrictUsage[] =
    "usage: socle restrict set    ENGINE_OPTIONS --person ID --ground GROUND --recorded-by PRO\n"
    "                             [--item ID] [--rights-request ID]\n"
    "       socle restrict notify ENGINE_OPTIONS --person ID --recorded-by PRO [--item ID]\n"
    "                             [--notified-at RFC3339] [--channel "
    "in_person|paper|online|phone]\n"
    "       socle restrict lift   ENGINE_OPTIONS --person ID --recorded-by PRO [--item ID]\n"
    "       socle restrict list   ENGINE_OPTIONS --person ID [--all]\n"
    "GROUND: accuracy_contested, unlawful_processing, legal_claims, objection_pending\n"
    "\n"
    "  set:    restricts the person's whole file, or one item (--item), on a ground of art. "
    "18(1);\n"
    "          then every access is denied (restricted) unless the request gives a justification\n"
    "          of art. 18(2): subject consent, legal claims, protection of others, important\n"
    "          public interest\n"
    "  notify: the person was told (at --notified-at, default now) that the restriction is going\n"
    "          to be lifted (art. 18(3))\n"
    "  lift:   lifts it; refused when the person was not told beforehand\n"
    "  list:   the restrictions in force, or all of them (--all) with the lifted ones\n"
    "\n";

constexpr char kRectifyUsage[] =
    "usage: socle rectify record    ENGINE_OPTIONS --person ID --rectification ID --item ID\n"
    "                               (--previous-sha256 HEX | --previous-file FILE)\n"
    "                               (--new-sha256 HEX | --new-file FILE) --recorded-by PRO\n"
    "                               [--category ID] [--rights-request ID] [--contested]\n"
    "                               [--statement-sha256 HEX | --statement-file FILE]\n"
    "       socle rectify statement ENGINE_OPTIONS --person ID --rectification ID --item ID\n"
    "                               (--statement-sha256 HEX | --statement-file FILE)\n"
    "                               --recorded-by PRO [--category ID] [--rights-request ID]\n"
    "       socle rectify notices   ENGINE_OPTIONS --person ID [--item ID]\n"
    "       socle rectify notified  ENGINE_OPTIONS --person ID --rectification ID --recipient PRO\n"
    "                               --recorded-by PRO [--notified-at RFC3339]\n"
    "                               [--channel in_person|paper|online|phone]\n"
    "\n"
    "  record:    a new version of the item (socle keeps the SHA-256 of the versions, never the\n"
    "             content); the version replaced must be the current one; one notice is queued\n"
    "             per professional the item was shared with before (art. 19)\n"
    "  statement: the person's statement on a contested item (art. 16): its SHA-256 only\n"
    "  notices:   the item's (or every item's) history, and the notices still to send\n"
    "  notified:  a recipient was told of the rectification\n"
    "\n";

std::string ShortHash(const std::string& bytes) { return Hex(bytes).substr(0, 16); }

// A notice's --notified-at (or now) and --channel; the usage error's exit code when one is wrong.
std::optional<int> NoticeFlags(const Flags& flags, const Reporter& r, absl::Time* at,
                               ConsentChannel* channel) {
  *at = absl::Now();
  if (flags.Has("--notified-at") && !ParseTimeFlag(flags.Get("--notified-at"), at)) {
    return r.Usage("--notified-at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  if (!ParseChannel(flags.Get("--channel"), channel)) {
    return r.Usage("--channel is in_person, paper, online or phone");
  }
  return std::nullopt;
}

int Set(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  RestrictionSpec spec;
  spec.person = flags.Get("--person");
  spec.item = flags.Get("--item");
  const auto ground = RestrictionGroundFromName(flags.Get("--ground"));
  if (!ground) {
    return r.Usage(
        "--ground is accuracy_contested, unlawful_processing, legal_claims or objection_pending");
  }
  spec.ground = *ground;
  spec.rights_request = flags.Get("--rights-request");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RestrictProcessing(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << (spec.item.empty() ? std::string("the whole file") : absl::StrCat("item ", spec.item))
           << " restricted (" << RestrictionGroundName(spec.ground) << "): state revision "
           << *revision
           << "\n  stored only: every access is denied unless justified (art. 18(2))\n";
  return kExitOk;
}

int Notify(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at;
  ConsentChannel channel = ConsentChannel::kInPerson;
  if (const auto bad = NoticeFlags(flags, r, &at, &channel)) return *bad;
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision =
      RecordRestrictionLiftNotice(*(*opened)->engine, flags.Get("--person"), flags.Get("--item"),
                                  at, channel, flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "prior notice of the lift recorded (" << ChannelName(channel) << ", " << ShowTime(at)
           << "): state revision " << *revision << "\n";
  return kExitOk;
}

int Lift(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = LiftRestriction(*(*opened)->engine, flags.Get("--person"), flags.Get("--item"),
                                  flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "restriction lifted (kept in the history): state revision " << *revision << "\n";
  return kExitOk;
}

int List(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  const bool all = flags.Has("--all");
  auto list = Restrictions(*(*opened)->engine->snapshot(), flags.Get("--person"), all);
  if (!list.ok()) return r.Failed(list.status());
  r.io.out << (all ? "restrictions" : "restrictions in force") << ":"
           << (list->empty() ? " none" : "") << "\n";
  for (const RestrictionInfo& x : *list) {
    r.io.out << "  " << (x.item.empty() ? std::string("whole file") : "item " + x.item) << ": "
             << RestrictionGroundName(x.ground) << ", set " << ShowTime(x.set_at) << " by "
             << x.set_by;
    if (!x.rights_request.empty()) r.io.out << " (rights request " << x.rights_request << ")";
    if (x.notified_at) {
      r.io.out << "; person told of the lift " << ShowTime(*x.notified_at) << " ("
               << ChannelName(x.notice_channel) << ")";
    }
    r.io.out << "; "
             << (x.in_force ? std::string("in force")
                            : absl::StrCat("lifted ", ShowTime(*x.lifted_at), " by ", x.lifted_by))
             << "\n";
  }
  return kExitOk;
}

int Record(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  RectificationSpec spec;
  spec.person = flags.Get("--person");
  spec.rectification = flags.Get("--rectification");
  spec.item = flags.Get("--item");
  spec.category = flags.Get("--category");
  for (const auto& [hex, file, out, required] :
       {std::tuple{"--previous-sha256", "--previous-file", &spec.previous_sha256, true},
        std::tuple{"--new-sha256", "--new-file", &spec.new_sha256, true},
        std::tuple{"--statement-sha256", "--statement-file", &spec.statement_sha256, false}}) {
    const std::string problem = Sha256Flag(flags, hex, file, required, out);
    if (!problem.empty()) return r.Usage(problem);
  }
  spec.rights_request = flags.Get("--rights-request");
  spec.contested = flags.Has("--contested");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordRectification(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  auto pending = PendingRectificationNotices(*(*opened)->engine->snapshot(), spec.person);
  if (!pending.ok()) return r.Failed(pending.status());
  size_t queued = 0;
  for (const PendingRectificationNotice& n : *pending)
    queued += n.rectification == spec.rectification;
  r.io.out << "rectification " << spec.rectification << " recorded: state revision " << *revision
           << "\n  current version " << ShortHash(spec.new_sha256) << "..., replaced "
           << ShortHash(spec.previous_sha256) << "...\n  " << queued
           << (queued == 1 ? " recipient" : " recipients") << " to notify (art. 19)\n";
  return kExitOk;
}

int Statement(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  PersonStatementSpec spec;
  spec.person = flags.Get("--person");
  spec.rectification = flags.Get("--rectification");
  spec.item = flags.Get("--item");
  spec.category = flags.Get("--category");
  const std::string problem =
      Sha256Flag(flags, "--statement-sha256", "--statement-file", true, &spec.statement_sha256);
  if (!problem.empty()) return r.Usage(problem);
  spec.rights_request = flags.Get("--rights-request");
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordPersonStatement(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "the person's statement recorded as " << spec.rectification << " (SHA-256 "
           << ShortHash(spec.statement_sha256) << "...): state revision " << *revision << "\n";
  return kExitOk;
}

int Notices(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  const auto snapshot = (*opened)->engine->snapshot();
  const std::string person = flags.Get("--person");
  auto history = RectificationHistory(*snapshot, person, flags.Get("--item"));
  if (!history.ok()) return r.Failed(history.status());
  r.io.out << "history:" << (history->empty() ? " none" : "") << "\n";
  for (const RectificationInfo& h : *history) {
    r.io.out << "  " << h.rectification << ": item " << h.item << ", "
             << RectificationKindName(h.kind) << " " << ShowTime(h.at) << " by " << h.recorded_by;
    if (h.kind == RectificationKind::kRectified) {
      r.io.out << ", " << ShortHash(h.previous_sha256) << "... -> " << ShortHash(h.new_sha256)
               << "...";
    }
    if (!h.statement_sha256.empty()) {
      r.io.out << ", statement " << ShortHash(h.statement_sha256) << "...";
    }
    if (h.contested) r.io.out << ", contested";
    r.io.out << "\n";
  }
  auto pending = PendingRectificationNotices(*snapshot, person);
  if (!pending.ok()) return r.Failed(pending.status());
  r.io.out << "notices to send:" << (pending->empty() ? " none" : "") << "\n";
  for (const PendingRectificationNotice& n : *pending) {
    r.io.out << "  " << n.rectification << " (item " << n.item << ") to " << n.recipient
             << ", since " << ShowTime(n.queued_at) << "\n";
  }
  return kExitOk;
}

int Notified(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at;
  ConsentChannel channel = ConsentChannel::kInPerson;
  if (const auto bad = NoticeFlags(flags, r, &at, &channel)) return *bad;
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordRectificationNotified(
      *(*opened)->engine, flags.Get("--person"), flags.Get("--rectification"),
      flags.Get("--recipient"), at, channel, flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "notice of " << flags.Get("--rectification") << " to " << flags.Get("--recipient")
           << " recorded: state revision " << *revision << "\n";
  return kExitOk;
}

}  // namespace

int Restrict(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle restrict", std::string(kRestrictUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"set",
       {"--person", "--ground", "--recorded-by"},
       {"--item", "--rights-request"},
       {},
       true,
       false,
       Set},
      {"notify",
       {"--person", "--recorded-by"},
       {"--item", "--notified-at", "--channel"},
       {},
       true,
       false,
       Notify},
      {"lift", {"--person", "--recorded-by"}, {"--item"}, {}, true, false, Lift},
      {"list", {"--person"}, {}, {"--all"}, false, false, List},
  };
  return RunEngineCommand(r, subs, args);
}

int Rectify(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle rectify", std::string(kRectifyUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"record",
       {"--person", "--rectification", "--item", "--recorded-by"},
       {"--previous-sha256", "--previous-file", "--new-sha256", "--new-file", "--category",
        "--rights-request", "--statement-sha256", "--statement-file"},
       {"--contested"},
       true,
       false,
       Record},
      {"statement",
       {"--person", "--rectification", "--item", "--recorded-by"},
       {"--statement-sha256", "--statement-file", "--category", "--rights-request"},
       {},
       true,
       false,
       Statement},
      {"notices", {"--person"}, {"--item"}, {}, false, false, Notices},
      {"notified",
       {"--person", "--rectification", "--recipient", "--recorded-by"},
       {"--notified-at", "--channel"},
       {},
       true,
       false,
       Notified},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
