// The engine of record behind `socle consent|objection|representative|share|mandate|directory`:
// the access engine opened (AccessEngine::Open) over the state ledger of one storage location, so
// that every write is an event of the state ledger and the next command starts from it.
#ifndef SOCLE_SRC_CLI_ENGINE_H_
#define SOCLE_SRC_CLI_ENGINE_H_

#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"

namespace socle::cli {

// The words after a subcommand: `--name value`, `--name=value` and bare switches. A valued flag
// may be repeated (List gathers every value, each also split on commas).
class Flags {
 public:
  // "" on success, else the problem (never repeating a value).
  std::string Parse(const std::vector<std::string>& args, const std::set<std::string>& valued,
                    const std::set<std::string>& switches);
  bool Has(const std::string& flag) const { return values_.count(flag) > 0 || on_.count(flag); }
  // The last value of `flag`, or "".
  std::string Get(const std::string& flag) const;
  // Every value of `flag`, split on commas, empty pieces dropped.
  std::vector<std::string> List(const std::string& flag) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> on_;
};

// The flags every engine command takes (ENGINE_OPTIONS in the usages).
inline const std::set<std::string>& EngineFlagNames() {
  static const std::set<std::string> names = {"--storage", "--witness-dir", "--key", "--tenant",
                                              "--policy"};
  return names;
}
inline constexpr char kEngineOptionsHelp[] =
    "ENGINE_OPTIONS: --storage LOCATION --key KEY_FILE --policy FILE [--tenant T]\n"
    "                [--witness-dir DIR]\n"
    "  The state of record is the state ledger of LOCATION (a directory holding vault.db,\n"
    "  state.db and access_trail.db, made by `socle keys init --storage DIR`, or a PostgreSQL\n"
    "  URI with --witness-dir): every change is an event of that ledger, so the next command\n"
    "  starts where this one ended. Always give the same policy (an engine refuses a state\n"
    "  written under another one). The persons and professionals come from\n"
    "  `socle directory load`. The key file's passphrase comes from SOCLE_PASSPHRASE or the\n"
    "  first line of standard input.\n";

// The engine of record and what it stands on. Members are destroyed in reverse order: the trail
// before its ledger and the engine, the engine before its record.
struct OpenedEngine {
  std::shared_ptr<Vault> vault;
  std::unique_ptr<Policy> policy;
  std::shared_ptr<Ledger> state_ledger;
  std::shared_ptr<StateLedger> record;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Ledger> trail_ledger;  // with_trail only
  std::unique_ptr<AccessTrail> trail;    // with_trail only
};

// "" when the engine flags are complete, else the problem.
std::string CheckEngineFlags(const Flags& flags);
// Opens the policy, the key file, the vault, the state ledger ("state") and the engine of record
// on it; with `with_trail`, the access trail ("access_trail") too. `create_state`: a missing
// state ledger is created (writes); otherwise NOT_FOUND naming the file (reads).
absl::StatusOr<std::unique_ptr<OpenedEngine>> OpenEngine(const Flags& flags, bool create_state,
                                                         bool with_trail, std::istream& in, Io io);

// Parsing helpers: false when the text is not one.
bool ParseTimeFlag(const std::string& text, absl::Time* out);     // RFC 3339
bool ParseDayFlag(const std::string& text, absl::CivilDay* out);  // YYYY-MM-DD
std::string Hex(absl::string_view bytes);
bool FromHex(absl::string_view hex, std::string* out);
std::string ShowTime(absl::Time t);  // "2026-12-04 10:00:00 UTC", "-" for infinite
// A channel (socle::ConsentChannel) named in_person (also ""), paper, online or phone; false for
// another name. ChannelName spells it back.
bool ParseChannel(const std::string& text, ConsentChannel* out);
const char* ChannelName(ConsentChannel channel);
// A SHA-256 given as `hex_flag` HEX (64 digits) or as the hash of the file `file_flag` (at most
// one of the two; `required`: exactly one): "" with the 32 bytes in *out (empty when neither was
// given), else the problem.
std::string Sha256Flag(const Flags& flags, const std::string& hex_flag,
                       const std::string& file_flag, bool required, std::string* out);

// How a command reports: its name in every message, its usage after a usage error.
struct Reporter {
  std::string command;  // "socle consent"
  std::string usage;
  Io io;
  // Prints the problem and the usage on stderr; returns kExitUsage.
  int Usage(const std::string& problem) const;
  // Prints "<command>: <ERROR_CODE>: <message>"; returns ExitCodeForFailure.
  int Failed(const absl::Status& status) const;
};

// One subcommand over the engine of record. `run` parses its own flags first (a usage error
// needs no passphrase), then calls `open` for the engine.
using EngineOpener = std::function<absl::StatusOr<OpenedEngine*>()>;
struct EngineSubcommand {
  std::string name;
  std::vector<std::string> required;  // valued flags that must be given
  std::set<std::string> valued;       // the other valued flags
  std::set<std::string> switches;
  bool writes = false;      // creates the state ledger when missing
  bool with_trail = false;  // opens the access trail too
  std::function<int(const Flags&, const EngineOpener&, const Reporter&)> run;
};
// `args` are the words after the command; the first names the subcommand. Answers --help.
int RunEngineCommand(const Reporter& reporter, const std::vector<EngineSubcommand>& subcommands,
                     const std::vector<std::string>& args);

}  // namespace socle::cli

#endif  // SOCLE_SRC_CLI_ENGINE_H_
