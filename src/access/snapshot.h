// The engine's state as a socle.v1.EngineSnapshot (proto/socle/v1/snapshot.proto): written by
// AccessEngine::SaveSnapshot, read back by AccessEngine::Open.
#ifndef SOCLE_SRC_ACCESS_SNAPSHOT_H_
#define SOCLE_SRC_ACCESS_SNAPSHOT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "access/state.h"

namespace socle::access_internal {

// The serialized snapshot of `s`: the id tables as they stand (ids interned after `s` was
// published are harmless extras), every record of the directory with its privacy state.
std::string EncodeSnapshot(const SnapshotData& s);

// The state a snapshot holds, for an engine whose id tables `ids` are still empty: the tables
// are filled in the snapshot's order, so dense ids are the saving engine's. The indexes (team
// members, referents, grantees) are rebuilt from the records. nullopt when it was written under
// another policy (the one in force before this one, or one this engine may not run: not this
// engine's state; `ids` untouched). UNSUPPORTED for an unknown format_version, DATA_LOSS when the
// bytes do not parse, do not match their hash, or hold an id out of range.
absl::StatusOr<std::optional<State>> DecodeSnapshot(absl::string_view bytes, const Tables& tables,
                                                    Ids& ids, BatchId batch);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_SNAPSHOT_H_
