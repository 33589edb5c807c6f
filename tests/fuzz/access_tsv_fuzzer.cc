// libFuzzer target for the directory's TSV loader (AccessEngine::LoadDirectoryTsv, which the C
// ABI's socle_engine_load_tsv[_files], Python's load_tsv and the CLI use). The input is the
// professionals file, a NUL byte, then the persons file (no NUL: professionals only); seeds in
// access_tsv/.
//
// The files are loaded into an empty engine and into one with a small directory, a mask and a
// session. Beyond the sanitizers' findings the target aborts when:
//   - a refused load changed the revision or any decision (all or nothing);
//   - an error has no message, or does not name the file and line of a line it refuses
//     ("professionals line N" / "persons line N"), for parse errors;
//   - an accepted load did not advance the revision by one per record.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "access_fuzz_util.h"
#include "socle/error.hpp"

namespace {

using socle::access_fuzz::Broken;

void Check(bool ok, const char* contract) {
  if (!ok) Broken("access_tsv_fuzzer", contract);
}

// The number of records a file holds: its lines that are neither blank nor comments.
uint64_t Records(absl::string_view tsv) {
  uint64_t n = 0;
  for (absl::string_view line : absl::StrSplit(tsv, '\n')) {
    absl::ConsumeSuffix(&line, "\r");
    if (!line.empty() && line[0] != '#') ++n;
  }
  return n;
}

void Load(socle::AccessEngine& engine, absl::string_view professionals, absl::string_view persons) {
  const std::string before = socle::access_fuzz::Fingerprint(engine);
  const uint64_t revision = engine.revision();
  const absl::StatusOr<uint64_t> loaded = engine.LoadDirectoryTsv(professionals, persons);
  if (loaded.ok()) {
    Check(*loaded == revision + Records(professionals) + Records(persons),
          "one revision per record");
    return;
  }
  const absl::Status& status = loaded.status();
  Check(!status.message().empty(), "an error says what is wrong");
  Check(socle::ErrorCodeOf(status) != socle::ErrorCode::kInternal, "no internal error");
  Check(absl::StartsWith(status.message(), "professionals line ") ||
            absl::StartsWith(status.message(), "persons line "),
        "an error names the file and the line");
  Check(engine.revision() == revision, "a refused load keeps the revision");
  Check(socle::access_fuzz::Fingerprint(engine) == before, "a refused load changes nothing");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const absl::string_view professionals = input.substr(0, nul);
  const absl::string_view persons =
      nul == absl::string_view::npos ? absl::string_view() : input.substr(nul + 1);

  socle::FakeClock clock(absl::FromUnixSeconds(socle::access_fuzz::kStart));
  {
    socle::AccessEngine::Options options;
    options.clock = &clock;
    auto empty = socle::AccessEngine::Create(socle::access_fuzz::WorkloadPolicy(), options);
    if (!empty.ok()) Broken("access_tsv_fuzzer", "the engine is created");
    Load(**empty, professionals, persons);
  }
  auto engine = socle::access_fuzz::SmallEngine(&clock);
  Load(*engine, professionals, persons);
  return 0;
}
