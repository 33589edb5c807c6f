// The interner: dense ids, allocation-free lookups, and copies that stay valid on their own.
#include "core/interner.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace socle::core {
namespace {

// Names longer than the small-string buffer, so each lives in its own heap block.
std::string LongName(int i) { return absl::StrCat("professional_", i, "_", std::string(40, 'x')); }

// The id of `name` as a number, or -1 when it is not interned (prints readably on failure).
int64_t IdOf(const Interner& in, absl::string_view name) {
  const std::optional<Interner::Id> id = in.Find(name);
  return id.has_value() ? int64_t{*id} : -1;
}

BOOST_AUTO_TEST_SUITE(interner)

BOOST_AUTO_TEST_CASE(ids_are_dense_in_order_of_first_interning) {
  Interner in;
  BOOST_TEST(in.size() == 0u);
  BOOST_TEST(in.Intern("assistant_social") == 0u);
  BOOST_TEST(in.Intern("cesf") == 1u);
  BOOST_TEST(in.Intern("secretaire") == 2u);
  // Interning again returns the same id and does not grow the table.
  BOOST_TEST(in.Intern("cesf") == 1u);
  BOOST_TEST(in.Intern("assistant_social") == 0u);
  BOOST_TEST(in.size() == 3u);
  BOOST_TEST(in.Name(0) == "assistant_social");
  BOOST_TEST(in.Name(1) == "cesf");
  BOOST_TEST(in.Name(2) == "secretaire");
}

BOOST_AUTO_TEST_CASE(find_of_unknown_names) {
  Interner in;
  BOOST_TEST(!in.Find("anything").has_value());
  BOOST_TEST(!in.Find("").has_value());
  in.Intern("health");
  BOOST_TEST(!in.Find("Health").has_value());   // case matters
  BOOST_TEST(!in.Find("health ").has_value());  // no trimming
  BOOST_TEST(!in.Find("healt").has_value());
  BOOST_TEST(IdOf(in, "health") == 0);
  BOOST_TEST(in.size() == 1u);  // Find never interns
}

BOOST_AUTO_TEST_CASE(empty_and_binary_names_are_ordinary_names) {
  Interner in;
  const std::string with_nul("a\0b", 3);
  BOOST_TEST(in.Intern("") == 0u);
  BOOST_TEST(in.Intern(with_nul) == 1u);
  BOOST_TEST(in.Intern("a") == 2u);
  BOOST_TEST(IdOf(in, with_nul) == 1);
  BOOST_TEST(in.Name(1).size() == 3u);
}

BOOST_AUTO_TEST_CASE(lookups_stay_valid_while_the_table_grows) {
  Interner in;
  constexpr int kCount = 20000;
  for (int i = 0; i < kCount; ++i) BOOST_REQUIRE(in.Intern(LongName(i)) == Interner::Id(i));
  for (int i = 0; i < kCount; ++i) {
    BOOST_REQUIRE(IdOf(in, LongName(i)) == i);
    BOOST_REQUIRE(in.Name(i) == LongName(i));
  }
}

BOOST_AUTO_TEST_CASE(a_copy_outlives_its_original) {
  std::optional<Interner> original(std::in_place);
  for (int i = 0; i < 100; ++i) original->Intern(LongName(i));
  Interner copy(*original);
  Interner assigned;
  assigned.Intern("something_else");
  assigned = *original;

  // The copies own their strings: destroy the original and reuse its memory.
  original.reset();
  std::vector<std::string> scribble;
  for (int i = 0; i < 200; ++i) scribble.emplace_back(LongName(i).size(), '#');

  for (const Interner* in : {&copy, &assigned}) {
    BOOST_TEST(in->size() == 100u);
    for (int i = 0; i < 100; ++i) {
      BOOST_REQUIRE(IdOf(*in, LongName(i)) == i);
      BOOST_REQUIRE(in->Name(i) == LongName(i));
    }
    BOOST_TEST(!in->Find(scribble.front()).has_value());
  }
  // A copy grows independently.
  BOOST_TEST(copy.Intern("new_name") == 100u);
  BOOST_TEST(!assigned.Find("new_name").has_value());
}

BOOST_AUTO_TEST_CASE(self_assignment_and_moves_keep_lookups) {
  Interner in;
  for (int i = 0; i < 50; ++i) in.Intern(LongName(i));
  Interner& alias = in;
  in = alias;
  BOOST_TEST(IdOf(in, LongName(49)) == 49);

  Interner moved(std::move(in));
  BOOST_TEST(IdOf(moved, LongName(7)) == 7);
  Interner move_assigned;
  move_assigned = std::move(moved);
  BOOST_TEST(IdOf(move_assigned, LongName(42)) == 42);
  BOOST_TEST(move_assigned.Intern(LongName(50)) == 50u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::core
