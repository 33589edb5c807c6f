// socle/policy.hpp: the policy, which is the controller's register of processing activities.
//
// A policy is written by the DPO in protobuf text format (schema: proto/socle/v1/policy.proto).
// Policy::Load parses it with protobuf's own text-format parser, validates everything a DPO could
// get wrong (reporting each problem with its line, column and field path), and compiles the valid
// policy into immutable lookup tables with dense integer ids. A policy that does not validate is
// never half-loaded: Load returns an error and no Policy.
//
// Thread safety: a Policy is immutable after Load; copies are cheap (they share one compiled
// snapshot) and every const method may be called from any number of threads at once.
#ifndef SOCLE_POLICY_HPP_
#define SOCLE_POLICY_HPP_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/export.hpp"
#include "socle/vocabulary.hpp"

namespace socle {

namespace policy_internal {
// Opaque here: socle's own modules reach the compiled tables through
// policy_internal::Compiled(const Policy&), in src/policy/compiled_policy.h.
struct CompiledPolicy;
}  // namespace policy_internal

// One problem found in a policy file.
struct SOCLE_CXX_API Diagnostic {
  enum class Severity : int32_t { kError = 1, kWarning = 2 };

  Severity severity = Severity::kError;
  // A stable code a test or a tool may match on, e.g. "activity.legal_basis_missing".
  // The list is in docs/policy-reference.md.
  std::string code;
  // The field path in the policy, e.g. "activities[2].legal_basis"; empty for syntax errors.
  std::string path;
  int line = 0;    // 1-based line in the text; 0 when not known
  int column = 0;  // 1-based column; 0 when not known
  std::string message;

  // "source:line:column: error: message [code] (at path)", as compilers print it.
  std::string ToString(absl::string_view source_name) const;
};

// How Policy::RenderRegister writes the register: Markdown for people, JSON (schema
// socle.v1.Register), or JSON-LD in the W3C Data Privacy Vocabulary (https://w3id.org/dpv) for
// tools that read registers.
enum class RegisterFormat : int32_t { kMarkdown = 1, kJson = 2, kJsonLd = 3 };

// The language of the register's headings and of every sentence socle writes in it. French, the
// default, follows the CNIL's model register (headings of its "fiche de registre"); what the DPO
// wrote in the policy (names, purposes, labels, measures) is copied as written.
enum class RegisterLanguage : int32_t { kFrench = 1, kEnglish = 2 };

// Policy text larger than this is refused before parsing.
inline constexpr size_t kMaxPolicyBytes = 16u << 20;

inline constexpr size_t kPolicyDigestBytes = 32;

class SOCLE_CXX_API Policy {
 public:
  // Parses, validates and compiles `text`. On failure returns PARSE (syntax) or POLICY_INVALID
  // (validation) with a summary message; every problem is appended to `diagnostics` if given.
  // Warnings never make Load fail but are appended too.
  static absl::StatusOr<Policy> Load(absl::string_view text,
                                     std::vector<Diagnostic>* diagnostics = nullptr);
  // As Load, reading the file at `path` (IO if it cannot be read).
  static absl::StatusOr<Policy> LoadFile(const std::string& path,
                                         std::vector<Diagnostic>* diagnostics = nullptr);
  // All diagnostics of `text` (errors and warnings); an empty list means valid and clean.
  static std::vector<Diagnostic> Validate(absl::string_view text);

  // The policy's own id and revision label, as written.
  absl::string_view id() const;
  absl::string_view revision() const;

  // BLAKE2b-256 of the policy's deterministic binary serialisation, domain-separated with
  // "socle.policy.v1". Comments, whitespace and field order in the text do not change it; any
  // change of content does. Later records (decisions, exports) cite it.
  const std::array<uint8_t, kPolicyDigestBytes>& digest() const;
  std::string digest_hex() const;

  // The register of processing activities, GDPR art. 30(1) (a)-(g) for every activity, as
  // Markdown for people, as JSON (protobuf's JSON printer, schema socle.v1.Register) or as DPV
  // JSON-LD, in French (the CNIL model's headings) unless `language` says English.
  // INVALID_ARGUMENT for a format or language out of the enums.
  absl::StatusOr<std::string> RenderRegister(
      RegisterFormat format, RegisterLanguage language = RegisterLanguage::kFrench) const;

  size_t data_category_count() const;
  size_t role_count() const;
  size_t activity_count() const;

  // Dense ids (0…count-1) of named entries, or nullopt when the name is not in the policy.
  std::optional<uint32_t> FindDataCategory(absl::string_view id) const;
  std::optional<uint32_t> FindRole(absl::string_view id) const;
  std::optional<uint32_t> FindActivity(absl::string_view id) const;
  // The id of data category `category` (dense id); empty when out of range. Valid for the
  // policy's life.
  absl::string_view DataCategoryName(uint32_t category) const;

  // The habilitation matrix: whether `role` may do `action` on `category` (dense ids).
  // Out-of-range ids and kUnspecified are simply not allowed.
  bool Allows(uint32_t role, Action action, uint32_t category) const;

  DataSensitivity sensitivity(uint32_t category) const;
  SecrecyStatus secrecy(uint32_t role) const;

 private:
  friend struct policy_internal::CompiledPolicy;  // its Of() hands the tables to socle's modules
  explicit Policy(std::shared_ptr<const policy_internal::CompiledPolicy> impl)
      : impl_(std::move(impl)) {}
  std::shared_ptr<const policy_internal::CompiledPolicy> impl_;
};

}  // namespace socle

#endif  // SOCLE_POLICY_HPP_
