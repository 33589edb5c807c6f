// Several threads seal and open while another rotates the master key (retiring the old
// versions each time) and a third shreds: every operation on a live person succeeds, and the
// database ends consistent. A small cache forces misses, so unwraps race with rotations.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace socle {
namespace {

using vault_testing::AsString;
using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::LoadVault;
using vault_testing::NewKeyFile;
using vault_testing::TempDir;

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(seal_and_open_while_rotating_and_shredding) {
  TempDir dir;
  auto provider = NewKeyFile(dir.File("k"));
  VaultOptions options;
  options.cache_capacity = 4;  // most opens miss and unwrap, racing with rotation
  auto vault = LoadVault(provider, dir.File("v.db"), "ccas-lyon", options);

  constexpr int kWorkers = 4;
  constexpr int kPersons = 24;
  constexpr int kRounds = 150;
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::mutex report_mu;
  std::string first_failure;
  const auto fail = [&](const std::string& what) {
    if (failures.fetch_add(1) == 0) {
      std::lock_guard lock(report_mu);
      first_failure = what;
    }
  };

  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round) {
        // Workers own disjoint persons (w, w + kWorkers, …), the shredder its own.
        const std::string person =
            "P-" + std::to_string(w + kWorkers * (round % (kPersons / kWorkers)));
        const std::string record = "r-" + std::to_string(round);
        const std::string text = person + "/" + record;
        const RecordRef ref{person, record, 1};
        const auto sealed = vault->SealRecord(ref, Bytes(text));
        if (!sealed.ok()) {
          fail("seal: " + sealed.status().ToString());
          continue;
        }
        const auto opened = vault->OpenRecord(ref, *sealed);
        if (!opened.ok() || AsString(*opened) != text) {
          fail("open: " + opened.status().ToString());
        }
      }
    });
  }
  std::thread rotator([&] {
    for (int i = 0; i < 6; ++i) {
      const auto report = vault->RotateMasterKey(/*retire_previous=*/true);
      if (!report.ok()) fail("rotate: " + report.status().ToString());
    }
  });
  std::thread shredder([&] {
    for (int i = 0; i < 40 && !done.load(); ++i) {
      const std::string person = "S-" + std::to_string(i);
      const RecordRef ref{person, "r", 1};
      const auto sealed = vault->SealRecord(ref, Bytes("to be shredded"));
      if (!sealed.ok()) fail("seal before shred: " + sealed.status().ToString());
      if (!vault->ShredPerson(person).ok()) fail("shred");
      if (sealed.ok() && CodeName(vault->OpenRecord(ref, *sealed).status()) != "NOT_FOUND") {
        fail("a shredded person's record still opened");
      }
    }
  });
  for (auto& t : workers) t.join();
  done = true;
  rotator.join();
  shredder.join();

  BOOST_TEST(failures.load() == 0, first_failure);
  BOOST_TEST(provider->versions() == std::vector<uint32_t>{7});
  BOOST_TEST(vault->Verify().ok());
}

BOOST_AUTO_TEST_CASE(concurrent_first_seals_of_one_person_share_one_key) {
  TempDir dir;
  auto vault = LoadVault(NewKeyFile(dir.File("k")), dir.File("v.db"));
  std::vector<std::thread> threads;
  std::vector<std::vector<uint8_t>> sealed(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      sealed[t] = vault->SealRecord(RecordRef{"P-new", "r", 1}, Bytes("same person")).value();
    });
  }
  for (auto& t : threads) t.join();
  // Whichever thread created the key, every record opens with the one that was kept.
  for (const auto& s : sealed) {
    BOOST_TEST(vault->OpenRecord(RecordRef{"P-new", "r", 1}, s).ok());
  }
  BOOST_TEST(vault_testing::RawRows(dir.File("v.db"), "person_keys").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
