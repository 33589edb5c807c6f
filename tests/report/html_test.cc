// The escaped HTML builder (src/export/html.h): the one place record text is escaped.
#include "export/html.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <type_traits>
#include <utility>

namespace socle::html {
namespace {

std::string Escaped(absl::string_view text) {
  std::string out;
  AppendEscaped(out, text);
  return out;
}

BOOST_AUTO_TEST_SUITE(html_builder)

BOOST_AUTO_TEST_CASE(escapes_the_five_characters_that_mean_something) {
  BOOST_TEST(Escaped("<script>alert(\"x\")</script>") ==
             "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  BOOST_TEST(Escaped("Tom & Jerry's") == "Tom &amp; Jerry&#39;s");
  BOOST_TEST(Escaped("&amp;") == "&amp;amp;");
  BOOST_TEST(Escaped("") == "");
  BOOST_TEST(Escaped("Élodie Nguyễn 😀 — 607,75 €") == "Élodie Nguyễn 😀 — 607,75 €");
  BOOST_TEST(Escaped("ligne 1\nligne 2\ttab\r") == "ligne 1\nligne 2\ttab\r");
}

BOOST_AUTO_TEST_CASE(replaces_controls_and_malformed_utf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  BOOST_TEST(Escaped(std::string("a\0b", 3)) == "a" + fffd + "b");
  BOOST_TEST(Escaped("a\x01\x1b\x7f"
                     "b") == "a" + fffd + fffd + fffd + "b");
  BOOST_TEST(Escaped("\xC2\x85") == fffd + fffd);                        // C1 control (NEL)
  BOOST_TEST(Escaped("\xC3") == fffd);                                   // truncated sequence
  BOOST_TEST(Escaped("\xC0\xBC") == fffd + fffd);                        // overlong '<'
  BOOST_TEST(Escaped("\xE0\x80\xBC") == fffd + fffd + fffd);             // overlong
  BOOST_TEST(Escaped("\xED\xA0\x80") == fffd + fffd + fffd);             // surrogate
  BOOST_TEST(Escaped("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above U+10FFFF
  BOOST_TEST(Escaped("\xFF<") == fffd + "&lt;");
  BOOST_TEST(Escaped("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");  // U+1F600 stays
}

// Every special byte at every position of a long string is seen (and the plain runs around it
// copied whole).
BOOST_AUTO_TEST_CASE(every_special_byte_at_every_position) {
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string fffd = "\xEF\xBF\xBD";
  const std::pair<std::string, std::string> specials[] = {
      {"&", "&amp;"},
      {"<", "&lt;"},
      {">", "&gt;"},
      {"\"", "&quot;"},
      {"'", "&#39;"},
      {"\x01", fffd},
      {std::string(1, '\0'), fffd},
      {"\x1f", fffd},
      {"\x7f", fffd},
      {"\xff", fffd},
      {"\xc3\xa9", "\xc3\xa9"},
      {"\n", "\n"},
      {" ", " "},
      {"~", "~"},
  };
  for (size_t at = 0; at <= plain.size(); ++at) {
    for (const auto& [special, escaped] : specials) {
      const std::string input = plain.substr(0, at) + special + plain.substr(at);
      const std::string expected = plain.substr(0, at) + escaped + plain.substr(at);
      BOOST_TEST(Escaped(input) == expected, "at " << at);
    }
  }
}

BOOST_AUTO_TEST_CASE(markup_is_written_as_is_and_text_escaped) {
  Builder b;
  b << "<p class=\"x\">";
  b.Text("<b>bold</b>");
  b << "</p>";
  b.Element("<td>", "a&b", "</td>");
  BOOST_TEST(std::move(b).Take() == "<p class=\"x\">&lt;b&gt;bold&lt;/b&gt;</p><td>a&amp;b</td>");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::html

// Markup comes only from string literals: no constructor takes a runtime string.
static_assert(std::is_constructible_v<socle::html::Markup, const char (&)[4]>);
static_assert(!std::is_constructible_v<socle::html::Markup, const char*>);
static_assert(!std::is_constructible_v<socle::html::Markup, std::string>);
static_assert(!std::is_constructible_v<socle::html::Markup, absl::string_view>);
