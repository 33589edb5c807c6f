// The erasure's run (socle/erasure.hpp): the tombstone recorded through the engine, then the
// person's key crypto-shredded through the access trail; and the tombstones applied again to a
// vault restored from a backup. The decision itself is in access/erasure.cc.
#include "access/erasure.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "access/apply.h"
#include "access/state.h"
#include "core/calendar.h"
#include "core/status_macros.h"
#include "socle/erasure.hpp"
#include "socle/error.hpp"
#include "socle/trail.hpp"
#include "socle/v1/events.pb.h"
#include "socle/vault.hpp"

namespace socle {

using access_internal::Data;
using access_internal::Erasable;
using access_internal::kFactErased;
using access_internal::PersonOf;
using access_internal::SnapshotData;

absl::StatusOr<ErasureOutcome> Erase(AccessEngine& engine, AccessTrail& trail,
                                     const ErasureRequest& request, absl::string_view recorded_by) {
  ErasureOutcome out;
  const std::shared_ptr<const AccessSnapshot> snapshot = engine.snapshot();
  const SnapshotData& s = Data(*snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t person, PersonOf(s, request.person));
  auto all_categories = [&] {
    std::vector<std::string> ids;
    for (uint32_t i = 0; i < s.tables->categories; ++i) {
      ids.emplace_back(s.tables->c->data_categories.Name(i));
    }
    return ids;
  };

  if ((s.state.persons[person].facts & kFactErased) == 0) {
    SOCLE_ASSIGN_OR_RETURN(
        out.decision, DecideErasure(*snapshot, request, core::LegalDayOf(engine.clock().Now())));
    const std::vector<std::string> erasable = Erasable(out.decision);
    const bool whole = out.decision.whole && out.decision.all_erased;
    // Every category refused, with its reason (or erased already, part by part).
    if (erasable.empty() && !whole) return out;
    out.whole_erased = whole;

    v1::StateEvent event;
    event.set_recorded_by(std::string(recorded_by));
    v1::ErasureRecorded* e = event.mutable_erasure_recorded();
    e->set_person(request.person);
    e->set_request(request.request);
    if (!out.whole_erased) {
      for (const std::string& id : erasable) e->add_categories(id);
    }
    // The decision must hold on the state the tombstone is folded into, on its day.
    auto precondition = [&](const AccessSnapshot& current, absl::Time at) -> absl::Status {
      auto again = DecideErasure(current, request, core::LegalDayOf(at));
      if (!again.ok()) return again.status();
      if (Erasable(*again) != erasable || again->all_erased != out.decision.all_erased) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "erasure: the state changed while deciding; run the erasure again");
      }
      return absl::OkStatus();
    };
    SOCLE_ASSIGN_OR_RETURN(out.revision, access_internal::ApplyNow(engine, event, precondition));
    out.recorded = true;
    if (!out.whole_erased) {
      out.vendor_deletes = erasable;
      return out;
    }
  } else {
    // Erased before: finish the shred a crash may have interrupted.
    out.whole_erased = true;
    out.decision.whole = true;
    out.decision.all_erased = true;
  }

  out.vendor_deletes = all_categories();
  const absl::Status shred = trail.ShredPerson(recorded_by, request.person);
  if (shred.ok()) {
    out.key_shredded = true;
  } else if (ErrorCodeOf(shred) != ErrorCode::kNotFound) {  // NOT_FOUND: no key (left)
    return shred;
  }
  return out;
}

absl::StatusOr<size_t> ReapplyTombstones(const AccessSnapshot& snapshot, Vault& vault) {
  const SnapshotData& s = Data(snapshot);
  absl::flat_hash_set<uint32_t> done;
  size_t shredded = 0;
  const auto& tombstones = s.state.tombstones;
  for (size_t i = 0; i < tombstones.size(); ++i) {
    const access_internal::Tombstone& t = tombstones[i];
    if (!t.categories.empty() || !done.insert(t.person).second) continue;
    const absl::Status status = vault.ShredPerson(s.ids->persons.Name(t.person));
    if (status.ok()) {
      ++shredded;
    } else if (ErrorCodeOf(status) != ErrorCode::kNotFound) {
      return status;
    }
  }
  return shredded;
}

}  // namespace socle
