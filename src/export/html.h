// An HTML builder in which every string that does not come from socle's own source code is
// escaped, by construction (the person's report, docs/person-report.md).
//
// Why a builder and not a template engine: Debian ships no maintained C++ template engine that
// escapes by default (ctemplate left the archive; inja and mustache ports escape only when the
// template says so, and a template that forgets `{{ }}` vs `{{{ }}}` once lets a name become
// markup). Here the type system carries the rule instead: markup is an `html::Markup`, which can
// only be built at compile time from a string literal (a consteval constructor), and everything
// else enters through `Text`, the one function that escapes. Record text therefore has no path
// into the output except through the escaper, and a reviewer checks one function, not every
// template.
#ifndef SOCLE_EXPORT_HTML_H_
#define SOCLE_EXPORT_HTML_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace socle::html {

// A piece of markup written in socle's source: a string literal, checked at compile time. There
// is deliberately no constructor from a runtime string.
class Markup {
 public:
  template <size_t N>
  consteval Markup(const char (&literal)[N])  // NOLINT(google-explicit-constructor)
      : view_(literal, N - 1) {}

  absl::string_view view() const { return view_; }

 private:
  absl::string_view view_;
};

// Appends `text` to `out` escaped for HTML text and for quoted attribute values: & < > " ' become
// character references; NUL and the C0 controls other than tab, line feed and carriage return,
// DEL, and bytes that are not well-formed UTF-8 become U+FFFD, so the page stays valid whatever
// the records hold.
void AppendEscaped(std::string& out, absl::string_view text);

// Builds one document in a string. Thread safety: one thread at a time.
class Builder {
 public:
  Builder() = default;

  // Reserves room for about `bytes` of output.
  void Reserve(size_t bytes) { out_.reserve(bytes); }

  // Markup from socle's source, as written.
  Builder& operator<<(Markup markup) {
    out_.append(markup.view().data(), markup.view().size());
    return *this;
  }
  // Anything else: escaped.
  Builder& Text(absl::string_view text) {
    AppendEscaped(out_, text);
    return *this;
  }
  // An element holding escaped text: `open` text `close`, e.g. ("<td>", name, "</td>").
  Builder& Element(Markup open, absl::string_view text, Markup close) {
    *this << open;
    Text(text);
    return *this << close;
  }

  size_t size() const { return out_.size(); }
  std::string Take() && { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace socle::html

#endif  // SOCLE_EXPORT_HTML_H_
