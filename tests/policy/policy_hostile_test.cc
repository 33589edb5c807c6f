// Hostile policies (issue 7, defect 5): thousands of unknown ids in one list, in many lists, in
// repeated fields on one line, deep nesting. Validation reports at most 100 diagnostics, then one
// `diagnostics.truncated` counting the rest, and the first ones point at the right line and
// column. (The time these take is measured in benchmarks/policy_benchmark.cc, not here.)
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "socle/policy.hpp"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::CodeOf;
using policy_testing::Describe;
using policy_testing::ExamplePath;
using policy_testing::ReadFile;

constexpr size_t kCap = 100;  // docs/policy-reference.md

struct Position {
  int line;
  int column;
};

// Builds a policy text and remembers where some tokens start (1-based line and column).
class Writer {
 public:
  explicit Writer(std::string base) : text_(std::move(base)) {
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
  }
  void Add(absl::string_view s) { text_.append(s.data(), s.size()); }
  // Appends `s` and records where it starts.
  void Mark(absl::string_view s) {
    marks_.push_back(Here());
    Add(s);
  }
  const std::string& text() const { return text_; }
  const std::vector<Position>& marks() const { return marks_; }

 private:
  Position Here() const {
    int line = 1;
    size_t line_start = 0;
    for (size_t i = scanned_; i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++lines_;
        last_line_start_ = i + 1;
      }
    }
    scanned_ = text_.size();
    line += lines_;
    line_start = last_line_start_;
    return {line, static_cast<int>(text_.size() - line_start) + 1};
  }
  std::string text_;
  std::vector<Position> marks_;
  mutable size_t scanned_ = 0;
  mutable int lines_ = 0;
  mutable size_t last_line_start_ = 0;
};

std::string Ccas() { return ReadFile(ExamplePath("ccas.textproto")); }

// The diagnostics of `text`, checked for the cap: kCap of them with `code` at the marked
// positions (in order), then the truncation error counting `suppressed` more.
void CheckCapped(const Writer& w, absl::string_view code, size_t suppressed) {
  const std::vector<Diagnostic> diagnostics = Policy::Validate(w.text());
  BOOST_REQUIRE_MESSAGE(diagnostics.size() == kCap + 1, Describe(diagnostics, "hostile"));
  BOOST_REQUIRE(w.marks().size() >= kCap);
  for (size_t i = 0; i < kCap; ++i) {
    const Diagnostic& d = diagnostics[i];
    BOOST_TEST_CONTEXT("diagnostic " << i << ": " << d.ToString("hostile")) {
      BOOST_TEST(d.code == code);
      BOOST_TEST(d.line == w.marks()[i].line);
      BOOST_TEST(d.column == w.marks()[i].column);
    }
  }
  const Diagnostic& last = diagnostics.back();
  BOOST_TEST(last.code == "diagnostics.truncated");
  BOOST_TEST((last.severity == Diagnostic::Severity::kError));
  BOOST_TEST(last.line == 0);
  BOOST_TEST(absl::StrContains(last.message, absl::StrCat(suppressed, " more problems")),
             last.message);

  // Load reports alike and says there were more.
  std::vector<Diagnostic> loaded;
  const absl::StatusOr<Policy> policy = Policy::Load(w.text(), &loaded);
  BOOST_TEST(CodeOf(policy.status()) == "POLICY_INVALID");
  BOOST_TEST(loaded.size() == diagnostics.size());
  BOOST_TEST(absl::StrContains(policy.status().message(), "more than 100 errors"),
             policy.status().message());
}

BOOST_AUTO_TEST_SUITE(policy_hostile)

BOOST_AUTO_TEST_CASE(thousands_of_unknown_ids_in_one_list) {
  constexpr int kIds = 5000;
  Writer w(Ccas());
  w.Add("habilitations {\n  role: \"ass\"\n  actions: [READ]\n  data_categories: [");
  for (int i = 0; i < kIds; ++i) {
    if (i > 0) w.Add(i % 7 == 0 ? ",\n    " : ", ");
    w.Mark(absl::StrCat("\"inconnue_", i, "\""));
  }
  w.Add("]\n}\n");
  CheckCapped(w, "reference.unknown", kIds - kCap);
}

BOOST_AUTO_TEST_CASE(unknown_ids_in_thousands_of_lists) {
  constexpr int kRows = 3000;
  Writer w(Ccas());
  for (int r = 0; r < kRows; ++r) {
    w.Add("habilitations { role: \"ass\" actions: [READ] data_categories: [");
    for (int j = 0; j < 3; ++j) {
      if (j > 0) w.Add(", ");
      w.Mark(absl::StrCat("\"x", r, "_", j, "\""));
    }
    w.Add("] }\n");
  }
  CheckCapped(w, "reference.unknown", kRows * 3 - kCap);
}

// Each value written as its own occurrence of the field, all on one line: one parse-tree entry
// per value, found in one forward walk.
BOOST_AUTO_TEST_CASE(thousands_of_occurrences_on_one_line) {
  constexpr int kIds = 4000;
  Writer w(Ccas());
  w.Add("habilitations { role: \"ass\" actions: [READ] ");
  for (int i = 0; i < kIds; ++i) w.Mark(absl::StrCat("data_categories: \"u", i, "\" "));
  w.Add("}\n");
  CheckCapped(w, "reference.unknown", kIds - kCap);
}

// Unknown roles in one sharing rule and unknown categories in another: the first 100 across
// lists, in the order the checks run.
BOOST_AUTO_TEST_CASE(errors_across_sections_keep_their_order) {
  Writer w(Ccas());
  w.Add("habilitations { role: \"ass\" actions: [READ] data_categories: [");
  for (int i = 0; i < 60; ++i) {
    if (i > 0) w.Add(",\n  ");
    w.Mark(absl::StrCat("\"h", i, "\""));
  }
  w.Add("] }\nsharing_rules { id: \"hostile\" basis: CSP_L1110_4_III_TEAM data_categories: [");
  for (int i = 0; i < 80; ++i) {
    if (i > 0) w.Add(", ");
    w.Mark(absl::StrCat("\"s", i, "\""));
  }
  w.Add("] recipient_roles: [\"ass\"] }\n");
  CheckCapped(w, "reference.unknown", 60 + 80 - kCap);
}

// Deep nesting, a megabyte deep: one syntax error with its location, nothing else.
BOOST_AUTO_TEST_CASE(deep_nesting_is_one_syntax_error) {
  for (const std::string& open : {std::string("controller { "), std::string("["),
                                  std::string("habilitations { data_categories: [")}) {
    BOOST_TEST_CONTEXT(open) {
      std::string text = "format_version: 1\n";
      while (text.size() < (1u << 20)) text += open;
      const std::vector<Diagnostic> diagnostics = Policy::Validate(text);
      BOOST_REQUIRE_MESSAGE(diagnostics.size() == 1u, Describe(diagnostics, "nested"));
      BOOST_TEST(diagnostics[0].code == "syntax");
      BOOST_TEST(diagnostics[0].line >= 1);
      BOOST_TEST(CodeOf(Policy::Load(text).status()) == "PARSE");
    }
  }
}

// A valid policy with more than 100 warnings still loads: the truncation is then a warning.
BOOST_AUTO_TEST_CASE(many_warnings_truncate_as_a_warning) {
  constexpr int kUnused = 150;
  Writer w(Ccas());
  for (int i = 0; i < kUnused; ++i) {
    w.Add(absl::StrCat("data_categories { id: \"inutilisee_", i, "\" sensitivity: ORDINARY }\n"));
  }
  std::vector<Diagnostic> diagnostics;
  const absl::StatusOr<Policy> policy = Policy::Load(w.text(), &diagnostics);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().message());
  BOOST_REQUIRE(diagnostics.size() == kCap + 1);
  for (size_t i = 0; i < kCap; ++i) {
    BOOST_TEST(diagnostics[i].code == "data_category.unused");
    BOOST_TEST((diagnostics[i].severity == Diagnostic::Severity::kWarning));
  }
  BOOST_TEST(diagnostics.back().code == "diagnostics.truncated");
  BOOST_TEST((diagnostics.back().severity == Diagnostic::Severity::kWarning));
  BOOST_TEST(absl::StrContains(diagnostics.back().message, "50 more problems not shown (0 errors, 50 warnings)"),
             diagnostics.back().message);
}

// Exactly 100 problems: all reported, no truncation.
BOOST_AUTO_TEST_CASE(one_hundred_problems_are_not_truncated) {
  Writer w(Ccas());
  w.Add("habilitations { role: \"ass\" actions: [READ] data_categories: [");
  for (size_t i = 0; i < kCap; ++i) {
    if (i > 0) w.Add(", ");
    w.Mark(absl::StrCat("\"c", i, "\""));
  }
  w.Add("] }\n");
  const std::vector<Diagnostic> diagnostics = Policy::Validate(w.text());
  BOOST_REQUIRE(diagnostics.size() == kCap);
  BOOST_TEST(diagnostics.back().code == "reference.unknown");
  BOOST_TEST(diagnostics.back().column == w.marks().back().column);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
