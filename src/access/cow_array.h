// A copy-on-write array for the engine's snapshots: records live in fixed chunks of 2^kShift
// behind shared pointers, so a new snapshot shares every chunk it does not touch. An update
// copies the chunk pointer table and the chunks it writes to, never the whole array.
//
// Ownership by batch: the writer works on a private copy of the newest snapshot's arrays under a
// batch id that is never reused. A chunk (or table) tagged with the current batch id was created
// by this batch and has not been published yet, so the writer may change it in place; anything
// else is shared with readers and is copied before the first write. This lets a bulk load of
// 100,000 records touch each chunk once instead of once per record.
//
// Thread safety: const methods may be called concurrently once the array is published inside an
// immutable snapshot; Mutable and Resize are for the single writer of a batch.
#ifndef SOCLE_SRC_ACCESS_COW_ARRAY_H_
#define SOCLE_SRC_ACCESS_COW_ARRAY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace socle::access_internal {

// Identifies one write batch. 0 tags nothing: objects built outside a batch are always shared.
using BatchId = uint64_t;

template <typename T, int kShift = 8>
class CowArray {
 public:
  static constexpr size_t kChunkSize = size_t{1} << kShift;
  static constexpr size_t kMask = kChunkSize - 1;

  CowArray() = default;

  size_t size() const { return size_; }

  // Reads do two dependent loads: the chunk pointer, then the record.
  const T& operator[](size_t i) const { return chunks_[i >> kShift]->items[i & kMask]; }

  // The record at `i` (< size()), made private to `batch` first if it is shared.
  T& Mutable(size_t i, BatchId batch) {
    OwnTable(batch);
    std::shared_ptr<Chunk>& chunk = table_->chunks[i >> kShift];
    if (chunk->owner != batch) {
      auto copy = std::make_shared<Chunk>(*chunk);
      copy->owner = batch;
      chunk = std::move(copy);
    }
    return chunk->items[i & kMask];
  }

  // Grows the array to at least `n` default-constructed records.
  void Resize(size_t n, BatchId batch) {
    if (n <= size_) return;
    OwnTable(batch);
    while (table_->chunks.size() * kChunkSize < n) {
      auto chunk = std::make_shared<Chunk>();
      chunk->owner = batch;
      table_->chunks.push_back(std::move(chunk));
    }
    chunks_ = table_->chunks.data();
    size_ = n;
  }

 private:
  struct Chunk {
    BatchId owner = 0;
    T items[kChunkSize];
  };
  struct Table {
    BatchId owner = 0;
    std::vector<std::shared_ptr<Chunk>> chunks;
  };

  void OwnTable(BatchId batch) {
    if (table_ == nullptr) {
      table_ = std::make_shared<Table>();
      table_->owner = batch;
    } else if (table_->owner != batch) {
      auto copy = std::make_shared<Table>(*table_);
      copy->owner = batch;
      table_ = std::move(copy);
    }
    chunks_ = table_->chunks.data();
  }

  std::shared_ptr<Table> table_;
  // table_->chunks.data(), cached so that a read skips one indirection.
  const std::shared_ptr<Chunk>* chunks_ = nullptr;
  size_t size_ = 0;
};

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_COW_ARRAY_H_
