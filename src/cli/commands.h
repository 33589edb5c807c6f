// The subcommands of `socle`. Each returns the process exit code: 0 success, 1 the input is
// wrong (an invalid policy), 2 the command line is wrong, 3 an I/O or internal failure.
#ifndef SOCLE_SRC_CLI_COMMANDS_H_
#define SOCLE_SRC_CLI_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "socle/secret_bytes.hpp"

namespace socle::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 3;

// The exit code of a failed library call: 3 when the machine failed (I/O, memory, a bug in
// socle), 1 when the input was wrong.
int ExitCodeForFailure(const absl::Status& status);

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
int Version(const std::vector<std::string>& args, Io io);
int Demo(const std::vector<std::string>& args, Io io);
int Keys(const std::vector<std::string>& args, Io io);           // keys.cc
int Pseudonymise(const std::vector<std::string>& args, Io io);   // pseudonymise.cc
int Redact(const std::vector<std::string>& args, Io io);         // redact.cc
int Access(const std::vector<std::string>& args, Io io);         // access.cc

// The commands that read standard input, on any stream (the tests feed them string streams).
int PseudonymiseStream(const std::vector<std::string>& args, std::istream& in, Io io);
int RedactStream(std::istream& in, const std::vector<std::string>& args, Io io);

}  // namespace socle::cli

#endif  // SOCLE_SRC_CLI_COMMANDS_H_
