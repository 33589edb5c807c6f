#include "policy/location.h"

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

// The 0-based offset where 0-based `line` starts, or npos.
size_t LineStart(absl::string_view text, int line) {
  size_t offset = 0;
  for (int l = 0; l < line; ++l) {
    offset = text.find('\n', offset);
    if (offset == absl::string_view::npos) return offset;
    ++offset;
  }
  return offset;
}

// The parse-info tree records one location per written occurrence of a field, and a list
// `data_categories: ["a", "b"]` is one occurrence. So element `index` of a repeated field is found
// by re-reading each occurrence with protobuf's tokenizer and counting the list's elements.
// Returns false when the element cannot be placed.
bool LocateElement(const TextFormat::ParseInfoTree& node, const FieldDescriptor* field, int index,
                   absl::string_view text, TextLocation* out) {
  int remaining = index;
  for (int k = 0;; ++k) {
    const auto occurrence = node.GetLocation(field, k);
    if (occurrence.line < 0) return false;
    const size_t start = LineStart(text, occurrence.line);
    if (start == absl::string_view::npos) return false;
    google::protobuf::io::ArrayInputStream input(text.data() + start,
                                                 static_cast<int>(text.size() - start));
    SilentErrors errors;
    Tokenizer tokens(&input, &errors);
    tokens.set_comment_style(Tokenizer::SH_COMMENT_STYLE);
    // Columns are absolute since the tokenizer starts at the line's start; skip to the name.
    while (tokens.Next() &&
           (tokens.current().line == 0 && tokens.current().column < occurrence.column)) {
    }
    if (tokens.current().type == Tokenizer::TYPE_END || !tokens.Next()) return false;
    if (tokens.current().text == ":" && !tokens.Next()) return false;
    if (tokens.current().text != "[") {
      // A single value: the occurrence is the element.
      if (remaining == 0) {
        *out = {occurrence.line + 1, occurrence.column + 1};
        return true;
      }
      --remaining;
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
        if (remaining == 0) {
          *out = {occurrence.line + t.line + 1, t.column + 1};
          return true;
        }
        --remaining;
        at_element_start = false;
      }
      if (t.text == "{" || t.text == "[" || t.text == "<") ++depth;
      if (t.text == "}" || t.text == "]" || t.text == ">") --depth;
    }
  }
}

}  // namespace

TextLocation Locate(const TextFormat::ParseInfoTree& tree, const Descriptor& root,
                    absl::string_view path, absl::string_view text) {
  TextLocation best;
  const TextFormat::ParseInfoTree* node = &tree;
  const Descriptor* type = &root;
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
      TextLocation element;
      if (LocateElement(*node, field, index, text, &element)) best = element;
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
