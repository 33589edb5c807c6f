// The CSV form of a portability file's entries (socle/access_request.hpp).
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/proto_time.h"
#include "socle/access_request.hpp"
#include "socle/error.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

// One RFC 4180 field: quoted when it holds a comma, a quote or a line break.
void AppendField(absl::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(value.data(), value.size());
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

std::string PortabilityCsvHeader() {
  return "id,category,kind,author,created_at,purpose,title,text,fields\r\n";
}

absl::StatusOr<std::string> PortabilityCsvRow(absl::string_view serialized_record) {
  v1::PortabilityRecord record;
  if (!record.ParseFromArray(serialized_record.data(),
                             static_cast<int>(serialized_record.size()))) {
    return MakeError(ErrorCode::kParse, "the record is not a socle.v1.PortabilityRecord");
  }
  if (!record.has_entry()) return std::string();
  const v1::Entry& e = record.entry();
  std::string fields;
  for (const v1::Entry::Field& f : e.fields()) {
    if (!fields.empty()) fields.append("; ");
    absl::StrAppend(&fields, f.name(), "=", f.value());
  }
  const std::string created =
      e.has_created_at() ? absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", core::TimeOf(e.created_at()),
                                            absl::UTCTimeZone())
                         : std::string();
  std::string row;
  const std::string kind(v1::EntryKind_Name(e.kind()));
  const absl::string_view columns[] = {e.id(),      e.category(), kind,     e.author(), created,
                                       e.purpose(), e.title(),    e.text(), fields};
  for (size_t i = 0; i < std::size(columns); ++i) {
    if (i != 0) row.push_back(',');
    AppendField(columns[i], &row);
  }
  row.append("\r\n");
  return row;
}

}  // namespace socle
