// A vendor's C++17 program using socle's C++ API. Its build is the test: it includes every public
// header (socle_public_headers.inc, generated from include/socle/*.hpp) under -std=c++17
// -pedantic -Werror, so a C++20 feature in a public header fails it. Running it checks the inline
// code a C++17 consumer compiles itself (Pseudonym's comparison operators) and one call into the
// C++20-built library with Abseil types across the boundary.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "socle_public_headers.inc"

static_assert(__cplusplus == 201703L, "this consumer must be compiled as C++17");

namespace {

int failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  socle::Pseudonym a;
  a.kind = socle::PseudonymKind::kPerson;
  a.version = 3;
  a.bytes[0] = 0x42;
  socle::Pseudonym b = a;
  Check(a == b && !(a != b), "equal pseudonyms compare equal");
  b.bytes[socle::kPseudonymBytes - 1] ^= 1;
  Check(a != b && !(a == b), "pseudonyms differing in their last byte differ");
  b = a;
  b.version = 4;
  Check(a != b, "pseudonyms differing in version differ");
  b = a;
  b.kind = socle::PseudonymKind::kTransaction;
  Check(a != b, "pseudonyms differing in kind differ");

  Check(socle::Initialize().ok(), "socle::Initialize");
  std::vector<socle::Diagnostic> diagnostics;
  const auto policy = socle::Policy::LoadFile(
      std::string(SOCLE_EXAMPLES_DIR) + "/policies/ccas.textproto", &diagnostics);
  Check(policy.ok(), "the example policy loads");
  if (policy.ok()) {
    Check(policy->id() == "ccas_villeneuve_sur_garance", "the example policy's id");
    Check(policy->FindRole("ass").has_value(), "the role 'ass' is found");
    Check(!policy->FindRole("no_such_role").has_value(), "an unknown role is not found");
    Check(policy->digest_hex().size() == 2 * socle::kPolicyDigestBytes, "digest_hex length");
  }
  if (failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", failures);
    return EXIT_FAILURE;
  }
  std::printf("C++17 consumer: all checks passed\n");
  return EXIT_SUCCESS;
}
