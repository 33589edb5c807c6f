#include "policy/location.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace socle::policy_internal {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

TextLocation Locate(const TextFormat::ParseInfoTree& tree, const Descriptor& root,
                    absl::string_view path) {
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
