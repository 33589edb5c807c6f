// Rotation (REQ-51): new pseudonyms are the old ones carried forward with the new key, never
// recomputed from identifiers; a fresh identifier after rotation gets the same pseudonym as
// its rotated old one (the chain); retirement stops a version from being output.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/crypto.h"
#include "pseudonym/domain.h"
#include "socle/pseudonym.hpp"
#include "test_util.h"

namespace socle::pseudonym_testing {
namespace {

std::vector<Pseudonym> PseudonymsOf(const Pseudonymizer& p, absl::string_view domain,
                                    absl::string_view label, uint32_t version, size_t n) {
  auto ctx = p.NewContext(domain, label, version);
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.status().message());
  std::vector<Pseudonym> out;
  for (size_t i = 0; i < n; ++i) out.push_back(Compute(*ctx, absl::StrCat("usager-", i)));
  return out;
}

BOOST_AUTO_TEST_SUITE(rotation)

// new = BLAKE2b(rotation key of v2, old bytes): checked against the key derived independently.
BOOST_AUTO_TEST_CASE(new_pseudonyms_are_the_prf_of_the_old_ones_under_the_new_key) {
  auto p1 = Make(1);
  auto p2 = Make(2);
  const auto old = PseudonymsOf(*p1, "suivi", "", 0, 50);
  std::vector<Pseudonym> rotated(old.size());
  BOOST_REQUIRE(p2->Rotate("suivi", old, absl::MakeSpan(rotated)).ok());
  auto k2 = pseudonym_internal::Derive(Master(2), "rotate", 2, "suivi");
  BOOST_REQUIRE(k2.ok());
  for (size_t i = 0; i < old.size(); ++i) {
    std::array<uint8_t, 16> expected{};
    BOOST_REQUIRE(crypto::KeyedHashPersonal(k2->span(), "socle.pseudo.prf", old[i].bytes,
                                            absl::MakeSpan(expected))
                      .ok());
    BOOST_TEST((rotated[i].bytes == expected));
    BOOST_TEST(rotated[i].version == 2u);
    BOOST_TEST((rotated[i].kind == PseudonymKind::kPerson));
  }
}

// The chain: a fresh identifier pseudonymised after the rotation equals its rotated old
// pseudonym, so old and new datasets still join — at every step of several rotations, and
// through the stand-alone rotator as well.
BOOST_AUTO_TEST_CASE(fresh_identifiers_after_rotation_equal_rotated_old_pseudonyms) {
  auto p3 = Make(3);
  for (const auto& [domain, label] :
       std::vector<std::pair<std::string, std::string>>{{"suivi", ""}, {"evaluation", "apa"}}) {
    const auto v1 = PseudonymsOf(*p3, domain, label, 1, 100);
    const auto v2 = PseudonymsOf(*p3, domain, label, 2, 100);
    const auto v3 = PseudonymsOf(*p3, domain, label, 0, 100);  // current
    std::vector<Pseudonym> r(100);
    BOOST_REQUIRE(p3->Rotate(domain, v1, absl::MakeSpan(r)).ok());
    BOOST_TEST((r == v3));
    BOOST_REQUIRE(p3->Rotate(domain, v2, absl::MakeSpan(r)).ok());
    BOOST_TEST((r == v3));
    BOOST_REQUIRE(p3->Rotate(domain, v3, absl::MakeSpan(r)).ok());  // already current
    BOOST_TEST((r == v3));

    auto secrets = Secrets(3);
    auto r12 = PseudonymRotator::Create(TestPolicy(), *secrets, 1, 2);
    auto r23 = PseudonymRotator::Create(TestPolicy(), *secrets, 2, 3);
    auto r13 = PseudonymRotator::Create(TestPolicy(), *secrets, 1, 3);
    BOOST_REQUIRE(r12.ok() && r23.ok() && r13.ok());
    std::vector<Pseudonym> step(100);
    BOOST_REQUIRE(r12->Rotate(domain, v1, absl::MakeSpan(step)).ok());
    BOOST_TEST((step == v2));
    BOOST_REQUIRE(r23->Rotate(domain, step, absl::MakeSpan(step)).ok());  // in place
    BOOST_TEST((step == v3));
    BOOST_REQUIRE(r13->Rotate(domain, v1, absl::MakeSpan(step)).ok());
    BOOST_TEST((step == v3));
    // Rotated pseudonyms differ from the old ones.
    BOOST_TEST((v1[0].bytes != v3[0].bytes));
  }
}

// Rotation has no access to identifiers at all (the API takes old pseudonyms only), and the
// stand-alone rotator reads exactly the master secrets of the versions it rotates into: never
// the base version's, from which identifiers are pseudonymised.
BOOST_AUTO_TEST_CASE(rotation_reads_only_the_new_versions_secrets) {
  auto secrets = Secrets(3);
  {
    RecordingSecrets recording(*secrets);
    auto r = PseudonymRotator::Create(TestPolicy(), recording, 1, 2);
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(recording.requested() == std::vector<uint32_t>({2}),
               boost::test_tools::per_element());
    BOOST_TEST(recording.current_requests() == 0);
  }
  {
    RecordingSecrets recording(*secrets);
    auto r = PseudonymRotator::Create(TestPolicy(), recording, 1, 3);
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(recording.requested() == std::vector<uint32_t>({2, 3}),
               boost::test_tools::per_element());
  }
  {
    // For contrast: a full pseudonymizer reads the whole chain, base included.
    RecordingSecrets recording(*secrets);
    auto p = Pseudonymizer::Create(TestPolicy(), recording);
    BOOST_REQUIRE(p.ok());
    const auto requested = recording.requested();
    BOOST_TEST(std::count(requested.begin(), requested.end(), 1u) >= 1);
  }
  {
    // A rotator over a source that lacks the base version works all the same.
    FixedPseudonymSecrets only23;
    BOOST_REQUIRE(only23.Add(2, Master(2)).ok());
    BOOST_REQUIRE(only23.Add(3, Master(3)).ok());
    auto r = PseudonymRotator::Create(TestPolicy(), only23, 1, 3);
    BOOST_REQUIRE(r.ok());
    auto p3 = Make(3);
    const auto v1 = PseudonymsOf(*p3, "suivi", "", 1, 10);
    std::vector<Pseudonym> out(10);
    BOOST_REQUIRE(r->Rotate("suivi", v1, absl::MakeSpan(out)).ok());
    BOOST_TEST((out == PseudonymsOf(*p3, "suivi", "", 3, 10)));
  }
}

BOOST_AUTO_TEST_CASE(rotation_refuses_what_it_cannot_carry) {
  auto p2 = Make(2);
  const auto v1 = PseudonymsOf(*p2, "suivi", "", 1, 3);
  std::vector<Pseudonym> out(3);
  // Another domain's kind, a transaction domain, a wrong size, an unknown domain.
  BOOST_TEST(
      (Code(p2->Rotate("evaluation", v1, absl::MakeSpan(out))) == ErrorCode::kInvalidArgument));
  BOOST_TEST(
      (Code(p2->Rotate("stats", v1, absl::MakeSpan(out))) == ErrorCode::kFailedPrecondition));
  std::vector<Pseudonym> small(2);
  BOOST_TEST((Code(p2->Rotate("suivi", v1, absl::MakeSpan(small))) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(p2->Rotate("inconnu", v1, absl::MakeSpan(out))) == ErrorCode::kNotFound));
  // A version above the current one.
  std::vector<Pseudonym> future = v1;
  future[1].version = 3;
  BOOST_TEST((Code(p2->Rotate("suivi", future, absl::MakeSpan(out))) == ErrorCode::kOutOfRange));
  // The stand-alone rotator takes exactly its from_version.
  auto secrets = Secrets(3);
  auto r23 = PseudonymRotator::Create(TestPolicy(), *secrets, 2, 3);
  BOOST_REQUIRE(r23.ok());
  BOOST_TEST((Code(r23->Rotate("suivi", v1, absl::MakeSpan(out))) == ErrorCode::kOutOfRange));
  BOOST_TEST((Code(PseudonymRotator::Create(TestPolicy(), *secrets, 2, 2).status()) ==
              ErrorCode::kOutOfRange));
  BOOST_TEST((Code(PseudonymRotator::Create(TestPolicy(), *secrets, 2, 4).status()) ==
              ErrorCode::kNotFound));
}

// Retiring version 1: it can no longer output pseudonyms or tokens of its own version, and its
// tokens no longer reverse; its pseudonyms can still be rotated forward, and the current
// version (whose chain passes through version 1's key) is unchanged.
BOOST_AUTO_TEST_CASE(a_retired_version_outputs_nothing_of_its_own) {
  PseudonymizerOptions options;
  options.reversal.hook = [](const ReversalEvent&) { return absl::OkStatus(); };
  auto p1 = Make(1, options);
  const std::string old_token = *p1->CreateToken("suivi", "personne-000042");
  auto p2 = Make(2, options);
  const auto before = PseudonymsOf(*p2, "suivi", "", 2, 20);
  const auto old = PseudonymsOf(*p2, "suivi", "", 1, 20);
  ReversalRequest req{"agent-42", "dpo", "contrôle interne", "suivi"};
  BOOST_TEST(p2->ReverseToken(req, old_token).ok());

  BOOST_REQUIRE(p2->Retire(1).ok());
  BOOST_TEST(p2->retired_through() == 1u);
  BOOST_TEST((Code(p2->NewContext("suivi", "", 1).status()) == ErrorCode::kFailedPrecondition));
  BOOST_TEST((Code(p2->ReverseToken(req, old_token).status()) == ErrorCode::kFailedPrecondition));
  std::vector<Pseudonym> rotated(20);
  BOOST_REQUIRE(p2->Rotate("suivi", old, absl::MakeSpan(rotated)).ok());
  BOOST_TEST((rotated == before));
  BOOST_TEST((PseudonymsOf(*p2, "suivi", "", 0, 20) == before));
  // The current version cannot be retired; retirement never goes back.
  BOOST_TEST((Code(p2->Retire(2)) == ErrorCode::kFailedPrecondition));
  BOOST_TEST(p2->Retire(1).ok());
  BOOST_TEST(p2->retired_through() == 1u);

  // Created with the version already retired: the same, and its token keys are never derived.
  PseudonymizerOptions retired = options;
  retired.retired_through = 1;
  auto q = Make(2, retired);
  BOOST_TEST((Code(q->NewContext("suivi", "", 1).status()) == ErrorCode::kFailedPrecondition));
  BOOST_TEST((Code(q->ReverseToken(req, old_token).status()) == ErrorCode::kFailedPrecondition));
  BOOST_TEST((PseudonymsOf(*q, "suivi", "", 0, 20) == before));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
