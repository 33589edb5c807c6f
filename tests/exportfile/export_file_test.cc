// The `.socle` export file (socle/export_file.hpp, docs/export-format.md): round trips of every
// kind, signed and sealed; recipients and keys; every tamper case named at its offset.
#define BOOST_TEST_MODULE socle_exportfile
#include "socle/export_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "../vault/test_util.h"
#include "exportfile/format.h"
#include "socle/init.hpp"
#include "socle/vault.hpp"
#include "test_util.h"

namespace socle {
namespace {

using exportfile_test::kAllKinds;
using exportfile_test::LayoutOf;
using exportfile_test::Options;
using exportfile_test::SampleRecord;

struct InitSocle {
  InitSocle() { BOOST_REQUIRE(Initialize().ok()); }
};
BOOST_TEST_GLOBAL_FIXTURE(InitSocle);

const ExportSigningKey& Issuer() {
  static const ExportSigningKey key = ExportSigningKey::Generate();
  return key;
}

std::string Write(const ExportWriterOptions& options, const std::vector<std::string>& records,
                  const ExportSigningKey& key = Issuer()) {
  std::string out;
  auto writer = ExportWriter::Create(StringSink(&out), key, options);
  BOOST_REQUIRE_MESSAGE(writer.ok(), writer.status().ToString());
  for (const std::string& r : records) BOOST_REQUIRE((*writer)->Add(r).ok());
  auto summary = (*writer)->Finish();
  BOOST_REQUIRE(summary.ok());
  BOOST_TEST(summary->records == records.size());
  BOOST_TEST(summary->bytes == out.size());
  return out;
}

std::vector<std::string> Records(ExportKind kind, size_t n, size_t padding = 0) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(SampleRecord(kind, i, padding));
  return out;
}

struct ReadResult {
  absl::Status status;
  ExportFailure failure;
  std::vector<std::string> records;
};

ReadResult Read(absl::string_view file, const ExportReaderOptions& options = {}) {
  ReadResult out;
  auto reader = ExportReader::Open(MemorySource(file), options);
  if (!reader.ok()) {
    out.status = reader.status();
    out.failure = ExportFailureOf(reader.status());
    return out;
  }
  std::string record;
  while (true) {
    auto more = (*reader)->Next(&record);
    if (!more.ok()) {
      out.status = more.status();
      out.failure = (*reader)->failure();
      BOOST_TEST(static_cast<int>(ExportFailureOf(more.status()).problem) ==
                 static_cast<int>(out.failure.problem));
      return out;
    }
    if (!*more) break;
    out.records.push_back(record);
  }
  BOOST_TEST((*reader)->records_read() == out.records.size());
  return out;
}

void ExpectProblem(const ReadResult& result, ExportProblem problem, uint64_t offset) {
  BOOST_TEST(!result.status.ok());
  BOOST_TEST(Name(result.failure.problem) == Name(problem));
  BOOST_TEST(result.failure.offset == offset);
  const std::string expected = absl::StrCat(" at byte ", offset);
  BOOST_TEST(std::string(result.status.message()).find(expected) != std::string::npos,
             result.status.message());
  BOOST_TEST(std::string(result.status.message()).rfind("export file: ", 0) == 0);
}

BOOST_AUTO_TEST_CASE(names) {
  BOOST_TEST(Name(ExportKind::kPseudonymisedDataset) == "pseudonymised_dataset");
  BOOST_TEST(Name(ExportProblem::kTruncated) == "truncated");
  const ExportPublicKey key = Issuer().public_key();
  auto parsed = ParsePublicKeyHex(PublicKeyHex(key));
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST((*parsed == key));
  BOOST_TEST(!ParsePublicKeyHex("00").ok());
  BOOST_TEST(!ParsePublicKeyHex(std::string(64, 'g')).ok());
}

BOOST_AUTO_TEST_CASE(round_trip_every_kind_signed_and_sealed) {
  const ExportRecipientKey recipient = ExportRecipientKey::Generate();
  for (ExportKind kind : kAllKinds) {
    // 0 records, 1, and many frames (records of 10 KiB: about 300 in 3 MiB).
    for (size_t n : {size_t{0}, size_t{1}, size_t{300}}) {
      for (bool sealed : {false, true}) {
        BOOST_TEST_CONTEXT(Name(kind) << " n=" << n << " sealed=" << sealed) {
          const auto records = Records(kind, n, 10000);
          std::vector<ExportRecipient> recipients;
          if (sealed) recipients.push_back({recipient.public_key(), "Observatoire"});
          const std::string file = Write(Options(kind, recipients), records);
          if (n == 300) BOOST_TEST(LayoutOf(file).frames.size() >= 3u);
          ExportReaderOptions options;
          options.key = &recipient;
          options.trusted_issuers = {Issuer().public_key()};
          const ReadResult result = Read(file, options);
          BOOST_REQUIRE_MESSAGE(result.status.ok(), result.status.ToString());
          BOOST_TEST(result.records == records);
          auto reader = ExportReader::Open(MemorySource(file), options);
          BOOST_REQUIRE(reader.ok());
          BOOST_TEST(((*reader)->kind() == kind));
          BOOST_TEST((*reader)->sealed() == sealed);
          BOOST_TEST(((*reader)->issuer_public_key() == Issuer().public_key()));
          v1::ExportHeader header;
          BOOST_REQUIRE(header.ParseFromString(std::string((*reader)->header())));
          BOOST_TEST(header.record_type() == exportfile::RecordTypeName(kind));
          BOOST_TEST(header.descriptors().file_size() > 0);
          BOOST_TEST(header.file_id().size() == 16u);
          auto verified = VerifyExport(MemorySource(file), {});
          BOOST_REQUIRE_MESSAGE(verified.ok(), verified.status().ToString());
          BOOST_TEST(verified->records == n);
          BOOST_TEST(verified->bytes == file.size());
          BOOST_TEST(verified->sealed == sealed);
          // A sealed file's plaintext records never appear in its bytes.
          if (sealed && n > 0) BOOST_TEST(file.find(records[0]) == std::string::npos);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(record_printer_decodes_with_the_headers_descriptors) {
  const std::string file =
      Write(Options(ExportKind::kAccessRequest), Records(ExportKind::kAccessRequest, 2));
  auto reader = ExportReader::Open(MemorySource(file), {});
  BOOST_REQUIRE(reader.ok());
  auto printer = ExportRecordPrinter::Create((*reader)->header());
  BOOST_REQUIRE(printer.ok());
  std::string record;
  BOOST_REQUIRE(*(*reader)->Next(&record));
  auto json = (*printer)->Record(record, ExportRecordPrinter::Format::kJson);
  BOOST_REQUIRE(json.ok());
  BOOST_TEST(json->find("\"text\":\"note 0 \"") != std::string::npos, *json);
  auto text = (*printer)->Record(record, ExportRecordPrinter::Format::kText);
  BOOST_REQUIRE(text.ok());
  BOOST_TEST(text->find("title: \"Visite\"") != std::string::npos, *text);
  auto header = (*printer)->Header(ExportRecordPrinter::Format::kJson);
  BOOST_REQUIRE(header.ok());
  BOOST_TEST(header->find("\"issuer\":\"CCAS de Lyon\"") != std::string::npos, *header);
  BOOST_TEST(header->find("descriptors") == std::string::npos);
  BOOST_TEST(!(*printer)->Record("\xff\xff", ExportRecordPrinter::Format::kJson).ok());
}

BOOST_AUTO_TEST_CASE(two_recipients_each_open_others_refused) {
  const ExportRecipientKey a = ExportRecipientKey::Generate();
  const ExportRecipientKey b = ExportRecipientKey::Generate();
  const ExportRecipientKey stranger = ExportRecipientKey::Generate();
  const auto records = Records(ExportKind::kPseudonymisedDataset, 50);
  const std::string file = Write(
      Options(ExportKind::kPseudonymisedDataset, {{a.public_key(), "A"}, {b.public_key(), "B"}}),
      records);
  for (const ExportRecipientKey* key : {&a, &b}) {
    ExportReaderOptions options;
    options.key = key;
    const ReadResult result = Read(file, options);
    BOOST_REQUIRE(result.status.ok());
    BOOST_TEST(result.records == records);
  }
  ExportReaderOptions options;
  options.key = &stranger;
  ExpectProblem(Read(file, options), ExportProblem::kNotARecipient, 16);
  // No key: the records are refused, the file still verifies.
  ExpectProblem(Read(file), ExportProblem::kKeyRequired, LayoutOf(file).frames[0]);
  auto verified = VerifyExport(MemorySource(file), {});
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->records == 50u);
  BOOST_TEST(verified->sealed);
  // A recipient key from its secret gives the same public key.
  auto again = ExportRecipientKey::FromSecret(a.secret_key());
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((again->public_key() == a.public_key()));
  BOOST_TEST(!ExportRecipientKey::FromSecret(SecretBytes(31)).ok());
}

BOOST_AUTO_TEST_CASE(untrusted_issuer) {
  const std::string file =
      Write(Options(ExportKind::kAuditExtract), Records(ExportKind::kAuditExtract, 3));
  ExportReaderOptions options;
  options.trusted_issuers = {ExportSigningKey::Generate().public_key()};
  ExpectProblem(Read(file, options), ExportProblem::kUntrustedIssuer, 16);
  auto verified = VerifyExport(MemorySource(file), options);
  BOOST_TEST(!verified.ok());
  BOOST_TEST(Name(ExportFailureOf(verified.status()).problem) == "untrusted_issuer");
  options.trusted_issuers.push_back(Issuer().public_key());
  BOOST_TEST(Read(file, options).status.ok());
}

BOOST_AUTO_TEST_CASE(signing_key_from_seed_is_deterministic) {
  const SecretBytes seed(std::string(32, 'k'));
  auto a = ExportSigningKey::FromSeed(seed);
  auto b = ExportSigningKey::FromSeed(seed);
  BOOST_REQUIRE(a.ok() && b.ok());
  BOOST_TEST((a->public_key() == b->public_key()));
  BOOST_TEST(!ExportSigningKey::FromSeed(SecretBytes(16)).ok());
}

BOOST_AUTO_TEST_CASE(signing_key_from_vault_is_the_tenants) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("socle_export_vault_" + std::to_string(::getpid())))
                              .string();
  std::filesystem::create_directories(dir);
  auto provider = vault_testing::NewKeyFile(dir + "/master.key");
  ExportPublicKey first{};
  {
    auto vault = vault_testing::LoadVault(provider, dir + "/vault.db");
    auto a = ExportSigningKey::FromVault(*vault);
    BOOST_REQUIRE_MESSAGE(a.ok(), a.status().ToString());
    auto b = ExportSigningKey::FromVault(*vault);
    BOOST_REQUIRE(b.ok());
    BOOST_TEST((a->public_key() == b->public_key()));
    first = a->public_key();
    // Derived, not the ledger secret itself.
    auto secret = vault->LedgerSecret("exports", false);
    BOOST_REQUIRE(secret.ok());
    BOOST_TEST(!secret->Equals(a->seed()));
  }
  {
    // Another Vault object of the same database: the same key.
    auto vault = vault_testing::LoadVault(provider, dir + "/vault.db");
    auto again = ExportSigningKey::FromVault(*vault);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST((again->public_key() == first));
    // Another tenant: another key.
    auto other = vault_testing::LoadVault(provider, dir + "/vault.db", "other-tenant");
    auto theirs = ExportSigningKey::FromVault(*other);
    BOOST_REQUIRE(theirs.ok());
    BOOST_TEST(!(theirs->public_key() == first));
  }
  std::filesystem::remove_all(dir);
}

// Three frames (records of 400 KiB), signed and sealed: every part of the file altered.
std::string ThreeFrames(bool sealed, const ExportRecipientKey& key) {
  std::vector<ExportRecipient> recipients;
  if (sealed) recipients.push_back({key.public_key(), "R"});
  return Write(Options(ExportKind::kAccessRequest, recipients),
               Records(ExportKind::kAccessRequest, 6, 400 << 10));
}

BOOST_AUTO_TEST_CASE(every_tamper_case_at_its_offset) {
  const ExportRecipientKey key = ExportRecipientKey::Generate();
  for (bool sealed : {false, true}) {
    BOOST_TEST_CONTEXT("sealed=" << sealed) {
      const std::string file = ThreeFrames(sealed, key);
      const auto layout = LayoutOf(file);
      BOOST_REQUIRE(layout.frames.size() == 3u);
      ExportReaderOptions options;
      options.key = &key;
      BOOST_REQUIRE(Read(file, options).status.ok());
      auto flip = [&](uint64_t at) {
        std::string copy = file;
        copy[at] ^= 0x01;
        return copy;
      };
      // The magic, the version.
      ExpectProblem(Read(flip(1), options), ExportProblem::kNotAnExport, 0);
      ExpectProblem(Read(flip(8), options), ExportProblem::kUnknownVersion, 8);
      // The header: a letter of the issuer's name (still parses), its signature.
      const uint64_t issuer_at = file.find("CCAS de Lyon");
      ExpectProblem(Read(flip(issuer_at), options), ExportProblem::kAltered, 16);
      ExpectProblem(Read(flip(layout.header_signature + 5), options), ExportProblem::kAltered, 16);
      for (uint64_t frame : layout.frames) {
        ExpectProblem(Read(flip(frame + 3), options), ExportProblem::kForeign, frame);  // file id
        ExpectProblem(Read(flip(frame + 16), options), ExportProblem::kReordered, frame);  // index
        ExpectProblem(Read(flip(frame + 24), options), ExportProblem::kAltered, frame);    // FINAL
        ExpectProblem(Read(flip(frame + 25), options), ExportProblem::kMalformed, frame);  // flags
        ExpectProblem(Read(flip(frame + 40), options), ExportProblem::kAltered, frame);  // content
        const uint32_t length = exportfile::GetUint32(file.data() + frame + 28);
        ExpectProblem(Read(flip(frame + 32 + length + 10), options), ExportProblem::kAltered,
                      frame);  // signature
        // Without the key, a sealed file's frames are checked all the same.
        BOOST_TEST(!VerifyExport(MemorySource(flip(frame + 40)), {}).ok());
      }
      // The trailer: its body hash (after the length and two field tags) and its signature.
      ExpectProblem(Read(flip(layout.trailer + 4 + 5), options), ExportProblem::kAltered,
                    layout.trailer);
      ExpectProblem(Read(flip(layout.end - 3), options), ExportProblem::kAltered, layout.trailer);
      // Bytes after the trailer.
      ExpectProblem(Read(file + "x", options), ExportProblem::kTrailingBytes, file.size());
      BOOST_TEST(
          Name(ExportFailureOf(VerifyExport(MemorySource(file + "x"), {}).status()).problem) ==
          "trailing_bytes");
      // Truncated at every frame boundary, in the middle of every part, and at every byte of the
      // preamble and the trailer.
      std::vector<uint64_t> cuts = {0,
                                    3,
                                    12,
                                    14,
                                    16,
                                    100,
                                    layout.header_signature,
                                    layout.header_signature + 63,
                                    layout.trailer,
                                    layout.trailer + 2};
      for (uint64_t frame : layout.frames) {
        for (uint64_t d : {0, 1, 31, 32, 1000, 400000}) cuts.push_back(frame + d);
      }
      for (uint64_t at = layout.trailer; at < layout.end; ++at) cuts.push_back(at);
      for (uint64_t cut : cuts) {
        BOOST_TEST_CONTEXT("cut at " << cut) {
          ExpectProblem(Read(absl::string_view(file).substr(0, cut), options),
                        ExportProblem::kTruncated, cut);
          BOOST_TEST(!VerifyExport(MemorySource(absl::string_view(file).substr(0, cut)), {}).ok());
        }
      }
      // Two frames swapped.
      const std::string f0 = file.substr(layout.frames[0], layout.frames[1] - layout.frames[0]);
      const std::string f1 = file.substr(layout.frames[1], layout.frames[2] - layout.frames[1]);
      std::string swapped =
          file.substr(0, layout.frames[0]) + f1 + f0 + file.substr(layout.frames[2]);
      ExpectProblem(Read(swapped, options), ExportProblem::kReordered, layout.frames[0]);
      // A frame dropped.
      std::string dropped = file.substr(0, layout.frames[0]) + file.substr(layout.frames[1]);
      ExpectProblem(Read(dropped, options), ExportProblem::kReordered, layout.frames[0]);
      // The same frame of another file by the same issuer.
      const std::string other = ThreeFrames(sealed, key);
      const auto other_layout = LayoutOf(other);
      std::string spliced =
          file.substr(0, layout.frames[1]) +
          other.substr(other_layout.frames[1], other_layout.frames[2] - other_layout.frames[1]) +
          file.substr(layout.frames[2]);
      ExpectProblem(Read(spliced, options), ExportProblem::kForeign, layout.frames[1]);
      // Another file's trailer.
      std::string other_trailer =
          file.substr(0, layout.trailer) + other.substr(other_layout.trailer);
      ExpectProblem(Read(other_trailer, options), ExportProblem::kAltered, layout.trailer);
    }
  }
}

// The body hash as docs/export-format.md specifies it: the bytes before the first frame, then
// each frame's hash and signature. A trailer carrying the hash of every byte (the other obvious
// reading), validly signed, is refused as altered at the trailer.
BOOST_AUTO_TEST_CASE(body_hash_covers_the_header_bytes_and_the_frame_hashes) {
  for (const bool sealed : {false, true}) {
    BOOST_TEST_CONTEXT("sealed " << sealed) {
      const ExportRecipientKey key = ExportRecipientKey::Generate();
      auto options = Options(ExportKind::kPseudonymisedDataset);
      if (sealed) options.recipients.push_back({key.public_key(), "r"});
      std::string file;
      auto writer = ExportWriter::Create(StringSink(&file), Issuer(), options);
      BOOST_REQUIRE(writer.ok());
      for (const std::string& r : Records(ExportKind::kPseudonymisedDataset, 12, 300000)) {
        BOOST_REQUIRE((*writer)->Add(r).ok());
      }
      auto summary = (*writer)->Finish();
      BOOST_REQUIRE(summary.ok());
      const auto layout = LayoutOf(file);
      BOOST_TEST(layout.frames.size() >= 3u);
      std::string input = file.substr(0, layout.frames[0]);
      for (size_t i = 0; i < layout.frames.size(); ++i) {
        const uint64_t end = i + 1 < layout.frames.size() ? layout.frames[i + 1] : layout.trailer;
        const uint64_t signature = end - exportfile::kSignatureBytes;
        const auto frame_hash = exportfile::Blake2b256(
            absl::string_view(file).substr(layout.frames[i], signature - layout.frames[i]));
        input.append(reinterpret_cast<const char*>(frame_hash.data()), frame_hash.size());
        input.append(file, signature, exportfile::kSignatureBytes);
      }
      const auto body_hash = exportfile::Blake2b256(input);
      BOOST_TEST((summary->body_hash == body_hash));
      v1::ExportTrailer trailer;
      BOOST_REQUIRE(trailer.ParseFromString(file.substr(layout.trailer + 4)));
      BOOST_TEST(trailer.body_hash() ==
                 std::string(reinterpret_cast<const char*>(body_hash.data()), body_hash.size()));
      ExportReaderOptions read_options;
      read_options.key = &key;
      BOOST_TEST(Read(file, read_options).status.ok());

      // The same trailer, re-signed over BLAKE2b of every byte before it.
      v1::ExportHeader header;
      BOOST_REQUIRE(header.ParseFromString(file.substr(16, layout.header_signature - 16)));
      const auto every_byte = exportfile::Blake2b256(file.substr(0, layout.trailer));
      const std::string signing_input = exportfile::TrailerSigningInput(
          header.file_id(), exportfile::Blake2b256(file.substr(16, layout.header_signature - 16)),
          every_byte, trailer.record_count());
      auto pair = crypto::SigningKeyPairFromSeed(Issuer().seed());
      BOOST_REQUIRE(pair.ok());
      const auto signature = crypto::Sign(
          *pair, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(signing_input.data()),
                                     signing_input.size()));
      trailer.set_body_hash(every_byte.data(), every_byte.size());
      trailer.set_signature(signature.data(), signature.size());
      const std::string trailer_bytes = trailer.SerializeAsString();
      std::string other = file.substr(0, layout.trailer);
      exportfile::PutUint32(&other, static_cast<uint32_t>(trailer_bytes.size()));
      other += trailer_bytes;
      ExpectProblem(Read(other, read_options), ExportProblem::kAltered, layout.trailer);
      auto verified = VerifyExport(MemorySource(other), {});
      BOOST_TEST(!verified.ok());
      BOOST_TEST(Name(ExportFailureOf(verified.status()).problem) == Name(ExportProblem::kAltered));
      BOOST_TEST(ExportFailureOf(verified.status()).offset == layout.trailer);
      BOOST_TEST(VerifyExport(MemorySource(file), {}).ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_version_and_wrong_magic) {
  std::string file = Write(Options(ExportKind::kPortability), Records(ExportKind::kPortability, 1));
  std::string v2 = file;
  v2[8] = 2;
  ExpectProblem(Read(v2), ExportProblem::kUnknownVersion, 8);
  ExpectProblem(Read("PK\x03\x04 a zip file, not an export"), ExportProblem::kNotAnExport, 0);
  ExpectProblem(Read(""), ExportProblem::kTruncated, 0);
  // A text tool that turned CR LF into LF.
  std::string mangled = file;
  mangled.erase(6, 1);
  ExpectProblem(Read(mangled), ExportProblem::kNotAnExport, 0);
}

std::string WithUint32(std::string file, uint64_t at, uint32_t value) {
  std::string bytes;
  exportfile::PutUint32(&bytes, value);
  file.replace(at, 4, bytes);
  return file;
}

BOOST_AUTO_TEST_CASE(hostile_lengths_are_refused_before_allocation) {
  const std::string file =
      Write(Options(ExportKind::kAccessRequest), Records(ExportKind::kAccessRequest, 3));
  const auto layout = LayoutOf(file);
  ExpectProblem(Read(WithUint32(file, 12, 0xffffffffu)), ExportProblem::kTooLarge, 12);
  ExpectProblem(Read(WithUint32(file, layout.frames[0] + 28, 0xffffffffu)),
                ExportProblem::kTooLarge, layout.frames[0]);
  ExpectProblem(Read(WithUint32(file, layout.trailer, 0xffffffffu)), ExportProblem::kTooLarge,
                layout.trailer);
  // Within the limits but longer than the input: truncated (the buffer grows with the bytes).
  ExpectProblem(Read(WithUint32(file, 12, 4 << 20)), ExportProblem::kTruncated, file.size());
  // Tighter limits of the reader.
  ExportReaderOptions small;
  small.limits.max_header_bytes = 100;
  ExpectProblem(Read(file, small), ExportProblem::kTooLarge, 12);

  // A signed frame whose record claims 2^40 bytes, and one whose record runs past its frame.
  v1::ExportHeader header;
  const uint32_t header_length = exportfile::GetUint32(file.data() + 12);
  BOOST_REQUIRE(header.ParseFromString(file.substr(16, header_length)));
  const auto header_hash = exportfile::Blake2b256(file.substr(16, header_length));
  auto pair = crypto::SigningKeyPairFromSeed(Issuer().seed());
  BOOST_REQUIRE(pair.ok());
  for (uint64_t claimed : {uint64_t{1} << 40, uint64_t{100}}) {
    std::string content;
    exportfile::PutVarint(&content, claimed);
    content += "abc";
    std::string frame = header.file_id();
    exportfile::PutUint64(&frame, 0);
    exportfile::PutUint32(&frame, exportfile::kFlagFinal);
    exportfile::PutUint32(&frame, static_cast<uint32_t>(content.size()));
    frame += content;
    const std::string input = exportfile::FrameSigningInput(
        header.file_id(), header_hash, 0, exportfile::kFlagFinal, exportfile::Blake2b256(frame));
    const auto signature = crypto::Sign(
        *pair, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
    frame.append(reinterpret_cast<const char*>(signature.data()), signature.size());
    const std::string hostile = file.substr(0, layout.frames[0]) + frame;
    ExpectProblem(Read(hostile),
                  claimed > 1000 ? ExportProblem::kTooLarge : ExportProblem::kMalformed,
                  layout.frames[0]);
  }
}

BOOST_AUTO_TEST_CASE(writer_refuses_bad_input) {
  std::string out;
  auto options = Options(ExportKind::kAccessRequest);
  options.policy_digest = "short";
  BOOST_TEST(!ExportWriter::Create(StringSink(&out), Issuer(), options).ok());
  options = Options(ExportKind::kAccessRequest);
  options.kind = static_cast<ExportKind>(42);
  BOOST_TEST(!ExportWriter::Create(StringSink(&out), Issuer(), options).ok());
  options = Options(ExportKind::kAccessRequest);
  options.recipients.resize(65);
  BOOST_TEST(!ExportWriter::Create(StringSink(&out), Issuer(), options).ok());
  options = Options(ExportKind::kPortability);
  options.notice = "\xff\xff\xff";
  BOOST_TEST(!ExportWriter::Create(StringSink(&out), Issuer(), options).ok());
  auto writer =
      ExportWriter::Create(StringSink(&out), Issuer(), Options(ExportKind::kAccessRequest));
  BOOST_REQUIRE(writer.ok());
  BOOST_TEST(!(*writer)->Add(std::string((16 << 20) + 1, 'x')).ok());
  BOOST_TEST((*writer)->Add(std::string(2 << 20, 'x')).ok());  // one record bigger than a frame
  BOOST_TEST((*writer)->Finish().ok());
  BOOST_TEST(!(*writer)->Add("x").ok());
  const ReadResult result = Read(out);
  BOOST_REQUIRE(result.status.ok());
  BOOST_TEST(result.records.size() == 1u);
  BOOST_TEST(result.records[0].size() == size_t{2} << 20);
}

BOOST_AUTO_TEST_CASE(file_sink_is_atomic) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("socle_export_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/out.socle";
  {
    auto sink = FileSink(path);
    BOOST_REQUIRE(sink.ok());
    auto writer =
        ExportWriter::Create(std::move(*sink), Issuer(), Options(ExportKind::kAccessRequest));
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->Add(SampleRecord(ExportKind::kAccessRequest, 1)).ok());
    // Destroyed without Finish: nothing is left behind.
  }
  BOOST_TEST(std::filesystem::is_empty(dir));
  {
    auto sink = FileSink(path);
    BOOST_REQUIRE(sink.ok());
    auto writer =
        ExportWriter::Create(std::move(*sink), Issuer(), Options(ExportKind::kAccessRequest));
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->Add(SampleRecord(ExportKind::kAccessRequest, 1)).ok());
    BOOST_TEST(!std::filesystem::exists(path));  // not visible before Finish
    BOOST_REQUIRE((*writer)->Finish().ok());
  }
  BOOST_TEST(std::filesystem::exists(path));
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir),
                           std::filesystem::directory_iterator()) == 1);
  auto source = FileSource(path);
  BOOST_REQUIRE(source.ok());
  auto verified = VerifyExport(std::move(*source), {});
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->records == 1u);
  BOOST_TEST(FileSource(dir + "/missing").status().code() == absl::StatusCode::kNotFound);
  BOOST_TEST(!FileSink(dir + "/no/such/dir/x.socle").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace socle
