// socle: the command line of socle, for DPOs, administrators and integrators.
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/commands.h"
#include "socle/init.hpp"

namespace {

constexpr char kUsage[] =
    "usage: socle <command> [args]\n"
    "\n"
    "commands:\n"
    "  policy check FILE                     validate a policy; every problem with its location\n"
    "  policy register FILE [--previous OLD] [--format md|json|jsonld] [--lang fr|en]  render the "
    "register of processing activities (with what changed since OLD)\n"
    "  policy prove FILE [--property ID]...  prove the policy's properties over every case\n"
    "  policy diff OLD NEW [--lang fr|en]    every case whose decision differs, summed up\n"
    "  policy keygen|approve|approval-key|activate ...  two-person activation of a new policy\n"
    "  keys init|rotate|shred ...            the key file and the vault (see socle keys --help)\n"
    "  pseudonymise --domain D ...           ids on stdin, pseudonyms on stdout (vault secrets)\n"
    "  redact --known FILE                   text on stdin, redacted text on stdout\n"
    "  access explain ...                    explain an access decision, check by check\n"
    "  audit verify|history|checkpoint|prove ...  the access trail: verify, read, prove\n"
    "  directory load ...                    load professionals and persons into the state\n"
    "  consent give|withdraw|status|history|receipt|keys|verify ...  consents and receipts\n"
    "  objection record|decide|withdraw ...  objections (art. 21, CSP L.1110-4 IV)\n"
    "  representative set|end ...            legal representatives (parents, guardians...)\n"
    "  share check|record|revoke|informed|exception|recipients|list ...  secret partage\n"
    "  mandate create|use|revoke|check|list ...  mandates to act for a person\n"
    "  rights receive|extend|close|withdraw|list ...  rights requests and their deadlines\n"
    "  breach record|notify-authority|notify-persons|close|list ...  the breach register\n"
    "  erase decide|apply|tombstones|reapply|hold|lift ...  erasure (art. 17), tombstones\n"
    "  restrict set|notify|lift|list ...     restriction of processing (art. 18)\n"
    "  rectify record|statement|notices|notified ...  rectification and its recipients\n"
    "  retention status|contact|sweep|visa ...  retention phases, the sweep, elimination visas\n"
    "  person summary ...                    what the person sees: consents, shares, who reads\n"
    "  export verify|dump|open|keygen ...    .socle export files: check, show, decrypt, keys\n"
    "  stats table|budget ...                anonymous statistics tables from a CSV of records\n"
    "  demo                                  run socle on a synthetic social service\n"
    "  version                               print the library version\n"
    "\n"
    "every command answers --help (or -h) with its usage\n"
    "exit codes: 0 ok, 1 invalid input, 2 usage error, 3 failure\n";

constexpr char kPolicyUsage[] =
    "usage: socle policy check FILE\n"
    "       socle policy register FILE [--previous OLD] [--format md|json|jsonld] [--lang fr|en]\n"
    "       socle policy prove FILE [--property ID]... [--statement TEXT] [--format text|json]\n"
    "       socle policy diff OLD NEW [--format text|json] [--lang fr|en] [--details]\n"
    "       socle policy keygen|approve|approval-key|activate ...  (socle policy approve --help)\n"
    "  check: validate a policy and prove its properties; register: render its register of\n"
    "  processing activities; prove: prove its properties, or one statement, over every case;\n"
    "  diff: every case whose decision differs between two policies; keygen, approve,\n"
    "  approval-key, activate: a new policy takes effect once two professionals, one of them\n"
    "  the DPO, approved it\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace socle::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  Io io{std::cout, std::cerr};
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << kUsage;
    return args.empty() ? kExitUsage : kExitOk;
  }
  // Once, before any command: a machine where socle cannot start fails here, not mid-command.
  if (const absl::Status init = socle::Initialize(); !init.ok()) {
    std::cerr << "socle: initialisation failed: " << init.message() << "\n";
    return kExitFailure;
  }
  const std::string command = args[0];
  if (command == "policy" &&
      (args.size() == 1 || args[1] == "--help" || args[1] == "-h" || args[1] == "help")) {
    (args.size() == 1 ? std::cerr : std::cout) << kPolicyUsage;
    return args.size() == 1 ? kExitUsage : kExitOk;
  }
  if (command == "policy" && args.size() >= 2) {
    const std::string sub = args[1];
    std::vector<std::string> rest(args.begin() + 2, args.end());
    if (sub == "check") return PolicyCheck(rest, io);
    if (sub == "register") return PolicyRegister(rest, io);
    if (sub == "prove") return PolicyProve(rest, io);
    if (sub == "diff") return PolicyDiffCommand(rest, io);
    if (sub == "keygen" || sub == "approve" || sub == "approval-key" || sub == "activate") {
      return PolicyApprovalCommand(sub, rest, io);
    }
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "version" || command == "--version") return Version(rest, io);
  if (command == "demo") return Demo(rest, io);
  if (command == "keys") return Keys(rest, io);
  if (command == "pseudonymise" || command == "pseudonymize") return Pseudonymise(rest, io);
  if (command == "redact") return Redact(rest, io);
  if (command == "access") return Access(rest, io);
  if (command == "audit") return Audit(rest, io);
  if (command == "directory") return Directory(rest, io);
  if (command == "person") return Person(rest, io);
  if (command == "export") return Export(rest, io);
  if (command == "consent") return Consent(rest, io);
  if (command == "objection") return Objection(rest, io);
  if (command == "representative") return Representative(rest, io);
  if (command == "share") return Share(rest, io);
  if (command == "mandate") return Mandate(rest, io);
  if (command == "rights") return Rights(rest, io);
  if (command == "breach") return Breach(rest, io);
  if (command == "erase") return Erasure(rest, io);
  if (command == "restrict") return Restrict(rest, io);
  if (command == "rectify") return Rectify(rest, io);
  if (command == "retention") return Retention(rest, io);
  if (command == "stats") return Stats(rest, io);
  std::cerr << "socle: unknown command '"
            << (command == "policy" && args.size() >= 2 ? command + " " + args[1] : command)
            << "'\n\n"
            << kUsage;
  return kExitUsage;
}
