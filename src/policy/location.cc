#include "policy/location.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace socle::policy_internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;
using google::protobuf::io::Tokenizer;

class SilentErrors final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
};

// (line, column) ordering of 0-based positions.
bool Before(int line, int column, int other_line, int other_column) {
  return line < other_line || (line == other_line && column < other_column);
}

}  // namespace

Locator::Locator(const TextFormat::ParseInfoTree& tree, const Descriptor& root,
                 absl::string_view text)
    : tree_(tree), root_(root), text_(text) {}

size_t Locator::LineStart(int line) {
  if (!line_starts_ready_) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
    line_starts_ready_ = true;
  }
  if (line < 0 || static_cast<size_t>(line) >= line_starts_.size()) return absl::string_view::npos;
  return line_starts_[line];
}

// The parse-info tree records one location per written occurrence of a field, and a list
// `data_categories: ["a", "b"]` is one occurrence. So the elements are found by re-reading the
// occurrences with protobuf's tokenizer (whose line and column conventions the tree uses) and
// counting each list's elements. Occurrences come in text order: one tokenizer, started at the
// line of the first occurrence, walks forward through all of them once.
const Locator::Elements& Locator::ElementsUpTo(const TextFormat::ParseInfoTree& node,
                                               const FieldDescriptor* field, size_t index) {
  Elements& cached = elements_[ListKey(&node, field)];
  if (cached.complete || index < cached.locations.size()) return cached;
  // Read again from the start, twice as far as before at least (amortised linear).
  const size_t wanted = std::max({index + 1, 2 * cached.locations.size(), size_t{64}});
  cached.locations.clear();
  cached.complete = true;  // unless the walk stops at `wanted`
  std::vector<TextLocation>& out = cached.locations;
  auto full = [&] {
    if (out.size() < wanted) return false;
    cached.complete = false;
    return true;
  };

  const auto first = node.GetLocation(field, 0);
  if (first.line < 0) return cached;
  const size_t start = LineStart(first.line);
  if (start == absl::string_view::npos) return cached;
  google::protobuf::io::ArrayInputStream input(text_.data() + start,
                                               static_cast<int>(text_.size() - start));
  SilentErrors errors;
  Tokenizer tokens(&input, &errors);
  tokens.set_comment_style(Tokenizer::SH_COMMENT_STYLE);
  // Token positions are relative to the first occurrence's line; columns are absolute since the
  // tokenizer starts at a line start.
  auto line_of = [&](const Tokenizer::Token& t) { return first.line + t.line; };

  for (int k = 0;; ++k) {
    const auto occurrence = node.GetLocation(field, k);
    if (occurrence.line < 0) break;
    // Skip to the field name of this occurrence.
    while (tokens.current().type == Tokenizer::TYPE_START ||
           Before(line_of(tokens.current()), tokens.current().column, occurrence.line,
                  occurrence.column)) {
      if (!tokens.Next()) return cached;
    }
    if (!tokens.Next()) return cached;  // past the name
    if (tokens.current().text == ":" && !tokens.Next()) return cached;
    if (tokens.current().text != "[") {
      // A single value: the occurrence is the element.
      out.push_back({occurrence.line + 1, occurrence.column + 1});
      if (full()) return cached;
      continue;
    }
    // A list: elements are separated by commas at depth 0.
    int depth = 0;
    bool at_element_start = true;
    while (tokens.Next()) {
      const auto& t = tokens.current();
      if (depth == 0 && t.text == "]") break;
      if (depth == 0 && t.text == ",") {
        at_element_start = true;
        continue;
      }
      if (at_element_start) {
        out.push_back({line_of(t) + 1, t.column + 1});
        if (full()) return cached;
        at_element_start = false;
      }
      if (t.text == "{" || t.text == "[" || t.text == "<") ++depth;
      if (t.text == "}" || t.text == "]" || t.text == ">") --depth;
    }
  }
  return cached;
}

TextLocation Locator::Locate(absl::string_view path) {
  TextLocation best;
  const TextFormat::ParseInfoTree* node = &tree_;
  const Descriptor* type = &root_;
  for (absl::string_view step : absl::StrSplit(path, '.', absl::SkipEmpty())) {
    if (node == nullptr || type == nullptr) break;
    // A step is "name" or "name[index]".
    int index = -1;
    absl::string_view name = step;
    if (const size_t open = step.find('['); open != absl::string_view::npos && step.back() == ']') {
      name = step.substr(0, open);
      if (!absl::SimpleAtoi(step.substr(open + 1, step.size() - open - 2), &index)) break;
    }
    const FieldDescriptor* field = type->FindFieldByName(std::string(name));
    if (field == nullptr) break;
    // The tree insists on an index for repeated fields and none for singular ones.
    if (!field->is_repeated()) index = -1;
    if (field->is_repeated() && index < 0) break;
    if (field->is_repeated() && field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      const Elements& elements = ElementsUpTo(*node, field, static_cast<size_t>(index));
      if (static_cast<size_t>(index) < elements.locations.size()) {
        best = elements.locations[index];
      }
      break;
    }
    const auto location = node->GetLocation(field, index);
    if (location.line < 0) break;  // not written in the text: keep the enclosing location
    best = {location.line + 1, location.column + 1};
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) break;
    node = node->GetTreeForNested(field, index);
    type = field->message_type();
  }
  return best;
}

}  // namespace socle::policy_internal
