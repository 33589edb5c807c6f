// Shared fixtures of the dataset suites: the test policy (policy.textproto), a Pseudonymizer with
// fixed secrets, and builders of socle.v1.Identity / socle.v1.Entry.
#ifndef SOCLE_TESTS_DATASET_TEST_UTIL_H_
#define SOCLE_TESTS_DATASET_TEST_UTIL_H_

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "socle/dataset.hpp"
#include "socle/init.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/v1/export.pb.h"

namespace socle::dataset_testing {

inline std::string PolicyPath() {
  return std::string(SOCLE_TEST_DATA_DIR) + "/dataset/policy.textproto";
}

inline const Policy& TestPolicy() {
  static const Policy policy = [] {
    BOOST_REQUIRE(Initialize().ok());
    auto p = Policy::LoadFile(PolicyPath());
    if (!p.ok())
      BOOST_FAIL("tests/dataset/policy.textproto does not load: " << p.status().message());
    return *std::move(p);
  }();
  return policy;
}

inline std::unique_ptr<Pseudonymizer> MakePseudonymizer(const Policy& policy = TestPolicy()) {
  FixedPseudonymSecrets secrets;
  std::string bytes(32, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0x40 + i);
  BOOST_REQUIRE(secrets.Add(1, SecretBytes(absl::string_view(bytes))).ok());
  auto p = Pseudonymizer::Create(policy, secrets);
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().message());
  return *std::move(p);
}

inline const absl::CivilDay kReference(2026, 12, 5);

inline DatasetBuilder MakeBuilder(const Pseudonymizer& pseudonymizer, absl::string_view profile,
                                  absl::string_view domain = "stats",
                                  const Policy& policy = TestPolicy()) {
  auto context = pseudonymizer.NewContext(domain);
  BOOST_REQUIRE_MESSAGE(context.ok(), context.status().message());
  auto builder = DatasetBuilder::Create(policy, profile, *std::move(context), kReference);
  BOOST_REQUIRE_MESSAGE(builder.ok(), builder.status().message());
  return *std::move(builder);
}

inline v1::Entry MakeEntry(absl::string_view id, absl::string_view category,
                           v1::EntryKind kind = v1::FACT,
                           absl::string_view purpose = "accompagnement_social") {
  v1::Entry e;
  e.set_id(std::string(id));
  e.set_person("p1");
  e.set_category(std::string(category));
  e.set_kind(kind);
  e.set_purpose(std::string(purpose));
  e.set_author("pro-ass-17");
  e.mutable_created_at()->set_seconds(1710496800);  // 2024-03-15T10:00:00Z
  return e;
}

inline void AddField(v1::Entry* e, absl::string_view name, absl::string_view value) {
  auto* f = e->add_fields();
  f->set_name(std::string(name));
  f->set_value(std::string(value));
}

// Serialises and adds; fails the test on error.
inline std::vector<v1::DatasetRecord> AddPerson(DatasetBuilder& builder,
                                                const v1::Identity& identity,
                                                const std::vector<v1::Entry>& entries) {
  std::vector<std::string> bytes;
  for (const auto& e : entries) bytes.push_back(e.SerializeAsString());
  std::vector<absl::string_view> views(bytes.begin(), bytes.end());
  auto out = builder.Add(identity.SerializeAsString(), views);
  BOOST_REQUIRE_MESSAGE(out.ok(), out.status().message());
  std::vector<v1::DatasetRecord> records;
  for (const auto& b : *out) {
    v1::DatasetRecord r;
    BOOST_REQUIRE(r.ParseFromString(b));
    records.push_back(std::move(r));
  }
  return records;
}

// The value of field `name` in `record`, or "<absent>".
inline std::string FieldOf(const v1::DatasetRecord& record, absl::string_view name) {
  for (const auto& f : record.fields()) {
    if (f.name() == name) return f.value();
  }
  return "<absent>";
}

}  // namespace socle::dataset_testing

#endif  // SOCLE_TESTS_DATASET_TEST_UTIL_H_
