#include "pseudonym/domain.h"

#include <string>

#include "crypto/crypto.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"

namespace socle::pseudonym_internal {
namespace {

static_assert(static_cast<int>(PseudonymKind::kPerson) == v1::PseudonymDomain::PERSON);
static_assert(static_cast<int>(PseudonymKind::kRelationship) == v1::PseudonymDomain::RELATIONSHIP);
static_assert(static_cast<int>(PseudonymKind::kTransaction) == v1::PseudonymDomain::TRANSACTION);

void AppendU16(std::string& s, size_t v) {
  s.push_back(static_cast<char>((v >> 8) & 0xff));
  s.push_back(static_cast<char>(v & 0xff));
}

void AppendU32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

}  // namespace

absl::StatusOr<SecretBytes> Derive(const SecretBytes& key, absl::string_view label,
                                   uint32_t version, absl::string_view domain,
                                   absl::string_view extra) {
  if (domain.size() > 0xffff || extra.size() > 0xffff) {
    return MakeError(ErrorCode::kInvalidArgument, "key derivation: an input is too long");
  }
  // `info` may hold a relationship label or export randomness: built in a SecretBytes-like
  // buffer that is wiped below.
  std::string info;
  info.reserve(label.size() + 1 + 4 + 2 + domain.size() + 2 + extra.size());
  info.append(label.data(), label.size());
  info.push_back('\0');
  AppendU32(info, version);
  AppendU16(info, domain.size());
  info.append(domain.data(), domain.size());
  AppendU16(info, extra.size());
  info.append(extra.data(), extra.size());
  SecretBytes out(kDerivedKeyBytes);
  const absl::Status st = crypto::KeyedHashPersonal(
      key.span(), kKdfPersonal,
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(info.data()), info.size()),
      absl::MakeSpan(out.data(), out.size()));
  crypto::Wipe(absl::MakeSpan(reinterpret_cast<uint8_t*>(info.data()), info.size()));
  if (!st.ok()) return st;
  return out;
}

DomainTable DomainTable::FromPolicy(const Policy& policy) {
  DomainTable t;
  for (const auto& d : policy_internal::Compiled(policy).source.pseudonym_domains()) {
    PseudonymKind kind = PseudonymKind::kTransaction;  // unspecified: no linkage declared
    if (d.kind() == v1::PseudonymDomain::PERSON) kind = PseudonymKind::kPerson;
    if (d.kind() == v1::PseudonymDomain::RELATIONSHIP) kind = PseudonymKind::kRelationship;
    t.index_.emplace(d.id(), static_cast<uint32_t>(t.domains_.size()));
    t.domains_.push_back(DomainInfo{d.id(), kind});
  }
  return t;
}

std::optional<uint32_t> DomainTable::Find(absl::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

}  // namespace socle::pseudonym_internal
