// libFuzzer target for AccessEngine::ApplyEvent and ApplyEventBatch (the state ledger's entry
// point). The input is a socle.v1.StateEventBatch in text format (the seeds in access_events/:
// readable, and the fuzzer mutates them into near-valid events), or, when it does not parse as
// text, raw bytes handed to ApplyEvent and ApplyEventBatch as they are.
//
// On an engine with a small directory, a mask and a session, on a fake clock, each event is
// applied alone, then the whole batch. Beyond the sanitizers' findings the target aborts when:
//   - a refused event or batch changed the revision or any decision (state unchanged on error);
//   - an accepted event did not advance the revision by exactly one (a batch: by its size);
//   - an error has no message, or carries the internal code;
//   - an event dated more than the skew after the engine's clock was accepted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "access_fuzz_util.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "socle/error.hpp"
#include "socle/v1/events.pb.h"

namespace {

using socle::access_fuzz::Broken;

// Text that does not parse is expected (it then goes in as raw bytes): no log line for it.
class Silent : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, int, const std::string&) override {}
  void AddWarning(int, int, const std::string&) override {}
};

void Check(bool ok, const char* contract) {
  if (!ok) Broken("access_event_fuzzer", contract);
}

void CheckError(const absl::Status& status) {
  Check(!status.message().empty(), "an error says what is wrong");
  Check(socle::ErrorCodeOf(status) != socle::ErrorCode::kInternal, "no internal error");
}

// Applies `bytes` with `apply`; on error the state is as before.
template <typename Apply>
void ApplyAndCheck(socle::AccessEngine& engine, const std::string& bytes, uint64_t events,
                   Apply apply) {
  const std::string before = socle::access_fuzz::Fingerprint(engine);
  const uint64_t revision = engine.revision();
  const absl::StatusOr<uint64_t> applied = apply(bytes);
  if (applied.ok()) {
    Check(*applied == engine.revision(), "the returned revision is the engine's");
    Check(*applied == revision + events || events == 0, "an event advances the revision by one");
    return;
  }
  CheckError(applied.status());
  Check(engine.revision() == revision, "a refused write keeps the revision");
  Check(socle::access_fuzz::Fingerprint(engine) == before, "a refused write changes nothing");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  socle::FakeClock clock(absl::FromUnixSeconds(socle::access_fuzz::kStart));
  auto engine = socle::access_fuzz::SmallEngine(&clock);
  const int64_t now = absl::ToUnixSeconds(clock.Now());

  socle::v1::StateEventBatch batch;
  google::protobuf::TextFormat::Parser parser;
  parser.AllowPartialMessage(true);
  Silent silent;
  parser.RecordErrorsTo(&silent);
  if (parser.ParseFromString(input, &batch)) {
    if (batch.events_size() > 64) return 0;
    for (const socle::v1::StateEvent& event : batch.events()) {
      const std::string bytes = event.SerializeAsString();
      const uint64_t revision = engine->revision();
      ApplyAndCheck(*engine, bytes, 1, [&](const std::string& b) { return engine->ApplyEvent(b); });
      if (engine->revision() != revision) {
        // Accepted: never dated beyond the skew (5 minutes) after the engine's clock.
        Check(event.at().seconds() <= now + 300, "a future event is refused");
      }
    }
    const std::string bytes = batch.SerializeAsString();
    ApplyAndCheck(*engine, bytes, static_cast<uint64_t>(batch.events_size()),
                  [&](const std::string& b) { return engine->ApplyEventBatch(b); });
  } else {
    ApplyAndCheck(*engine, input, 1, [&](const std::string& b) { return engine->ApplyEvent(b); });
    ApplyAndCheck(*engine, input, 0,
                  [&](const std::string& b) { return engine->ApplyEventBatch(b); });
  }
  return 0;
}
