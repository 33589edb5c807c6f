// Uses socle's C++ API the way a vendor's C++ program would: load a policy file and print its
// digest. Usage: test_package POLICY.textproto
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "socle/init.hpp"
#include "socle/policy.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " POLICY.textproto\n";
    return 2;
  }
  if (absl::Status status = socle::Initialize(); !status.ok()) {
    std::cerr << "socle::Initialize: " << status << "\n";
    return 1;
  }

  const std::string path = argv[1];
  std::vector<socle::Diagnostic> diagnostics;
  absl::StatusOr<socle::Policy> policy = socle::Policy::LoadFile(path, &diagnostics);
  if (!policy.ok()) {
    std::cerr << path << ": " << policy.status() << "\n";
    for (const socle::Diagnostic& diagnostic : diagnostics) {
      std::cerr << "  " << diagnostic.ToString(path) << "\n";
    }
    return 1;
  }
  std::cout << "policy: " << policy->id() << "\n";
  std::cout << "digest: " << policy->digest_hex() << "\n";
  return 0;
}
