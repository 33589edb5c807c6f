// `socle rights` and `socle breach`: the register of rights requests with their deadlines
// (socle/rights.hpp) and the breach register (socle/breach.hpp), in the state of record.
#include "socle/rights.hpp"

#include <iostream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/breach.hpp"
#include "socle/error.hpp"

namespace socle::cli {
namespace {

constexpr char kRightsUsage[] =
    "usage: socle rights receive  ENGINE_OPTIONS --request ID --kind KIND --person ID\n"
    "                             --received-at RFC3339 --recorded-by PRO [--requester ID]\n"
    "                             [--channel in_person|paper|online|phone]\n"
    "       socle rights extend   ENGINE_OPTIONS --request ID --justification TEXT\n"
    "                             --notified-at RFC3339 --recorded-by PRO [--months 1|2]\n"
    "       socle rights close    ENGINE_OPTIONS --request ID --recorded-by PRO\n"
    "                             [--no-action --reasons TEXT --complaint-information TEXT]\n"
    "       socle rights withdraw ENGINE_OPTIONS --request ID --recorded-by PRO\n"
    "                             [--withdrawn-by ID]\n"
    "       socle rights list     ENGINE_OPTIONS [--overdue | --due-within DAYS | --all]\n"
    "                             [--person ID] [--at YYYY-MM-DD]\n"
    "KIND: access, rectification, erasure, restriction, portability, objection\n"
    "\n"
    "  receive:  a request received; the requester is the person (default) or a representative\n"
    "            in force on the receipt day; due on the receipt day in Europe/Paris + 1 month\n"
    "  extend:   once, by 1 or 2 further months (default 2), with the reasons, when the person\n"
    "            was told on or before the first deadline (art. 12(3))\n"
    "  close:    answered, or --no-action with the reasons and the complaint information given\n"
    "            to the person (CNIL, courts; art. 12(4))\n"
    "  withdraw: the requester withdraws it\n"
    "  list:     the open requests (of --person), or the overdue ones, or those due within DAYS,\n"
    "            or the whole register (--all), with each deadline and the days left or late,\n"
    "            counted on --at (default: today in Europe/Paris)\n"
    "\n";

constexpr char kBreachUsage[] =
    "usage: socle breach record           ENGINE_OPTIONS --breach ID --aware-at RFC3339\n"
    "                                     --nature WORD,... --risk unlikely|risk|high_risk\n"
    "                                     --recorded-by PRO [--assessment TEXT]\n"
    "                                     [--unintelligible REASON] [--persons N] [--records N]\n"
    "       socle breach notify-authority ENGINE_OPTIONS --breach ID --notified-at RFC3339\n"
    "                                     --recorded-by PRO [--delay-reason TEXT]\n"
    "                                     [--reference REF]\n"
    "       socle breach notify-persons   ENGINE_OPTIONS --breach ID --notified-at RFC3339\n"
    "                                     --means TEXT --recorded-by PRO\n"
    "       socle breach close            ENGINE_OPTIONS --breach ID --recorded-by PRO\n"
    "       socle breach list             ENGINE_OPTIONS [--overdue] [--at RFC3339]\n"
    "\n"
    "  record:           a breach, described by category words ([a-z0-9_-]), no personal data;\n"
    "                    --unintelligible asserts art. 34(3)(a) with its reason\n"
    "  notify-authority: the CNIL was notified; after aware_at + 72 h a delay reason is needed\n"
    "  notify-persons:   the persons were told (required for a high-risk breach unless the data\n"
    "                    were unintelligible)\n"
    "  close:            the handling is over; the breach stays in the register\n"
    "  list:             the whole register, or (--overdue) the authority notifications past\n"
    "                    their 72 hours at --at (default: now)\n"
    "\n";

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string DaysText(const RightsRequestInfo& r) {
  if (r.status != RightsRequestStatus::kOpen) {
    return r.days_left >= 0 ? "closed in time"
                            : absl::StrCat("closed ", -r.days_left, " days late");
  }
  if (r.days_left == 0) return "due today";
  if (r.days_left > 0)
    return absl::StrCat(r.days_left, r.days_left == 1 ? " day" : " days", " left");
  return absl::StrCat(-r.days_left, -r.days_left == 1 ? " day" : " days", " late");
}

void PrintRequest(std::ostream& out, const RightsRequestInfo& r) {
  out << "  " << r.request << ": " << RightsRequestKindName(r.kind) << ", person " << r.person;
  if (r.requester_kind) {
    out << ", by " << r.requester << " (" << RepresentativeKindName(*r.requester_kind) << ")";
  }
  out << ", received " << Day(r.received_day) << ", due " << Day(r.deadline);
  if (r.extension_months != 0) {
    out << " (extended by " << r.extension_months
        << (r.extension_months == 1 ? " month" : " months") << " from " << Day(r.first_deadline)
        << ")";
  }
  out << ", " << RightsRequestStatusName(r.status) << ", " << DaysText(r) << "\n";
}

int Receive(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  RightsRequestSpec spec;
  spec.request = flags.Get("--request");
  const auto kind = RightsRequestKindFromName(flags.Get("--kind"));
  if (!kind) {
    return r.Usage(
        "--kind is access, rectification, erasure, restriction, portability or objection");
  }
  spec.kind = *kind;
  spec.person = flags.Get("--person");
  spec.requester = flags.Get("--requester");
  if (!ParseTimeFlag(flags.Get("--received-at"), &spec.received_at)) {
    return r.Usage("--received-at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  if (flags.Has("--channel") && !ParseChannel(flags.Get("--channel"), &spec.channel)) {
    return r.Usage("--channel is in_person, paper, online or phone");
  }
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordRightsRequest(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  auto info =
      GetRightsRequest(*(*opened)->engine->snapshot(), spec.request, RightsDayOf(absl::Now()));
  if (!info.ok()) return r.Failed(info.status());
  r.io.out << "rights request " << spec.request << " recorded: state revision " << *revision
           << "\n  received " << Day(info->received_day) << " (Europe/Paris), due "
           << Day(info->deadline) << "\n";
  return kExitOk;
}

int Extend(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time notified;
  if (!ParseTimeFlag(flags.Get("--notified-at"), &notified)) {
    return r.Usage("--notified-at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  uint32_t months = 2;
  if (flags.Has("--months") && !absl::SimpleAtoi(flags.Get("--months"), &months)) {
    return r.Usage("--months is 1 or 2");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision =
      ExtendRightsRequest(*(*opened)->engine, flags.Get("--request"), flags.Get("--justification"),
                          notified, months, flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  auto info = GetRightsRequest(*(*opened)->engine->snapshot(), flags.Get("--request"),
                               RightsDayOf(absl::Now()));
  if (!info.ok()) return r.Failed(info.status());
  r.io.out << "rights request " << flags.Get("--request") << " extended: due "
           << Day(info->deadline) << " (first deadline " << Day(info->first_deadline)
           << "): state revision " << *revision << "\n";
  return kExitOk;
}

int Close(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  const bool no_action = flags.Has("--no-action");
  if (!no_action && (flags.Has("--reasons") || flags.Has("--complaint-information"))) {
    return r.Usage("--reasons and --complaint-information go with --no-action");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = CloseRightsRequest(*(*opened)->engine, flags.Get("--request"), no_action,
                                     flags.Get("--reasons"), flags.Get("--complaint-information"),
                                     flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "rights request " << flags.Get("--request") << " closed ("
           << (no_action ? "no action" : "answered") << "): state revision " << *revision << "\n";
  return kExitOk;
}

int Withdraw(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = WithdrawRightsRequest(*(*opened)->engine, flags.Get("--request"),
                                        flags.Get("--withdrawn-by"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "rights request " << flags.Get("--request") << " withdrawn: state revision "
           << *revision << "\n";
  return kExitOk;
}

int ListRequests(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  const int modes = flags.Has("--overdue") + flags.Has("--due-within") + flags.Has("--all");
  if (modes > 1) return r.Usage("give at most one of --overdue, --due-within and --all");
  if (flags.Has("--person") && modes > 0) {
    return r.Usage("--person lists the person's open requests; it takes no other list flag");
  }
  int64_t within = 0;
  if (flags.Has("--due-within") &&
      (!absl::SimpleAtoi(flags.Get("--due-within"), &within) || within < 0 || within > 3660)) {
    return r.Usage("--due-within is a number of days (0 to 3660)");
  }
  absl::CivilDay day = RightsDayOf(absl::Now());
  if (flags.Has("--at") && !ParseDayFlag(flags.Get("--at"), &day)) {
    return r.Usage("--at is a date written YYYY-MM-DD");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  const auto snapshot = (*opened)->engine->snapshot();
  std::vector<RightsRequestInfo> list;
  std::string title;
  if (flags.Has("--person")) {
    auto open_requests = OpenRightsRequests(*snapshot, flags.Get("--person"), day);
    if (!open_requests.ok()) return r.Failed(open_requests.status());
    list = *std::move(open_requests);
    title = absl::StrCat("open rights requests of ", flags.Get("--person"));
  } else if (flags.Has("--overdue")) {
    list = OverdueRightsRequests(*snapshot, day);
    title = "overdue rights requests";
  } else if (flags.Has("--due-within")) {
    list = RightsRequestsDueWithin(*snapshot, day, within);
    title = absl::StrCat("rights requests due within ", within, " days");
  } else {
    list = RightsRegister(*snapshot, day);
    if (!flags.Has("--all")) {
      std::vector<RightsRequestInfo> open_only;
      for (RightsRequestInfo& info : list) {
        if (info.status == RightsRequestStatus::kOpen) open_only.push_back(std::move(info));
      }
      list = std::move(open_only);
    }
    title = flags.Has("--all") ? "the register of rights requests" : "open rights requests";
  }
  r.io.out << title << " on " << Day(day) << ":" << (list.empty() ? " none" : "") << "\n";
  for (const RightsRequestInfo& info : list) PrintRequest(r.io.out, info);
  return kExitOk;
}

// --- breaches -----------------------------------------------------------------------------------

int Record(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  static const std::map<std::string, BreachRisk> kRisks = {{"unlikely", BreachRisk::kUnlikely},
                                                           {"risk", BreachRisk::kRisk},
                                                           {"high_risk", BreachRisk::kHigh}};
  BreachSpec spec;
  spec.breach = flags.Get("--breach");
  if (!ParseTimeFlag(flags.Get("--aware-at"), &spec.aware_at)) {
    return r.Usage("--aware-at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  spec.nature = flags.List("--nature");
  auto risk = kRisks.find(flags.Get("--risk"));
  if (risk == kRisks.end()) return r.Usage("--risk is unlikely, risk or high_risk");
  spec.risk = risk->second;
  spec.assessment = flags.Get("--assessment");
  spec.unintelligible = flags.Has("--unintelligible");
  spec.unintelligible_reason = flags.Get("--unintelligible");
  if ((flags.Has("--persons") &&
       !absl::SimpleAtoi(flags.Get("--persons"), &spec.persons_concerned)) ||
      (flags.Has("--records") &&
       !absl::SimpleAtoi(flags.Get("--records"), &spec.records_concerned))) {
    return r.Usage("--persons and --records are numbers");
  }
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordBreach(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  auto info = GetBreach(*(*opened)->engine->snapshot(), spec.breach);
  if (!info.ok()) return r.Failed(info.status());
  r.io.out << "breach " << spec.breach << " recorded: state revision " << *revision << "\n";
  if (info->authority_notification_required) {
    r.io.out << "  notify the authority by " << ShowTime(info->authority_deadline) << "\n";
  }
  r.io.out << "  persons to be told: " << (info->person_notification_required ? "yes" : "no")
           << "\n";
  return kExitOk;
}

int NotifyAuthority(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at;
  if (!ParseTimeFlag(flags.Get("--notified-at"), &at)) {
    return r.Usage("--notified-at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = NotifyBreachAuthority(*(*opened)->engine, flags.Get("--breach"), at,
                                        flags.Get("--delay-reason"), flags.Get("--reference"),
                                        flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "authority notification of breach " << flags.Get("--breach")
           << " recorded: state revision " << *revision << "\n";
  return kExitOk;
}

int NotifyPersons(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at;
  if (!ParseTimeFlag(flags.Get("--notified-at"), &at)) {
    return r.Usage("--notified-at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = NotifyBreachPersons(*(*opened)->engine, flags.Get("--breach"), at,
                                      flags.Get("--means"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "notification of the persons of breach " << flags.Get("--breach")
           << " recorded: state revision " << *revision << "\n";
  return kExitOk;
}

int CloseOne(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision =
      CloseBreach(*(*opened)->engine, flags.Get("--breach"), flags.Get("--recorded-by"));
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "breach " << flags.Get("--breach")
           << " closed (kept in the register): state revision " << *revision << "\n";
  return kExitOk;
}

int ListBreaches(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::Time at = absl::Now();
  if (flags.Has("--at") && !ParseTimeFlag(flags.Get("--at"), &at)) {
    return r.Usage("--at is not an RFC 3339 time (2026-12-01T10:00:00Z)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  const auto snapshot = (*opened)->engine->snapshot();
  const bool overdue = flags.Has("--overdue");
  const std::vector<BreachInfo> list =
      overdue ? OverdueBreachNotifications(*snapshot, at) : BreachRegister(*snapshot);
  r.io.out << (overdue ? absl::StrCat("authority notifications overdue at ", ShowTime(at))
                       : std::string("the breach register"))
           << ":" << (list.empty() ? " none" : "") << "\n";
  for (const BreachInfo& b : list) {
    r.io.out << "  " << b.breach << ": " << BreachRiskName(b.risk) << ", "
             << absl::StrJoin(b.nature, ", ") << "; aware " << ShowTime(b.aware_at) << "\n";
    if (!b.authority_notification_required) {
      r.io.out << "    authority: not notified (unlikely to result in a risk: " << b.assessment
               << ")\n";
    } else if (b.authority_notified_at) {
      r.io.out << "    authority: notified " << ShowTime(*b.authority_notified_at)
               << (b.authority_notified_late ? absl::StrCat(", late: ", b.delay_reason)
                                             : std::string(", in time"))
               << "\n";
    } else {
      r.io.out << "    authority: NOT notified, due " << ShowTime(b.authority_deadline) << "\n";
    }
    if (b.person_notification_required || b.persons_notified_at) {
      r.io.out << "    persons: "
               << (b.persons_notified_at ? absl::StrCat("told ", ShowTime(*b.persons_notified_at),
                                                        " (", b.persons_notification_means, ")")
                                         : std::string("to be told"))
               << "\n";
    } else if (b.unintelligible) {
      r.io.out << "    persons: not told, data unintelligible (" << b.unintelligible_reason
               << ")\n";
    }
    r.io.out << "    " << (b.closed_at ? absl::StrCat("closed ", ShowTime(*b.closed_at)) : "open")
             << "\n";
  }
  return kExitOk;
}

}  // namespace

int Rights(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle rights", std::string(kRightsUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"receive",
       {"--request", "--kind", "--person", "--received-at", "--recorded-by"},
       {"--requester", "--channel"},
       {},
       true,
       false,
       Receive},
      {"extend",
       {"--request", "--justification", "--notified-at", "--recorded-by"},
       {"--months"},
       {},
       true,
       false,
       Extend},
      {"close",
       {"--request", "--recorded-by"},
       {"--reasons", "--complaint-information"},
       {"--no-action"},
       true,
       false,
       Close},
      {"withdraw", {"--request", "--recorded-by"}, {"--withdrawn-by"}, {}, true, false, Withdraw},
      {"list",
       {},
       {"--due-within", "--at", "--person"},
       {"--overdue", "--all"},
       false,
       false,
       ListRequests},
  };
  return RunEngineCommand(r, subs, args);
}

int Breach(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle breach", std::string(kBreachUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"record",
       {"--breach", "--aware-at", "--nature", "--risk", "--recorded-by"},
       {"--assessment", "--unintelligible", "--persons", "--records"},
       {},
       true,
       false,
       Record},
      {"notify-authority",
       {"--breach", "--notified-at", "--recorded-by"},
       {"--delay-reason", "--reference"},
       {},
       true,
       false,
       NotifyAuthority},
      {"notify-persons",
       {"--breach", "--notified-at", "--means", "--recorded-by"},
       {},
       {},
       true,
       false,
       NotifyPersons},
      {"close", {"--breach", "--recorded-by"}, {}, {}, true, false, CloseOne},
      {"list", {}, {"--at"}, {"--overdue"}, false, false, ListBreaches},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
