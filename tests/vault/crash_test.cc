// kill -9 crash consistency of the vault (a plain driver; the exit code is the verdict).
//
// The parent starts a child (this program with --child) that loops over first seals, shreds and
// rotations with retirement of the old master key versions, writing one line to the parent
// before and after each operation. The parent kills it with SIGKILL at a random moment; an
// LD_PRELOAD shim (fault_shim.c) makes chosen calls of fsync/fdatasync and rename fail in some
// rounds. After each round the parent checks, before anything reopens the vault, that no
// wrapped key of a person whose shred was acknowledged remains in the database or its WAL; then
// that the key file opens, Load and Verify pass, every acknowledged record opens (or, for a
// person whose shred was under way, is NOT_FOUND), no shred is left pending, still no
// shredded person's wrapped key is left in any file, and (every 20 rounds) every shredded person
// is refused by KeyCreation::kRefuseIfShredded.
//
// The wrapped keys looked for are every wrapping the parent or the child could see: the child
// reports a person's wrapped key after its first seal and just before shredding it, and the
// parent records every live person's at the end of each round.
//
// usage: vault_crash_test --shim PATH [--rounds N] [--seed S] [--keep]
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "socle/vault.hpp"
#include "vault/format.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOCLE_CRASH_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOCLE_CRASH_TEST_ASAN 1
#endif
#endif

namespace socle {
namespace {

constexpr char kTenant[] = "ccas-crash";
constexpr int kMaxOpsPerChild = 40;

const SecretBytes& Passphrase() {
  static const SecretBytes* p = new SecretBytes(absl::string_view("crash-test passphrase"));
  return *p;
}

// libsodium's minimum Argon2id cost: a test's key file (each round opens it again).
KeyFileOptions FastKdf() {
  KeyFileOptions o;
  o.kdf = PassphraseKdfParams::MinimumForTests();
  o.allow_weak_kdf_for_tests = true;
  return o;
}

std::string PersonId(int64_t id) { return "P-" + std::to_string(id); }
std::string Text(int64_t id) { return "note of " + std::to_string(id); }
std::string Hex(absl::Span<const uint8_t> b) { return crypto::ToHex(b); }
std::vector<uint8_t> Unhex(absl::string_view hex) {
  const std::string bytes = absl::HexStringToBytes(hex);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Person tags, and the wrapped keys stored under them, read with SQLite directly.
class RawKeys {
 public:
  static std::unique_ptr<RawKeys> Open(KeyProvider& provider, const std::string& db) {
    auto raw = std::unique_ptr<RawKeys>(new RawKeys());
    if (sqlite3_open_v2(db.c_str(), &raw->h_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      return nullptr;
    }
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(raw->h_, "SELECT master_version, wrapped FROM tenant_keys WHERE tenant = ?1",
                       -1, &s, nullptr);
    sqlite3_bind_text(s, 1, kTenant, -1, SQLITE_STATIC);
    if (s == nullptr || sqlite3_step(s) != SQLITE_ROW) {
      sqlite3_finalize(s);
      return nullptr;
    }
    const auto version = static_cast<uint32_t>(sqlite3_column_int64(s, 0));
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s, 1));
    const std::vector<uint8_t> wrapped(p, p + sqlite3_column_bytes(s, 1));
    sqlite3_finalize(s);
    auto key = provider.Unwrap(version, wrapped,
                               vault_internal::WrapAssociatedData(
                                   vault_internal::KeyKind::kTenantLookup, provider.KeyId(),
                                   version, kTenant, {}, 0));
    if (!key.ok()) return nullptr;
    raw->lookup_key_ = *std::move(key);
    sqlite3_prepare_v2(raw->h_, "SELECT wrapped FROM person_keys WHERE tenant = ?1 AND person_tag = ?2",
                       -1, &raw->select_, nullptr);
    return raw;
  }
  ~RawKeys() {
    sqlite3_finalize(select_);
    sqlite3_close(h_);
  }

  std::vector<std::vector<uint8_t>> Wrapped(int64_t id) {
    std::vector<std::vector<uint8_t>> out;
    const auto tag = vault_internal::ComputePersonTag(lookup_key_, kTenant, PersonId(id));
    if (!tag.ok()) return out;
    sqlite3_bind_text(select_, 1, kTenant, -1, SQLITE_STATIC);
    sqlite3_bind_blob(select_, 2, tag->data(), static_cast<int>(tag->size()), SQLITE_STATIC);
    while (sqlite3_step(select_) == SQLITE_ROW) {
      const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(select_, 0));
      out.emplace_back(p, p + sqlite3_column_bytes(select_, 0));
    }
    sqlite3_reset(select_);  // no read transaction stays open
    return out;
  }

 private:
  RawKeys() = default;
  sqlite3* h_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
  SecretBytes lookup_key_;
};

// ---- the child ----

void Say(const std::string& line) {
  const std::string out = line + "\n";  // one write below PIPE_BUF: never torn by the kill
  if (write(STDOUT_FILENO, out.data(), out.size()) != static_cast<ssize_t>(out.size())) _exit(3);
}

int Child(const std::string& dir, uint64_t seed, int64_t first_id) {
  if (!crypto::Init().ok()) return 2;
  auto opened = KeyFileProvider::Open(dir + "/k", Passphrase(), FastKdf());
  if (!opened.ok()) {
    Say("F open key file: " + opened.status().ToString());
    return 0;  // the parent's own checks give the verdict (an injected fault can cause this)
  }
  std::shared_ptr<KeyProvider> provider(std::move(*opened));
  auto loaded = Vault::Open(provider, dir + "/v.db", kTenant);
  if (!loaded.ok()) {
    Say("F load: " + loaded.status().ToString());
    return 0;
  }
  std::unique_ptr<Vault> vault = std::move(*loaded);
  auto raw = RawKeys::Open(*provider, dir + "/v.db");
  if (raw == nullptr) {
    Say("F raw keys");
    return 0;
  }
  std::vector<int64_t> live;
  {
    std::ifstream in(dir + "/live");
    for (int64_t id; in >> id;) live.push_back(id);
  }
  std::mt19937_64 rng(seed);
  int64_t next = first_id;
  for (int op = 0; op < kMaxOpsPerChild; ++op) {
    const int dice = static_cast<int>(rng() % 100);
    if (dice < 45 || live.empty()) {
      const int64_t id = next++;
      Say("s " + std::to_string(id));
      const std::string text = Text(id);
      auto sealed = vault->SealRecord(
          RecordRef{PersonId(id), "r", 1},
          absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
      if (!sealed.ok()) {
        Say("F seal: " + sealed.status().ToString());
        continue;
      }
      Say("S " + std::to_string(id) + " " + Hex(*sealed));
      for (const auto& w : raw->Wrapped(id)) Say("w " + std::to_string(id) + " " + Hex(w));
      live.push_back(id);
    } else if (dice < 85) {
      const size_t at = rng() % live.size();
      const int64_t id = live[at];
      for (const auto& w : raw->Wrapped(id)) Say("w " + std::to_string(id) + " " + Hex(w));
      Say("d " + std::to_string(id));
      const absl::Status shred = vault->ShredPerson(PersonId(id));
      if (!shred.ok()) {
        Say("F shred: " + shred.ToString());
        continue;
      }
      Say("D " + std::to_string(id));
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
      Say("r");
      const auto report = vault->RotateMasterKey(/*retire_previous=*/true);
      if (!report.ok()) {
        Say("F rotate: " + report.status().ToString());
        continue;
      }
      Say("R " + std::to_string(report->master_version));
    }
  }
  Say("E");
  return 0;
}

// ---- the parent ----

struct Options {
  std::string shim;
  int rounds = 200;
  uint64_t seed = 20261203;
  bool keep = false;
};

class Parent {
 public:
  explicit Parent(Options options) : o_(std::move(options)), rng_(o_.seed) {}

  int Run() {
    std::string pattern = (std::filesystem::temp_directory_path() / "socle-crash-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return Fail("mkdtemp");
    dir_ = pattern;
    auto created = KeyFileProvider::Create(dir_ + "/k", Passphrase(), FastKdf());
    if (!created.ok()) return Fail("create key file: " + created.status().ToString());
    {
      auto vault = Vault::Open(std::shared_ptr<KeyProvider>(std::move(*created)), db(), kTenant);
      if (!vault.ok()) return Fail("first load: " + vault.status().ToString());
    }
    int status = 0;
    for (round_ = 0; round_ < o_.rounds && status == 0; ++round_) status = Round();
    std::cout << "vault crash test: " << round_ << " rounds, " << acked_seals_ << " seals, "
              << acked_shreds_ << " shreds and " << acked_rotations_
              << " rotations acknowledged, " << killed_ << " children killed, "
              << failed_ops_ << " operations failed by injected faults or kills\n";
    if (!o_.keep) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    } else {
      std::cout << "kept " << dir_ << "\n";
    }
    return status;
  }

 private:
  std::string db() const { return dir_ + "/v.db"; }

  int Fail(const std::string& what) {
    std::cerr << "FAILED (seed " << o_.seed << ", round " << round_ << ", injected faults: fsync "
              << (fsync_at_.empty() ? "none" : fsync_at_) << ", rename "
              << (rename_at_.empty() ? "none" : rename_at_) << "): " << what << "\n";
    if (o_.keep) std::cerr << "the child said:\n" << output_;
    return 1;
  }

  int Round() {
    {
      std::ofstream out(dir_ + "/live", std::ios::trunc);
      for (int64_t id : live_) out << id << "\n";
    }
    // Injected faults: some rounds fail one fsync (of SQLite's or the key file's), some one
    // rename (the key file's replacement).
    fsync_at_ = rng_() % 3 == 0 ? std::to_string(1 + rng_() % 60) : "";
    rename_at_ = rng_() % 4 == 0 ? std::to_string(1 + rng_() % 3) : "";
    const std::string& fsync_at = fsync_at_;
    const std::string& rename_at = rename_at_;
    const uint64_t child_seed = rng_();
    // The kill comes after a random number of the child's lines (each operation writes one
    // before and one after it) and a random delay: anywhere in start-up, in an operation, or
    // between two. Every round thus gets somewhere, on a loaded machine too.
    const int lines_before_kill = static_cast<int>(rng_() % 8);
    const auto delay_us = static_cast<useconds_t>(rng_() % 25000);
    const int64_t first_id = next_id_;
    next_id_ += kMaxOpsPerChild;

    int fds[2];
    if (pipe(fds) != 0) return Fail("pipe");
    const pid_t pid = fork();
    if (pid < 0) return Fail("fork");
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      setenv("LD_PRELOAD", o_.shim.c_str(), 1);
      setenv("SOCLE_FAULT_FSYNC", fsync_at.c_str(), 1);
      setenv("SOCLE_FAULT_RENAME", rename_at.c_str(), 1);
      // The shim comes before the sanitizer's runtime in the library list.
      const char* asan = getenv("ASAN_OPTIONS");
      const std::string asan_options =
          std::string(asan != nullptr ? asan : "") + ":verify_asan_link_order=0";
      setenv("ASAN_OPTIONS", asan_options.c_str(), 1);
      const std::string seed = std::to_string(child_seed);
      const std::string first = std::to_string(first_id);
      execl("/proc/self/exe", "vault_crash_test", "--child", dir_.c_str(), seed.c_str(),
            first.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    std::string output;
    char buffer[4096];
    while (std::count(output.begin(), output.end(), '\n') < lines_before_kill) {
      const ssize_t n = read(fds[0], buffer, sizeof(buffer));
      if (n > 0) {
        output.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        break;
      }
    }
    usleep(delay_us);
    kill(pid, SIGKILL);
    for (;;) {
      const ssize_t n = read(fds[0], buffer, sizeof(buffer));
      if (n > 0) {
        output.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        break;
      }
    }
    close(fds[0]);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL) {
      ++killed_;
    } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
      // A child that could not even open the vault is a finding, not noise.
      return Fail("the child exited with status " + std::to_string(wstatus) + ": " + output);
    }
    output_ = output;
    if (const int rc = Absorb(output); rc != 0) return rc;
    return Check();
  }

  // Takes in what the child acknowledged.
  int Absorb(const std::string& output) {
    for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
      const std::vector<std::string> f = absl::StrSplit(line, ' ');
      const char kind = f[0][0];
      const int64_t id = f.size() > 1 && kind != 'F' ? std::stoll(f[1]) : 0;
      switch (kind) {
        case 'S':
          sealed_[id] = Unhex(f[2]);
          live_.insert(id);
          ++acked_seals_;
          break;
        case 'w':
          AddWrapping(id, Unhex(f[2]));
          break;
        case 'd':
          shred_under_way_.insert(id);
          break;
        case 'D':
          live_.erase(id);
          shred_under_way_.erase(id);
          shredded_.insert(id);
          acked_shred_.insert(id);
          ++acked_shreds_;
          break;
        case 'R':
          ++acked_rotations_;
          break;
        case 'F':
          ++failed_ops_;
          break;
        default:
          break;
      }
    }
    return 0;
  }

  void AddWrapping(int64_t id, std::vector<uint8_t> wrapped) {
    auto& list = wrappings_[id];
    if (std::find(list.begin(), list.end(), wrapped) == list.end()) list.push_back(wrapped);
  }

  // The 16-byte windows of every wrapping of `ids`, at every 8th offset.
  static constexpr size_t kWindow = 16;
  absl::flat_hash_set<std::string> Needles(const std::set<int64_t>& ids) const {
    absl::flat_hash_set<std::string> needles;
    for (int64_t id : ids) {
      const auto it = wrappings_.find(id);
      if (it == wrappings_.end()) continue;
      for (const auto& w : it->second) {
        for (size_t i = 0; i + kWindow <= w.size(); i += 8) {
          needles.emplace(reinterpret_cast<const char*>(w.data() + i), kWindow);
        }
      }
    }
    return needles;
  }

  // The first person of `ids` one of whose wrapped keys is in the database or its WAL.
  std::optional<std::string> Leak(const std::set<int64_t>& ids) const {
    const auto needles = Needles(ids);
    if (needles.empty()) return std::nullopt;
    for (const char* suffix : {"", "-wal"}) {
      const std::vector<uint8_t> bytes = ReadFileBytes(db() + suffix);
      for (size_t i = 0; i + kWindow <= bytes.size(); ++i) {
        if (needles.contains(
                absl::string_view(reinterpret_cast<const char*>(bytes.data() + i), kWindow))) {
          for (int64_t id : ids) {
            if (Needles({id}).contains(absl::string_view(
                    reinterpret_cast<const char*>(bytes.data() + i), kWindow))) {
              return "the wrapped key of shredded person " + std::to_string(id) +
                     " remains in v.db" + std::string(suffix) + " at offset " + std::to_string(i);
            }
          }
        }
      }
    }
    return std::nullopt;
  }

  int Check() {
    // Before anything reopens the vault: an acknowledged shred left nothing behind.
    if (const auto leak = Leak(acked_shred_)) return Fail(*leak + " (acknowledged shred)");

    auto opened = KeyFileProvider::Open(dir_ + "/k", Passphrase(), FastKdf());
    if (!opened.ok()) return Fail("the key file does not open: " + opened.status().ToString());
    std::shared_ptr<KeyProvider> provider(std::move(*opened));
    auto loaded = Vault::Open(provider, db(), kTenant);
    if (!loaded.ok()) return Fail("Load: " + loaded.status().ToString());
    std::unique_ptr<Vault> vault = std::move(*loaded);
    if (const absl::Status verified = vault->Verify(); !verified.ok()) {
      return Fail("Verify: " + verified.ToString());
    }
    for (auto it = live_.begin(); it != live_.end();) {
      const int64_t id = *it;
      const auto text = vault->OpenRecord(RecordRef{PersonId(id), "r", 1}, sealed_[id]);
      if (text.ok() && std::string(text->view()) == Text(id)) {
        ++it;
        continue;
      }
      if (!text.ok() && ErrorCodeOf(text.status()) == ErrorCode::kNotFound &&
          shred_under_way_.contains(id)) {
        shredded_.insert(id);  // the kill came after the delete committed
        it = live_.erase(it);
        continue;
      }
      return Fail("acknowledged record of person " + std::to_string(id) +
                  " does not open: " + text.status().ToString());
    }
    shred_under_way_.clear();
    if (round_ % 20 == 0 || round_ + 1 == o_.rounds) {
      for (int64_t id : shredded_) {
        const auto text = vault->OpenRecord(RecordRef{PersonId(id), "r", 1}, sealed_[id]);
        if (ErrorCodeOf(text.status()) != ErrorCode::kNotFound) {
          return Fail("shredded person " + std::to_string(id) + " is not NOT_FOUND: " +
                      text.status().ToString());
        }
        // The shredded tag was written with the delete: no kill loses it.
        const auto sealed = vault->SealRecord(RecordRef{PersonId(id), "trail", 1}, {},
                                              KeyCreation::kRefuseIfShredded);
        if (ErrorCodeOf(sealed.status()) != ErrorCode::kFailedPrecondition) {
          return Fail("shredded person " + std::to_string(id) +
                      " is not refused by a sealing that refuses shredded persons: " +
                      sealed.status().ToString());
        }
      }
    }
    {
      sqlite3* h = nullptr;
      sqlite3_open_v2(db().c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
      sqlite3_stmt* s = nullptr;
      sqlite3_prepare_v2(h, "SELECT count(*) FROM pending_shreds", -1, &s, nullptr);
      const int64_t pending = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
      sqlite3_finalize(s);
      sqlite3_close(h);
      if (pending != 0) return Fail("Load left " + std::to_string(pending) + " shreds pending");
    }
    if (const auto leak = Leak(shredded_)) return Fail(*leak);
    // What every live person's key looks like now, for the scans of later rounds.
    auto raw = RawKeys::Open(*provider, db());
    if (raw == nullptr) return Fail("cannot read the tenant key");
    for (int64_t id : live_) {
      for (auto& w : raw->Wrapped(id)) AddWrapping(id, std::move(w));
    }
    return 0;
  }

  Options o_;
  std::mt19937_64 rng_;
  std::string dir_;
  int round_ = 0;
  std::string fsync_at_, rename_at_, output_;
  int64_t next_id_ = 1;
  std::map<int64_t, std::vector<uint8_t>> sealed_;
  std::set<int64_t> live_;
  std::set<int64_t> shred_under_way_;
  std::set<int64_t> shredded_;
  std::set<int64_t> acked_shred_;
  std::map<int64_t, std::vector<std::vector<uint8_t>>> wrappings_;
  int acked_seals_ = 0, acked_shreds_ = 0, acked_rotations_ = 0, killed_ = 0, failed_ops_ = 0;
};

}  // namespace
}  // namespace socle

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--child") {
    return socle::Child(argv[2], std::stoull(argv[3]), std::stoll(argv[4]));
  }
  socle::Options options;
  for (int i = 1; i + 1 < argc || (i < argc && std::string(argv[i]) == "--keep"); ++i) {
    const std::string arg = argv[i];
    if (arg == "--keep") {
      options.keep = true;
    } else if (arg == "--shim") {
      options.shim = argv[++i];
    } else if (arg == "--rounds") {
      options.rounds = std::stoi(argv[++i]);
    } else if (arg == "--seed") {
      options.seed = std::stoull(argv[++i]);
    } else {
      std::cerr << "unknown argument " << arg << "\n";
      return 2;
    }
  }
  if (options.shim.empty()) {
    std::cerr << "usage: vault_crash_test --shim PATH [--rounds N] [--seed S] [--keep]\n";
    return 2;
  }
#ifdef SOCLE_CRASH_TEST_ASAN
  // Every round starts an instrumented process: fewer of them under the sanitizers.
  options.rounds = std::min(options.rounds, 100);
#endif
  if (!socle::crypto::Init().ok()) return 2;
  return socle::Parent(options).Run();
}
