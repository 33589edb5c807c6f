// The subcommands of `socle`. Each returns the process exit code: 0 success, 1 the input is
// wrong (an invalid policy), 2 the command line is wrong, 3 an I/O or internal failure.
#ifndef SOCLE_SRC_CLI_COMMANDS_H_
#define SOCLE_SRC_CLI_COMMANDS_H_

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "socle/ledger.hpp"
#include "socle/policy_analysis.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"

namespace socle::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 3;

// The exit code of a failed library call: 3 when the machine failed (I/O, memory, a bug in
// socle), 1 when the input was wrong.
int ExitCodeForFailure(const absl::Status& status);

// Prints the results of a policy's properties (policy_analysis.cc; `policy check` and `policy
// prove`); returns how many do not hold.
size_t PrintPropertyResults(const PolicyAnalysis& analysis,
                            const std::vector<PropertyResult>& results, double millis,
                            std::ostream& out);

struct Io {
  std::ostream& out;
  std::ostream& err;
};

// Whether the words after a command ask for its help (`--help` or `-h` anywhere): every command
// and subcommand then prints its usage on stdout and exits 0 (tests/cli/help_test.py checks
// them all).
bool WantsHelp(const std::vector<std::string>& args);

// The passphrase of a key file, in wiped memory: SOCLE_PASSPHRASE when it is set, or else the
// first line of `in` (read one byte at a time, so no growing buffer leaves a copy behind; at most
// 1024 bytes; a final CR dropped). When `in` is the standard input of a terminal, a prompt goes
// to io.err and the line is read without echo. Never from the command line, where `ps` and shell
// histories would show it.
absl::StatusOr<SecretBytes> ReadPassphrase(std::istream& in, Io io);

int PolicyCheck(const std::vector<std::string>& args, Io io);
int PolicyRegister(const std::vector<std::string>& args, Io io);
int PolicyProve(const std::vector<std::string>& args, Io io);        // policy_analysis.cc
int PolicyDiffCommand(const std::vector<std::string>& args, Io io);  // policy_analysis.cc
// `socle policy keygen|approve|approval-key|activate` (policy_approval.cc); `sub` is the word.
int PolicyApprovalCommand(const std::string& sub, const std::vector<std::string>& args, Io io);
int Version(const std::vector<std::string>& args, Io io);
int Demo(const std::vector<std::string>& args, Io io);
int Keys(const std::vector<std::string>& args, Io io);            // keys.cc
int Pseudonymise(const std::vector<std::string>& args, Io io);    // pseudonymise.cc
int Redact(const std::vector<std::string>& args, Io io);          // redact.cc
int Access(const std::vector<std::string>& args, Io io);          // access.cc
int Audit(const std::vector<std::string>& args, Io io);           // audit.cc
int Consent(const std::vector<std::string>& args, Io io);         // consent.cc
int Objection(const std::vector<std::string>& args, Io io);       // consent.cc
int Representative(const std::vector<std::string>& args, Io io);  // consent.cc
int Share(const std::vector<std::string>& args, Io io);           // share.cc
int Mandate(const std::vector<std::string>& args, Io io);         // mandate.cc
int Rights(const std::vector<std::string>& args, Io io);          // rights.cc
int Breach(const std::vector<std::string>& args, Io io);          // rights.cc
int Erasure(const std::vector<std::string>& args, Io io);         // erasure.cc (`socle erase`)
int Restrict(const std::vector<std::string>& args, Io io);        // restriction.cc
int Rectify(const std::vector<std::string>& args, Io io);         // restriction.cc
int Retention(const std::vector<std::string>& args, Io io);       // retention.cc
int Directory(const std::vector<std::string>& args, Io io);       // engine.cc
int Person(const std::vector<std::string>& args, Io io);          // person.cc
int Export(const std::vector<std::string>& args, Io io);          // export.cc
int Stats(const std::vector<std::string>& args, Io io);           // stats.cc
// The writing subcommands of `socle export` (access-request, portability, audit, dataset,
// mirror): export_write.cc.
bool IsExportWriteSubcommand(const std::string& sub);
int ExportWrite(const std::vector<std::string>& args, Io io);

// Where a ledger and its keys are: the options `socle audit` and `socle access --trail` share.
// Either the two files (`db` and `vault`) or one storage location (socle::Storage: a directory
// holding vault.db and <name>.db, or a PostgreSQL URI with a local `witness_dir`).
struct LedgerFlags {
  std::string db;           // the ledger's SQLite file
  std::string vault;        // the vault's SQLite file
  std::string storage;      // instead of db and vault: a directory or a postgresql:// URI
  std::string witness_dir;  // with a URI storage: the local directory of the witness files
  std::string key;          // the key file
  std::string tenant = "default";
  std::string name = "access_trail";
  std::string witness;  // empty: db + ".checkpoint", or the storage's
};
struct OpenedLedger {
  std::shared_ptr<Vault> vault;
  std::shared_ptr<Ledger> ledger;  // durable on every append (Durability::kSync)
};
// Opens the key file (passphrase from ReadPassphrase(in, io)), the vault and the ledger, from
// the two files or through socle::Storage. NOT_FOUND naming the path when one of the files is
// missing (opening would create it): the key file and the vault always, the ledger unless
// `create_ledger`; for a directory storage, the directory, its vault.db and its <name>.db.
absl::StatusOr<OpenedLedger> OpenLedger(const LedgerFlags& flags, bool create_ledger,
                                        std::istream& in, Io io);

// Checks of what a ledger hands out, done with libsodium alone, as a third party would
// (audit.cc). Whether `proof` leads from its leaf hash to `root` (RFC 9162 §2.1.3.2):
bool InclusionProofHolds(const LedgerInclusionProof& proof, const LedgerHash& root);
// The problem with `checkpoint` (its note not signed by `verifier_key`, of another origin, or
// stating another size or root than the struct), or "" when it holds.
std::string CheckCheckpoint(const LedgerCheckpoint& checkpoint, absl::string_view verifier_key,
                            absl::string_view origin);
// One line of a person's history: index, date, who, role, structure, action, item, category,
// purpose, outcome, reason, break-the-glass, justification (or the operation and its detail).
// A sharing decision (type kSharingDecision) is rendered by FormatSharing.
std::string FormatHistoryEntry(const HistoryEntry& entry);
// A sharing decision in plain words: share, basis and its legal reference, purpose, emitter and
// recipient, items, granted or the failed check, information and consent evidence, involvement.
std::string FormatSharing(const SharingTrailRecord& record);

// The commands that read standard input, on any stream (the tests feed them string streams).
int PseudonymiseStream(const std::vector<std::string>& args, std::istream& in, Io io);
int RedactStream(std::istream& in, const std::vector<std::string>& args, Io io);

}  // namespace socle::cli

#endif  // SOCLE_SRC_CLI_COMMANDS_H_
