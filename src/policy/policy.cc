#include "socle/policy.hpp"

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "policy/compiled_policy.h"
#include "policy/location.h"
#include "policy/register.h"
#include "policy/validate.h"
#include "socle/error.hpp"

namespace socle {
namespace {

using policy_internal::CompiledPolicy;

// Collects the text-format parser's complaints as diagnostics (it reports 0-based positions).
class SyntaxCollector final : public google::protobuf::io::ErrorCollector {
 public:
  explicit SyntaxCollector(std::vector<Diagnostic>* out) : out_(out) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    Add(Diagnostic::Severity::kError, line, column, message);
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    Add(Diagnostic::Severity::kWarning, line, column, message);
  }
  int errors() const { return errors_; }

 private:
  void Add(Diagnostic::Severity severity, int line, int column, const std::string& message) {
    Diagnostic d;
    d.severity = severity;
    d.code = "syntax";
    d.line = line >= 0 ? line + 1 : 0;
    d.column = column >= 0 ? column + 1 : 0;
    d.message = message;
    if (severity == Diagnostic::Severity::kError) ++errors_;
    out_->push_back(std::move(d));
  }
  std::vector<Diagnostic>* out_;
  int errors_ = 0;
};

bool IsError(const Diagnostic& d) { return d.severity == Diagnostic::Severity::kError; }

// Parses and validates `text`, appending every diagnostic to `out`. Returns the parsed policy
// when it has no error, nullptr otherwise; `failure` tells which kind of failure it was
// (RESOURCE_EXHAUSTED: too large; PARSE: syntax; POLICY_INVALID: validation).
std::unique_ptr<v1::Policy> Analyse(absl::string_view text, std::vector<Diagnostic>* out,
                                    ErrorCode* failure) {
  *failure = ErrorCode::kPolicyInvalid;
  if (text.size() > kMaxPolicyBytes) {
    Diagnostic d;
    d.code = "policy.too_large";
    d.message = absl::StrCat("the policy is ", text.size(), " bytes; the limit is ",
                             kMaxPolicyBytes, " bytes");
    out->push_back(std::move(d));
    *failure = ErrorCode::kResourceExhausted;
    return nullptr;
  }
  auto policy = std::make_unique<v1::Policy>();
  google::protobuf::TextFormat::ParseInfoTree tree;
  SyntaxCollector collector(out);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  // The parser wants a contiguous std::string; policies are small (kMaxPolicyBytes).
  const bool parsed = parser.ParseFromString(std::string(text), policy.get());
  if (!parsed || collector.errors() > 0) {
    if (collector.errors() == 0) {
      Diagnostic d;
      d.code = "syntax";
      d.message = "the policy is not valid protobuf text format";
      out->push_back(std::move(d));
    }
    *failure = ErrorCode::kParse;
    return nullptr;
  }
  const size_t first = out->size();
  policy_internal::ValidatePolicy(*policy, out);
  bool failed = false;
  policy_internal::Locator locator(tree, *v1::Policy::descriptor(), text);
  for (size_t i = first; i < out->size(); ++i) {
    Diagnostic& d = (*out)[i];
    const auto location = locator.Locate(d.path);
    d.line = location.line;
    d.column = location.column;
    failed |= IsError(d);
  }
  if (failed) return nullptr;
  return policy;
}

absl::Status Summarise(ErrorCode code, const std::vector<Diagnostic>& diagnostics, size_t first) {
  size_t errors = 0;
  bool truncated = false;
  const Diagnostic* head = nullptr;
  for (size_t i = first; i < diagnostics.size(); ++i) {
    if (!IsError(diagnostics[i])) continue;
    if (diagnostics[i].code == policy_internal::kTruncatedCode) {
      truncated = true;
      continue;
    }
    if (head == nullptr) head = &diagnostics[i];
    ++errors;
  }
  std::string message =
      absl::StrCat(code == ErrorCode::kPolicyInvalid ? "the policy is invalid"
                                                     : "the policy could not be parsed",
                   ": ", truncated ? "more than " : "", errors, errors == 1 ? " error" : " errors");
  if (head != nullptr) {
    absl::StrAppend(&message, "; first: ");
    if (head->line > 0) absl::StrAppend(&message, "line ", head->line, ":", head->column, ": ");
    absl::StrAppend(&message, head->message, " [", head->code, "]");
  }
  return MakeError(code, message);
}

}  // namespace

std::string Diagnostic::ToString(absl::string_view source_name) const {
  std::string s(source_name.empty() ? "policy" : source_name);
  if (line > 0) absl::StrAppend(&s, ":", line, ":", column);
  absl::StrAppend(&s, ": ", severity == Severity::kError ? "error" : "warning", ": ", message, " [",
                  code, "]");
  if (!path.empty()) absl::StrAppend(&s, " (at ", path, ")");
  return s;
}

absl::StatusOr<Policy> Policy::Load(absl::string_view text, std::vector<Diagnostic>* diagnostics) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  std::vector<Diagnostic> local;
  std::vector<Diagnostic>* out = diagnostics != nullptr ? diagnostics : &local;
  const size_t first = out->size();
  ErrorCode failure;
  std::unique_ptr<v1::Policy> parsed = Analyse(text, out, &failure);
  if (parsed == nullptr) return Summarise(failure, *out, first);
  SOCLE_ASSIGN_OR_RETURN(CompiledPolicy compiled, policy_internal::Compile(std::move(*parsed)));
  return Policy(std::make_shared<const CompiledPolicy>(std::move(compiled)));
}

absl::StatusOr<Policy> Policy::LoadFile(const std::string& path,
                                        std::vector<Diagnostic>* diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, absl::StrCat("cannot open the policy file ", path));
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxPolicyBytes) break;  // Load reports the size
  }
  if (in.bad())
    return MakeError(ErrorCode::kIo, absl::StrCat("cannot read the policy file ", path));
  return Load(text, diagnostics);
}

std::vector<Diagnostic> Policy::Validate(absl::string_view text) {
  std::vector<Diagnostic> out;
  ErrorCode failure;
  Analyse(text, &out, &failure);
  return out;
}

absl::string_view Policy::id() const { return impl_->source.id(); }
absl::string_view Policy::revision() const { return impl_->source.revision(); }
const std::array<uint8_t, kPolicyDigestBytes>& Policy::digest() const { return impl_->digest; }
std::string Policy::digest_hex() const { return impl_->digest_hex; }

absl::StatusOr<std::string> Policy::RenderRegister(RegisterFormat format,
                                                   RegisterLanguage language) const {
  return policy_internal::RenderRegister(*impl_, format, language);
}

size_t Policy::data_category_count() const { return impl_->data_categories.size(); }
size_t Policy::role_count() const { return impl_->roles.size(); }
size_t Policy::activity_count() const { return impl_->activities.size(); }

std::optional<uint32_t> Policy::FindDataCategory(absl::string_view id) const {
  return impl_->data_categories.Find(id);
}
absl::string_view Policy::DataCategoryName(uint32_t category) const {
  if (category >= impl_->data_categories.size()) return {};
  return impl_->data_categories.Name(category);
}
std::optional<uint32_t> Policy::FindRole(absl::string_view id) const {
  return impl_->roles.Find(id);
}
std::optional<uint32_t> Policy::FindActivity(absl::string_view id) const {
  return impl_->activities.Find(id);
}

bool Policy::Allows(uint32_t role, Action action, uint32_t category) const {
  return impl_->Allows(role, action, category);
}

DataSensitivity Policy::sensitivity(uint32_t category) const {
  return category < impl_->category_sensitivity.size() ? impl_->category_sensitivity[category]
                                                       : DataSensitivity::kUnspecified;
}

SecrecyStatus Policy::secrecy(uint32_t role) const {
  return role < impl_->role_secrecy.size() ? impl_->role_secrecy[role]
                                           : SecrecyStatus::kUnspecified;
}

}  // namespace socle
