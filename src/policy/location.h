// Maps a field path of the policy ("activities[2].retention[0].data_category") to the line and
// column where the text-format parser saw it, so every diagnostic points into the DPO's file.
#ifndef SOCLE_SRC_POLICY_LOCATION_H_
#define SOCLE_SRC_POLICY_LOCATION_H_

#include <cstddef>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"

namespace socle::policy_internal {

struct TextLocation {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

// Locates paths in one parsed text. The line starts are computed once, and a written list of a
// repeated scalar field (`data_categories: ["a", "b", …]`) is tokenised only as far as the
// elements asked for, again only when a later element is asked for, each time at least twice as
// far: locating the diagnostics of a policy costs time linear in the text, not in the text times
// the number of diagnostics. `tree` and `text` must outlive it.
class Locator {
 public:
  Locator(const google::protobuf::TextFormat::ParseInfoTree& tree,
          const google::protobuf::Descriptor& root, absl::string_view text);

  // The location of the deepest element of `path` present in the text: a field left out is
  // reported where its enclosing message starts. Unknown path steps stop the walk.
  TextLocation Locate(absl::string_view path);

 private:
  using ListKey = std::pair<const google::protobuf::TextFormat::ParseInfoTree*,
                            const google::protobuf::FieldDescriptor*>;
  // The 0-based offset where 0-based `line` starts, or npos.
  size_t LineStart(int line);
  struct Elements {
    std::vector<TextLocation> locations;  // the first elements, in order
    bool complete = false;                // all of them
  };
  // The elements of the repeated scalar `field` of `node`, in order across its occurrences: at
  // least the first `index` + 1 when the list has them.
  const Elements& ElementsUpTo(const google::protobuf::TextFormat::ParseInfoTree& node,
                               const google::protobuf::FieldDescriptor* field, size_t index);

  const google::protobuf::TextFormat::ParseInfoTree& tree_;
  const google::protobuf::Descriptor& root_;
  absl::string_view text_;
  std::vector<size_t> line_starts_;  // computed on first use
  bool line_starts_ready_ = false;
  absl::flat_hash_map<ListKey, Elements> elements_;
};

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_LOCATION_H_
