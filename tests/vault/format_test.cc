// The vault's byte layouts: known answers computed once and committed (they freeze the format:
// a change here breaks every sealed record in the field), and one generic failure for every
// altered, truncated or misplaced record.
#include "vault/format.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/crypto.h"
#include "test_util.h"

namespace socle::vault_internal {
namespace {

using vault_testing::AsString;
using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::Hex;
using vault_testing::SequenceKey;
using vault_testing::Unhex;

constexpr absl::string_view kTenant = "ccas-lyon";
constexpr absl::string_view kPerson = "P-000123";
constexpr absl::string_view kRecord = "note-42";
constexpr absl::string_view kPlaintext =
    "Entretien du 12 mars : situation de logement pr\xc3\xa9"
    "caire.";

RecordRef Ref(absl::string_view person = kPerson, absl::string_view record = kRecord,
              uint32_t schema = 3) {
  return RecordRef{person, record, schema};
}

std::vector<uint8_t> KatNonce() {
  std::vector<uint8_t> n(crypto::kAeadNonceBytes);
  for (size_t i = 0; i < n.size(); ++i) n[i] = static_cast<uint8_t>(0x40 + i);
  return n;
}

// The record sealed with key 00..1f, data key version 1, nonce 40..57.
std::vector<uint8_t> KatSealed() {
  const std::vector<uint8_t> plain = Bytes(kPlaintext);
  std::vector<uint8_t> out(kSealedRecordOverhead + plain.size());
  BOOST_REQUIRE(
      SealRecord(SequenceKey(32), 1, kTenant, Ref(), KatNonce(), plain, absl::MakeSpan(out)).ok());
  return out;
}

// Computed once with this code and cross-checked with an independent implementation:
// tests/vault/cross_check_vectors.py (HChaCha20 written out, the `cryptography` package's
// ChaCha20-Poly1305, hashlib's keyed BLAKE2b).
constexpr char kKatSealedHex[] =
    "0100000001404142434445464748494a4b4c4d4e4f5051525354555657"
    "91577102b5941073e1d4e3cb8fad57b2ffdbdfb7336373e9034588247d6d4cfe369d674e39fde37592d79a38"
    "2aaaa83232081c811de09a527070b03ce68ca193e9151273eae496";
constexpr char kKatRecordAdHex[] =
    "010000000100000015736f636c652e7661756c742e7265636f72642e763100000009636361732d6c796f6e"
    "00000008502d303030313233000000076e6f74652d343200000003";
constexpr char kKatWrapAdHex[] =
    "00000013736f636c652e7661756c742e777261702e763102000000236b662d3031323334353637383961626364"
    "6566303132333435363738396162636465660000000200000009636361732d6c796f6e000000207a7a7a7a7a7a"
    "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a00000001";
constexpr char kKatPersonTagHex[] =
    "01616dcf904df7f7f062e15b2e12f59ca3272dde19ff78e7fe1f5bf516ba00e7";

BOOST_AUTO_TEST_SUITE(format)

BOOST_AUTO_TEST_CASE(record_known_answer) {
  const std::vector<uint8_t> sealed = KatSealed();
  BOOST_TEST(Hex(sealed) == kKatSealedHex);
  // Header: format 0x01, key version 1; then the nonce as given.
  BOOST_TEST(Hex(absl::MakeConstSpan(sealed).first(5)) == "0100000001");
  BOOST_TEST(Hex(absl::MakeConstSpan(sealed).subspan(5, 24)) == Hex(KatNonce()));
  const auto opened = OpenRecord(SequenceKey(32), kTenant, Ref(), Unhex(kKatSealedHex));
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(AsString(*opened) == kPlaintext);
}

BOOST_AUTO_TEST_CASE(record_associated_data_layout) {
  const uint8_t header[5] = {0x01, 0, 0, 0, 1};
  const RecordAd ad(header, kTenant, Ref());
  BOOST_TEST(Hex(ad.span()) == kKatRecordAdHex);
  // Spelled out: header, then length-prefixed label, tenant, person, record, then the schema.
  const std::string expected =
      "0100000001"
      "00000015" +
      Hex(Bytes(kRecordLabel)) + "00000009" + Hex(Bytes(kTenant)) + "00000008" +
      Hex(Bytes(kPerson)) + "00000007" + Hex(Bytes(kRecord)) + "00000003";
  BOOST_TEST(Hex(ad.span()) == expected);
}

BOOST_AUTO_TEST_CASE(wrap_associated_data_layout) {
  const std::vector<uint8_t> tag(32, 0x7a);
  const std::vector<uint8_t> ad = WrapAssociatedData(
      KeyKind::kPersonData, "kf-0123456789abcdef0123456789abcdef", 2, kTenant, tag, 1);
  BOOST_TEST(Hex(ad) == kKatWrapAdHex);
  const std::string expected = "00000013" + Hex(Bytes(kWrapLabel)) + "02" + "00000023" +
                               Hex(Bytes("kf-0123456789abcdef0123456789abcdef")) + "00000002" +
                               "00000009" + Hex(Bytes(kTenant)) + "00000020" + Hex(tag) +
                               "00000001";
  BOOST_TEST(Hex(ad) == expected);
  // Each kind binds differently.
  BOOST_TEST(Hex(WrapAssociatedData(KeyKind::kPseudonymSecret, "k", 1, kTenant, {}, 1)) !=
             Hex(WrapAssociatedData(KeyKind::kTenantLookup, "k", 1, kTenant, {}, 1)));
  // A ledger secret: kind 4, the ledger name as the subject, subject version 0.
  const std::vector<uint8_t> ledger = WrapAssociatedData(
      KeyKind::kLedgerSecret, "k", 3, kTenant, Bytes("access_trail"), 0);
  BOOST_TEST(Hex(ledger) == "00000013" + Hex(Bytes(kWrapLabel)) + "04" + "00000001" +
                                Hex(Bytes("k")) + "00000003" + "00000009" + Hex(Bytes(kTenant)) +
                                "0000000c" + Hex(Bytes("access_trail")) + "00000000");
}

BOOST_AUTO_TEST_CASE(ledger_names) {
  for (const absl::string_view good : {"access_trail", "state", "a", "0.9-rc_1"}) {
    BOOST_TEST(CheckLedgerName(good).ok(), good);
  }
  BOOST_TEST(CheckLedgerName(std::string(64, 'x')).ok());
  for (const std::string& bad :
       {std::string(), std::string(65, 'x'), std::string("State"), std::string("a b"),
        std::string("a:b"), std::string("\xc3\xa9"), std::string("a\0", 2)}) {
    BOOST_TEST(CodeName(CheckLedgerName(bad)) == "INVALID_ARGUMENT");
  }
}

BOOST_AUTO_TEST_CASE(person_tag_known_answer) {
  const auto tag = ComputePersonTag(SequenceKey(32, 0x20), kTenant, kPerson);
  BOOST_REQUIRE(tag.ok());
  BOOST_TEST(Hex(*tag) == kKatPersonTagHex);
  // Keyed: another key, tenant or person gives another tag.
  BOOST_TEST(Hex(*ComputePersonTag(SequenceKey(32, 0x21), kTenant, kPerson)) != Hex(*tag));
  BOOST_TEST(Hex(*ComputePersonTag(SequenceKey(32, 0x20), "ccas-paris", kPerson)) != Hex(*tag));
  BOOST_TEST(Hex(*ComputePersonTag(SequenceKey(32, 0x20), kTenant, "P-000124")) != Hex(*tag));
  // Length prefixes: moving a byte from the tenant to the person changes the tag.
  BOOST_TEST(Hex(*ComputePersonTag(SequenceKey(32, 0x20), "ab", "c")) !=
             Hex(*ComputePersonTag(SequenceKey(32, 0x20), "a", "bc")));
}

BOOST_AUTO_TEST_CASE(every_bit_flip_fails_generically) {
  const std::vector<uint8_t> sealed = KatSealed();
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> altered = sealed;
      altered[i] ^= static_cast<uint8_t>(1u << bit);
      const auto opened = OpenRecord(SequenceKey(32), kTenant, Ref(), altered);
      BOOST_TEST_REQUIRE(!opened.ok(), "byte " << i << " bit " << bit);
      BOOST_TEST(CodeName(opened.status()) == "VERIFICATION_FAILED");
      BOOST_TEST(opened.status().message() == "verification failed");
    }
  }
}

BOOST_AUTO_TEST_CASE(every_truncation_and_extension_fails) {
  const std::vector<uint8_t> sealed = KatSealed();
  for (size_t len = 0; len < sealed.size(); ++len) {
    const auto opened =
        OpenRecord(SequenceKey(32), kTenant, Ref(), absl::MakeConstSpan(sealed).first(len));
    BOOST_TEST_REQUIRE(!opened.ok(), "length " << len);
    BOOST_TEST(CodeName(opened.status()) == "VERIFICATION_FAILED");
  }
  std::vector<uint8_t> longer = sealed;
  longer.push_back(0);
  BOOST_TEST(CodeName(OpenRecord(SequenceKey(32), kTenant, Ref(), longer).status()) ==
             "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_CASE(wrong_key_person_record_schema_or_tenant_fails) {
  const std::vector<uint8_t> sealed = KatSealed();
  const auto fails = [&](const SecretBytes& key, absl::string_view tenant, const RecordRef& ref) {
    const auto opened = OpenRecord(key, tenant, ref, sealed);
    return !opened.ok() && CodeName(opened.status()) == "VERIFICATION_FAILED";
  };
  BOOST_TEST(fails(SequenceKey(32, 1), kTenant, Ref()));                  // wrong key
  BOOST_TEST(fails(SequenceKey(32), kTenant, Ref("P-000124")));           // wrong person
  BOOST_TEST(fails(SequenceKey(32), kTenant, Ref(kPerson, "note-43")));   // wrong record
  BOOST_TEST(fails(SequenceKey(32), kTenant, Ref(kPerson, kRecord, 4)));  // wrong schema
  BOOST_TEST(fails(SequenceKey(32), "ccas-paris", Ref()));                // wrong tenant
  BOOST_TEST(fails(SequenceKey(32), kTenant, Ref(kPerson, "")));          // record id dropped
  // A field boundary moved: ("P-00012", "3note-42") must not equal ("P-000123", "note-42").
  BOOST_TEST(fails(SequenceKey(32), kTenant, Ref("P-00012", "3note-42")));
}

BOOST_AUTO_TEST_CASE(empty_plaintext_round_trips_and_is_authenticated) {
  std::vector<uint8_t> out(kSealedRecordOverhead);
  BOOST_REQUIRE(
      SealRecord(SequenceKey(32), 7, kTenant, Ref(), KatNonce(), {}, absl::MakeSpan(out)).ok());
  BOOST_TEST(*RecordKeyVersion(out) == 7u);
  const auto opened = OpenRecord(SequenceKey(32), kTenant, Ref(), out);
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(opened->size() == 0u);
  out[kSealedRecordOverhead - 1] ^= 1;
  BOOST_TEST(!OpenRecord(SequenceKey(32), kTenant, Ref(), out).ok());
}

BOOST_AUTO_TEST_CASE(identifier_lengths_are_checked_without_echoing_them) {
  const std::string long_id(257, 'x');
  const absl::Status person = CheckRecordRef(RecordRef{long_id, kRecord, 1});
  BOOST_TEST(CodeName(person) == "INVALID_ARGUMENT");
  BOOST_TEST(person.message().find("xxxx") == absl::string_view::npos);
  BOOST_TEST(CodeName(CheckRecordRef(RecordRef{"", kRecord, 1})) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(CheckRecordRef(RecordRef{kPerson, long_id, 1})) == "INVALID_ARGUMENT");
  BOOST_TEST(CheckRecordRef(RecordRef{std::string(256, 'p'), std::string(256, 'r'), 1}).ok());
  BOOST_TEST(CodeName(CheckTenant(std::string(129, 't'))) == "INVALID_ARGUMENT");
  BOOST_TEST(CheckTenant(std::string(128, 't')).ok());
}

BOOST_AUTO_TEST_CASE(longest_identifiers_fit_the_stack_buffer) {
  // The largest associated data must be built whole (a truncated one would weaken binding).
  const std::string tenant(kMaxTenantBytes, 't');
  const std::string person(kMaxIdBytes, 'p');
  const std::string record(kMaxIdBytes, 'r');
  const uint8_t header[5] = {1, 0, 0, 0, 1};
  const RecordAd ad(header, tenant, RecordRef{person, record, 9});
  BOOST_TEST(ad.span().size() == 5 + 4 + kRecordLabel.size() + 4 + tenant.size() + 4 +
                                     person.size() + 4 + record.size() + 4);
  const RecordAd other(header, tenant, RecordRef{person, record.substr(1) + "s", 9});
  BOOST_TEST(Hex(ad.span()) != Hex(other.span()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::vault_internal
