// A small JSON writer for the documents socle builds by hand (consent receipts, the register as
// JSON-LD): values are written in the order they are added, so a document's bytes depend only on
// what was added, never on a map's order. Strings are escaped as RFC 8259 says; UTF-8 passes
// through (callers hold UTF-8 text: proto3 strings are UTF-8).
//
// Thread safety: a Json value is a plain value; build and write one per thread.
#ifndef SOCLE_SRC_CORE_JSON_WRITER_H_
#define SOCLE_SRC_CORE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace socle::core {

// A JSON value built in the order it is written: the document's bytes depend only on what is
// added, never on a map's order.
class Json {
 public:
  static Json Str(absl::string_view s) { return Json(Kind::kString, std::string(s)); }
  static Json Num(uint64_t n) { return Json(Kind::kNumber, absl::StrCat(n)); }
  static Json Obj() { return Json(Kind::kObject, ""); }
  static Json Arr() { return Json(Kind::kArray, ""); }
  // A node reference: {"@id": iri}.
  static Json Id(absl::string_view iri) {
    Json j = Obj();
    j.Add("@id", Str(iri));
    return j;
  }
  static Json StrArr(const std::vector<std::string>& items) {
    Json j = Arr();
    for (const std::string& s : items) j.Push(Str(s));
    return j;
  }

  Json& Add(absl::string_view key, Json value) {
    members_.emplace_back(std::string(key), std::move(value));
    return *this;
  }
  Json& Push(Json value) {
    items_.push_back(std::move(value));
    return *this;
  }

  void Write(int indent, std::string* out) const {
    switch (kind_) {
      case Kind::kString:
        Quote(text_, out);
        return;
      case Kind::kNumber:
        out->append(text_);
        return;
      case Kind::kObject:
        if (members_.empty()) {
          out->append("{}");
          return;
        }
        out->append("{\n");
        for (size_t i = 0; i < members_.size(); ++i) {
          out->append(indent + 2, ' ');
          Quote(members_[i].first, out);
          out->append(": ");
          members_[i].second.Write(indent + 2, out);
          out->append(i + 1 < members_.size() ? ",\n" : "\n");
        }
        out->append(indent, ' ');
        out->push_back('}');
        return;
      case Kind::kArray:
        if (items_.empty()) {
          out->append("[]");
          return;
        }
        out->append("[\n");
        for (size_t i = 0; i < items_.size(); ++i) {
          out->append(indent + 2, ' ');
          items_[i].Write(indent + 2, out);
          out->append(i + 1 < items_.size() ? ",\n" : "\n");
        }
        out->append(indent, ' ');
        out->push_back(']');
        return;
    }
  }

 private:
  enum class Kind { kString, kNumber, kObject, kArray };
  Json(Kind kind, std::string text) : kind_(kind), text_(std::move(text)) {}

  // RFC 8259 string escaping. UTF-8 passes through (a consent receipt's CheckNoteText refuses
  // invalid UTF-8); every ASCII control character is escaped, so the text holds no control
  // character but the newlines of the layout, as a signed note requires.
  static void Quote(absl::string_view s, std::string* out) {
    out->push_back('"');
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\r':
          out->append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            absl::StrAppendFormat(out, "\\u%04x", c);
          } else {
            out->push_back(ch);
          }
      }
    }
    out->push_back('"');
  }

  Kind kind_;
  std::string text_;
  std::vector<std::pair<std::string, Json>> members_;
  std::vector<Json> items_;
};

}  // namespace socle::core

#endif  // SOCLE_SRC_CORE_JSON_WRITER_H_
