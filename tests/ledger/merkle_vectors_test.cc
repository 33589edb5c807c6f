// Every vector of transparency-dev's Merkle proof test data (vectors/merkle, see its README):
// each happy path verifies and every other case is rejected. The happy paths' proofs are also
// the ones socle generates for RFC 6962's eight test leaves.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/crypto.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/merkle.h"
#include "socle/error.hpp"

namespace socle::ledger {
namespace {

namespace fs = std::filesystem;
using google::protobuf::Struct;
using google::protobuf::Value;

const fs::path kVectors = fs::path(SOCLE_LEDGER_VECTORS_DIR) / "merkle";

Struct ReadJson(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
  std::stringstream text;
  text << in.rdbuf();
  Struct json;
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &json);
  BOOST_REQUIRE_MESSAGE(status.ok(), path << ": " << status.ToString());
  return json;
}

const Value& Field(const Struct& json, const std::string& name, const fs::path& path) {
  const auto it = json.fields().find(name);
  BOOST_REQUIRE_MESSAGE(it != json.fields().end(), path << " has no field " << name);
  return it->second;
}

// JSON numbers arrive as doubles. The vectors' integers are below 2^53 (exact) except one leaf
// index of 2^64 - 1 (0 - 1), which rounds to 2^64: mapped back here.
uint64_t Uint(const Struct& json, const std::string& name, const fs::path& path) {
  const double d = Field(json, name, path).number_value();
  BOOST_REQUIRE_MESSAGE(d >= 0 && std::floor(d) == d, path << ": " << name << " is not a count");
  if (d >= 18446744073709551616.0) return UINT64_MAX;
  BOOST_REQUIRE_MESSAGE(d <= 9007199254740992.0, path << ": " << name << " is not exact");
  return static_cast<uint64_t>(d);
}

std::vector<uint8_t> Base64(const std::string& text, const fs::path& path) {
  std::vector<uint8_t> bytes;
  BOOST_REQUIRE_MESSAGE(crypto::Base64Decode(text, &bytes), path << ": bad base64");
  return bytes;
}

// The proof's hashes; an element that is not 32 bytes makes the case invalid (nullopt).
std::optional<std::vector<MerkleHash>> Proof(const Struct& json, const fs::path& path) {
  std::vector<MerkleHash> proof;
  const Value& value = Field(json, "proof", path);
  if (value.has_null_value()) return proof;
  BOOST_REQUIRE_MESSAGE(value.has_list_value(), path << ": proof is not a list");
  for (const Value& element : value.list_value().values()) {
    const absl::StatusOr<MerkleHash> hash =
        ParseHash(Base64(element.string_value(), path), "a proof hash");
    if (!hash.ok()) return std::nullopt;
    proof.push_back(*hash);
  }
  return proof;
}

absl::StatusOr<MerkleHash> HashField(const Struct& json, const std::string& name,
                                     const fs::path& path) {
  return ParseHash(Base64(Field(json, name, path).string_value(), path), name);
}

std::vector<fs::path> JsonFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// RFC 6962's test leaves (the data transparency-dev's vectors were computed over).
MemoryLeafHashes Rfc6962Tree() {
  const std::vector<std::string> leaves = {
      "",
      std::string("\x00", 1),
      "\x10",
      "\x20\x21",
      "\x30\x31",
      "\x40\x41\x42\x43",
      "\x50\x51\x52\x53\x54\x55\x56\x57",
      "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
  MemoryLeafHashes tree(/*min_stored_level=*/1);
  for (const std::string& leaf : leaves) {
    BOOST_REQUIRE(tree.Append(HashLeaf({reinterpret_cast<const uint8_t*>(leaf.data()),
                                        leaf.size()})).ok());
  }
  return tree;
}

BOOST_AUTO_TEST_SUITE(merkle_vectors)

BOOST_AUTO_TEST_CASE(rfc6962_test_tree_has_the_known_root) {
  const MemoryLeafHashes tree = Rfc6962Tree();
  BOOST_TEST(crypto::ToHex(tree.Root()) ==
             "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
}

BOOST_AUTO_TEST_CASE(every_inclusion_vector) {
  const MemoryLeafHashes tree = Rfc6962Tree();
  const std::vector<fs::path> files = JsonFiles(kVectors / "inclusion");
  BOOST_TEST(files.size() == 98u);  // every file of the copy is read
  int happy = 0, rejected = 0, generated = 0;
  for (const fs::path& path : files) {
    BOOST_TEST_CONTEXT(path.lexically_relative(kVectors).string()) {
      const Struct json = ReadJson(path);
      const bool want_error = Field(json, "wantErr", path).bool_value();
      const uint64_t index = Uint(json, "leafIdx", path);
      const uint64_t size = Uint(json, "treeSize", path);
      const auto root = HashField(json, "root", path);
      const auto leaf = HashField(json, "leafHash", path);
      const auto proof = Proof(json, path);
      absl::Status status = MakeError(ErrorCode::kInvalidArgument, "a hash is not 32 bytes");
      if (root.ok() && leaf.ok() && proof.has_value()) {
        status = VerifyInclusion(*leaf, index, size, *proof, *root);
      }
      if (want_error) {
        BOOST_TEST(!status.ok(), "accepted a case that must be rejected");
        ++rejected;
      } else {
        BOOST_TEST(status.ok(), status.ToString());
        ++happy;
        // socle's generator gives the same proof over the same leaves.
        if (size <= tree.size()) {
          const auto mine = InclusionProof(tree, index, size);
          BOOST_REQUIRE(mine.ok());
          BOOST_TEST((*mine == *proof));
          ++generated;
        }
      }
    }
  }
  BOOST_TEST(happy > 0);
  BOOST_TEST(rejected > 0);
  BOOST_TEST(generated > 0);
}

BOOST_AUTO_TEST_CASE(every_consistency_vector) {
  const MemoryLeafHashes tree = Rfc6962Tree();
  const std::vector<fs::path> files = JsonFiles(kVectors / "consistency");
  BOOST_TEST(files.size() == 98u);
  int happy = 0, rejected = 0, generated = 0, placeholders = 0;
  for (const fs::path& path : files) {
    BOOST_TEST_CONTEXT(path.lexically_relative(kVectors).string()) {
      const Struct json = ReadJson(path);
      const bool want_error = Field(json, "wantErr", path).bool_value();
      const uint64_t size1 = Uint(json, "size1", path);
      const uint64_t size2 = Uint(json, "size2", path);
      auto root1 = HashField(json, "root1", path);
      auto root2 = HashField(json, "root2", path);
      if (size1 == size2 && (!root1.ok() || !root2.ok())) {
        // For equal sizes the verifier only compares the two roots. transparency-dev's verifier
        // takes roots as opaque bytes, and its "additional" cases give placeholders such as
        // "don't care 1" (12 bytes); socle's roots are 32-byte hashes, so each placeholder stands
        // here as its SHA-256: equal placeholders stay equal and different ones stay different.
        root1 = crypto::Sha256(Base64(Field(json, "root1", path).string_value(), path));
        root2 = crypto::Sha256(Base64(Field(json, "root2", path).string_value(), path));
        ++placeholders;
      }
      const auto proof = Proof(json, path);
      absl::Status status = MakeError(ErrorCode::kInvalidArgument, "a hash is not 32 bytes");
      if (root1.ok() && root2.ok() && proof.has_value()) {
        status = VerifyConsistency(size1, size2, *proof, *root1, *root2);
      }
      if (want_error) {
        BOOST_TEST(!status.ok(), "accepted a case that must be rejected");
        ++rejected;
      } else {
        BOOST_TEST(status.ok(), status.ToString());
        ++happy;
        if (size2 <= tree.size()) {
          const auto mine = ConsistencyProof(tree, size1, size2);
          BOOST_REQUIRE(mine.ok());
          BOOST_TEST((*mine == *proof));
          ++generated;
        }
      }
    }
  }
  BOOST_TEST(happy > 0);
  BOOST_TEST(rejected > 0);
  BOOST_TEST(generated > 0);
  BOOST_TEST(placeholders == 6);  // the equal-size cases of consistency/additional with placeholders
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger
