// SecretBytes: moves leave nothing behind, copies are explicit, equality is by content.
#include <malloc.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crypto/crypto.h"
#include "test_util.h"

// To see whether secrets are wiped, this test program replaces the global allocation functions:
// while a watch is on, every block handed back to the allocator is scanned for a marker before
// it is freed. A secret that reaches free() without being wiped is counted.
namespace {

constexpr uint8_t kMarker[16] = {0x5e, 0xc2, 0xe7, 0x5e, 0xc2, 0xe7, 0x5e, 0xc2,
                                 0xe7, 0x5e, 0xc2, 0xe7, 0x5e, 0xc2, 0xe7, 0x01};
std::atomic<bool> g_watching{false};
std::atomic<int> g_unwiped_frees{0};

void ScanBeforeFree(void* p) {
  if (p == nullptr || !g_watching.load(std::memory_order_relaxed)) return;
  const size_t size = malloc_usable_size(p);
  const auto* bytes = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i + sizeof(kMarker) <= size; ++i) {
    if (std::memcmp(bytes + i, kMarker, sizeof(kMarker)) == 0) {
      g_unwiped_frees.fetch_add(1);
      return;
    }
  }
}

}  // namespace

void* operator new(size_t size) {
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  ScanBeforeFree(p);
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  ScanBeforeFree(p);
  std::free(p);
}

namespace socle::crypto {
namespace {

using testing::Unhex;

SecretBytes MarkerSecret() { return SecretBytes(kMarker, sizeof(kMarker)); }

// Counts the unwiped frees of the marker during one scope.
class FreeWatch {
 public:
  FreeWatch() {
    g_unwiped_frees = 0;
    g_watching = true;
  }
  ~FreeWatch() { g_watching = false; }
  int unwiped() const { return g_unwiped_frees.load(); }
};

SecretBytes FromHex(const char* hex) { return testing::SecretFromHex(hex); }

BOOST_AUTO_TEST_SUITE(secret_bytes)

BOOST_AUTO_TEST_CASE(move_construction_empties_the_source) {
  SecretBytes source = FromHex("00112233445566778899aabbccddeeff");
  const uint8_t* buffer = source.data();
  SecretBytes target(std::move(source));
  // The secret now lives only in the target: same buffer, no copy left behind.
  BOOST_TEST(source.size() ==
             0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  BOOST_TEST(target.size() == 16u);
  BOOST_TEST(target.data() == buffer);
  BOOST_TEST(ToHex(target.span()) == "00112233445566778899aabbccddeeff");
}

BOOST_AUTO_TEST_CASE(move_assignment_empties_the_source_and_replaces_the_target) {
  SecretBytes source = FromHex("0102030405060708");
  SecretBytes target = FromHex("ffffffffffffffffffffffff");
  target = std::move(source);
  BOOST_TEST(source.size() == 0u);  // NOLINT(bugprone-use-after-move)
  BOOST_TEST(ToHex(target.span()) == "0102030405060708");
  // Self-move keeps the secret.
  SecretBytes& alias = target;
  target = std::move(alias);
  BOOST_TEST(ToHex(target.span()) == "0102030405060708");
  // A moved-from object is reusable.
  source = FromHex("0a0b");
  BOOST_TEST(ToHex(source.span()) == "0a0b");
}

BOOST_AUTO_TEST_CASE(the_watch_sees_an_unwiped_buffer) {
  // The control: a plain vector holding the marker is freed as is, and the watch sees it.
  FreeWatch watch;
  {
    std::vector<uint8_t> plain(kMarker, kMarker + sizeof(kMarker));
    asm volatile("" : : "r"(plain.data()) : "memory");  // keep the allocation
  }
  BOOST_TEST(watch.unwiped() == 1);
}

BOOST_AUTO_TEST_CASE(secrets_are_wiped_before_their_memory_is_freed) {
  FreeWatch watch;
  { SecretBytes destroyed = MarkerSecret(); }
  BOOST_TEST(watch.unwiped() == 0);
  {
    // The target's old secret is wiped when it is replaced by a move.
    SecretBytes target = MarkerSecret();
    target = SecretBytes::Random(32);
    SecretBytes source = MarkerSecret();
    SecretBytes moved(std::move(source));
    SecretBytes clone = moved.Clone();
    target = std::move(moved);
  }
  BOOST_TEST(watch.unwiped() == 0);
}

BOOST_AUTO_TEST_CASE(clone_is_an_independent_copy) {
  const SecretBytes original = FromHex("a0a1a2a3");
  SecretBytes clone = original.Clone();
  BOOST_TEST(clone.data() != original.data());
  BOOST_TEST(clone.Equals(original));
  clone.data()[0] = 0;
  BOOST_TEST(ToHex(original.span()) == "a0a1a2a3");
  BOOST_TEST(!clone.Equals(original));
}

BOOST_AUTO_TEST_CASE(equals_compares_every_byte) {
  const SecretBytes reference = SecretBytes::Random(64);
  BOOST_TEST(reference.Equals(reference));
  BOOST_TEST(reference.Equals(reference.Clone()));
  // A difference anywhere, in any bit, is seen: the comparison does not stop at a prefix.
  for (size_t i = 0; i < reference.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      SecretBytes other = reference.Clone();
      other.data()[i] ^= static_cast<uint8_t>(1u << bit);
      BOOST_REQUIRE(!reference.Equals(other));
      BOOST_REQUIRE(!other.Equals(reference));
    }
  }
  // Sizes differ: never equal, even on a common prefix.
  const SecretBytes prefix(reference.data(), 63);
  BOOST_TEST(!reference.Equals(prefix));
  BOOST_TEST(!prefix.Equals(reference));
  BOOST_TEST(SecretBytes().Equals(SecretBytes()));
  BOOST_TEST(!SecretBytes().Equals(reference));
}

BOOST_AUTO_TEST_CASE(random_secrets_are_distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) {
    const SecretBytes s = SecretBytes::Random(32);
    BOOST_REQUIRE(s.size() == 32u);
    BOOST_REQUIRE(seen.insert(ToHex(s.span())).second);
  }
  BOOST_TEST(SecretBytes::Random(0).size() == 0u);
}

BOOST_AUTO_TEST_CASE(to_hex_of_public_bytes) {
  BOOST_TEST(ToHex(Unhex("")) == "");
  BOOST_TEST(ToHex(Unhex("00ff10ab")) == "00ff10ab");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::crypto
