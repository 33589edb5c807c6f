#include "core/interner.h"

namespace socle::core {

Interner& Interner::operator=(const Interner& other) {
  if (this == &other) return *this;
  names_ = other.names_;
  ids_.clear();
  ids_.reserve(names_.size());
  for (Id i = 0; i < names_.size(); ++i) ids_.emplace(names_[i], i);
  return *this;
}

Interner::Id Interner::Intern(absl::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  const Id id = static_cast<Id>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

std::optional<Interner::Id> Interner::Find(absl::string_view name) const {
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace socle::core
