// The key file: round trip, permissions and atomic writes, one generic error for a wrong
// passphrase or any altered byte, rotation and retirement inside the file, a new passphrase,
// and a committed file that must keep opening.
#include <dirent.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "socle/v1/vault.pb.h"
#include "test_util.h"

namespace socle {
namespace {

using vault_testing::AsString;
using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::FastKdf;
using vault_testing::FileMode;
using vault_testing::Hex;
using vault_testing::NewKeyFile;
using vault_testing::ReadFileBytes;
using vault_testing::SequenceKey;
using vault_testing::TempDir;
using vault_testing::TestPassphrase;
using vault_testing::Unhex;
using vault_testing::WriteFileBytes;

constexpr absl::string_view kUnlockFailed =
    "verification failed: wrong passphrase or altered key file";

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  BOOST_REQUIRE(d != nullptr);
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  return names;
}

// A key file created once (clock at 2026-01-01T00:00:00Z) with libsodium's minimum Argon2id
// cost and the passphrase below, and the data key d0..ef wrapped under its version 1 with
// kKatAd. It must open with this and every later build: the file format is frozen.
constexpr absl::string_view kKatPassphrase = "socle key file, known answer";
constexpr char kKatKeyFileHex[] =
    "534f434c454b4559080112236b662d6166313862373338613038336430633438626437323939386661663736"
    "6164341a19080110011880402210baacc31bdc3a8d69e1e4d63a77387081225d1b78f1ec929775108fc8d1ea"
    "9474ff1d6d8ec48f4d4b9e41a86c3a069042665b3a06e332b4741844e155ef6260d442376116f97c8ac00977"
    "50d1e4f3bb883ca5baba46b700292d4325e55148d05003594458b2e259819e6936de848be72880f2d6ca0630"
    "80f2d6ca06";
constexpr char kKatKeyId[] = "kf-af18b738a083d0c48bd72998faf76ad4";
constexpr absl::string_view kKatAd = "socle.vault.test.kat";
constexpr char kKatWrappedHex[] =
    "c243eb067f22035160262b6a802cfa91a4cc02a66b60d3345a08bf597add49737d84d7cd5c3095d1fb94648d"
    "1af35c38701e9d174ed2800f158dbda64c3704277c4917969e06d8b7";
constexpr char kKatDataKeyHex[] =
    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef";

BOOST_AUTO_TEST_SUITE(key_file)

BOOST_AUTO_TEST_CASE(create_then_open_round_trips) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto created = NewKeyFile(path);
  BOOST_TEST(created->KeyId().size() == 35u);
  BOOST_TEST(created->KeyId().substr(0, 3) == "kf-");
  BOOST_TEST(*created->CurrentVersion() == 1u);
  const SecretBytes data_key = SecretBytes::Random(32);
  const auto wrapped = created->Wrap(1, data_key, Bytes("ad"));
  BOOST_REQUIRE(wrapped.ok());
  BOOST_TEST(wrapped->size() == 24u + 32u + 16u);

  auto opened = KeyFileProvider::Open(path, TestPassphrase(), vault_testing::FastKdf());
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST((*opened)->KeyId() == created->KeyId());
  BOOST_TEST((*opened)->kdf_params().opslimit == 1u);
  BOOST_TEST((*opened)->kdf_params().memlimit_bytes == 8192u);
  const auto unwrapped = (*opened)->Unwrap(1, *wrapped, Bytes("ad"));
  BOOST_REQUIRE(unwrapped.ok());
  BOOST_TEST(unwrapped->Equals(data_key));
  // Other associated data, another version, altered bytes: the same generic failure.
  BOOST_TEST(CodeName((*opened)->Unwrap(1, *wrapped, Bytes("ae")).status()) ==
             "VERIFICATION_FAILED");
  BOOST_TEST(CodeName((*opened)->Unwrap(2, *wrapped, Bytes("ad")).status()) ==
             "VERIFICATION_FAILED");
  std::vector<uint8_t> altered = *wrapped;
  altered[30] ^= 4;
  BOOST_TEST((*opened)->Unwrap(1, altered, Bytes("ad")).status().message() ==
             "verification failed");
  BOOST_TEST(CodeName((*opened)->Wrap(9, data_key, {}).status()) == "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(file_is_private_starts_with_the_magic_and_leaves_no_temporary) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto provider = NewKeyFile(path);
  BOOST_TEST(FileMode(path) == 0600u);
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  BOOST_TEST(std::string(bytes.begin(), bytes.begin() + 8) == "SOCLEKEY");
  BOOST_REQUIRE(provider->Rotate().ok());
  BOOST_TEST(FileMode(path) == 0600u);
  // Beside it only the lock file of its read-modify-writes (empty, owner-only).
  std::vector<std::string> entries = DirEntries(dir.path());
  std::sort(entries.begin(), entries.end());
  BOOST_TEST(entries == (std::vector<std::string>{"master.key", "master.key.lock"}));
  BOOST_TEST(FileMode(path + ".lock") == 0600u);
  BOOST_TEST(ReadFileBytes(path + ".lock").empty());
}

BOOST_AUTO_TEST_CASE(wrong_passphrase_is_one_generic_error) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  NewKeyFile(path);
  for (absl::string_view wrong : {"Tr0ub4dor&4-vault-test", "", "Tr0ub4dor&3-vault-tes"}) {
    const auto opened = KeyFileProvider::Open(path, SecretBytes(wrong), vault_testing::FastKdf());
    BOOST_TEST_REQUIRE(!opened.ok());
    BOOST_TEST(CodeName(opened.status()) == "VERIFICATION_FAILED");
    BOOST_TEST(opened.status().message() == kUnlockFailed);
  }
}

BOOST_AUTO_TEST_CASE(creation_never_clobbers_and_checks_the_passphrase) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto first = NewKeyFile(path);
  const std::vector<uint8_t> before = ReadFileBytes(path);
  const auto again = KeyFileProvider::Create(path, TestPassphrase(), vault_testing::FastKdf());
  BOOST_TEST(CodeName(again.status()) == "ALREADY_EXISTS");
  BOOST_TEST(ReadFileBytes(path) == before);
  BOOST_TEST(DirEntries(dir.path()).size() == 1u);

  const auto short_pass = KeyFileProvider::Create(
      dir.File("other.key"), SecretBytes(absl::string_view("1234567")), FastKdf());
  BOOST_TEST(CodeName(short_pass.status()) == "INVALID_ARGUMENT");
  KeyFileOptions silly = FastKdf();
  silly.kdf.memlimit_bytes = 16ull << 30;
  BOOST_TEST(
      CodeName(KeyFileProvider::Create(dir.File("other.key"), TestPassphrase(), silly).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(DirEntries(dir.path()).size() == 1u);
  BOOST_TEST(
      CodeName(KeyFileProvider::Create(dir.File("no/such/dir.key"), TestPassphrase(), FastKdf())
                   .status()) == "IO");
}

BOOST_AUTO_TEST_CASE(missing_foreign_and_future_files) {
  TempDir dir;
  BOOST_TEST(CodeName(KeyFileProvider::Open(dir.File("none.key"), TestPassphrase(),
                                            vault_testing::FastKdf())
                          .status()) == "NOT_FOUND");
  WriteFileBytes(dir.File("text.key"), Bytes("not a key file at all"));
  BOOST_TEST(CodeName(KeyFileProvider::Open(dir.File("text.key"), TestPassphrase(),
                                            vault_testing::FastKdf())
                          .status()) == "PARSE");
  v1::KeyFile future;
  future.set_format_version(2);
  std::string bytes = "SOCLEKEY" + future.SerializeAsString();
  WriteFileBytes(dir.File("future.key"), Bytes(bytes));
  BOOST_TEST(CodeName(KeyFileProvider::Open(dir.File("future.key"), TestPassphrase(),
                                            vault_testing::FastKdf())
                          .status()) == "UNSUPPORTED");
}

// Every field is authenticated (the keyring's associated data binds all the others), so no byte
// can change without notice.
BOOST_AUTO_TEST_CASE(every_altered_byte_and_every_truncation_is_refused) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  NewKeyFile(path);
  const std::vector<uint8_t> good = ReadFileBytes(path);
  const std::set<std::string> allowed = {"PARSE", "DATA_LOSS", "UNSUPPORTED",
                                         "VERIFICATION_FAILED"};
  const std::string probe = dir.File("probe.key");
  for (size_t i = 0; i < good.size(); ++i) {
    std::vector<uint8_t> altered = good;
    altered[i] ^= 0x01;
    WriteFileBytes(probe, altered);
    const auto opened = KeyFileProvider::Open(probe, TestPassphrase(), vault_testing::FastKdf());
    BOOST_TEST_REQUIRE(!opened.ok(), "byte " << i);
    BOOST_TEST(allowed.count(std::string(CodeName(opened.status()))) == 1u,
               "byte " << i << ": " << opened.status());
  }
  for (size_t len = 0; len < good.size(); ++len) {
    WriteFileBytes(probe, absl::MakeConstSpan(good).first(len));
    const auto opened = KeyFileProvider::Open(probe, TestPassphrase(), vault_testing::FastKdf());
    BOOST_TEST_REQUIRE(!opened.ok(), "length " << len);
    BOOST_TEST(allowed.count(std::string(CodeName(opened.status()))) == 1u);
  }
}

BOOST_AUTO_TEST_CASE(altering_the_sealed_keyring_looks_like_a_wrong_passphrase) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  NewKeyFile(path);
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  v1::KeyFile file;
  BOOST_REQUIRE(file.ParseFromArray(bytes.data() + 8, static_cast<int>(bytes.size() - 8)));
  for (size_t i = 0; i < file.sealed_keyring().size(); i += 7) {
    v1::KeyFile altered = file;
    (*altered.mutable_sealed_keyring())[i] ^= 0x20;
    WriteFileBytes(path, Bytes("SOCLEKEY" + altered.SerializeAsString()));
    const auto opened = KeyFileProvider::Open(path, TestPassphrase(), vault_testing::FastKdf());
    BOOST_TEST(opened.status().message() == kUnlockFailed);
  }
  // Lowering the Argon2id cost (to brute-force faster) does not open the file either.
  v1::KeyFile cheaper = file;
  cheaper.mutable_kdf()->set_opslimit(2);
  WriteFileBytes(path, Bytes("SOCLEKEY" + cheaper.SerializeAsString()));
  BOOST_TEST(
      KeyFileProvider::Open(path, TestPassphrase(), vault_testing::FastKdf()).status().message() ==
      kUnlockFailed);
}

BOOST_AUTO_TEST_CASE(rotation_and_retirement_are_kept_in_the_file) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto provider = NewKeyFile(path);
  const SecretBytes key = SecretBytes::Random(32);
  const auto under_v1 = provider->Wrap(1, key, Bytes("ad"));
  BOOST_REQUIRE(under_v1.ok());
  BOOST_TEST(*provider->Rotate() == 2u);
  BOOST_TEST(*provider->CurrentVersion() == 2u);
  {
    auto reopened = KeyFileProvider::Open(path, TestPassphrase(), vault_testing::FastKdf());
    BOOST_REQUIRE(reopened.ok());
    BOOST_TEST((*reopened)->versions() == (std::vector<uint32_t>{1, 2}));
    BOOST_TEST(*(*reopened)->CurrentVersion() == 2u);
    BOOST_TEST((*reopened)->Unwrap(1, *under_v1, Bytes("ad"))->Equals(key));
  }
  BOOST_TEST(CodeName(provider->RetireVersionsBefore(3)) == "INVALID_ARGUMENT");
  BOOST_REQUIRE(provider->RetireVersionsBefore(2).ok());
  BOOST_TEST(provider->versions() == std::vector<uint32_t>{2});
  BOOST_TEST(CodeName(provider->Unwrap(1, *under_v1, Bytes("ad")).status()) ==
             "VERIFICATION_FAILED");
  auto reopened = KeyFileProvider::Open(path, TestPassphrase(), vault_testing::FastKdf());
  BOOST_REQUIRE(reopened.ok());
  BOOST_TEST((*reopened)->versions() == std::vector<uint32_t>{2});
  BOOST_TEST(CodeName((*reopened)->Unwrap(1, *under_v1, Bytes("ad")).status()) ==
             "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_CASE(changing_the_passphrase_keeps_the_master_keys) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto provider = NewKeyFile(path);
  const SecretBytes key = SecretBytes::Random(32);
  const auto wrapped = provider->Wrap(1, key, Bytes("ad"));
  const std::vector<uint8_t> before = ReadFileBytes(path);
  const SecretBytes new_pass(absl::string_view("another passphrase, longer"));
  BOOST_TEST(CodeName(provider->ChangePassphrase(SecretBytes(absl::string_view("short")),
                                                 PassphraseKdfParams::MinimumForTests())) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(ReadFileBytes(path) == before);
  BOOST_REQUIRE(provider->ChangePassphrase(new_pass, PassphraseKdfParams{2, 16384}).ok());
  BOOST_TEST(
      CodeName(KeyFileProvider::Open(path, TestPassphrase(), vault_testing::FastKdf()).status()) ==
      "VERIFICATION_FAILED");
  auto reopened = KeyFileProvider::Open(path, new_pass, vault_testing::FastKdf());
  BOOST_REQUIRE(reopened.ok());
  BOOST_TEST((*reopened)->kdf_params().opslimit == 2u);
  BOOST_TEST((*reopened)->kdf_params().memlimit_bytes == 16384u);
  BOOST_TEST((*reopened)->Unwrap(1, *wrapped, Bytes("ad"))->Equals(key));
  BOOST_TEST((*reopened)->KeyId() == provider->KeyId());
}

// Two providers on one file, as two processes have them. A rotates; B, which read the file
// before, then changes the passphrase. B used to write back the keyring it read at open, so the
// file lost version 2 (and every key wrapped under it). Now B re-reads the file under the lock.
BOOST_AUTO_TEST_CASE(a_stale_provider_does_not_lose_another_s_rotation) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto a = NewKeyFile(path);
  auto b = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(*a->Rotate() == 2u);
  const SecretBytes key = SecretBytes::Random(32);
  const auto under_v2 = a->Wrap(2, key, Bytes("ad"));
  BOOST_REQUIRE(under_v2.ok());
  const SecretBytes new_pass(absl::string_view("the new passphrase of the key file"));
  BOOST_REQUIRE((*b)->ChangePassphrase(new_pass, PassphraseKdfParams::MinimumForTests()).ok());

  auto fresh = KeyFileProvider::Open(path, new_pass, FastKdf());
  BOOST_REQUIRE(fresh.ok());
  BOOST_TEST((*fresh)->versions() == (std::vector<uint32_t>{1, 2}));
  BOOST_TEST(*(*fresh)->CurrentVersion() == 2u);
  const auto unwrapped = (*fresh)->Unwrap(2, *under_v2, Bytes("ad"));
  BOOST_REQUIRE(unwrapped.ok());
  BOOST_TEST(unwrapped->Equals(key));
  BOOST_TEST(*(*b)->CurrentVersion() == 2u);

  // A cannot read the re-protected file: it refuses to wrap or to rewrite the file (which
  // would undo the new passphrase), and still unwraps with the versions it holds.
  const std::vector<uint8_t> before = ReadFileBytes(path);
  BOOST_TEST(CodeName(a->CurrentVersion().status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeName(a->Wrap(2, key, Bytes("ad")).status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeName(a->Rotate().status()) == "FAILED_PRECONDITION");
  BOOST_TEST(
      CodeName(a->ChangePassphrase(TestPassphrase(), PassphraseKdfParams::MinimumForTests())) ==
      "FAILED_PRECONDITION");
  BOOST_TEST(ReadFileBytes(path) == before);
  BOOST_TEST(a->Unwrap(2, *under_v2, Bytes("ad")).ok());
}

// B follows what A does to the file: a new current version, keys wrapped under it, a retired
// version it must no longer wrap under, and B's own rotation keeps A's versions.
BOOST_AUTO_TEST_CASE(a_provider_follows_another_s_rotation_and_retirement) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto a = NewKeyFile(path);
  auto opened = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(opened.ok());
  KeyFileProvider& b = **opened;
  const SecretBytes key = SecretBytes::Random(32);
  BOOST_TEST(*a->Rotate() == 2u);
  BOOST_TEST(*b.CurrentVersion() == 2u);
  const auto under_v2 = a->Wrap(2, key, Bytes("ad"));
  BOOST_REQUIRE(under_v2.ok());
  BOOST_TEST(b.Unwrap(2, *under_v2, Bytes("ad")).ok());

  BOOST_TEST(*a->Rotate() == 3u);
  const auto under_v3 = a->Wrap(3, key, Bytes("ad"));
  BOOST_REQUIRE(under_v3.ok());
  BOOST_TEST(b.Unwrap(3, *under_v3, Bytes("ad")).ok());  // an unknown version: read again
  BOOST_REQUIRE(a->RetireVersionsBefore(3).ok());
  BOOST_TEST(CodeName(b.Wrap(1, key, Bytes("ad")).status()) == "NOT_FOUND");
  BOOST_TEST(CodeName(b.Wrap(2, key, Bytes("ad")).status()) == "NOT_FOUND");
  BOOST_TEST(b.versions() == std::vector<uint32_t>{3});

  BOOST_TEST(*b.Rotate() == 4u);
  auto fresh = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(fresh.ok());
  BOOST_TEST((*fresh)->versions() == (std::vector<uint32_t>{3, 4}));
  BOOST_TEST((*fresh)->Unwrap(3, *under_v3, Bytes("ad")).ok());
  // The lock file sits beside the key file, owner-only.
  BOOST_TEST(FileMode(path + ".lock") == 0600u);
}

// Rotations through two providers from two threads: each one is kept.
BOOST_AUTO_TEST_CASE(concurrent_rotations_through_two_providers_are_all_kept) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  auto a = NewKeyFile(path);
  auto b = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(b.ok());
  constexpr int kEach = 25;
  std::vector<absl::Status> failures;
  std::mutex mu;
  auto rotate = [&](KeyFileProvider& p) {
    for (int i = 0; i < kEach; ++i) {
      const auto v = p.Rotate();
      if (!v.ok()) {
        std::lock_guard lock(mu);
        failures.push_back(v.status());
      }
    }
  };
  std::thread ta([&] { rotate(*a); });
  std::thread tb([&] { rotate(**b); });
  ta.join();
  tb.join();
  BOOST_TEST(failures.empty());
  auto fresh = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(fresh.ok());
  BOOST_TEST((*fresh)->versions().size() == size_t{1 + 2 * kEach});
  BOOST_TEST(*(*fresh)->CurrentVersion() == uint32_t{1 + 2 * kEach});
}

// A key file provider standing for one process's view, with a hook run inside Rotate(): the
// moment another process may act between this process's new version and its re-wrap.
class HookedProvider final : public KeyProvider {
 public:
  HookedProvider(std::shared_ptr<KeyFileProvider> inner, bool can_rotate)
      : inner_(std::move(inner)), can_rotate_(can_rotate) {}
  std::function<void()> after_rotate;

  std::string KeyId() const override { return inner_->KeyId(); }
  absl::StatusOr<uint32_t> CurrentVersion() const override { return inner_->CurrentVersion(); }
  absl::StatusOr<std::vector<uint8_t>> Wrap(uint32_t version, const SecretBytes& key,
                                            absl::Span<const uint8_t> ad) const override {
    return inner_->Wrap(version, key, ad);
  }
  absl::StatusOr<SecretBytes> Unwrap(uint32_t version, absl::Span<const uint8_t> wrapped,
                                     absl::Span<const uint8_t> ad) const override {
    return inner_->Unwrap(version, wrapped, ad);
  }
  absl::StatusOr<uint32_t> Rotate() override {
    if (!can_rotate_) return MakeError(ErrorCode::kUnsupported, "rotated elsewhere");
    auto version = inner_->Rotate();
    if (after_rotate) after_rotate();
    return version;
  }
  absl::Status RetireVersionsBefore(uint32_t version) override {
    return inner_->RetireVersionsBefore(version);
  }

 private:
  std::shared_ptr<KeyFileProvider> inner_;
  bool can_rotate_;
};

// Two rotations overlap: A makes version 2; before A re-wraps, B makes version 3 and re-wraps
// every key under it; then A re-wraps, and B retires what is older than 3. A's re-wrap must
// refuse (its version is no longer current): before, it moved every key back under version 2,
// which B's retirement then destroyed, and no record opened any more.
BOOST_AUTO_TEST_CASE(an_overtaken_rotation_rewraps_nothing) {
  TempDir dir;
  const std::string path = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  auto a_file = NewKeyFile(path);
  auto b_opened = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(b_opened.ok());
  std::shared_ptr<KeyFileProvider> b_file = std::move(*b_opened);
  auto a_provider = std::make_shared<HookedProvider>(a_file, /*can_rotate=*/true);
  auto b_provider = std::make_shared<HookedProvider>(b_file, /*can_rotate=*/false);
  auto a = vault_testing::LoadVault(a_provider, db);
  auto b = vault_testing::LoadVault(b_provider, db);
  const RecordRef ref{"P-ROTATE-000042", "note", 1};
  const auto sealed = a->SealRecord(ref, Bytes("a note"));
  BOOST_REQUIRE(sealed.ok());

  a_provider->after_rotate = [&] {
    BOOST_REQUIRE(b_file->Rotate().ok());  // B: version 3
    const auto rewrapped = b->RotateMasterKey(/*retire_previous=*/false);
    BOOST_REQUIRE(rewrapped.ok());
    BOOST_TEST(rewrapped->master_version == 3u);
  };
  const auto overtaken = a->RotateMasterKey(/*retire_previous=*/true);
  BOOST_TEST(CodeName(overtaken.status()) == "FAILED_PRECONDITION");
  BOOST_REQUIRE(b_file->RetireVersionsBefore(3).ok());  // B finishes its rotation

  auto fresh_file = KeyFileProvider::Open(path, TestPassphrase(), FastKdf());
  BOOST_REQUIRE(fresh_file.ok());
  auto fresh = vault_testing::LoadVault(std::shared_ptr<KeyProvider>(std::move(*fresh_file)), db);
  BOOST_TEST(fresh->Verify().ok());
  const auto opened = fresh->OpenRecord(ref, *sealed);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status());
  BOOST_TEST(AsString(*opened) == "a note");
}

// Production key files use at least libsodium's INTERACTIVE cost: a lower one is for tests.
BOOST_AUTO_TEST_CASE(argon2id_below_the_interactive_cost_is_for_tests_only) {
  TempDir dir;
  const std::string path = dir.File("weak.key");
  KeyFileOptions production;
  production.kdf = PassphraseKdfParams::MinimumForTests();
  BOOST_TEST(CodeName(KeyFileProvider::Create(path, TestPassphrase(), production).status()) ==
             "INVALID_ARGUMENT");
  production.kdf = PassphraseKdfParams{1, PassphraseKdfParams::Interactive().memlimit_bytes};
  BOOST_TEST(CodeName(KeyFileProvider::Create(path, TestPassphrase(), production).status()) ==
             "INVALID_ARGUMENT");
  production.kdf = PassphraseKdfParams{2, 1 << 20};
  BOOST_TEST(CodeName(KeyFileProvider::Create(path, TestPassphrase(), production).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(DirEntries(dir.path()).empty());

  auto weak = NewKeyFile(path);  // allow_weak_kdf_for_tests
  const auto refused = KeyFileProvider::Open(path, TestPassphrase());
  BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(refused.status().message().find("for tests only") != std::string::npos);
  // A test-only provider re-protects it at a production cost; production code opens it then.
  BOOST_REQUIRE(weak->ChangePassphrase(TestPassphrase(), PassphraseKdfParams::Interactive()).ok());
  BOOST_TEST(KeyFileProvider::Open(path, TestPassphrase()).ok());

  auto strong = KeyFileProvider::Open(path, TestPassphrase());
  BOOST_REQUIRE(strong.ok());
  BOOST_TEST(CodeName((*strong)->ChangePassphrase(
                 TestPassphrase(), PassphraseKdfParams::MinimumForTests())) == "INVALID_ARGUMENT");
}

BOOST_AUTO_TEST_CASE(committed_key_file_still_opens) {
  TempDir dir;
  const std::string path = dir.File("kat.key");
  WriteFileBytes(path, Unhex(kKatKeyFileHex));
  auto provider =
      KeyFileProvider::Open(path, SecretBytes(kKatPassphrase), vault_testing::FastKdf());
  BOOST_REQUIRE_MESSAGE(provider.ok(), provider.status());
  BOOST_TEST((*provider)->KeyId() == kKatKeyId);
  BOOST_TEST((*provider)->versions() == std::vector<uint32_t>{1});
  const auto key = (*provider)->Unwrap(1, Unhex(kKatWrappedHex), Bytes(kKatAd));
  BOOST_REQUIRE(key.ok());
  BOOST_TEST(Hex(key->span()) == kKatDataKeyHex);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
