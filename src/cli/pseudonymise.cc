// `socle pseudonymise`: identifiers on stdin, one per line; their pseudonyms in a domain of the
// policy on stdout, one per line, in the same order (the 27-character text form).
//
//   socle pseudonymise --policy FILE --domain D [--relationship LABEL]
//                      [--secret-file FILE] [--secret-version N] [--base-version N]
//
// The master secret comes from --secret-file or, failing that, from the SOCLE_PSEUDONYM_SECRET
// environment variable, in hex (32 to 128 hex digits: 16 to 64 bytes). A secret file holds either
// one hex secret (of version --secret-version, default 1) or one "VERSION:HEX" per line, for a
// chain of rotated versions. The secret is never printed, nor any identifier: errors name line
// numbers only. A TRANSACTION domain draws a fresh secret for the run, so its pseudonyms match
// nothing outside this run — which is the point.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <istream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/secret_bytes.hpp"

namespace socle::cli {
namespace {

constexpr char kUsage[] =
    "usage: socle pseudonymise --policy FILE --domain D [--relationship LABEL]\n"
    "                          [--secret-file FILE] [--secret-version N] [--base-version N]\n"
    "identifiers on stdin (one per line), pseudonyms on stdout; the secret in hex comes from\n"
    "--secret-file or the SOCLE_PSEUDONYM_SECRET environment variable\n";

constexpr size_t kChunk = 4096;

// Overwrites a std::string that held secret text before it is released.
void WipeString(std::string& s) {
  volatile char* p = s.data();
  for (size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex (whitespace around it ignored) to bytes; false on any other character or odd length.
bool DecodeHexSecret(absl::string_view hex, SecretBytes* out) {
  while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t')) hex.remove_prefix(1);
  while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\t' || hex.back() == '\r')) {
    hex.remove_suffix(1);
  }
  if (hex.empty() || hex.size() % 2 != 0) return false;
  SecretBytes bytes(hex.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.data()[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  *out = std::move(bytes);
  return true;
}

// Reads the secrets from `text` (a file's content or the environment variable) into `secrets`.
// Returns an error message (never containing the text) or "".
std::string LoadSecrets(absl::string_view text, uint32_t default_version,
                        FixedPseudonymSecrets* secrets, uint32_t* lowest) {
  std::vector<absl::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    absl::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.find_first_not_of(" \t") != absl::string_view::npos) {
      lines.push_back(line);
    }
    start = end + 1;
  }
  if (lines.empty()) return "the secret is empty";
  *lowest = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    uint32_t version = default_version;
    absl::string_view hex = lines[i];
    const size_t colon = hex.find(':');
    if (colon != absl::string_view::npos) {
      if (!absl::SimpleAtoi(hex.substr(0, colon), &version)) {
        return "secret line " + std::to_string(i + 1) + ": the version before ':' is not a number";
      }
      hex.remove_prefix(colon + 1);
    } else if (lines.size() > 1) {
      return "secret line " + std::to_string(i + 1) +
             ": with several secrets, write each as VERSION:HEX";
    }
    SecretBytes secret;
    if (!DecodeHexSecret(hex, &secret)) {
      return "secret line " + std::to_string(i + 1) + ": not an even number of hex digits";
    }
    const absl::Status added = secrets->Add(version, std::move(secret));
    if (!added.ok()) {
      return "secret line " + std::to_string(i + 1) + ": " + std::string(added.message());
    }
    if (*lowest == 0 || version < *lowest) *lowest = version;
  }
  return "";
}

bool ParseVersion(const std::string& value, uint32_t* out) {
  return absl::SimpleAtoi(value, out) && *out >= 1 && *out <= kMaxPseudonymVersion;
}

int Fail(Io io, int code, absl::string_view message) {
  io.err << "socle pseudonymise: " << message << "\n";
  return code;
}

}  // namespace

// The command on any input stream (the tests feed it a string stream).
int PseudonymiseStream(const std::vector<std::string>& args, std::istream& in, Io io) {
  std::string policy_path, domain, relationship, secret_file;
  uint32_t secret_version = 1;
  uint32_t base_version = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string v;
    bool ok = true;
    if (a == "--policy") {
      ok = value(&policy_path);
    } else if (a == "--domain") {
      ok = value(&domain);
    } else if (a == "--relationship") {
      ok = value(&relationship);
    } else if (a == "--secret-file") {
      ok = value(&secret_file);
    } else if (a == "--secret-version") {
      ok = value(&v) && ParseVersion(v, &secret_version);
    } else if (a == "--base-version") {
      ok = value(&v) && ParseVersion(v, &base_version);
    } else if (a == "--help" || a == "-h") {
      io.out << kUsage;
      return kExitOk;
    } else {
      io.err << "socle pseudonymise: unexpected argument '" << a << "'\n" << kUsage;
      return kExitUsage;
    }
    if (!ok) {
      io.err << "socle pseudonymise: " << a << " needs a value"
             << (a.find("version") != std::string::npos ? " from 1 to 9999" : "") << "\n"
             << kUsage;
      return kExitUsage;
    }
  }
  if (policy_path.empty() || domain.empty()) {
    io.err << "socle pseudonymise: --policy and --domain are required\n" << kUsage;
    return kExitUsage;
  }

  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::LoadFile(policy_path, &diagnostics);
  if (!policy.ok()) {
    for (const Diagnostic& d : diagnostics) {
      if (d.severity == Diagnostic::Severity::kError) io.err << d.ToString(policy_path) << "\n";
    }
    return Fail(io,
                ErrorCodeOf(policy.status()) == ErrorCode::kIo ? kExitFailure : kExitInvalidInput,
                policy.status().message());
  }

  std::string secret_text;
  if (!secret_file.empty()) {
    std::ifstream f(secret_file, std::ios::binary);
    if (!f) return Fail(io, kExitFailure, "cannot read the secret file " + secret_file);
    std::ostringstream content;
    content << f.rdbuf();
    secret_text = content.str();
    // ostringstream keeps its own copy: overwrite it too.
    std::string drained = content.str();
    content.str(std::string(drained.size(), '\0'));
    WipeString(drained);
  } else if (const char* env = std::getenv("SOCLE_PSEUDONYM_SECRET"); env != nullptr) {
    secret_text = env;
  } else {
    return Fail(io, kExitUsage,
                "no secret: give --secret-file FILE or set SOCLE_PSEUDONYM_SECRET (hex)");
  }
  FixedPseudonymSecrets secrets;
  uint32_t lowest = 0;
  const std::string secret_error = LoadSecrets(secret_text, secret_version, &secrets, &lowest);
  WipeString(secret_text);
  if (!secret_error.empty()) return Fail(io, kExitInvalidInput, secret_error);

  PseudonymizerOptions options;
  options.base_version = base_version != 0 ? base_version : lowest;
  auto pseudonymizer = Pseudonymizer::Create(*policy, secrets, std::move(options));
  if (!pseudonymizer.ok()) {
    return Fail(io, kExitInvalidInput, pseudonymizer.status().message());
  }
  auto context = (*pseudonymizer)->NewContext(domain, relationship);
  if (!context.ok()) {
    const bool unknown = ErrorCodeOf(context.status()) == ErrorCode::kNotFound;
    return Fail(io, kExitInvalidInput,
                unknown ? "'" + domain + "' is not a pseudonymisation domain of " + policy_path
                        : std::string(context.status().message()));
  }
  if (context->kind() == PseudonymKind::kTransaction) {
    io.err << "socle pseudonymise: '" << domain
           << "' is a TRANSACTION domain: this run has its own secret, its pseudonyms match no "
              "other run\n";
  }

  // Chunks of lines, pseudonymised as one batch each.
  std::vector<std::string> lines;
  std::vector<absl::string_view> views;
  std::string out;
  size_t line_number = 0;
  bool eof = false;
  while (!eof) {
    lines.clear();
    std::string line;
    while (lines.size() < kChunk) {
      if (!std::getline(in, line)) {
        eof = true;
        break;
      }
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        return Fail(io, kExitInvalidInput,
                    "line " + std::to_string(line_number) +
                        " is empty: there is no pseudonym "
                        "of nothing");
      }
      lines.push_back(std::move(line));
    }
    if (lines.empty()) break;
    views.assign(lines.begin(), lines.end());
    out.assign(lines.size() * kPseudonymTextLength, '\0');
    const absl::Status st = context->ComputeBatchText(views, absl::MakeSpan(out));
    for (std::string& l : lines) WipeString(l);
    if (!st.ok()) return Fail(io, kExitFailure, st.message());
    for (size_t i = 0; i < views.size(); ++i) {
      io.out.write(out.data() + i * kPseudonymTextLength, kPseudonymTextLength);
      io.out.put('\n');
    }
  }
  io.out.flush();
  if (in.bad()) return Fail(io, kExitFailure, "reading stdin failed");
  return kExitOk;
}

int Pseudonymise(const std::vector<std::string>& args, Io io) {
  return PseudonymiseStream(args, std::cin, io);
}

}  // namespace socle::cli
