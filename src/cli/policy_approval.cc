// `socle policy keygen|approve|approval-key|activate`: two-person activation of a new policy
// (socle/policy_approval.hpp; REQ-62; docs/policy-approval.md).
#include "socle/policy_approval.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"

namespace socle::cli {
namespace {

constexpr char kApprovalUsage[] =
    "usage: socle policy keygen --professional ID --out SIGNER_KEY_FILE\n"
    "       socle policy approve OLD NEW --professional ID --signer-key FILE [--out FILE]\n"
    "       socle policy approval-key ENGINE_OPTIONS --professional ID --verifier-key KEY\n"
    "                                 --actor ID\n"
    "       socle policy activate ENGINE_OPTIONS --new FILE --actor ID [--approval FILE]...\n"
    "  A new policy takes effect on a state of record only once two distinct professionals,\n"
    "  one whose role holds DPO_ROLE in the policy in force, approved it (REQ-62).\n"
    "  keygen: a fresh approval key; writes the signer key (a secret, mode 0600) and prints\n"
    "    the verifier key to register.\n"
    "  approve: prints the summary of changes from OLD (the policy in force) to NEW, then\n"
    "    writes the approval, a signed note over both digests and the summary's digest.\n"
    "  approval-key: records a professional's verifier key in the state of record.\n"
    "  activate: records each approval, then activates NEW (ENGINE_OPTIONS' --policy is the\n"
    "    policy in force); both are also recorded in the access trail. Exit 1 when refused.\n";

Reporter MakeReporter(Io io) { return Reporter{"socle policy", kApprovalUsage, io}; }

absl::StatusOr<Policy> LoadPolicyFile(const std::string& path, Io io) {
  std::vector<Diagnostic> diagnostics;
  absl::StatusOr<Policy> policy = Policy::LoadFile(path, &diagnostics);
  if (!policy.ok()) {
    for (const Diagnostic& d : diagnostics) io.err << d.ToString(path) << "\n";
  }
  return policy;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return MakeError(ErrorCode::kNotFound, absl::StrCat("no such file: ", path));
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Writes `bytes` to a new file only its owner reads; refuses an existing file.
absl::Status WritePrivateFile(const std::string& path, absl::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(
        errno == EEXIST ? ErrorCode::kAlreadyExists : ErrorCode::kIo,
        absl::StrCat("cannot create ", path,
                     errno == EEXIST ? ": it exists (a key is never overwritten)" : ""));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return MakeError(ErrorCode::kIo, absl::StrCat("cannot write ", path));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return MakeError(ErrorCode::kIo, absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

int Keygen(const std::vector<std::string>& args, const Reporter& r) {
  Flags flags;
  if (const std::string p = flags.Parse(args, {"--professional", "--out"}, {}); !p.empty()) {
    return r.Usage(p);
  }
  for (const char* required : {"--professional", "--out"}) {
    if (flags.Get(required).empty()) return r.Usage(absl::StrCat(required, " is required"));
  }
  absl::StatusOr<ApprovalKeyPair> key = GenerateApprovalKey(flags.Get("--professional"));
  if (!key.ok()) return r.Failed(key.status());
  std::string text(key->signer_key.view());
  text += "\n";
  const absl::Status written = WritePrivateFile(flags.Get("--out"), text);
  std::fill(text.begin(), text.end(), '\0');
  if (!written.ok()) return r.Failed(written);
  r.io.out << key->verifier_key << "\n";
  return kExitOk;
}

int Approve(const std::vector<std::string>& args, const Reporter& r) {
  std::vector<std::string> files, rest;
  for (const std::string& a : args) {
    if (rest.empty() && files.size() < 2 && !a.empty() && a[0] != '-') {
      files.push_back(a);
    } else {
      rest.push_back(a);
    }
  }
  if (files.size() != 2) return r.Usage("approve takes the policy in force and the new one");
  Flags flags;
  if (const std::string p = flags.Parse(rest, {"--professional", "--signer-key", "--out"}, {});
      !p.empty()) {
    return r.Usage(p);
  }
  for (const char* required : {"--professional", "--signer-key"}) {
    if (flags.Get(required).empty()) return r.Usage(absl::StrCat(required, " is required"));
  }
  absl::StatusOr<Policy> previous = LoadPolicyFile(files[0], r.io);
  if (!previous.ok()) return r.Failed(previous.status());
  absl::StatusOr<Policy> next = LoadPolicyFile(files[1], r.io);
  if (!next.ok()) return r.Failed(next.status());
  absl::StatusOr<std::string> key_text = ReadWholeFile(flags.Get("--signer-key"));
  if (!key_text.ok()) return r.Failed(key_text.status());
  while (!key_text->empty() && (key_text->back() == '\n' || key_text->back() == '\r')) {
    key_text->pop_back();
  }
  const SecretBytes signer_key(*key_text);
  std::fill(key_text->begin(), key_text->end(), '\0');
  // What the approver approves: the summary their note's digest covers.
  auto before = PolicyAnalysis::Create(*previous);
  if (!before.ok()) return r.Failed(before.status());
  auto after = PolicyAnalysis::Create(*next);
  if (!after.ok()) return r.Failed(after.status());
  const std::vector<std::string> summary = DiffPolicies(**before, **after).Summary();
  r.io.err << "Modifications des accès approuvées (" << summary.size() << ") :\n";
  for (const std::string& line : summary) r.io.err << "  " << line << "\n";
  if (summary.empty()) {
    r.io.err << "  aucune décision d'accès ne change (la politique change ailleurs : durées,\n"
                "  seuils statistiques, registre…)\n";
  }
  absl::StatusOr<std::string> note =
      SignPolicyApproval(*previous, *next, flags.Get("--professional"), signer_key);
  if (!note.ok()) return r.Failed(note.status());
  if (flags.Has("--out")) {
    std::ofstream out(flags.Get("--out"), std::ios::binary | std::ios::trunc);
    if (!(out << *note) || !out.flush()) {
      return r.Failed(MakeError(ErrorCode::kIo, "cannot write " + flags.Get("--out")));
    }
  } else {
    r.io.out << *note;
  }
  return kExitOk;
}

std::vector<EngineSubcommand> EngineSubcommands() {
  std::vector<EngineSubcommand> subs;
  subs.push_back(EngineSubcommand{
      "approval-key",
      {"--professional", "--verifier-key", "--actor"},
      {},
      {},
      true,
      false,
      [](const Flags& flags, const EngineOpener& open, const Reporter& r) {
        auto opened = open();
        if (!opened.ok()) return r.Failed(opened.status());
        auto revision = RegisterApprovalKey(*(*opened)->engine, flags.Get("--professional"),
                                            flags.Get("--verifier-key"), flags.Get("--actor"));
        if (!revision.ok()) return r.Failed(revision.status());
        r.io.out << "approval key recorded: state revision " << *revision << "\n";
        return kExitOk;
      }});
  subs.push_back(EngineSubcommand{
      "activate",
      {"--new", "--actor"},
      {"--approval"},
      {},
      false,
      true,
      [](const Flags& flags, const EngineOpener& open, const Reporter& r) {
        absl::StatusOr<Policy> next = LoadPolicyFile(flags.Get("--new"), r.io);
        if (!next.ok()) return r.Failed(next.status());
        std::vector<std::string> approvals;
        for (const std::string& path : flags.List("--approval")) {
          auto text = ReadWholeFile(path);
          if (!text.ok()) return r.Failed(text.status());
          approvals.push_back(*std::move(text));
        }
        auto opened = open();
        if (!opened.ok()) return r.Failed(opened.status());
        OpenedEngine& o = **opened;
        for (size_t i = 0; i < approvals.size(); ++i) {
          auto revision = RecordPolicyApproval(*o.engine, *next, approvals[i], o.trail.get());
          if (!revision.ok()) {
            return r.Failed(MakeError(ErrorCodeOf(revision.status()),
                                      absl::StrCat("--approval ", flags.List("--approval")[i], ": ",
                                                   revision.status().message())));
          }
          r.io.out << "approval recorded: state revision " << *revision << "\n";
        }
        auto activated = ActivatePolicy(*o.engine, *next, flags.Get("--actor"), o.trail.get());
        if (!activated.ok()) return r.Failed(activated.status());
        r.io.out << "policy " << next->id() << " " << next->revision() << " ("
                 << next->digest_hex().substr(0, 12) << "…) in force from state revision "
                 << *activated << "\n";
        return kExitOk;
      }});
  return subs;
}

}  // namespace

int PolicyApprovalCommand(const std::string& sub, const std::vector<std::string>& args, Io io) {
  const Reporter r = MakeReporter(io);
  if (WantsHelp(args)) {
    io.out << kApprovalUsage << kEngineOptionsHelp;
    return kExitOk;
  }
  if (sub == "keygen") return Keygen(args, r);
  if (sub == "approve") return Approve(args, r);
  std::vector<std::string> with_name = {sub};
  with_name.insert(with_name.end(), args.begin(), args.end());
  return RunEngineCommand(
      Reporter{"socle policy", absl::StrCat(kApprovalUsage, kEngineOptionsHelp), io},
      EngineSubcommands(), with_name);
}

}  // namespace socle::cli
