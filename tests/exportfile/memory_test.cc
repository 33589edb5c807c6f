// Constant memory of the export writer and reader: this program replaces the global operator
// new and delete to count the bytes live on the heap, and checks the peak while three million
// records are written to a file and read back, and while hostile lengths are refused.
#define BOOST_TEST_MODULE socle_exportfile_memory
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>

#include "socle/export_file.hpp"
#include "socle/init.hpp"
#include "test_util.h"

namespace {
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};

void* Count(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  const int64_t live = g_live.fetch_add(static_cast<int64_t>(malloc_usable_size(p))) +
                       static_cast<int64_t>(malloc_usable_size(p));
  int64_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return p;
}
void Uncount(void* p) {
  if (p == nullptr) return;
  g_live.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}
// The peak of live heap bytes above what was live when the window opened.
struct Window {
  int64_t base = g_live.load();
  Window() { g_peak.store(base); }
  int64_t Peak() const { return g_peak.load() - base; }
};
}  // namespace

void* operator new(size_t n) { return Count(std::malloc(n == 0 ? 1 : n)); }
void* operator new[](size_t n) { return Count(std::malloc(n == 0 ? 1 : n)); }
void* operator new(size_t n, std::align_val_t a) {
  const size_t align = static_cast<size_t>(a);
  return Count(std::aligned_alloc(align, (n + align - 1) / align * align));
}
void* operator new[](size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { Uncount(p); }
void operator delete[](void* p) noexcept { Uncount(p); }
void operator delete(void* p, size_t) noexcept { Uncount(p); }
void operator delete[](void* p, size_t) noexcept { Uncount(p); }
void operator delete(void* p, std::align_val_t) noexcept { Uncount(p); }
void operator delete[](void* p, std::align_val_t) noexcept { Uncount(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { Uncount(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { Uncount(p); }

namespace socle {
namespace {

using exportfile_test::Options;
using exportfile_test::SampleRecord;

struct InitSocle {
  InitSocle() { BOOST_REQUIRE(Initialize().ok()); }
};
BOOST_TEST_GLOBAL_FIXTURE(InitSocle);

constexpr uint64_t kRecords = 3'000'000;
// A frame (1 MiB), its ciphertext and its bytes as written, with slack for protobuf and the
// header: far below what 3 million records take (about 90 MB).
constexpr int64_t kMaxPeak = 8 << 20;

BOOST_AUTO_TEST_CASE(the_counter_counts) {
  Window window;
  std::string* big = new std::string(kMaxPeak + 1, 'x');
  BOOST_TEST(window.Peak() > kMaxPeak);  // so the checks below can fail
  delete big;
}

void WriteAndRead(bool sealed) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("socle_export_mem_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/big.socle";
  const ExportSigningKey issuer = ExportSigningKey::Generate();
  const ExportRecipientKey recipient = ExportRecipientKey::Generate();
  std::vector<ExportRecipient> recipients;
  if (sealed) recipients.push_back({recipient.public_key(), "R"});
  const ExportWriterOptions options = Options(ExportKind::kPseudonymisedDataset, recipients);
  std::string record;
  {
    Window window;
    auto sink = FileSink(path);
    BOOST_REQUIRE(sink.ok());
    auto writer = ExportWriter::Create(std::move(*sink), issuer, options);
    BOOST_REQUIRE(writer.ok());
    for (uint64_t i = 0; i < kRecords; ++i) {
      if (i % 1000 == 0) record = SampleRecord(ExportKind::kPseudonymisedDataset, i);
      BOOST_REQUIRE((*writer)->Add(record).ok());
    }
    auto summary = (*writer)->Finish();
    BOOST_REQUIRE(summary.ok());
    BOOST_TEST(summary->records == kRecords);
    BOOST_TEST(summary->bytes > 30u << 20);
    BOOST_TEST_MESSAGE("writer peak heap: " << window.Peak() << " bytes for " << summary->bytes);
    BOOST_TEST(window.Peak() < kMaxPeak);
  }
  {
    Window window;
    auto source = FileSource(path);
    BOOST_REQUIRE(source.ok());
    ExportReaderOptions reader_options;
    reader_options.key = &recipient;
    auto reader = ExportReader::Open(std::move(*source), reader_options);
    BOOST_REQUIRE(reader.ok());
    uint64_t n = 0;
    while (true) {
      auto more = (*reader)->Next(&record);
      BOOST_REQUIRE(more.ok());
      if (!*more) break;
      ++n;
    }
    BOOST_TEST(n == kRecords);
    BOOST_TEST_MESSAGE("reader peak heap: " << window.Peak() << " bytes");
    BOOST_TEST(window.Peak() < kMaxPeak);
  }
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(three_million_records_signed) { WriteAndRead(false); }
BOOST_AUTO_TEST_CASE(three_million_records_sealed) { WriteAndRead(true); }

BOOST_AUTO_TEST_CASE(hostile_lengths_allocate_nothing) {
  std::string file;
  auto writer = ExportWriter::Create(StringSink(&file), ExportSigningKey::Generate(),
                                     Options(ExportKind::kAccessRequest));
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE((*writer)->Add(SampleRecord(ExportKind::kAccessRequest, 1)).ok());
  BOOST_REQUIRE((*writer)->Finish().ok());
  const auto layout = exportfile_test::LayoutOf(file);
  for (uint64_t at : {uint64_t{12}, layout.frames[0] + 28, layout.trailer}) {
    for (uint32_t length : {0xffffffffu, 0x00ffffffu}) {
      std::string hostile = file.substr(0, at + 4);
      hostile.replace(
          at, 4,
          std::string{static_cast<char>(length & 0xff), static_cast<char>((length >> 8) & 0xff),
                      static_cast<char>((length >> 16) & 0xff), static_cast<char>(length >> 24)});
      Window window;
      auto verified = VerifyExport(MemorySource(hostile), {});
      BOOST_TEST(!verified.ok());
      // Refused or truncated with at most the real bytes and one read step (1 MiB) allocated.
      BOOST_TEST(window.Peak() < (2 << 20), "at " << at << ": " << window.Peak());
    }
  }
}

}  // namespace
}  // namespace socle
