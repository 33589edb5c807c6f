// Pseudonymizer, PseudonymContext, PseudonymRotator and FixedPseudonymSecrets
// (include/socle/pseudonym.hpp; the constructions are in docs/pseudonyms.md).
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "policy/compiled_policy.h"
#include "pseudonym/domain.h"
#include "pseudonym/pseudonymizer_rate_limit.h"
#include "pseudonym/text_form.h"
#include "pseudonym/token.h"
#include "socle/error.hpp"
#include "socle/pseudonym.hpp"

namespace socle {

using pseudonym_internal::Derive;
using pseudonym_internal::DomainTable;
using pseudonym_internal::kPrfPersonal;
using pseudonym_internal::LocalControls;
using pseudonym_internal::TokenKeys;

namespace {

constexpr size_t kMaxRelationshipLabelBytes = 256;
constexpr size_t kMaxActorBytes = 256;
constexpr size_t kMaxFreeTextReasonBytes = 500;
constexpr size_t kExportRandomBytes = 32;
// Batches are processed in chunks this size, with the views on the stack (no allocation).
constexpr size_t kChunk = 256;
// How often token creation and rotation, the hot paths, ask durable controls whether another
// object retired their version (contexts and reversals ask every time).
constexpr absl::Duration kRetiredRefresh = absl::Seconds(1);

absl::StatusOr<crypto::KeyedHasher> Prf(const SecretBytes& key) {
  return crypto::KeyedHasher::Create(key.span(), kPrfPersonal, kPseudonymBytes);
}

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

bool HasControlCharacter(absl::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

bool IsBlank(absl::string_view s) {
  for (char c : s) {
    if (c != ' ') return false;
  }
  return true;
}

absl::Status UnknownDomain(const Policy& policy) {
  // The name the caller passed is not repeated: it might be anything, even an identifier.
  return MakeError(
      ErrorCode::kNotFound,
      absl::StrCat("the domain is not a pseudonymisation domain of policy '", policy.id(), "'"));
}

absl::Status EmptyIdentifier(size_t index) {
  return MakeError(
      ErrorCode::kInvalidArgument,
      absl::StrCat("identifier ", index, " is empty: there is no pseudonym of nothing"));
}

// Reads and checks one master secret. The message names the version, never the bytes.
absl::StatusOr<SecretBytes> ReadMaster(const PseudonymSecretSource& source, uint32_t version) {
  auto secret = source.PseudonymMasterSecret(version);
  if (!secret.ok()) {
    return MakeError(
        ErrorCodeOf(secret.status()),
        absl::StrCat("pseudonymisation master secret version ", version, " is not available (",
                     ErrorCodeName(ErrorCodeOf(secret.status())), ")"));
  }
  if (secret->size() < kMinPseudonymSecretBytes || secret->size() > kMaxPseudonymSecretBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("pseudonymisation master secret version ", version, " has ",
                                  secret->size(), " bytes; it must have 16 to 64 (REQ-45)"));
  }
  return secret;
}

absl::Status CheckVersion(uint32_t version, absl::string_view what) {
  if (version < 1 || version > kMaxPseudonymVersion) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat(what, " is ", version, "; versions are 1 to 9999"));
  }
  return absl::OkStatus();
}

// The rotation keys of one domain: rotate[i] carries a pseudonym into version first + i.
struct RotationKeys {
  uint32_t first = 0;
  std::vector<crypto::KeyedHasher> into;
};

// Applies the rotation steps into versions from+1 .. to.
void RotateBytes(const RotationKeys& keys, uint32_t from, uint32_t to, uint8_t* bytes) {
  std::array<uint8_t, kPseudonymBytes> previous;
  for (uint32_t v = from + 1; v <= to; ++v) {
    std::memcpy(previous.data(), bytes, kPseudonymBytes);
    keys.into[v - keys.first].Hash(previous, bytes);
  }
}

absl::Status RotateSpan(const DomainTable& domains, const std::vector<RotationKeys>& keys,
                        const Policy& policy, absl::string_view domain, uint32_t min_from,
                        uint32_t max_from, uint32_t to, absl::Span<const Pseudonym> in,
                        absl::Span<Pseudonym> out) {
  const auto index = domains.Find(domain);
  if (!index) return UnknownDomain(policy);
  const PseudonymKind kind = domains.at(*index).kind;
  if (kind == PseudonymKind::kTransaction) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("domain '", domains.at(*index).id,
                                  "' holds transaction pseudonyms, which are never rotated: they "
                                  "link nothing"));
  }
  if (in.size() != out.size()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("rotation: ", in.size(), " pseudonyms in, room for ", out.size(), " out"));
  }
  // Check everything first, so a failure leaves `out` untouched.
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].kind != kind) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("rotation: pseudonym ", i, " is not of the domain's kind"));
    }
    if (in[i].version < min_from || in[i].version > max_from) {
      return MakeError(ErrorCode::kOutOfRange,
                       absl::StrCat("rotation: pseudonym ", i, " has version ", in[i].version,
                                    "; this rotation takes versions ", min_from, " to ", max_from));
    }
  }
  for (size_t i = 0; i < in.size(); ++i) {
    Pseudonym p = in[i];  // `in` and `out` may be the same memory
    RotateBytes(keys[*index], p.version, to, p.bytes.data());
    p.version = to;
    out[i] = p;
  }
  return absl::OkStatus();
}

// Builds the rotation keys into versions first..last of every domain that links.
absl::StatusOr<std::vector<RotationKeys>> LoadRotationKeys(const DomainTable& domains,
                                                           const PseudonymSecretSource& source,
                                                           uint32_t first, uint32_t last) {
  std::vector<RotationKeys> keys(domains.size());
  for (auto& k : keys) k.first = first;
  for (uint32_t v = first; v <= last; ++v) {
    SOCLE_ASSIGN_OR_RETURN(SecretBytes master, ReadMaster(source, v));
    for (uint32_t d = 0; d < domains.size(); ++d) {
      if (domains.at(d).kind == PseudonymKind::kTransaction) continue;
      SOCLE_ASSIGN_OR_RETURN(SecretBytes key,
                             Derive(master, pseudonym_internal::kLabelRotate, v, domains.at(d).id));
      SOCLE_ASSIGN_OR_RETURN(crypto::KeyedHasher h, Prf(key));
      keys[d].into.push_back(std::move(h));
    }
  }
  return keys;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// FixedPseudonymSecrets

struct FixedPseudonymSecrets::Impl {
  mutable absl::Mutex mu;
  std::map<uint32_t, SecretBytes> secrets ABSL_GUARDED_BY(mu);
};

FixedPseudonymSecrets::FixedPseudonymSecrets() : impl_(std::make_unique<Impl>()) {}
FixedPseudonymSecrets::~FixedPseudonymSecrets() = default;

absl::Status FixedPseudonymSecrets::Add(uint32_t version, SecretBytes secret) {
  SOCLE_RETURN_IF_ERROR(CheckVersion(version, "the secret's version"));
  if (secret.size() < kMinPseudonymSecretBytes || secret.size() > kMaxPseudonymSecretBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("a pseudonymisation master secret must have 16 to 64 bytes, "
                                  "not ",
                                  secret.size(), " (REQ-45)"));
  }
  absl::MutexLock lock(&impl_->mu);
  if (!impl_->secrets.emplace(version, std::move(secret)).second) {
    return MakeError(ErrorCode::kAlreadyExists,
                     absl::StrCat("version ", version, " already has a secret"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> FixedPseudonymSecrets::CurrentPseudonymVersion() const {
  absl::MutexLock lock(&impl_->mu);
  if (impl_->secrets.empty()) {
    return MakeError(ErrorCode::kNotFound, "no pseudonymisation master secret was added");
  }
  return impl_->secrets.rbegin()->first;
}

absl::StatusOr<SecretBytes> FixedPseudonymSecrets::PseudonymMasterSecret(uint32_t version) const {
  absl::MutexLock lock(&impl_->mu);
  auto it = impl_->secrets.find(version);
  if (it == impl_->secrets.end()) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no pseudonymisation master secret of version ", version));
  }
  return it->second.Clone();
}

// ---------------------------------------------------------------------------------------------
// PseudonymContext

struct PseudonymContext::Impl {
  std::string domain;
  PseudonymKind kind;
  uint32_t version;
  // steps[0] takes the identifier; each later step carries the pseudonym one version forward.
  std::vector<crypto::KeyedHasher> steps;

  void Run(absl::string_view identifier, uint8_t* out) const {
    steps[0].Hash(Bytes(identifier), out);
    std::array<uint8_t, kPseudonymBytes> previous;
    for (size_t i = 1; i < steps.size(); ++i) {
      std::memcpy(previous.data(), out, kPseudonymBytes);
      steps[i].Hash(previous, out);
    }
  }
};

PseudonymContext::PseudonymContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PseudonymContext::PseudonymContext(PseudonymContext&&) noexcept = default;
PseudonymContext& PseudonymContext::operator=(PseudonymContext&&) noexcept = default;
PseudonymContext::~PseudonymContext() = default;

PseudonymKind PseudonymContext::kind() const { return impl_->kind; }
uint32_t PseudonymContext::version() const { return impl_->version; }
absl::string_view PseudonymContext::domain() const { return impl_->domain; }

absl::StatusOr<Pseudonym> PseudonymContext::Compute(absl::string_view identifier) const {
  if (identifier.empty()) return EmptyIdentifier(0);
  Pseudonym p;
  p.kind = impl_->kind;
  p.version = impl_->version;
  impl_->Run(identifier, p.bytes.data());
  return p;
}

absl::Status PseudonymContext::ComputeBytes(absl::string_view identifier,
                                            absl::Span<uint8_t> out) const {
  if (identifier.empty()) return EmptyIdentifier(0);
  if (out.size() < kPseudonymBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the output holds fewer than 16 bytes");
  }
  impl_->Run(identifier, out.data());
  return absl::OkStatus();
}

absl::Status PseudonymContext::ComputeBatch(absl::Span<const absl::string_view> identifiers,
                                            absl::Span<Pseudonym> out) const {
  if (out.size() != identifiers.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(identifiers.size(), " identifiers in, room for ", out.size(),
                                  " pseudonyms out"));
  }
  for (size_t i = 0; i < identifiers.size(); ++i) {
    if (identifiers[i].empty()) return EmptyIdentifier(i);
    out[i].kind = impl_->kind;
    out[i].version = impl_->version;
    impl_->Run(identifiers[i], out[i].bytes.data());
  }
  return absl::OkStatus();
}

absl::Status PseudonymContext::ComputeBatchBytes(absl::Span<const absl::string_view> identifiers,
                                                 absl::Span<uint8_t> out) const {
  if (out.size() != identifiers.size() * kPseudonymBytes) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat(identifiers.size(), " identifiers need ", identifiers.size() * kPseudonymBytes,
                     " bytes out, not ", out.size()));
  }
  for (size_t i = 0; i < identifiers.size(); ++i) {
    if (identifiers[i].empty()) return EmptyIdentifier(i);
    impl_->Run(identifiers[i], out.data() + i * kPseudonymBytes);
  }
  return absl::OkStatus();
}

absl::Status PseudonymContext::ComputeBatchText(absl::Span<const absl::string_view> identifiers,
                                                absl::Span<char> out) const {
  if (out.size() != identifiers.size() * kPseudonymTextLength) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(identifiers.size(), " identifiers need ",
                                  identifiers.size() * kPseudonymTextLength,
                                  " characters out, not ", out.size()));
  }
  std::array<uint8_t, kPseudonymBytes> bytes;
  for (size_t i = 0; i < identifiers.size(); ++i) {
    if (identifiers[i].empty()) return EmptyIdentifier(i);
    impl_->Run(identifiers[i], bytes.data());
    pseudonym_internal::EncodePseudonymText(impl_->kind, impl_->version, bytes.data(),
                                            out.data() + i * kPseudonymTextLength);
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Pseudonymizer

namespace {

struct DomainKeys {
  // PERSON: the base version's pseudonym key, applied to identifiers.
  std::optional<crypto::KeyedHasher> person;
  // RELATIONSHIP: the root from which each relationship label's key is derived.
  SecretBytes relationship_root;
  // TRANSACTION: the root from which each export's key is derived (with fresh randomness).
  SecretBytes export_root;
  // PERSON and RELATIONSHIP: token keys by version (index version - base); empty optionals for
  // retired versions.
  std::vector<std::optional<TokenKeys>> tokens;
};

}  // namespace

struct Pseudonymizer::Impl {
  Policy policy;
  DomainTable domains;
  uint32_t base = 1;
  uint32_t current = 1;
  std::vector<DomainKeys> keys;        // by domain
  std::vector<RotationKeys> rotation;  // by domain: into base+1 .. current
  ReversalOptions reversal;
  const Clock* clock = nullptr;
  // Retirement and the reversal limit: the source's durable controls (a vault: shared by every
  // object made from its database, in every process) or this object's own, in memory.
  std::shared_ptr<PseudonymControls> controls;
  bool durable = false;
  // The highest retired version this object has seen (retirement is monotonic), and when it
  // last asked durable controls (Unix nanoseconds of `clock`).
  mutable std::atomic<uint32_t> retired{0};
  mutable std::atomic<int64_t> retired_checked{INT64_MIN};

  explicit Impl(Policy p) : policy(std::move(p)) {}

  void NoteRetired(uint32_t version) const {
    uint32_t seen = retired.load();
    while (seen < version && !retired.compare_exchange_weak(seen, version)) {
    }
  }
  // The highest retired version. With durable controls, asks them when `fresh` or when the last
  // answer is older than kRetiredRefresh; a failure to ask fails the call (closed, not open).
  absl::StatusOr<uint32_t> Retired(bool fresh) const {
    if (!durable) return retired.load();
    const int64_t now = absl::ToUnixNanos(clock->Now());
    const int64_t checked = retired_checked.load();
    if (!fresh && checked != INT64_MIN && now >= checked &&
        now - checked < absl::ToInt64Nanoseconds(kRetiredRefresh)) {
      return retired.load();
    }
    auto stored = controls->RetiredThrough();
    if (!stored.ok()) {
      return MakeError(ErrorCodeOf(stored.status()),
                       absl::StrCat("the retired pseudonymisation versions cannot be read: ",
                                    stored.status().message()));
    }
    NoteRetired(*stored);
    retired_checked.store(now);
    return retired.load();
  }
  absl::Status CheckNotRetired(uint32_t version) const {
    SOCLE_ASSIGN_OR_RETURN(const uint32_t through, Retired(/*fresh=*/false));
    if (version <= through) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("version ", version,
                                    " is retired; create a new Pseudonymizer to use the current "
                                    "version"));
    }
    return absl::OkStatus();
  }

  absl::Status ReportAndReturn(const ReversalRequest& request, uint32_t token_version,
                               absl::Time time, absl::Status status) const;
  absl::StatusOr<SecretBytes> Reverse(const ReversalRequest& request, absl::string_view token,
                                      absl::Time now, uint32_t* token_version) const;
};

Pseudonymizer::Pseudonymizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pseudonymizer::~Pseudonymizer() = default;

absl::StatusOr<std::unique_ptr<Pseudonymizer>> Pseudonymizer::Create(
    const Policy& policy, const PseudonymSecretSource& secrets, PseudonymizerOptions options) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  auto impl = std::make_unique<Impl>(policy);
  impl->domains = DomainTable::FromPolicy(policy);

  auto current = secrets.CurrentPseudonymVersion();
  if (!current.ok()) {
    return MakeError(ErrorCodeOf(current.status()),
                     "the current pseudonymisation secret version is not available");
  }
  SOCLE_RETURN_IF_ERROR(CheckVersion(*current, "the current pseudonymisation secret version"));
  SOCLE_RETURN_IF_ERROR(CheckVersion(options.base_version, "base_version"));
  if (options.base_version > *current) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("base_version ", options.base_version,
                                  " is above the current version ", *current));
  }
  if (options.retired_through >= *current) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("retired_through ", options.retired_through,
                                  " would retire the current version ", *current));
  }
  const ReversalOptions& r = options.reversal;
  if (r.capacity == 0 || r.capacity > pseudonym_internal::kMaxReversalCapacity ||
      r.window <= absl::ZeroDuration()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "reversal rate limit: the capacity must be 1 to 100000 and the window "
                     "positive");
  }
  for (const std::string& code : r.reason_codes) {
    if (code.empty() || IsBlank(code) || HasControlCharacter(code) ||
        code.size() > kMaxFreeTextReasonBytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "reversal reason codes must be 1 to 500 printable bytes");
    }
  }
  impl->base = options.base_version;
  impl->current = *current;
  impl->reversal = std::move(options.reversal);
  impl->clock = impl->reversal.clock != nullptr ? impl->reversal.clock : &Clock::Real();
  impl->controls = secrets.pseudonym_controls();
  impl->durable = impl->controls != nullptr;
  if (!impl->durable) impl->controls = std::make_shared<LocalControls>(*current);
  if (options.retired_through > 0) {
    // With durable controls this is recorded for every object of the source, like Retire.
    SOCLE_RETURN_IF_ERROR(impl->controls->RetireThrough(options.retired_through));
    impl->NoteRetired(options.retired_through);
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t retired, impl->Retired(/*fresh=*/true));
  if (retired >= *current) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("the current pseudonymisation version ", *current,
                                  " is retired (another process rotated and retired it?)"));
  }

  const DomainTable& domains = impl->domains;
  impl->keys.resize(domains.size());
  for (uint32_t v = impl->base; v <= impl->current; ++v) {
    SOCLE_ASSIGN_OR_RETURN(SecretBytes master, ReadMaster(secrets, v));
    for (uint32_t d = 0; d < domains.size(); ++d) {
      const auto& info = domains.at(d);
      DomainKeys& k = impl->keys[d];
      if (info.kind == PseudonymKind::kTransaction) {
        if (v == impl->current) {
          SOCLE_ASSIGN_OR_RETURN(k.export_root,
                                 Derive(master, pseudonym_internal::kLabelExport, v, info.id));
        }
        continue;
      }
      if (v == impl->base) {
        if (info.kind == PseudonymKind::kPerson) {
          SOCLE_ASSIGN_OR_RETURN(SecretBytes key,
                                 Derive(master, pseudonym_internal::kLabelPseudonym, v, info.id));
          SOCLE_ASSIGN_OR_RETURN(crypto::KeyedHasher h, Prf(key));
          k.person.emplace(std::move(h));
        } else {
          SOCLE_ASSIGN_OR_RETURN(
              k.relationship_root,
              Derive(master, pseudonym_internal::kLabelRelationship, v, info.id));
        }
      }
      if (v > retired) {
        SOCLE_ASSIGN_OR_RETURN(SecretBytes mac,
                               Derive(master, pseudonym_internal::kLabelTokenMac, v, info.id));
        SOCLE_ASSIGN_OR_RETURN(SecretBytes enc,
                               Derive(master, pseudonym_internal::kLabelTokenEnc, v, info.id));
        SOCLE_ASSIGN_OR_RETURN(TokenKeys t, TokenKeys::Create(mac, std::move(enc), v, info.id));
        k.tokens.emplace_back(std::move(t));
      } else {
        k.tokens.emplace_back(std::nullopt);
      }
    }
  }
  if (impl->current > impl->base) {
    SOCLE_ASSIGN_OR_RETURN(impl->rotation,
                           LoadRotationKeys(domains, secrets, impl->base + 1, impl->current));
  } else {
    impl->rotation.resize(domains.size());
  }
  return std::unique_ptr<Pseudonymizer>(new Pseudonymizer(std::move(impl)));
}

uint32_t Pseudonymizer::current_version() const { return impl_->current; }
uint32_t Pseudonymizer::base_version() const { return impl_->base; }
uint32_t Pseudonymizer::retired_through() const {
  const auto retired = impl_->Retired(/*fresh=*/true);
  return retired.ok() ? *retired : impl_->retired.load();
}
size_t Pseudonymizer::domain_count() const { return impl_->domains.size(); }

std::optional<uint32_t> Pseudonymizer::FindDomain(absl::string_view domain) const {
  return impl_->domains.Find(domain);
}

absl::string_view Pseudonymizer::domain_id(uint32_t domain) const {
  if (domain >= impl_->domains.size()) return {};
  return impl_->domains.at(domain).id;
}

std::optional<PseudonymKind> Pseudonymizer::domain_kind(absl::string_view domain) const {
  const auto index = impl_->domains.Find(domain);
  if (!index) return std::nullopt;
  return impl_->domains.at(*index).kind;
}

absl::StatusOr<PseudonymContext> Pseudonymizer::NewContext(absl::string_view domain,
                                                           absl::string_view relationship,
                                                           uint32_t version) const {
  const auto index = impl_->domains.Find(domain);
  if (!index) return UnknownDomain(impl_->policy);
  const auto& info = impl_->domains.at(*index);
  const DomainKeys& keys = impl_->keys[*index];

  if (info.kind == PseudonymKind::kRelationship) {
    if (relationship.empty() || relationship.size() > kMaxRelationshipLabelBytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("domain '", info.id,
                                    "' holds relationship pseudonyms: give a relationship label "
                                    "of 1 to 256 bytes"));
    }
  } else if (!relationship.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("domain '", info.id,
                                  "' is not a RELATIONSHIP domain: the relationship label must be "
                                  "empty"));
  }
  if (version == 0) version = impl_->current;
  if (version < impl_->base || version > impl_->current) {
    return MakeError(ErrorCode::kOutOfRange, absl::StrCat("version ", version, " is outside ",
                                                          impl_->base, " to ", impl_->current));
  }
  if (info.kind == PseudonymKind::kTransaction && version != impl_->current) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("domain '", info.id,
                                  "' holds transaction pseudonyms: they always use the current "
                                  "version"));
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t retired, impl_->Retired(/*fresh=*/true));
  if (version <= retired) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("version ", version, " is retired"));
  }

  auto ctx = std::make_unique<PseudonymContext::Impl>();
  ctx->domain = info.id;
  ctx->kind = info.kind;
  ctx->version = version;
  switch (info.kind) {
    case PseudonymKind::kPerson:
      ctx->steps.push_back(keys.person->Clone());
      break;
    case PseudonymKind::kRelationship: {
      SOCLE_ASSIGN_OR_RETURN(
          SecretBytes key, Derive(keys.relationship_root, pseudonym_internal::kLabelRelationshipKey,
                                  impl_->base, info.id, relationship));
      SOCLE_ASSIGN_OR_RETURN(crypto::KeyedHasher h, Prf(key));
      ctx->steps.push_back(std::move(h));
      break;
    }
    case PseudonymKind::kTransaction: {
      // A fresh secret per export: nothing kept anywhere can recompute these pseudonyms, so two
      // exports cannot be linked (REQ-48). The domain root still enters the derivation, so a
      // weak random generator alone would not make them guessable.
      SecretBytes random = SecretBytes::Random(kExportRandomBytes);
      SOCLE_ASSIGN_OR_RETURN(SecretBytes key,
                             Derive(keys.export_root, pseudonym_internal::kLabelExportKey, version,
                                    info.id, random.view()));
      SOCLE_ASSIGN_OR_RETURN(crypto::KeyedHasher h, Prf(key));
      ctx->steps.push_back(std::move(h));
      return PseudonymContext(std::move(ctx));
    }
  }
  // The chain: carried forward from the base version to the context's version.
  const RotationKeys& rotation = impl_->rotation[*index];
  for (uint32_t v = impl_->base + 1; v <= version; ++v) {
    ctx->steps.push_back(rotation.into[v - rotation.first].Clone());
  }
  return PseudonymContext(std::move(ctx));
}

absl::StatusOr<size_t> Pseudonymizer::CreateToken(uint32_t domain, absl::string_view identifier,
                                                  absl::Span<char> out) const {
  if (domain >= impl_->domains.size()) {
    return MakeError(ErrorCode::kNotFound, "token: the domain index is out of range");
  }
  const auto& info = impl_->domains.at(domain);
  if (info.kind == PseudonymKind::kTransaction) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("domain '", info.id,
                                  "' declares no linkage: deterministic tokens would link its "
                                  "exports"));
  }
  // Another object of the same vault may have retired this version since (after a rotation).
  SOCLE_RETURN_IF_ERROR(impl_->CheckNotRetired(impl_->current));
  const auto& keys = impl_->keys[domain].tokens[impl_->current - impl_->base];
  return keys->Seal(identifier, out);
}

absl::StatusOr<std::string> Pseudonymizer::CreateToken(absl::string_view domain,
                                                       absl::string_view identifier) const {
  const auto index = impl_->domains.Find(domain);
  if (!index) return UnknownDomain(impl_->policy);
  std::string text(kMaxTokenTextLength, '\0');
  SOCLE_ASSIGN_OR_RETURN(size_t n, CreateToken(*index, identifier, absl::MakeSpan(text)));
  text.resize(n);
  return text;
}

absl::Status Pseudonymizer::Impl::ReportAndReturn(const ReversalRequest& request,
                                                  uint32_t token_version, absl::Time time,
                                                  absl::Status status) const {
  ReversalEvent event;
  event.actor = request.actor;
  event.role = request.role;
  event.reason = request.reason;
  event.domain = request.domain;
  event.token_version = token_version;
  event.outcome = ErrorCodeOf(status);
  event.time = time;
  absl::Status recorded;
  try {
    recorded = reversal.hook(event);
  } catch (...) {
    recorded = MakeError(ErrorCode::kInternal, "the reversal hook threw");
  }
  if (!recorded.ok() && status.ok()) {
    ErrorCode code = ErrorCodeOf(recorded);
    if (code == ErrorCode::kOk) code = ErrorCode::kInternal;
    return MakeError(code, absl::StrCat("the reversal could not be recorded (", ErrorCodeName(code),
                                        "): the identifier is withheld"));
  }
  return status;
}

absl::StatusOr<SecretBytes> Pseudonymizer::Impl::Reverse(const ReversalRequest& request,
                                                         absl::string_view token, absl::Time now,
                                                         uint32_t* token_version) const {
  const auto role = policy.FindRole(request.role);
  if (!role) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "token reversal: the role is not a role of the policy");
  }
  const auto& compiled = policy_internal::Compiled(policy);
  if ((compiled.role_capabilities[*role] & (1u << v1::Role::PSEUDONYM_REVERSAL)) == 0) {
    return MakeError(ErrorCode::kPermissionDenied,
                     absl::StrCat("token reversal: role '", compiled.roles.Name(*role),
                                  "' does not have the PSEUDONYM_REVERSAL capability"));
  }
  if (request.actor.empty() || request.actor.size() > kMaxActorBytes ||
      HasControlCharacter(request.actor)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "token reversal: the actor must be 1 to 256 printable bytes");
  }
  if (!reversal.reason_codes.empty()) {
    if (std::find(reversal.reason_codes.begin(), reversal.reason_codes.end(), request.reason) ==
        reversal.reason_codes.end()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "token reversal: the reason is not one of the configured reason codes");
    }
  } else if (request.reason.empty() || IsBlank(request.reason) ||
             request.reason.size() > kMaxFreeTextReasonBytes ||
             HasControlCharacter(request.reason)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "token reversal: the reason must be 1 to 500 printable bytes, not blank");
  }
  auto allowed = controls->TakeReversal(request.actor, reversal.capacity, reversal.window, now);
  if (!allowed.ok()) {
    // Fail closed: an uncounted reversal must not happen either.
    return MakeError(ErrorCodeOf(allowed.status()),
                     absl::StrCat("token reversal: the reversal counts cannot be updated: ",
                                  allowed.status().message()));
  }
  if (!*allowed) {
    return MakeError(ErrorCode::kResourceExhausted,
                     absl::StrCat("token reversal: this actor has used its ", reversal.capacity,
                                  " reversals per ", absl::FormatDuration(reversal.window)));
  }
  const auto domain = domains.Find(request.domain);
  if (!domain) return UnknownDomain(policy);
  const uint32_t version = pseudonym_internal::TokenTextVersion(token);
  if (version == 0 || version < base || version > current) {
    return MakeError(ErrorCode::kVerificationFailed, "verification failed");
  }
  *token_version = version;
  // Asked every time: a version retired by any object of the same vault, in any process, is
  // refused at once.
  SOCLE_ASSIGN_OR_RETURN(const uint32_t through, Retired(/*fresh=*/true));
  if (version <= through) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("token reversal: version ", version,
                                  " is retired; its tokens can no longer be reversed"));
  }
  const auto& keys = this->keys[*domain].tokens;
  if (keys.empty() || !keys[version - base].has_value()) {
    // A TRANSACTION domain (no tokens) or a version retired when this object was created.
    return MakeError(ErrorCode::kVerificationFailed, "verification failed");
  }
  return keys[version - base]->Open(token);
}

absl::StatusOr<SecretBytes> Pseudonymizer::ReverseToken(const ReversalRequest& request,
                                                        absl::string_view token) const {
  const absl::Time now = impl_->clock->Now();
  if (!impl_->reversal.hook) {
    // Nowhere to report the call: refuse it rather than reverse unrecorded (REQ-49).
    return MakeError(ErrorCode::kFailedPrecondition,
                     "token reversal needs a reversal hook to record every call");
  }
  uint32_t token_version = 0;
  auto identifier = impl_->Reverse(request, token, now, &token_version);
  const absl::Status reported =
      impl_->ReportAndReturn(request, token_version, now, identifier.status());
  if (!reported.ok()) return reported;  // the identifier, if any, is wiped with `identifier`
  return identifier;
}

absl::Status Pseudonymizer::Rotate(absl::string_view domain, absl::Span<const Pseudonym> in,
                                   absl::Span<Pseudonym> out) const {
  SOCLE_RETURN_IF_ERROR(impl_->CheckNotRetired(impl_->current));
  return RotateSpan(impl_->domains, impl_->rotation, impl_->policy, domain, impl_->base,
                    impl_->current, impl_->current, in, out);
}

absl::Status Pseudonymizer::Retire(uint32_t version) {
  if (version == 0) return MakeError(ErrorCode::kInvalidArgument, "retire: version 0");
  if (version >= impl_->current) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("retire: version ", version, " is not older than the current ",
                                  impl_->current));
  }
  SOCLE_RETURN_IF_ERROR(impl_->controls->RetireThrough(version));
  impl_->NoteRetired(version);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// PseudonymRotator

struct PseudonymRotator::Impl {
  explicit Impl(Policy p) : policy(std::move(p)) {}
  Policy policy;
  DomainTable domains;
  uint32_t from = 0;
  uint32_t to = 0;
  std::vector<RotationKeys> rotation;
};

PseudonymRotator::PseudonymRotator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PseudonymRotator::PseudonymRotator(PseudonymRotator&&) noexcept = default;
PseudonymRotator& PseudonymRotator::operator=(PseudonymRotator&&) noexcept = default;
PseudonymRotator::~PseudonymRotator() = default;

absl::StatusOr<PseudonymRotator> PseudonymRotator::Create(const Policy& policy,
                                                          const PseudonymSecretSource& secrets,
                                                          uint32_t from_version,
                                                          uint32_t to_version) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  SOCLE_RETURN_IF_ERROR(CheckVersion(from_version, "from_version"));
  SOCLE_RETURN_IF_ERROR(CheckVersion(to_version, "to_version"));
  if (to_version <= from_version) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("rotation goes forward: to_version ", to_version,
                                  " is not above from_version ", from_version));
  }
  auto impl = std::make_unique<Impl>(policy);
  impl->domains = DomainTable::FromPolicy(policy);
  impl->from = from_version;
  impl->to = to_version;
  SOCLE_ASSIGN_OR_RETURN(impl->rotation,
                         LoadRotationKeys(impl->domains, secrets, from_version + 1, to_version));
  return PseudonymRotator(std::move(impl));
}

uint32_t PseudonymRotator::from_version() const { return impl_->from; }
uint32_t PseudonymRotator::to_version() const { return impl_->to; }

absl::Status PseudonymRotator::Rotate(absl::string_view domain, absl::Span<const Pseudonym> in,
                                      absl::Span<Pseudonym> out) const {
  return RotateSpan(impl_->domains, impl_->rotation, impl_->policy, domain, impl_->from,
                    impl_->from, impl_->to, in, out);
}

}  // namespace socle
