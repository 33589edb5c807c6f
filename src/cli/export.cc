// `socle export verify|dump|open|keygen`: the `.socle` export files (docs/export-format.md) as a
// recipient or a DPO handles them: check one, show it, decrypt it, make a recipient key.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"

namespace socle::cli {
namespace {

constexpr char kExportUsage[] =
    "usage: socle export verify FILE [--issuer HEX] [--key-file K]\n"
    "       socle export dump FILE [--json] [--key-file K]\n"
    "       socle export open FILE --key K --out F\n"
    "       socle export keygen --out K\n"
    "\n"
    "  verify: check every signature of the file, its order, its end (and with --key-file, its\n"
    "          decryption); --issuer: the issuer's Ed25519 public key (64 hex digits) it must\n"
    "          carry. A sealed file is checked without its key.\n"
    "  dump:   the header and every record, decoded with the descriptors the file carries, in\n"
    "          protobuf's text format or, with --json, one JSON object per line (the header\n"
    "          first). Records are shown as their frames verify: trust the output only when\n"
    "          the command exits 0. --key-file: a recipient key to read a sealed file.\n"
    "  open:   decrypt a sealed file with the recipient key K and write its records to F as\n"
    "          JSON lines (mode 0600); F appears only once the whole file verified.\n"
    "  keygen: make a recipient key (X25519): the secret goes to K (mode 0600, never\n"
    "          overwritten), the public key is printed in hex, to give to the issuer.\n"
    "\n"
    "exit codes: 0 ok, 1 the file is refused (the problem and its byte offset on stderr),\n"
    "            2 usage error, 3 failure\n";

struct Args {
  std::string file;
  std::string issuer;
  std::string key_file;
  std::string out;
  bool json = false;
};

int Usage(Io io, const std::string& message) {
  io.err << "socle export: " << message << "\n" << kExportUsage;
  return kExitUsage;
}

int Refused(Io io, const absl::Status& status) {
  io.err << "socle export: " << status.message() << "\n";
  return ExitCodeForFailure(status);
}

// A recipient key file: 64 hex digits of the X25519 secret, then a newline.
absl::StatusOr<ExportRecipientKey> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, absl::StrCat("cannot read the key file ", path));
  std::string text(1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  auto parsed = ParsePublicKeyHex(absl::StripAsciiWhitespace(text));  // 32 bytes of hex
  std::fill(text.begin(), text.end(), '\0');
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("the key file ", path, " does not hold 64 hex digits"));
  }
  SecretBytes secret(parsed->data(), parsed->size());
  std::fill(parsed->begin(), parsed->end(), 0);
  return ExportRecipientKey::FromSecret(secret);
}

int Verify(const Args& a, Io io) {
  ExportReaderOptions options;
  if (!a.issuer.empty()) {
    auto issuer = ParsePublicKeyHex(a.issuer);
    if (!issuer.ok()) return Usage(io, "--issuer is 64 hex digits (an Ed25519 public key)");
    options.trusted_issuers.push_back(*issuer);
  }
  absl::StatusOr<ExportRecipientKey> key = MakeError(ErrorCode::kNotFound, "no key");
  if (!a.key_file.empty()) {
    key = ReadKeyFile(a.key_file);
    if (!key.ok()) return Refused(io, key.status());
    options.key = &*key;
  }
  auto source = FileSource(a.file);
  if (!source.ok()) return Refused(io, source.status());
  auto verified = VerifyExport(std::move(*source), options);
  if (!verified.ok()) return Refused(io, verified.status());
  io.out << "ok: " << Name(verified->kind) << ", " << (verified->sealed ? "sealed" : "signed")
         << ", " << verified->records << " records, " << verified->bytes << " bytes, issuer "
         << PublicKeyHex(verified->issuer_public_key) << "\n";
  return kExitOk;
}

// Reads the file through, calling `each` with every record once its frame verified.
template <typename Each>
int ReadRecords(const std::string& path, const ExportRecipientKey* key, Io io,
                const std::function<int(ExportReader&)>& start, Each each) {
  ExportReaderOptions options;
  options.key = key;
  auto source = FileSource(path);
  if (!source.ok()) return Refused(io, source.status());
  auto reader = ExportReader::Open(std::move(*source), options);
  if (!reader.ok()) return Refused(io, reader.status());
  if (const int rc = start(**reader); rc != kExitOk) return rc;
  std::string record;
  while (true) {
    auto more = (*reader)->Next(&record);
    if (!more.ok()) return Refused(io, more.status());
    if (!*more) break;
    if (const int rc = each(record); rc != kExitOk) return rc;
  }
  return kExitOk;
}

int Dump(const Args& a, Io io) {
  absl::StatusOr<ExportRecipientKey> key = MakeError(ErrorCode::kNotFound, "no key");
  if (!a.key_file.empty()) {
    key = ReadKeyFile(a.key_file);
    if (!key.ok()) return Refused(io, key.status());
  }
  const auto format =
      a.json ? ExportRecordPrinter::Format::kJson : ExportRecordPrinter::Format::kText;
  std::unique_ptr<ExportRecordPrinter> printer;
  uint64_t n = 0;
  return ReadRecords(
      a.file, key.ok() ? &*key : nullptr, io,
      [&](ExportReader& reader) {
        auto created = ExportRecordPrinter::Create(reader.header());
        if (!created.ok()) return Refused(io, created.status());
        printer = std::move(*created);
        auto header = printer->Header(format);
        if (!header.ok()) return Refused(io, header.status());
        if (a.json) {
          io.out << "{\"header\":" << *header << "}\n";
        } else {
          io.out << "# header\n" << *header;
        }
        return kExitOk;
      },
      [&](const std::string& record) {
        auto text = printer->Record(record, format);
        if (!text.ok()) return Refused(io, text.status());
        ++n;
        if (a.json) {
          io.out << *text << "\n";
        } else {
          io.out << "# record " << n << "\n" << *text;
        }
        return kExitOk;
      });
}

int Open(const Args& a, Io io) {
  auto key = ReadKeyFile(a.key_file);
  if (!key.ok()) return Refused(io, key.status());
  auto sink = FileSink(a.out);
  if (!sink.ok()) return Refused(io, sink.status());
  std::unique_ptr<ExportRecordPrinter> printer;
  uint64_t n = 0;
  const int rc = ReadRecords(
      a.file, &*key, io,
      [&](ExportReader& reader) {
        if (!reader.sealed()) {
          io.err << "socle export: the file is not sealed: read it with socle export dump\n";
          return kExitInvalidInput;
        }
        auto created = ExportRecordPrinter::Create(reader.header());
        if (!created.ok()) return Refused(io, created.status());
        printer = std::move(*created);
        return kExitOk;
      },
      [&](const std::string& record) {
        auto text = printer->Record(record, ExportRecordPrinter::Format::kJson);
        if (!text.ok()) return Refused(io, text.status());
        text->push_back('\n');
        if (auto written = (*sink)->Write(*text); !written.ok()) return Refused(io, written);
        ++n;
        return kExitOk;
      });
  if (rc != kExitOk) return rc;  // the sink is destroyed unclosed: no output file
  if (auto closed = (*sink)->Close(); !closed.ok()) return Refused(io, closed);
  io.out << "ok: " << n << " records written to " << a.out << "\n";
  return kExitOk;
}

int Keygen(const Args& a, Io io) {
  const ExportRecipientKey key = ExportRecipientKey::Generate();
  const int fd = ::open(a.out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    io.err << "socle export: cannot create " << a.out << ": " << std::strerror(errno)
           << (errno == EEXIST ? " (a key file is never overwritten)" : "") << "\n";
    return errno == EEXIST ? kExitInvalidInput : kExitFailure;
  }
  ExportPublicKey secret;
  std::memcpy(secret.data(), key.secret_key().data(), secret.size());
  std::string line = PublicKeyHex(secret) + "\n";  // the same hex encoding, of the secret
  std::fill(secret.begin(), secret.end(), 0);
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  std::fill(line.begin(), line.end(), '\0');
  ::close(fd);
  if (!ok) {
    ::unlink(a.out.c_str());
    io.err << "socle export: cannot write " << a.out << "\n";
    return kExitFailure;
  }
  io.out << PublicKeyHex(key.public_key()) << "\n";
  return kExitOk;
}

}  // namespace

int Export(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kExportUsage;
    return kExitOk;
  }
  if (args.empty()) return Usage(io, "a subcommand is required");
  const std::string sub = args[0];
  Args a;
  std::vector<std::string> positional;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    if (arg == "--json") {
      a.json = true;
    } else if (arg == "--issuer") {
      if (!value(&a.issuer)) return Usage(io, "--issuer needs a value");
    } else if (arg == "--key-file" || arg == "--key") {
      if (!value(&a.key_file)) return Usage(io, arg + " needs a value");
    } else if (arg == "--out") {
      if (!value(&a.out)) return Usage(io, "--out needs a value");
    } else if (arg.rfind("--", 0) == 0) {
      return Usage(io, "unknown option '" + arg + "'");
    } else {
      positional.push_back(arg);
    }
  }
  if (sub == "keygen") {
    if (!positional.empty() || a.out.empty()) return Usage(io, "keygen takes --out K only");
    return Keygen(a, io);
  }
  if (sub != "verify" && sub != "dump" && sub != "open") {
    return Usage(io, "unknown subcommand '" + sub + "'");
  }
  if (positional.size() != 1) return Usage(io, sub + " takes one FILE");
  a.file = positional[0];
  if (sub == "verify") return Verify(a, io);
  if (sub == "dump") return Dump(a, io);
  if (a.key_file.empty() || a.out.empty()) return Usage(io, "open needs --key K and --out F");
  return Open(a, io);
}

}  // namespace socle::cli
