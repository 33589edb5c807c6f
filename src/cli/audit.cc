// `socle audit verify|history|checkpoint|prove`: the access trail from the command line, for a
// DPO, an auditor or a person exercising their right of access (docs/ledger.md).
//
// What the commands print about proofs and checkpoints is checked here again, with libsodium
// only (SHA-256, Ed25519, base64), the way a third party would: the inclusion proof against
// the checkpoint's root (RFC 9162 §2.1.3.2) and the checkpoint's signature against the
// ledger's verifier key (C2SP signed note). A mismatch is an error, never a printed "ok".
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"
#include "socle/sharing.hpp"
#include "socle/storage.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"

namespace socle::cli {

namespace {

constexpr char kAuditUsage[] =
    "usage: socle audit verify     LEDGER_OPTIONS\n"
    "       socle audit history    LEDGER_OPTIONS --person ID (--reader PRO | --as-person)\n"
    "                              --policy FILE [--professionals FILE --persons FILE]\n"
    "                              [--since RFC3339] [--until RFC3339] [--limit N]\n"
    "       socle audit checkpoint LEDGER_OPTIONS\n"
    "       socle audit prove      LEDGER_OPTIONS --index N [--size S]\n"
    "LEDGER_OPTIONS: (DB --vault VAULT_DB | --storage LOCATION [--witness-dir DIR])\n"
    "                --key KEY_FILE [--tenant T] [--ledger access_trail] [--witness PATH]\n"
    "\n"
    "  verify:     recomputes every entry, row MAC and checkpoint; prints 'ok: N entries, M\n"
    "              checkpoints' (exit 0) or 'FAILED at entry I: problem' (exit 1)\n"
    "  history:    a person's history, each entry with its inclusion proof checked against the\n"
    "              signed checkpoint; the reader is a professional whose role has the policy's\n"
    "              SECURITY_AUDITOR capability, or the person (--as-person); the read is recorded\n"
    "              Sharing decisions are told in plain words: basis, recipient, items, granted\n"
    "              or the failed check, information and consent evidence. Without\n"
    "              --professionals and --persons, the directory is the state of record of\n"
    "              --storage (the one `socle consent|share|mandate` write to)\n"
    "  checkpoint: signs a checkpoint of the current tree if it grew; prints it and the verifier\n"
    "              key (give both to whoever verifies without socle)\n"
    "  prove:      the leaf hash and inclusion proof of entry N (base64, one hash a line) in the\n"
    "              tree of the latest checkpoint, or of S entries\n"
    "\n"
    "The ledger and the vault are the files DB and VAULT_DB, or those of one storage location\n"
    "(docs/postgresql.md): a directory holding vault.db and <ledger>.db, or a PostgreSQL URI\n"
    "(postgresql://user@host/db, the password in ~/.pgpass or PGPASSWORD), which needs\n"
    "--witness-dir, a local directory for the witness files.\n"
    "The passphrase of the key file is read from SOCLE_PASSPHRASE, or else from the first line\n"
    "of standard input. The tenant defaults to 'default', the witness file to DB.checkpoint\n"
    "(with --storage: beside <ledger>.db, or DIR/<ledger>.checkpoint).\n";

int Usage(Io io, const std::string& problem) {
  io.err << "socle audit: " << problem << "\n" << kAuditUsage;
  return kExitUsage;
}

int Failed(Io io, const absl::Status& status) {
  io.err << "socle audit: " << ErrorCodeName(ErrorCodeOf(status)) << ": " << status.message()
         << "\n";
  return ExitCodeForFailure(status);
}

using Hash = LedgerHash;

std::string Base64(const uint8_t* data, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the NUL
  return out;
}
std::string Base64(const Hash& h) { return Base64(h.data(), h.size()); }

std::optional<std::string> FromBase64(absl::string_view text) {
  std::string out(text.size(), '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  uint8_t buffer[1 + 2 * kLedgerHashBytes];
  buffer[0] = 0x01;
  std::copy(left.begin(), left.end(), buffer + 1);
  std::copy(right.begin(), right.end(), buffer + 1 + kLedgerHashBytes);
  Hash out;
  crypto_hash_sha256(out.data(), buffer, sizeof buffer);
  return out;
}

}  // namespace

// RFC 9162 §2.1.3.2, as docs/ledger.md states it.
bool InclusionProofHolds(const LedgerInclusionProof& proof, const Hash& root) {
  if (proof.index >= proof.tree_size) return false;
  uint64_t fn = proof.index;
  uint64_t sn = proof.tree_size - 1;
  Hash r = proof.leaf_hash;
  for (const Hash& p : proof.hashes) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

// The checkpoint's note signed by `verifier_key`, for `origin`, of `size` entries and `root`
// (docs/ledger.md, "Verifying without socle"). Returns the problem, or "" when it holds.
std::string CheckCheckpoint(const LedgerCheckpoint& checkpoint, absl::string_view verifier_key,
                            absl::string_view origin) {
  const std::vector<std::string> key_parts = absl::StrSplit(verifier_key, absl::MaxSplits('+', 2));
  if (key_parts.size() != 3) return "the verifier key is malformed";
  const auto key = FromBase64(key_parts[2]);
  if (!key || key->size() != 1 + crypto_sign_PUBLICKEYBYTES || (*key)[0] != 0x01) {
    return "the verifier key is not an Ed25519 key";
  }
  uint8_t key_hash[crypto_hash_sha256_BYTES];
  const std::string hashed = absl::StrCat(key_parts[0], "\n", *key);
  crypto_hash_sha256(key_hash, reinterpret_cast<const uint8_t*>(hashed.data()), hashed.size());
  const std::string& note = checkpoint.note;
  const size_t split = note.rfind("\n\n");
  if (split == std::string::npos || note.empty() || note.back() != '\n') {
    return "the checkpoint is not a signed note";
  }
  const std::string text = note.substr(0, split + 1);
  bool signed_by_key = false;
  const std::string prefix = absl::StrCat("\xe2\x80\x94 ", key_parts[0], " ");
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(note).substr(split + 2), '\n', absl::SkipEmpty())) {
    if (line.substr(0, prefix.size()) != prefix) continue;
    const auto signature = FromBase64(line.substr(prefix.size()));
    if (!signature || signature->size() != 4 + crypto_sign_BYTES ||
        std::memcmp(signature->data(), key_hash, 4) != 0) {
      continue;
    }
    signed_by_key |=
        crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(signature->data()) + 4,
                                    reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                                    reinterpret_cast<const uint8_t*>(key->data()) + 1) == 0;
  }
  if (!signed_by_key) return "the checkpoint's signature does not verify with the verifier key";
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  uint64_t size = 0;
  if (lines.size() < 4 || lines[0] != origin) return "the checkpoint is of another ledger";
  if (!absl::SimpleAtoi(lines[1], &size) || size != checkpoint.size) {
    return "the checkpoint's size is not the one it claims";
  }
  const auto root = FromBase64(lines[2]);
  if (!root || root->size() != kLedgerHashBytes ||
      std::memcmp(root->data(), checkpoint.root.data(), kLedgerHashBytes) != 0) {
    return "the checkpoint's root is not the one it claims";
  }
  return "";
}

namespace {

std::string FormatParty(const SharingTrailRecord::Party& p) {
  std::vector<std::string> about;
  if (!p.role.empty()) about.push_back(p.role);
  if (!p.structure.empty()) about.push_back(p.structure);
  if (p.secrecy != SecrecyStatus::kUnspecified) {
    about.push_back(absl::StrCat("secrecy ", Name(p.secrecy)));
  }
  return about.empty() ? p.professional
                       : absl::StrCat(p.professional, " (", absl::StrJoin(about, ", "), ")");
}

const char* InvolvementName(PersonInvolvementKind kind) {
  switch (kind) {
    case PersonInvolvementKind::kPresent:
      return "the person was present";
    case PersonInvolvementKind::kInformedBeforehand:
      return "the person was informed beforehand";
    case PersonInvolvementKind::kNotInformed:
      return "the person was not informed";
    default:
      return "not stated";
  }
}

const char* ExceptionName(SharingTrailRecord::Information::Exception kind) {
  using Exception = SharingTrailRecord::Information::Exception;
  switch (kind) {
    case Exception::kUrgency:
      return "urgency";
    case Exception::kImpossibility:
      return "impossibility";
    case Exception::kContraryToChildInterest:
      return "contrary to the child's interest";
    default:
      return "unspecified";
  }
}

}  // namespace

// A sharing decision in plain words: what was shared (or asked), with whom, on which basis, the
// outcome or the check that refused it, and the evidence of information and consent relied on.
std::string FormatSharing(const SharingTrailRecord& s) {
  std::string line =
      absl::StrCat("share ", s.share.empty() ? "-" : s.share, " under ", Name(s.basis), " (",
                   LegalReference(s.basis), ") for ", s.purpose.empty() ? "-" : s.purpose,
                   ": from ", FormatParty(s.emitter), " to ", FormatParty(s.recipient));
  std::vector<std::string> items;
  for (const SharedItem& item : s.items) {
    items.push_back(absl::StrCat(item.item, " (", item.category, ")"));
  }
  absl::StrAppend(&line,
                  "  items: ", items.empty() ? "the whole file" : absl::StrJoin(items, ", "));
  if (s.granted) {
    absl::StrAppend(&line, "  outcome: granted");
  } else {
    absl::StrAppend(&line, "  outcome: REFUSED, failed check: ", s.failed_check);
  }
  if (s.overrides_opposition) {
    absl::StrAppend(&line, " (a mandatory report made although the person objects)");
  }
  using Kind = SharingTrailRecord::Information::Kind;
  switch (s.information.kind) {
    case Kind::kInformed:
      if (s.information.informed_revisions.size() > 1) {
        absl::StrAppend(&line, "  information: ", s.information.informed_revisions.size(),
                        " persons informed beforehand (state revisions ",
                        absl::StrJoin(s.information.informed_revisions, ", "), ")");
      } else {
        absl::StrAppend(&line, "  information: person informed beforehand (state revision ",
                        s.information.revision, ")");
      }
      break;
    case Kind::kException:
      absl::StrAppend(&line, "  information: not told beforehand, exception ",
                      ExceptionName(s.information.exception), " (state revision ",
                      s.information.revision, ")",
                      s.information.follow_up_open ? ", follow-up open" : "");
      break;
    default:
      absl::StrAppend(&line, "  information: none");
  }
  absl::StrAppend(&line, "  consent: ",
                  s.consent_revision == 0 ? std::string("none")
                                          : absl::StrCat("state revision ", s.consent_revision));
  absl::StrAppend(&line, "  involvement: ", InvolvementName(s.involvement.kind));
  if (!s.involvement.reason.empty()) {
    absl::StrAppend(&line, " (\"", s.involvement.reason, "\")");
  }
  return line;
}

std::string FormatHistoryEntry(const HistoryEntry& e) {
  std::string line =
      absl::StrCat("#", e.index, "  ",
                   absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", e.time, absl::UTCTimeZone()), "  ");
  if (!e.readable) {
    absl::StrAppend(&line, "unreadable (the person's key was shredded, or retention removed it)");
  } else if (e.type == LedgerEntryType::kAccessDecision) {
    absl::StrAppend(&line, "who: ", e.actor, "  role: ", e.role,
                    "  structure: ", e.structure.empty() ? "-" : e.structure,
                    "  action: ", Name(e.action), "  item: ", e.item.empty() ? "-" : e.item,
                    "  category: ", e.category, "  purpose: ", e.purpose,
                    "  outcome: ", e.allowed ? "allowed" : "denied", "  reason: ", e.reason,
                    "  break-the-glass: ", e.break_glass ? "yes" : "no");
    if (!e.justification.empty()) {
      absl::StrAppend(&line, "  justification: \"", e.justification, "\"");
    }
  } else if (e.type == LedgerEntryType::kSharingDecision && e.sharing.has_value()) {
    absl::StrAppend(&line, FormatSharing(*e.sharing));
  } else {
    absl::StrAppend(&line, "operation: ", e.operation, "  who: ", e.actor.empty() ? "-" : e.actor);
    if (!e.detail.empty()) absl::StrAppend(&line, "  detail: ", e.detail);
  }
  return line;
}

namespace {

// The words after the subcommand.
struct AuditFlags {
  LedgerFlags ledger;
  std::map<std::string, std::string> values;  // the subcommand's own valued flags
  bool as_person = false;
};

// Parses `DB` and `--name value` / `--name=value`; "" on success, else the problem (never
// repeating a value).
std::string ParseAudit(const std::vector<std::string>& args,
                       const std::vector<std::string>& own_flags, bool takes_as_person,
                       AuditFlags& flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    if (name.rfind("--", 0) != 0) {
      if (!flags.ledger.db.empty()) return "more than one ledger database given";
      flags.ledger.db = name;
      continue;
    }
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "--passphrase" || name == "--password") {
      return "the passphrase is never taken from the command line: use SOCLE_PASSPHRASE or "
             "standard input";
    }
    if (takes_as_person && name == "--as-person" && !has_value) {
      flags.as_person = true;
      continue;
    }
    std::string* target = nullptr;
    if (name == "--vault") target = &flags.ledger.vault;
    if (name == "--key") target = &flags.ledger.key;
    if (name == "--tenant") target = &flags.ledger.tenant;
    if (name == "--ledger") target = &flags.ledger.name;
    if (name == "--witness") target = &flags.ledger.witness;
    if (name == "--storage") target = &flags.ledger.storage;
    if (name == "--witness-dir") target = &flags.ledger.witness_dir;
    for (const std::string& own : own_flags) {
      if (name == own) target = &flags.values[own];
    }
    if (target == nullptr) return absl::StrCat("unexpected argument '", name, "'");
    if (!has_value) {
      if (i + 1 >= args.size()) return name + " needs a value";
      value = args[++i];
    }
    *target = value;
  }
  if (!flags.ledger.storage.empty()) {
    if (!flags.ledger.db.empty() || !flags.ledger.vault.empty()) {
      return "--storage holds the ledger and the vault: give it, or DB and --vault, not both";
    }
  } else {
    if (!flags.ledger.witness_dir.empty()) return "--witness-dir goes with --storage";
    if (flags.ledger.db.empty()) return "the ledger database DB (or --storage) is required";
    if (flags.ledger.vault.empty()) return "--vault is required";
  }
  if (flags.ledger.key.empty()) return "--key is required";
  return "";
}

bool ParseUint(const AuditFlags& flags, const std::string& flag, uint64_t* out) {
  auto it = flags.values.find(flag);
  return it != flags.values.end() && absl::SimpleAtoi(it->second, out);
}

int Verify(const std::vector<std::string>& args, Io io) {
  AuditFlags flags;
  if (const std::string p = ParseAudit(args, {}, false, flags); !p.empty()) return Usage(io, p);
  auto opened = OpenLedger(flags.ledger, /*create_ledger=*/false, std::cin, io);
  if (!opened.ok()) return Failed(io, opened.status());
  auto verification = opened->ledger->Verify();
  if (!verification.ok()) return Failed(io, verification.status());
  if (!verification->ok) {
    io.out << "FAILED at entry " << verification->first_bad_index << ": " << verification->problem
           << "\n";
    return kExitInvalidInput;
  }
  io.out << "ok: " << verification->entries << " entries, " << verification->checkpoints
         << " checkpoints\n";
  return kExitOk;
}

int PrintCheckpoint(const std::vector<std::string>& args, Io io) {
  AuditFlags flags;
  if (const std::string p = ParseAudit(args, {}, false, flags); !p.empty()) return Usage(io, p);
  auto opened = OpenLedger(flags.ledger, /*create_ledger=*/false, std::cin, io);
  if (!opened.ok()) return Failed(io, opened.status());
  Ledger& ledger = *opened->ledger;
  auto checkpoint = ledger.Checkpoint();
  if (!checkpoint.ok()) return Failed(io, checkpoint.status());
  const std::string problem = CheckCheckpoint(*checkpoint, ledger.verifier_key(), ledger.origin());
  if (!problem.empty()) return Failed(io, MakeError(ErrorCode::kVerificationFailed, problem));
  io.out << checkpoint->note << "verifier key: " << ledger.verifier_key() << "\n";
  return kExitOk;
}

int Prove(const std::vector<std::string>& args, Io io) {
  AuditFlags flags;
  if (const std::string p = ParseAudit(args, {"--index", "--size"}, false, flags); !p.empty()) {
    return Usage(io, p);
  }
  uint64_t index = 0, size = 0;
  if (!ParseUint(flags, "--index", &index)) return Usage(io, "--index N is required (N >= 0)");
  if (flags.values.count("--size") && (!ParseUint(flags, "--size", &size) || size == 0)) {
    return Usage(io, "--size must be a positive number of entries");
  }
  auto opened = OpenLedger(flags.ledger, /*create_ledger=*/false, std::cin, io);
  if (!opened.ok()) return Failed(io, opened.status());
  Ledger& ledger = *opened->ledger;
  std::optional<LedgerCheckpoint> checkpoint;
  if (size == 0) {
    auto signed_now = ledger.Checkpoint();
    if (!signed_now.ok()) return Failed(io, signed_now.status());
    checkpoint = *signed_now;
    size = checkpoint->size;
  }
  auto proof = ledger.ProveInclusion(index, size);
  if (!proof.ok()) return Failed(io, proof.status());
  auto root = ledger.Root(size);
  if (!root.ok()) return Failed(io, root.status());
  if (!InclusionProofHolds(*proof, *root)) {
    return Failed(io, MakeError(ErrorCode::kVerificationFailed,
                                "the inclusion proof does not lead to the tree's root"));
  }
  io.out << "entry " << proof->index << " of " << proof->tree_size << "\n"
         << "leaf hash: " << Base64(proof->leaf_hash) << "\n"
         << "proof (" << proof->hashes.size() << " hashes):\n";
  for (const Hash& h : proof->hashes) io.out << Base64(h) << "\n";
  io.out << "root: " << Base64(*root) << "\nproof: ok\n";
  if (checkpoint) {
    const std::string problem =
        CheckCheckpoint(*checkpoint, ledger.verifier_key(), ledger.origin());
    if (!problem.empty()) return Failed(io, MakeError(ErrorCode::kVerificationFailed, problem));
    io.out << "checkpoint:\n" << checkpoint->note;
  }
  return kExitOk;
}

int History(const std::vector<std::string>& args, Io io) {
  AuditFlags flags;
  if (const std::string p = ParseAudit(args,
                                       {"--person", "--reader", "--policy", "--professionals",
                                        "--persons", "--since", "--until", "--limit"},
                                       true, flags);
      !p.empty()) {
    return Usage(io, p);
  }
  for (const char* required : {"--person", "--policy"}) {
    if (!flags.values.count(required)) return Usage(io, absl::StrCat(required, " is required"));
  }
  // Without the directory's files, the engine is the state of record of --storage (the one
  // `socle consent|share|mandate` write to).
  const bool of_record = !flags.values.count("--professionals") && !flags.values.count("--persons");
  if (of_record && flags.ledger.storage.empty()) {
    return Usage(io,
                 "--professionals and --persons are required (or --storage, whose state of "
                 "record holds the directory)");
  }
  if (!of_record && (!flags.values.count("--professionals") || !flags.values.count("--persons"))) {
    return Usage(io, "give both --professionals and --persons, or neither (with --storage)");
  }
  if (flags.values.count("--reader") == flags.as_person) {
    return Usage(io, "give exactly one of --reader PRO and --as-person");
  }
  HistoryQuery query;
  query.person = flags.values["--person"];
  query.reader = flags.as_person ? query.person : flags.values["--reader"];
  query.reader_is_person = flags.as_person;
  for (const auto& [flag, target] :
       {std::pair<const char*, absl::Time*>{"--since", &query.from}, {"--until", &query.to}}) {
    if (!flags.values.count(flag)) continue;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, flags.values[flag], target, &error)) {
      return Usage(io, absl::StrCat(flag, " is not an RFC 3339 time: ", error));
    }
  }
  uint64_t limit = 100;
  if (flags.values.count("--limit") &&
      (!ParseUint(flags, "--limit", &limit) || limit < 1 || limit > 10000)) {
    return Usage(io, "--limit must be 1 to 10000");
  }
  query.limit = limit;

  std::unique_ptr<AccessEngine> own_engine;
  std::optional<OpenedLedger> own_ledger;
  std::unique_ptr<AccessTrail> own_trail;
  std::unique_ptr<OpenedEngine> of_record_engine;
  AccessTrail* trail = nullptr;
  Ledger* trail_ledger = nullptr;
  if (of_record) {
    if (flags.ledger.name != "access_trail") {
      return Usage(io, "with the state of record, the ledger is access_trail");
    }
    std::vector<std::string> engine_args = {
        "--storage", flags.ledger.storage,     "--key",    flags.ledger.key,
        "--policy",  flags.values["--policy"], "--tenant", flags.ledger.tenant};
    if (!flags.ledger.witness_dir.empty()) {
      engine_args.insert(engine_args.end(), {"--witness-dir", flags.ledger.witness_dir});
    }
    Flags engine_flags;
    if (const std::string p = engine_flags.Parse(engine_args, EngineFlagNames(), {}); !p.empty()) {
      return Usage(io, p);
    }
    auto opened =
        OpenEngine(engine_flags, /*create_state=*/false, /*with_trail=*/true, std::cin, io);
    if (!opened.ok()) return Failed(io, opened.status());
    of_record_engine = *std::move(opened);
    trail = of_record_engine->trail.get();
    trail_ledger = of_record_engine->trail_ledger.get();
  } else {
    std::vector<Diagnostic> diagnostics;
    auto policy = Policy::LoadFile(flags.values["--policy"], &diagnostics);
    if (!policy.ok()) {
      for (const Diagnostic& d : diagnostics) {
        io.err << d.ToString(flags.values["--policy"]) << "\n";
      }
      return Failed(io, policy.status());
    }
    auto engine = AccessEngine::Create(*policy);
    if (!engine.ok()) return Failed(io, engine.status());
    own_engine = *std::move(engine);
    auto loaded = own_engine->LoadDirectoryTsvFiles(flags.values["--professionals"],
                                                    flags.values["--persons"]);
    if (!loaded.ok()) return Failed(io, loaded.status());
    auto opened = OpenLedger(flags.ledger, /*create_ledger=*/false, std::cin, io);
    if (!opened.ok()) return Failed(io, opened.status());
    own_ledger = *std::move(opened);
    auto made = AccessTrail::Create(own_ledger->ledger, *own_engine);
    if (!made.ok()) return Failed(io, made.status());
    own_trail = *std::move(made);
    trail = own_trail.get();
    trail_ledger = own_ledger->ledger.get();
  }
  auto history = trail->History(query);
  if (!history.ok()) return Failed(io, history.status());

  Ledger& ledger = *trail_ledger;
  const std::string problem =
      CheckCheckpoint(history->checkpoint, ledger.verifier_key(), ledger.origin());
  if (!problem.empty()) return Failed(io, MakeError(ErrorCode::kVerificationFailed, problem));
  io.out << "history of " << query.person << " (" << history->entries.size() << " entries"
         << (history->next_after >= 0 ? ", more after this page" : "") << ")\n";
  for (const HistoryEntry& e : history->entries) {
    if (!InclusionProofHolds(e.proof, history->checkpoint.root) || e.proof.index != e.index) {
      return Failed(io, MakeError(ErrorCode::kVerificationFailed,
                                  absl::StrCat("the inclusion proof of entry ", e.index,
                                               " does not lead to the checkpoint")));
    }
    io.out << FormatHistoryEntry(e) << "  proof: ok\n";
  }
  if (history->next_after >= 0) {
    io.out << "next page: --since/--until as before, after entry " << history->next_after << "\n";
  }
  // REQ-55: who may read the person's file now, and why.
  auto holders = trail->CurrentAccessList(query.person);
  if (!holders.ok()) return Failed(io, holders.status());
  io.out << "who may read this file now:\n";
  for (const CurrentAccess& a : *holders) {
    io.out << "  " << a.professional << " (" << (a.role.empty() ? "-" : a.role)
           << (a.structure.empty() ? "" : ", " + a.structure) << "): " << a.basis
           << (a.team.empty() ? "" : " " + a.team)
           << (a.expires_at == absl::InfiniteFuture()
                   ? ""
                   : " until " +
                         absl::FormatTime("%Y-%m-%d %H:%M UTC", a.expires_at, absl::UTCTimeZone()))
           << "\n";
  }
  io.out << "checkpoint (signature verified with " << ledger.verifier_key() << "):\n"
         << history->checkpoint.note;
  return kExitOk;
}

}  // namespace

absl::StatusOr<OpenedLedger> OpenLedger(const LedgerFlags& flags, bool create_ledger,
                                        std::istream& in, Io io) {
  std::optional<Storage> storage;
  if (!flags.storage.empty()) {
    // Storage::Open creates a missing directory: a mistyped one must not become an empty
    // storage. A URI (the prefixes Storage::Open recognises) names no local path.
    const bool uri = absl::StartsWith(flags.storage, "postgresql://") ||
                     absl::StartsWith(flags.storage, "postgres://");
    std::error_code ec;
    if (!uri && !std::filesystem::exists(flags.storage, ec)) {
      return MakeError(ErrorCode::kNotFound, absl::StrCat("no such directory: ", flags.storage));
    }
    StorageOptions storage_options;
    storage_options.witness_dir = flags.witness_dir;
    auto opened_storage = Storage::Open(flags.storage, storage_options);
    if (!opened_storage.ok()) return opened_storage.status();
    storage.emplace(*std::move(opened_storage));
  }
  // Opening creates missing files: a mistyped path must not become an empty vault or ledger.
  // (A PostgreSQL storage has no files to check: its vault and ledger are schemas.)
  std::vector<std::string> required;
  if (!storage.has_value()) {
    if (!create_ledger) required.push_back(flags.db);
    required.push_back(flags.vault);
  } else if (!storage->postgres()) {
    const std::filesystem::path directory(flags.storage);
    if (!create_ledger) required.push_back((directory / (flags.name + ".db")).string());
    required.push_back((directory / "vault.db").string());
  }
  required.push_back(flags.key);
  for (const std::string& path : required) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return MakeError(ErrorCode::kNotFound, absl::StrCat("no such file: ", path));
    }
  }
  auto passphrase = ReadPassphrase(in, io);
  if (!passphrase.ok()) return passphrase.status();
  auto provider = KeyFileProvider::Open(flags.key, *passphrase);
  if (!provider.ok()) return provider.status();
  std::shared_ptr<KeyProvider> shared_provider(*std::move(provider));
  auto vault = storage.has_value()
                   ? storage->OpenVault(std::move(shared_provider), flags.tenant)
                   : Vault::Open(std::move(shared_provider), flags.vault, flags.tenant);
  if (!vault.ok()) return vault.status();
  LedgerOptions options;
  options.durability = Durability::kSync;  // a command's entries are on disk when it exits
  options.witness_path = flags.witness;    // empty: beside the file, or the storage's
  OpenedLedger opened;
  opened.vault = std::shared_ptr<Vault>(*std::move(vault));
  auto ledger = storage.has_value() ? storage->OpenLedger(opened.vault, flags.name, options)
                                    : Ledger::Open(flags.db, opened.vault, flags.name, options);
  if (!ledger.ok()) return ledger.status();
  opened.ledger = std::shared_ptr<Ledger>(*std::move(ledger));
  return opened;
}

int Audit(const std::vector<std::string>& args, Io io) {
  if (args.empty() || args[0] == "help" || WantsHelp(args)) {
    (args.empty() ? io.err : io.out) << kAuditUsage;
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "verify") return Verify(rest, io);
  if (args[0] == "history") return History(rest, io);
  if (args[0] == "checkpoint") return PrintCheckpoint(rest, io);
  if (args[0] == "prove") return Prove(rest, io);
  return Usage(io, absl::StrCat("unknown subcommand '", args[0], "'"));
}

}  // namespace socle::cli
