// Interning of external string ids (role names, category names, professional ids) into dense
// 32-bit integers, so decisions work on integers and tables instead of strings.
//
// Not thread-safe for Intern(); Find() and Name() are safe for concurrent readers once no writer
// runs (build an Interner, then share it as part of an immutable snapshot).
#ifndef SOCLE_SRC_CORE_INTERNER_H_
#define SOCLE_SRC_CORE_INTERNER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace socle::core {

class Interner {
 public:
  using Id = uint32_t;

  Interner() = default;
  Interner(const Interner& other) { *this = other; }
  Interner& operator=(const Interner& other);
  Interner(Interner&&) = default;
  Interner& operator=(Interner&&) = default;

  // Returns the id of `name`, assigning the next free id (0, 1, 2…) if it is new.
  Id Intern(absl::string_view name);
  // The id of `name`, or nullopt if it was never interned. Allocation-free.
  std::optional<Id> Find(absl::string_view name) const;
  // The name of `id`; `id` must be < size().
  absl::string_view Name(Id id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  // A deque keeps the strings at stable addresses, so the map can key on views of them.
  std::deque<std::string> names_;
  absl::flat_hash_map<absl::string_view, Id> ids_;
};

}  // namespace socle::core

#endif  // SOCLE_SRC_CORE_INTERNER_H_
