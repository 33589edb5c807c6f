// The subcommands of `socle`. Each returns the process exit code: 0 success, 1 the input is
// wrong (an invalid policy), 2 the command line is wrong, 3 an I/O or internal failure.
#ifndef SOCLE_SRC_CLI_COMMANDS_H_
#define SOCLE_SRC_CLI_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "socle/error.hpp"

namespace socle::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 3;

// The exit code of a failed library call: 3 when the machine failed (I/O, memory, a bug in
// socle), 1 when the input was wrong. (Inline, like WantsHelp below.)
inline int ExitCodeForFailure(const absl::Status& status) {
  switch (ErrorCodeOf(status)) {
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
    case ErrorCode::kNoMemory:
      return kExitFailure;
    default:
      return kExitInvalidInput;
  }
}

struct Io {
  std::ostream& out;
  std::ostream& err;
};

// Whether the words after a command ask for its help (`--help` or `-h` anywhere): every command
// and subcommand then prints its usage on stdout and exits 0 (tests/cli/help_test.py checks
// them all).
// (Inline: some test programs compile a single command's file.)
inline bool WantsHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

int PolicyCheck(const std::vector<std::string>& args, Io io);
int PolicyRegister(const std::vector<std::string>& args, Io io);
int Version(const std::vector<std::string>& args, Io io);
int Demo(const std::vector<std::string>& args, Io io);
int Keys(const std::vector<std::string>& args, Io io);           // keys.cc
int Pseudonymise(const std::vector<std::string>& args, Io io);   // pseudonymise.cc
int Redact(const std::vector<std::string>& args, Io io);         // redact.cc
int Access(const std::vector<std::string>& args, Io io);         // access.cc

}  // namespace socle::cli

#endif  // SOCLE_SRC_CLI_COMMANDS_H_
