// Helpers shared by the vault suites: temporary directories, fast key files, a scriptable
// in-memory key provider, raw reads of files and database rows, and the check that no status
// carries a secret.
#ifndef SOCLE_TESTS_VAULT_TEST_UTIL_H_
#define SOCLE_TESTS_VAULT_TEST_UTIL_H_

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/vault.hpp"

namespace socle::vault_testing {

inline std::vector<uint8_t> Bytes(absl::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

inline std::vector<uint8_t> Unhex(absl::string_view hex) {
  std::string compact;
  for (char c : hex) {
    if (c != ' ' && c != '\n') compact.push_back(c);
  }
  BOOST_REQUIRE_MESSAGE(compact.size() % 2 == 0, "odd-length hex vector");
  const std::string bytes = absl::HexStringToBytes(compact);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

inline std::string Hex(absl::Span<const uint8_t> bytes) { return crypto::ToHex(bytes); }

inline std::string AsString(const SecretBytes& bytes) { return std::string(bytes.view()); }

inline absl::string_view CodeName(const absl::Status& status) {
  return ErrorCodeName(ErrorCodeOf(status));
}

// 0, 1, 2, … as a secret of `n` bytes starting at `first`.
inline SecretBytes SequenceKey(size_t n, uint8_t first = 0) {
  SecretBytes key(n);
  for (size_t i = 0; i < n; ++i) key.data()[i] = static_cast<uint8_t>(first + i);
  return key;
}

// A directory removed with its content when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "socle-vault-XXXXXX").string();
    BOOST_REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(absl::string_view name) const { return path_ + "/" + std::string(name); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFileBytes(const std::string& path, absl::Span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  BOOST_REQUIRE(out.good());
}

inline bool Contains(absl::Span<const uint8_t> haystack, absl::Span<const uint8_t> needle) {
  if (needle.empty() || haystack.size() < needle.size()) return false;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

inline mode_t FileMode(const std::string& path) {
  struct stat st {};
  BOOST_REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

inline const SecretBytes& TestPassphrase() {
  static const SecretBytes* p = new SecretBytes(absl::string_view("Tr0ub4dor&3-vault-test"));
  return *p;
}

inline KeyFileOptions FastKdf() {
  KeyFileOptions o;
  o.kdf = PassphraseKdfParams::MinimumForTests();
  o.allow_weak_kdf_for_tests = true;
  return o;
}

inline std::shared_ptr<KeyFileProvider> NewKeyFile(const std::string& path) {
  auto provider = KeyFileProvider::Create(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE_MESSAGE(provider.ok(), provider.status().ToString());
  return std::shared_ptr<KeyFileProvider>(std::move(*provider));
}

// A key file at libsodium's INTERACTIVE cost (about 0.1 s per unlock): the cheapest that code
// without allow_weak_kdf_for_tests (the CLI, the C ABI, other processes) opens.
inline std::shared_ptr<KeyFileProvider> NewInteractiveKeyFile(const std::string& path) {
  KeyFileOptions options;
  options.kdf = PassphraseKdfParams::Interactive();
  auto provider = KeyFileProvider::Create(path, TestPassphrase(), options);
  BOOST_REQUIRE_MESSAGE(provider.ok(), provider.status().ToString());
  return std::shared_ptr<KeyFileProvider>(std::move(*provider));
}

inline std::unique_ptr<Vault> LoadVault(std::shared_ptr<KeyProvider> provider,
                                        const std::string& db,
                                        absl::string_view tenant = "ccas-lyon",
                                        const VaultOptions& options = {}) {
  auto vault = Vault::Open(std::move(provider), db, tenant, options);
  BOOST_REQUIRE_MESSAGE(vault.ok(), vault.status().ToString());
  return std::move(*vault);
}

// An in-memory key provider that behaves like an HSM: XChaCha20-Poly1305 under per-version keys,
// optional random padding of wrapped blobs (to push them into SQLite overflow pages), and
// switches that make calls fail, for rotation rollback tests.
class FakeHsm final : public KeyProvider {
 public:
  explicit FakeHsm(size_t padding = 0) : padding_(padding) { keys_[1] = SecretBytes::Random(32); }

  std::string KeyId() const override { return "hsm:test-master"; }
  absl::StatusOr<uint32_t> CurrentVersion() const override {
    std::lock_guard lock(mu_);
    return current_;
  }
  absl::StatusOr<std::vector<uint8_t>> Wrap(uint32_t version, const SecretBytes& key,
                                            absl::Span<const uint8_t> ad) const override {
    const int n = wraps_.fetch_add(1);
    if (fail_wrap_after >= 0 && n >= fail_wrap_after) {
      return MakeError(ErrorCode::kIo, "fake HSM: unreachable");
    }
    std::lock_guard lock(mu_);
    const auto it = keys_.find(version);
    if (it == keys_.end()) return MakeError(ErrorCode::kNotFound, "fake HSM: no such version");
    seen_keys_.push_back(key.Clone());
    auto sealed = crypto::AeadSeal(it->second, key.span(), ad);
    if (!sealed.ok()) return sealed.status();
    // Random padding: every wrapped blob stays unique over its whole length, so the shredding
    // scan can look for any part of it (overflow pages included).
    std::vector<uint8_t> padding(padding_);
    crypto::RandomBytes(absl::MakeSpan(padding));
    sealed->insert(sealed->end(), padding.begin(), padding.end());
    return sealed;
  }
  absl::StatusOr<SecretBytes> Unwrap(uint32_t version, absl::Span<const uint8_t> wrapped,
                                     absl::Span<const uint8_t> ad) const override {
    unwraps_.fetch_add(1);
    std::lock_guard lock(mu_);
    const auto it = keys_.find(version);
    if (it == keys_.end() || wrapped.size() < padding_) {
      return MakeError(ErrorCode::kVerificationFailed, "verification failed");
    }
    return crypto::AeadOpen(it->second, wrapped.first(wrapped.size() - padding_), ad);
  }
  absl::StatusOr<uint32_t> Rotate() override {
    std::lock_guard lock(mu_);
    if (!supports_rotate) return MakeError(ErrorCode::kUnsupported, "managed outside");
    ++current_;
    keys_[current_] = SecretBytes::Random(32);
    return current_;
  }
  absl::Status RetireVersionsBefore(uint32_t version) override {
    std::lock_guard lock(mu_);
    for (auto it = keys_.begin(); it != keys_.end();) {
      it = it->first < version ? keys_.erase(it) : std::next(it);
    }
    return absl::OkStatus();
  }
  // Rotation done "in the HSM console", outside socle.
  void RotateOutside() {
    std::lock_guard lock(mu_);
    ++current_;
    keys_[current_] = SecretBytes::Random(32);
  }
  // Every key this provider was asked to wrap (for the tests that search messages for keys).
  std::vector<std::vector<uint8_t>> seen_keys() const {
    std::lock_guard lock(mu_);
    std::vector<std::vector<uint8_t>> out;
    for (const SecretBytes& k : seen_keys_) out.emplace_back(k.data(), k.data() + k.size());
    return out;
  }
  size_t version_count() const {
    std::lock_guard lock(mu_);
    return keys_.size();
  }

  std::atomic<int> fail_wrap_after{-1};
  bool supports_rotate = true;
  mutable std::atomic<int> wraps_{0};
  mutable std::atomic<int> unwraps_{0};

 private:
  const size_t padding_;
  mutable std::mutex mu_;
  std::map<uint32_t, SecretBytes> keys_;
  mutable std::vector<SecretBytes> seen_keys_;
  uint32_t current_ = 1;
};

// Raw rows of a vault table, read with SQLite directly (what an attacker with the file sees).
struct RawRow {
  int64_t id;
  int64_t master_version;
  std::vector<uint8_t> wrapped;
};
inline std::vector<RawRow> RawRows(const std::string& db, absl::string_view table) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  const std::string sql =
      "SELECT id, master_version, wrapped FROM " + std::string(table) + " ORDER BY id";
  sqlite3_stmt* s = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  std::vector<RawRow> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s, 2));
    rows.push_back(RawRow{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                          std::vector<uint8_t>(p, p + sqlite3_column_bytes(s, 2))});
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return rows;
}

// A plain SQLite connection to a vault database, as another program (a backup tool, a reporting
// job, an attacker with write access) would open it.
class RawConnection {
 public:
  explicit RawConnection(const std::string& db) {
    BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    // The last connection to close checkpoints the WAL: this one must never tidy up behind
    // the vault's back.
    BOOST_REQUIRE(sqlite3_db_config(h_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) ==
                  SQLITE_OK);
  }
  ~RawConnection() { sqlite3_close(h_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  void Exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(h_, sql.c_str(), nullptr, nullptr, &error);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << (error != nullptr ? error : ""));
  }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(h_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    const int64_t value = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return value;
  }

 private:
  sqlite3* h_ = nullptr;
};

// Fails the test if the message or payloads of `status` contain `secret` (raw, or as lower- or
// upper-case hex), or any 4-byte window of it when it is at least 8 bytes long (keys).
inline void CheckNoSecret(const absl::Status& status, absl::Span<const uint8_t> secret,
                          absl::string_view what) {
  std::vector<std::string> haystacks = {std::string(status.message())};
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    haystacks.emplace_back(type_url);
    haystacks.emplace_back(std::string(payload));
  });
  std::vector<std::vector<uint8_t>> needles;
  if (secret.size() >= 16) {
    for (size_t i = 0; i + 4 <= secret.size(); ++i) {
      needles.emplace_back(secret.begin() + i, secret.begin() + i + 4);
    }
  } else {
    needles.emplace_back(secret.begin(), secret.end());
  }
  for (const auto& needle : needles) {
    const std::string raw(needle.begin(), needle.end());
    const std::string hex = Hex(needle);
    const std::string upper = absl::AsciiStrToUpper(hex);
    for (const std::string& h : haystacks) {
      BOOST_TEST((h.find(raw) == std::string::npos && h.find(hex) == std::string::npos &&
                  h.find(upper) == std::string::npos),
                 what << " leaked into: " << status.ToString());
    }
  }
}

}  // namespace socle::vault_testing

#endif  // SOCLE_TESTS_VAULT_TEST_UTIL_H_
