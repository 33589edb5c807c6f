#include "access/governance.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "access/state.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"

namespace socle::access_internal {

namespace {

constexpr absl::string_view kHeader = "socle policy approval v1";

absl::Status BadLine(int line, absl::string_view expected) {
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("the approval's line ", line, " is not `", expected, "`"));
}

// "<word> <64 lowercase hex>" into `out`.
absl::Status ReadDigestLine(absl::string_view line, int number, absl::string_view word,
                            PolicyDigestBytes& out) {
  const std::string expected = absl::StrCat(word, " <64 hex digits>");
  if (!absl::ConsumePrefix(&line, word) || !absl::ConsumePrefix(&line, " ") ||
      line.size() != 2 * out.size()) {
    return BadLine(number, expected);
  }
  for (const char c : line) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return BadLine(number, expected);
  }
  const std::string bytes = absl::HexStringToBytes(line);
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return absl::OkStatus();
}

}  // namespace

std::string ApprovalText(const ApprovalTerms& terms) {
  std::string roles;
  for (const std::string& role : terms.dpo_roles) absl::StrAppend(&roles, " ", role);
  return absl::StrCat(kHeader, "\npolicy ", crypto::ToHex(terms.policy), "\nprevious ",
                      crypto::ToHex(terms.previous), "\nchanges ", crypto::ToHex(terms.changes),
                      "\ndpo-roles", roles, "\nprofessional ", terms.professional, "\n");
}

absl::StatusOr<ApprovalTerms> ParseApprovalText(absl::string_view text) {
  if (!absl::ConsumeSuffix(&text, "\n")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the approval's text does not end with a newline");
  }
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() != 6) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("the approval's text has ", lines.size(),
                                  " lines; an approval has 6 (docs/policy-approval.md)"));
  }
  if (lines[0] != kHeader) return BadLine(1, kHeader);
  ApprovalTerms terms;
  SOCLE_RETURN_IF_ERROR(ReadDigestLine(lines[1], 2, "policy", terms.policy));
  SOCLE_RETURN_IF_ERROR(ReadDigestLine(lines[2], 3, "previous", terms.previous));
  SOCLE_RETURN_IF_ERROR(ReadDigestLine(lines[3], 4, "changes", terms.changes));
  absl::string_view roles = lines[4];
  if (!absl::ConsumePrefix(&roles, "dpo-roles")) return BadLine(5, "dpo-roles <role>...");
  if (!roles.empty()) {
    if (!absl::ConsumePrefix(&roles, " ")) return BadLine(5, "dpo-roles <role>...");
    for (absl::string_view role : absl::StrSplit(roles, ' ')) {
      if (role.empty() || (!terms.dpo_roles.empty() && terms.dpo_roles.back() >= role)) {
        return BadLine(5, "dpo-roles <role>... (sorted, each once, one space apart)");
      }
      terms.dpo_roles.emplace_back(role);
    }
  }
  absl::string_view professional = lines[5];
  if (!absl::ConsumePrefix(&professional, "professional ") || professional.empty()) {
    return BadLine(6, "professional <id>");
  }
  terms.professional = std::string(professional);
  return terms;
}

absl::StatusOr<PolicyDigestBytes> DigestField(absl::string_view field, absl::string_view bytes) {
  PolicyDigestBytes out{};
  if (bytes.size() != out.size()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat(field, " holds ", bytes.size(), " bytes; a policy digest has ", out.size()));
  }
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::vector<std::string> DpoRoleNames(const Policy& policy) {
  const auto& c = policy_internal::Compiled(policy);
  std::vector<std::string> out;
  for (uint32_t role = 0; role < c.role_capabilities.size() && role < c.roles.size(); ++role) {
    if ((c.role_capabilities[role] & (1u << v1::Role::DPO_ROLE)) != 0) {
      out.emplace_back(c.roles.Name(role));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace socle::access_internal

namespace socle {

PolicyGovernanceStatus AccessSnapshot::Governance() const {
  const access_internal::SnapshotData& s = access_internal::Data(*this);
  PolicyGovernanceStatus out;
  const access_internal::PolicyGovernance* g = s.state.governance.get();
  if (g == nullptr) return out;
  if (g->has_active) {
    out.mode = static_cast<PolicyActivationMode>(g->active_mode);
    out.policy_digest = crypto::ToHex(g->active);
    out.activated_at_revision = g->active_revision;
  }
  for (const auto& [professional, key] : g->keys) {
    out.key_holders.emplace_back(s.ids->professionals.Name(professional));
  }
  std::sort(out.key_holders.begin(), out.key_holders.end());
  for (const access_internal::PolicyApprovalRecord& r : g->approvals) {
    out.approvals.push_back(PolicyApprovalStatus{
        std::string(s.ids->professionals.Name(r.professional)), r.dpo, crypto::ToHex(r.policy),
        crypto::ToHex(r.changes), r.revision, absl::FromUnixNanos(r.at)});
  }
  out.dpo_roles = g->dpo_roles;
  return out;
}

}  // namespace socle
