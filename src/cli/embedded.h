// Files compiled into the `socle` program (the example policies the demo runs on).
#ifndef SOCLE_SRC_CLI_EMBEDDED_H_
#define SOCLE_SRC_CLI_EMBEDDED_H_

#include "absl/strings/string_view.h"
#include <vector>

namespace socle::cli {

struct EmbeddedFile {
  absl::string_view name;   // path relative to examples/, e.g. "policies/ccas.textproto"
  absl::string_view bytes;
};

const std::vector<EmbeddedFile>& EmbeddedFiles();

}  // namespace socle::cli

#endif  // SOCLE_SRC_CLI_EMBEDDED_H_
