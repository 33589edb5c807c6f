#include "exportfile/format.h"

#include <sodium.h>

#include <algorithm>

#include "socle/export_file.hpp"

namespace socle::exportfile {

absl::string_view RecordTypeName(ExportKind kind) {
  switch (kind) {
    case ExportKind::kAccessRequest:
      return "socle.v1.AccessRequestRecord";
    case ExportKind::kPortability:
      return "socle.v1.PortabilityRecord";
    case ExportKind::kPseudonymisedDataset:
      return "socle.v1.DatasetRecord";
    case ExportKind::kAuditExtract:
      return "socle.v1.AuditRecord";
    case ExportKind::kTrainingMirror:
      return "socle.v1.MirrorRecord";
    case ExportKind::kStatisticsTable:
      return "socle.v1.StatisticsRecord";
  }
  return "";
}

Hash Blake2b256(absl::string_view bytes) {
  Hash out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const uint8_t*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return out;
}

namespace {
void PutDomain(std::string* out, absl::string_view domain) {
  out->append(domain.data(), domain.size());
  out->push_back('\0');
}
void PutHash(std::string* out, const Hash& hash) {
  out->append(reinterpret_cast<const char*>(hash.data()), hash.size());
}
}  // namespace

std::string HeaderSigningInput(const Hash& header_hash) {
  std::string out;
  PutDomain(&out, kHeaderDomain);
  PutHash(&out, header_hash);
  return out;
}

std::string FrameSigningInput(absl::string_view file_id, const Hash& header_hash, uint64_t index,
                              uint32_t flags, const Hash& frame_hash) {
  std::string out;
  out.reserve(kFrameDomain.size() + 1 + kFileIdBytes + 32 + 8 + 4 + 32);
  PutDomain(&out, kFrameDomain);
  out.append(file_id.data(), file_id.size());
  PutHash(&out, header_hash);
  PutUint64(&out, index);
  PutUint32(&out, flags);
  PutHash(&out, frame_hash);
  return out;
}

std::string TrailerSigningInput(absl::string_view file_id, const Hash& header_hash,
                                const Hash& body_hash, uint64_t record_count) {
  std::string out;
  PutDomain(&out, kTrailerDomain);
  out.append(file_id.data(), file_id.size());
  PutHash(&out, header_hash);
  PutHash(&out, body_hash);
  PutUint64(&out, record_count);
  return out;
}

size_t MaxFrameContentBytes(size_t max_record_bytes, bool sealed) {
  // A frame holds whole records: at most kExportFrameBytes, or one record longer than that.
  const size_t plain = std::max(kExportFrameBytes, max_record_bytes + kMaxVarintBytes);
  return plain + (sealed ? kStreamOverheadBytes : 0);
}

void PutUint32(std::string* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}
void PutUint64(std::string* out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}
void StoreUint32(char* p, uint32_t value) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((value >> (8 * i)) & 0xff);
}
void StoreUint64(char* p, uint64_t value) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((value >> (8 * i)) & 0xff);
}
uint32_t GetUint32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t GetUint64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
void PutVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

}  // namespace socle::exportfile
