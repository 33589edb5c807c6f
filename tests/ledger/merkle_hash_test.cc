// RFC 9162 §2.1.1's hashes: the leaf and node prefixes and the empty root.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <vector>

#include "crypto/crypto.h"
#include "ledger/merkle.h"

namespace socle::ledger {
namespace {

BOOST_AUTO_TEST_SUITE(merkle_hash)

BOOST_AUTO_TEST_CASE(hashes_follow_rfc9162) {
  // SHA-256("") and SHA-256(0x00): known answers (sha256sum of /dev/null and of one zero byte).
  BOOST_TEST(crypto::ToHex(EmptyRoot()) ==
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(crypto::ToHex(HashLeaf({})) ==
             "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const std::vector<uint8_t> entry = {'s', 'o', 'c', 'l', 'e'};
  std::vector<uint8_t> prefixed = {0x00};
  prefixed.insert(prefixed.end(), entry.begin(), entry.end());
  BOOST_TEST(crypto::ToHex(HashLeaf(entry)) == crypto::ToHex(crypto::Sha256(prefixed)));
  const MerkleHash left = HashLeaf(entry), right = HashLeaf({});
  std::vector<uint8_t> node = {0x01};
  node.insert(node.end(), left.begin(), left.end());
  node.insert(node.end(), right.begin(), right.end());
  BOOST_TEST(crypto::ToHex(HashChildren(left, right)) == crypto::ToHex(crypto::Sha256(node)));
  BOOST_TEST(crypto::ToHex(HashChildren(right, left)) != crypto::ToHex(HashChildren(left, right)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger
