// Maps a field path of the policy ("activities[2].retention[0].data_category") to the line and
// column where the text-format parser saw it, so every diagnostic points into the DPO's file.
#ifndef SOCLE_SRC_POLICY_LOCATION_H_
#define SOCLE_SRC_POLICY_LOCATION_H_

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"

namespace socle::policy_internal {

struct TextLocation {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

// The location of the deepest element of `path` present in `text` (which `tree` was parsed
// from): a field left out is reported where its enclosing message starts. Unknown path steps
// stop the walk.
TextLocation Locate(const google::protobuf::TextFormat::ParseInfoTree& tree,
                    const google::protobuf::Descriptor& root, absl::string_view path,
                    absl::string_view text);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_LOCATION_H_
