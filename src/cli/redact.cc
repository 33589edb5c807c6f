// `socle redact [--known FILE] [--common-words-any-case]`: redacts the text on stdin to
// stdout and prints the counts by type on stderr (never a value). FILE lists the identities the
// case file knows, in the format of socle::ParseKnownIdentities (docs/redaction.md).
#include "socle/redact.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "socle/error.hpp"

namespace socle::cli {
namespace {

constexpr const char* kUsage =
    "usage: socle redact [--known FILE] [--common-words-any-case] < text > redacted\n";

}  // namespace

int RedactStream(std::istream& in, const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kUsage;
    return kExitOk;
  }
  std::string known_path;
  RedactorOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--known" && i + 1 < args.size()) {
      known_path = args[++i];
    } else if (a.rfind("--known=", 0) == 0 && a.size() > 8) {
      known_path = a.substr(8);
    } else if (a == "--common-words-need-capital") {
      options.common_words_need_capital = true;  // the default (precise names); kept for scripts
    } else if (a == "--common-words-any-case") {
      options.common_words_need_capital = false;  // the aggressive mode
    } else {
      io.err << "socle redact: unexpected argument '" << a << "'\n" << kUsage;
      return kExitUsage;
    }
  }

  std::vector<KnownIdentity> identities;
  if (!known_path.empty()) {
    std::ifstream file(known_path, std::ios::binary);
    if (!file) {
      io.err << "socle redact: cannot read " << known_path << "\n";
      return kExitFailure;
    }
    std::stringstream content;
    content << file.rdbuf();
    auto parsed = ParseKnownIdentities(content.str());
    if (!parsed.ok()) {
      // The message gives a line number, never the line.
      io.err << "socle redact: " << known_path << ": " << parsed.status().message() << "\n";
      return kExitInvalidInput;
    }
    identities = *std::move(parsed);
  }
  auto redactor = Redactor::Create(identities, options);
  if (!redactor.ok()) {
    io.err << "socle redact: " << known_path << ": " << redactor.status().message() << "\n";
    return ErrorCodeOf(redactor.status()) == ErrorCode::kInvalidArgument ? kExitInvalidInput
                                                                         : kExitFailure;
  }

  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    io.err << "socle redact: cannot read the standard input\n";
    return kExitFailure;
  }
  RedactionReport report;
  io.out << redactor->Redact(text, &report);
  io.out.flush();
  io.err << "socle redact: " << report.ToString() << "\n";
  return io.out ? kExitOk : kExitFailure;
}

int Redact(const std::vector<std::string>& args, Io io) { return RedactStream(std::cin, args, io); }

}  // namespace socle::cli
