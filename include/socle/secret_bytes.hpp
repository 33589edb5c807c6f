// socle/secret_bytes.hpp: bytes that must not outlive their use (keys, decrypted personal data).
//
// SecretBytes wipes its memory (sodium_memzero) when destroyed or moved from, compares in
// constant time, and is move-only so every copy is explicit (Clone()). It is a value type: not
// synchronised; share it between threads only behind your own lock.
#ifndef SOCLE_SECRET_BYTES_HPP_
#define SOCLE_SECRET_BYTES_HPP_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/export.hpp"

namespace socle {

class SOCLE_CXX_API SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size) : bytes_(size) {}
  SecretBytes(const uint8_t* data, size_t size) : bytes_(data, data + size) {}
  explicit SecretBytes(absl::string_view text)
      : bytes_(reinterpret_cast<const uint8_t*>(text.data()),
               reinterpret_cast<const uint8_t*>(text.data()) + text.size()) {}
  // `size` bytes from the operating system's CSPRNG.
  static SecretBytes Random(size_t size);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  // An explicit copy, so copies of secrets are visible in the code.
  SecretBytes Clone() const { return SecretBytes(bytes_.data(), bytes_.size()); }

  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  absl::Span<const uint8_t> span() const { return bytes_; }
  absl::string_view view() const {
    return absl::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
  }

  // Constant-time equality (sodium_memcmp); sizes are not secret.
  bool Equals(const SecretBytes& other) const;

 private:
  void Wipe();
  std::vector<uint8_t> bytes_;
};

}  // namespace socle

#endif  // SOCLE_SECRET_BYTES_HPP_
