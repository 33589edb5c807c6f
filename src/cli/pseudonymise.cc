// `socle pseudonymise`: identifiers on stdin, one per line; their pseudonyms in a domain of the
// policy on stdout, one per line, in the same order (the 27-character text form).
//
//   socle pseudonymise --policy FILE --domain D [--relationship LABEL]
//                      --key-file FILE --db DB [--tenant T] [--base-version N]
//
// The master secrets come from the vault, as in the library (a Pseudonymizer created from a
// Vault): the key file is opened with the passphrase (SOCLE_PASSPHRASE, or else the first line of
// standard input, before the identifiers), the vault database of the tenant (default "default")
// holds the pseudonymisation secrets, and they never leave socle.
//
// For tests only, `--test-only-secret-from-env` takes raw secrets from the environment variable
// SOCLE_TEST_ONLY_PSEUDONYM_SECRET instead, in hex (32 to 128 hex digits: 16 to 64 bytes): one hex
// secret (of version --secret-version, default 1) or one "VERSION:HEX" per line, for a chain of
// rotated versions. Never use it in production: a secret in the environment is readable by
// anyone who can read the process's environment.
//
// The secret is never printed, nor any identifier: errors name line numbers only. A TRANSACTION
// domain draws a fresh secret for the run, so its pseudonyms match nothing outside this run —
// which is the point.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/vault.hpp"

namespace socle::cli {
namespace {

constexpr char kUsage[] =
    "usage: socle pseudonymise --policy FILE --domain D [--relationship LABEL]\n"
    "                          --key-file FILE --db DB [--tenant T] [--base-version N]\n"
    "identifiers on stdin (one per line), pseudonyms on stdout. The secrets stay in the vault\n"
    "(key file + database, tenant 'default' unless --tenant); the passphrase comes from\n"
    "SOCLE_PASSPHRASE or else from the first line of stdin, before the identifiers.\n"
    "Tests only: --test-only-secret-from-env [--secret-version N] reads raw hex secrets from\n"
    "SOCLE_TEST_ONLY_PSEUDONYM_SECRET instead of the vault; never use it in production.\n";

constexpr char kTestSecretVariable[] = "SOCLE_TEST_ONLY_PSEUDONYM_SECRET";

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

int PseudonymiseStream(const std::vector<std::string>& args, std::istream& in, Io io) {
  if (WantsHelp(args)) {
    io.out << kUsage;
    return kExitOk;
  }
  std::string policy_path, domain, relationship, key_file, db, tenant = "default";
  bool test_secret = false;
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
    } else if (a == "--key-file") {
      ok = value(&key_file);
    } else if (a == "--db") {
      ok = value(&db);
    } else if (a == "--tenant") {
      ok = value(&tenant);
    } else if (a == "--test-only-secret-from-env") {
      test_secret = true;
    } else if (a == "--secret-version") {
      ok = value(&v) && ParseVersion(v, &secret_version);
    } else if (a == "--base-version") {
      ok = value(&v) && ParseVersion(v, &base_version);
    } else if (a == "--passphrase" || a == "--password") {
      io.err << "socle pseudonymise: the passphrase is never taken from the command line: use "
                "SOCLE_PASSPHRASE or the first line of standard input\n";
      return kExitUsage;
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
  if (test_secret && (!key_file.empty() || !db.empty())) {
    io.err << "socle pseudonymise: --test-only-secret-from-env replaces the vault: give it "
              "without --key-file and --db\n"
           << kUsage;
    return kExitUsage;
  }
  if (!test_secret && (key_file.empty() || db.empty())) {
    io.err << "socle pseudonymise: --key-file and --db are required (the secrets are in the "
              "vault)\n"
           << kUsage;
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

  PseudonymizerOptions options;
  absl::StatusOr<std::unique_ptr<Pseudonymizer>> pseudonymizer;
  if (test_secret) {
    const char* env = std::getenv(kTestSecretVariable);
    if (env == nullptr) {
      return Fail(io, kExitUsage,
                  std::string("--test-only-secret-from-env: ") + kTestSecretVariable +
                      " is not set");
    }
    std::string secret_text = env;
    FixedPseudonymSecrets secrets;
    uint32_t lowest = 0;
    const std::string secret_error = LoadSecrets(secret_text, secret_version, &secrets, &lowest);
    WipeString(secret_text);
    if (!secret_error.empty()) return Fail(io, kExitInvalidInput, secret_error);
    options.base_version = base_version != 0 ? base_version : lowest;
    pseudonymizer = Pseudonymizer::Create(*policy, secrets, std::move(options));
  } else {
    // Vault::Open would create a missing database, with new secrets: a mistyped path must not
    // silently give pseudonyms that match nothing.
    std::error_code ec;
    if (!std::filesystem::exists(db, ec)) {
      return Fail(io, kExitInvalidInput,
                  "no vault database at " + db + ": create it with `socle keys init`");
    }
    auto passphrase = ReadPassphrase(in, io);
    if (!passphrase.ok()) return Fail(io, kExitInvalidInput, passphrase.status().message());
    auto provider = KeyFileProvider::Open(key_file, *passphrase);
    if (!provider.ok()) {
      return Fail(io, ExitCodeForFailure(provider.status()),
                  key_file + ": " + std::string(provider.status().message()));
    }
    auto vault = Vault::Open(std::shared_ptr<KeyProvider>(std::move(*provider)), db, tenant);
    if (!vault.ok()) {
      return Fail(io, ExitCodeForFailure(vault.status()), db + ": " + std::string(vault.status().message()));
    }
    if (base_version != 0) options.base_version = base_version;
    // The vault is the secret source only while the pseudonymizer is created.
    pseudonymizer = Pseudonymizer::Create(*policy, **vault, std::move(options));
  }
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
