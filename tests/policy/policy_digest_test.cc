// The digest later records cite: it depends on the content of the policy only (not on comments,
// whitespace, layout or the order of fields in the text), and any change of content changes it.
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "socle/policy.hpp"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::DataPath;
using policy_testing::ExamplePath;
using policy_testing::ParseProto;
using policy_testing::ReadFile;

std::string DigestOf(absl::string_view text) {
  const absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().ToString());
  return policy->digest_hex();
}

// Replaces exactly one occurrence, so a test never passes because its edit did nothing.
std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "not found: " << from);
  BOOST_REQUIRE_MESSAGE(text.find(from, at + 1) == std::string::npos, "found twice: " << from);
  return text.replace(at, from.size(), to);
}

BOOST_AUTO_TEST_SUITE(policy_digest)

BOOST_AUTO_TEST_CASE(digest_hex_is_the_digest) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("ccas.textproto"));
  BOOST_REQUIRE(policy.ok());
  const auto& bytes = policy->digest();
  const std::string expected = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  BOOST_TEST(policy->digest_hex() == expected);
  BOOST_TEST(policy->digest_hex().size() == 2 * kPolicyDigestBytes);
  BOOST_TEST(absl::AsciiStrToLower(policy->digest_hex()) == policy->digest_hex());
  // Not all zero: it was computed.
  BOOST_TEST(policy->digest_hex() != std::string(2 * kPolicyDigestBytes, '0'));
}

BOOST_AUTO_TEST_CASE(digest_is_deterministic_and_shared_by_copies) {
  const std::string text = ReadFile(ExamplePath("departement.textproto"));
  const absl::StatusOr<Policy> a = Policy::Load(text);
  const absl::StatusOr<Policy> b = Policy::Load(text);
  BOOST_REQUIRE(a.ok());
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(a->digest_hex() == b->digest_hex());
  const Policy copy = *a;
  BOOST_TEST(copy.digest_hex() == a->digest_hex());
}

BOOST_AUTO_TEST_CASE(the_two_examples_differ) {
  BOOST_TEST(DigestOf(ReadFile(ExamplePath("ccas.textproto"))) !=
             DigestOf(ReadFile(ExamplePath("departement.textproto"))));
}

// protobuf's printer writes the same content with no comment, another layout and field order of
// its own (by field number), in both its multi-line and single-line forms.
BOOST_AUTO_TEST_CASE(reprinting_without_comments_keeps_the_digest) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    BOOST_TEST_CONTEXT(name) {
      const std::string text = ReadFile(ExamplePath(name));
      const v1::Policy proto = ParseProto(text);
      for (bool single_line : {false, true}) {
        google::protobuf::TextFormat::Printer printer;
        printer.SetSingleLineMode(single_line);
        printer.SetUseShortRepeatedPrimitives(!single_line);
        std::string reprinted;
        BOOST_REQUIRE(printer.PrintToString(proto, &reprinted));
        BOOST_REQUIRE(reprinted != text);
        BOOST_TEST(DigestOf(reprinted) == DigestOf(text));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(comments_blank_lines_and_spacing_do_not_count) {
  const std::string text = ReadFile(DataPath("valid/minimal.textproto"));
  std::string noisy;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StrAppend(&noisy, "# commentaire du DPD\n\n   ", line, "   # fin de ligne\n");
  }
  BOOST_TEST(DigestOf(noisy) == DigestOf(text));
  // Colons are optional before a message, and ';' or ',' may separate fields.
  const std::string terse = ReplaceOnce(
      ReplaceOnce(text, "masking { mode: SIGNALLED referent_keeps_access: true }",
                  "masking: {mode: SIGNALLED; referent_keeps_access: true}"),
      "statistics { small_cell_threshold: 11 dominance_percent: 85 }",
      "statistics {small_cell_threshold: 11, dominance_percent: 85}");
  BOOST_TEST(DigestOf(terse) == DigestOf(text));
}

BOOST_AUTO_TEST_CASE(field_order_in_the_text_does_not_count) {
  const std::string text = ReadFile(DataPath("valid/minimal.textproto"));
  // Top-level fields moved: the statistics and log retention first, the envelope last.
  std::string moved = ReplaceOnce(text, "statistics { small_cell_threshold: 11 dominance_percent: 85 }\n", "");
  moved = ReplaceOnce(moved, "log_retention { months: 12 }\n", "");
  moved = ReplaceOnce(moved, "format_version: 1\n", "");
  moved = "log_retention { months: 12 }\nstatistics { dominance_percent: 85 small_cell_threshold: 11 }\n" +
          moved + "format_version: 1\n";
  // Fields inside a message swapped.
  moved = ReplaceOnce(moved,
                      "data_categories { id: \"health\" label: \"Santé déclarée\" sensitivity: SPECIAL_CATEGORY }",
                      "data_categories { sensitivity: SPECIAL_CATEGORY label: \"Santé déclarée\" id: \"health\" }");
  moved = ReplaceOnce(moved, "dpo {\n  name: \"Délégué mutualisé\"\n  contact: \"dpd@cdg.example\"\n}",
                      "dpo {\n  contact: \"dpd@cdg.example\"\n  name: \"Délégué mutualisé\"\n}");
  BOOST_TEST(DigestOf(moved) == DigestOf(text));
}

// Each edit changes one thing a DPO could change; every resulting digest differs from the
// original and from every other one.
BOOST_AUTO_TEST_CASE(any_content_change_changes_the_digest) {
  const std::string text = ReadFile(DataPath("valid/minimal.textproto"));
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"revision: \"test\"", "revision: \"test2\""},
      {"label: \"Santé déclarée\"", "label: \"Santé déclarée \""},
      {"label: \"Santé déclarée\"", "label: \"Sante declaree\""},
      {"log_retention { months: 12 }", "log_retention { months: 11 }"},
      {"small_cell_threshold: 11", "small_cell_threshold: 10"},
      {"active_months: 24 end_action: DELETE }\n  retention { data_category: \"health\"",
       "active_months: 25 end_action: DELETE }\n  retention { data_category: \"health\""},
      {"max_duration_minutes: 240", "max_duration_minutes: 239"},
      {"masking { mode: SIGNALLED", "masking { mode: SILENT"},
      {"referent_keeps_access: true", "referent_keeps_access: false"},
      {"habilitations { role: \"secretaire\" actions: [READ]", "habilitations { role: \"secretaire\" actions: [READ, PRINT]"},
      {"security_measures: \"Authentification forte\"",
       "security_measures: \"Authentification forte\"\n  security_measures: \"Chiffrement\""},
      {"dpia_reference: \"AIPD-ESSAI-1\"", "dpia_reference: \"AIPD-ESSAI-2\""},
  };
  std::set<std::string> digests = {DigestOf(text)};
  for (const auto& [from, to] : edits) {
    BOOST_TEST_CONTEXT(from << " -> " << to) {
      const std::string digest = DigestOf(ReplaceOnce(text, from, to));
      BOOST_TEST(digests.insert(digest).second, "digest unchanged or equal to another edit's");
    }
  }
  BOOST_TEST(digests.size() == edits.size() + 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
