// The bytes of a `.socle` export file (docs/export-format.md): constants and the signing inputs
// that the writer, the reader, the tests and the benchmark share.
//
// Thread safety: constants and pure functions only.
#ifndef SOCLE_SRC_EXPORTFILE_FORMAT_H_
#define SOCLE_SRC_EXPORTFILE_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "crypto/crypto.h"
#include "socle/export_file.hpp"

namespace socle::exportfile {

// "\x89SOCLE\r\n": a high byte first (a text tool or a 7-bit channel mangles it), then CR LF (a
// newline conversion mangles it).
inline constexpr char kMagic[8] = {'\x89', 'S', 'O', 'C', 'L', 'E', '\r', '\n'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kPreambleBytes = 12;  // magic + version

inline constexpr size_t kFileIdBytes = 16;
inline constexpr size_t kSignatureBytes = 64;
// A frame header: file_id (16) | index (uint64 LE) | flags (uint32 LE) | content length (uint32
// LE).
inline constexpr size_t kFrameHeaderBytes = 32;
inline constexpr uint32_t kFlagFinal = 1;
// secretstream: header, and the per-chunk overhead (tag byte + MAC).
inline constexpr size_t kStreamHeaderBytes = 24;
inline constexpr size_t kStreamOverheadBytes = 17;
// crypto_box_seal of a 32-byte key: ephemeral public key (32) + MAC (16) + 32.
inline constexpr size_t kSealedKeyBytes = 80;
// A varint of a length of up to 2^64 - 1.
inline constexpr size_t kMaxVarintBytes = 10;
// The trailer message is about 110 bytes; anything much longer is hostile.
inline constexpr size_t kMaxTrailerBytes = 1024;

// Domain separation of the three kinds of signature (each label is followed by one 0x00 byte).
inline constexpr absl::string_view kHeaderDomain = "socle-export-v1-header";
inline constexpr absl::string_view kFrameDomain = "socle-export-v1-frame";
inline constexpr absl::string_view kTrailerDomain = "socle-export-v1-trailer";

using Hash = std::array<uint8_t, 32>;

// The fully-qualified record type of a kind ("socle.v1.AccessRequestRecord"), or empty for a
// value that is no kind.
absl::string_view RecordTypeName(ExportKind kind);
// OK when `writer` was made for exports of `kind`; otherwise INVALID_ARGUMENT naming `operation`
// ("WriteStatisticsExport"), the writer's kind and `kind`. The functions that write a kind's
// records call it first, before they write or record anything (writer.cc).
absl::Status RequireWriterKind(const ExportWriter& writer, ExportKind kind,
                               absl::string_view operation);

// Plain BLAKE2b-256 (no key, no personalisation) of `bytes`.
Hash Blake2b256(absl::string_view bytes);

// The messages the issuer signs with Ed25519.
std::string HeaderSigningInput(const Hash& header_hash);
std::string FrameSigningInput(absl::string_view file_id, const Hash& header_hash, uint64_t index,
                              uint32_t flags, const Hash& frame_hash);
std::string TrailerSigningInput(absl::string_view file_id, const Hash& header_hash,
                                const Hash& body_hash, uint64_t record_count);

// The largest content a frame may declare, for a reader's limit on records.
size_t MaxFrameContentBytes(size_t max_record_bytes, bool sealed);

void PutUint32(std::string* out, uint32_t value);
void PutUint64(std::string* out, uint64_t value);
void StoreUint32(char* p, uint32_t value);  // the same, in place
void StoreUint64(char* p, uint64_t value);
uint32_t GetUint32(const char* p);
uint64_t GetUint64(const char* p);
void PutVarint(std::string* out, uint64_t value);

}  // namespace socle::exportfile

#endif  // SOCLE_SRC_EXPORTFILE_FORMAT_H_
