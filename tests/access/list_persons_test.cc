// AccessSnapshot::ListPersons through item-level shares (docs/access-rules.md, "Views and
// lists"): a professional who reaches a person through shares of items only may access the
// person for a category when one item shared as that category, for the purpose, is one Decide
// lets them read. On a generated population (teams, referents, shares of items and of whole
// files, some expired or revoked, item and category masks, blocks, plain grants, a professional
// who left), every list is exactly the persons with at least one readable item.
#include <boost/test/unit_test.hpp>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sharing_util.h"
#include "socle/access.hpp"
#include "socle/sharing.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

// A second activity, without health, so that a share's purpose matters.
constexpr absl::string_view kInsertion = R"pb(
  activities {
    id: "insertion"
    name: "Insertion professionnelle"
    purpose: "Accompagner le retour à l'emploi des personnes suivies"
    purpose_kind: SOCIAL_SUPPORT
    legal_basis: PUBLIC_TASK
    legal_basis_reference: "CASF L.262-27"
    public_task: true
    data_categories: [ "administrative", "social", "financial" ]
    person_categories: [ "personne_accompagnee" ]
    recipients { name: "Professionnels des équipes en charge" kind: INTERNAL }
    retention {
      data_category: "administrative"
      start: LAST_CONTACT_FROM_PERSON
      active_months: 24
      end_action: DELETE
      source: "CNIL délib. 2023-095"
    }
    retention {
      data_category: "social"
      start: LAST_CONTACT_FROM_PERSON
      active_months: 24
      end_action: DELETE
      source: "CNIL délib. 2023-095"
    }
    retention {
      data_category: "financial"
      start: LAST_CONTACT_FROM_PERSON
      active_months: 24
      end_action: DELETE
      source: "CNIL délib. 2023-095"
    }
    security_measures: "Accès limité aux équipes en charge (besoin d'en connaître)"
    dpia_reference: "AIPD-BANC-2"
  }
)pb";

const char* const kCategories[] = {"administrative", "social", "financial", "health"};
const char* const kPurposes[] = {"accompagnement", "insertion"};
const char* const kRoles[] = {"social_worker", "health_professional", "manager", "secretary",
                              "trainee"};
constexpr int kItemsPerPerson = 6;

std::string Item(int i) { return absl::StrCat("i", i); }

struct Population {
  Population() {
    AccessEngine::Options options;
    options.clock = &clock;
    auto created = AccessEngine::Create(
        LoadPolicy(PolicyVariant({}, absl::StrCat(kSharingRules, kInsertion))), options);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
    engine = *std::move(created);
  }

  void Apply(v1::StateEvent& event) {
    event.set_format_version(1);
    event.mutable_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
    auto applied = engine->ApplyEvent(event.SerializeAsString());
    BOOST_REQUIRE_MESSAGE(applied.ok(), applied.status().message());
  }

  // `items` (item, category) of `person` shared by `emitter` with `recipient` for `purpose`; no
  // item: the whole file of `categories`.
  void ShareItems(const std::string& person, const std::string& emitter,
                  const std::string& recipient, const std::string& purpose, const std::string& id,
                  const std::vector<std::pair<std::string, std::string>>& items,
                  const std::vector<std::string>& categories = {}, int64_t expires_at = 0) {
    v1::StateEvent event;
    event.set_recorded_by(emitter);
    event.mutable_involvement()->set_kind(v1::PersonInvolvement::PRESENT);
    v1::AccessGranted* e = event.mutable_access_granted();
    e->set_person(person);
    e->set_professional(recipient);
    for (const auto& [item, category] : items) {
      e->add_items(item);
      e->add_categories(category);
    }
    for (const std::string& category : categories) e->add_categories(category);
    e->set_basis(v1::SHARING_LEGAL_OBLIGATION);
    e->set_share(id);
    e->set_purpose(purpose);
    if (expires_at != 0) e->mutable_expires_at()->set_seconds(expires_at);
    Apply(event);
  }

  // Whether Decide lets `actor` read one item of `person` as (category, purpose): every item
  // named anywhere for the person, and one named nowhere.
  bool Readable(uint32_t actor, uint32_t person, uint32_t category, uint32_t purpose) const {
    AccessRequest r;
    r.actor = actor;
    r.person = person;
    r.category = category;
    r.purpose = purpose;
    r.action = Action::kRead;
    for (int i = 0; i <= kItemsPerPerson; ++i) {
      const std::string item = i < kItemsPerPerson ? Item(i) : "never-named";
      r.item = item;
      auto d = engine->Decide(r);
      BOOST_REQUIRE(d.ok());
      if (d->allowed()) return true;
    }
    return false;
  }

  FakeClock clock{absl::FromUnixSeconds(Scenario::kStart)};
  std::unique_ptr<AccessEngine> engine;
};

BOOST_AUTO_TEST_SUITE(list_persons)

BOOST_FIXTURE_TEST_CASE(a_share_of_items_lists_the_person_for_the_categories_it_can_read,
                        Population) {
  BOOST_REQUIRE(engine
                    ->LoadDirectory({{{"sw1", "social_worker", {"t1"}},
                                      {"hp3", "health_professional", {"t3"}},
                                      {"sw3", "social_worker", {"t2"}}},
                                     {{"x", {"t1"}}}})
                    .ok());
  ShareItems("x", "sw1", "hp3", "accompagnement", "s1",
             {{"i-admin", "administrative"}, {"i-health", "health"}});
  const uint32_t hp3 = *engine->FindProfessional("hp3");
  const uint32_t x = *engine->FindPerson("x");
  auto list = [&](const char* category, const char* purpose = "accompagnement",
                  Action action = Action::kRead) {
    auto persons = engine->ListPersons(hp3, *engine->FindCategory(category),
                                       *engine->FindPurpose(purpose), action);
    BOOST_REQUIRE(persons.ok());
    return *persons;
  };
  const std::vector<uint32_t> just_x = {x}, nobody = {};
  BOOST_TEST(list("administrative") == just_x);
  BOOST_TEST(list("health") == just_x);
  BOOST_TEST(list("social") == nobody);  // nothing shared as social (hp3 may not read it anyway)
  BOOST_TEST(list("administrative", "insertion") == nobody);               // another purpose
  BOOST_TEST(list("health", "accompagnement", Action::kWrite) == nobody);  // a share is read only
  BOOST_TEST(list("administrative", "accompagnement", Action::kWrite) == nobody);
  // The one administrative item masked from hp3: no administrative item left to read.
  BOOST_REQUIRE(engine->SetMask({"x", "i-admin", "", MaskAudience::kProfessional, "hp3"}).ok());
  BOOST_TEST(list("administrative") == nobody);
  BOOST_TEST(list("health") == just_x);
  // The share revoked: nothing.
  BOOST_REQUIRE(RevokeShare(*engine, "x", "hp3", "s1", "sw1").ok());
  BOOST_TEST(list("health") == nobody);
}

BOOST_FIXTURE_TEST_CASE(every_list_is_the_persons_with_a_readable_item, Population) {
  std::mt19937 random(20261205);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<uint32_t>(n)); };
  constexpr int kTeams = 6, kProfessionals = 24, kPersons = 150;
  DirectoryData d;
  for (int i = 0; i < kProfessionals; ++i) {
    ProfessionalEntry p;
    p.id = absl::StrCat("p", i);
    p.role = kRoles[pick(5)];
    for (int n = pick(3); n > 0; --n) p.teams.push_back(absl::StrCat("t", pick(kTeams)));
    if (pick(8) == 0) p.secrecy = SecrecyStatus::kNone;
    d.professionals.push_back(std::move(p));
  }
  for (int i = 0; i < kPersons; ++i) {
    PersonEntry x;
    x.id = absl::StrCat("x", i);
    // Most persons are outside every team: reached through shares only.
    for (int n = pick(4) == 0 ? 1 : 0; n > 0; --n)
      x.teams.push_back(absl::StrCat("t", pick(kTeams)));
    const int referent = pick(kProfessionals);
    if (pick(10) == 0 && d.professionals[static_cast<size_t>(referent)].role == "social_worker") {
      x.referent = absl::StrCat("p", referent);
    }
    d.persons.push_back(std::move(x));
  }
  auto loaded = engine->LoadDirectory(d);
  BOOST_REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());

  auto professional = [&] { return absl::StrCat("p", pick(kProfessionals)); };
  auto person = [&] { return absl::StrCat("x", pick(kPersons)); };
  std::vector<std::tuple<std::string, std::string, std::string>> shares;  // person, to, id
  for (int s = 0; s < 400; ++s) {
    std::vector<std::pair<std::string, std::string>> items;
    std::vector<std::string> categories;
    if (pick(10) == 0) {
      categories.push_back(kCategories[pick(4)]);
    } else {
      std::set<int> chosen;
      for (int n = 1 + pick(3); n > 0; --n) chosen.insert(pick(kItemsPerPerson));
      for (int i : chosen) items.emplace_back(Item(i), kCategories[pick(4)]);
    }
    const std::string x = person(), to = professional(), id = absl::StrCat("s", s);
    const int64_t expires = pick(6) == 0 ? Scenario::kStart + 3600 : 0;
    ShareItems(x, professional(), to, kPurposes[pick(2)], id, items, categories, expires);
    shares.emplace_back(x, to, id);
  }
  for (int i = 0; i < 40; ++i) {  // some shares revoked
    const auto& [x, to, id] = shares[static_cast<size_t>(pick(static_cast<int>(shares.size())))];
    (void)RevokeShare(*engine, x, to, id, "p0");  // NOT_FOUND when revoked already
  }
  int masks = 0;
  for (int i = 0; i < 120; ++i) {  // masks of items and of categories
    MaskSpec mask;
    mask.person = person();
    if (pick(4) == 0) {
      mask.category = kCategories[pick(4)];
    } else {
      mask.item = Item(pick(kItemsPerPerson));
    }
    switch (pick(3)) {
      case 0:
        mask.audience = MaskAudience::kEveryone;
        break;
      case 1:
        mask.audience = MaskAudience::kRole;
        mask.audience_id = kRoles[pick(5)];
        break;
      default:
        mask.audience = MaskAudience::kProfessional;
        mask.audience_id = professional();
    }
    if (engine->SetMask(mask).ok()) ++masks;  // the same mask twice: refused
  }
  BOOST_REQUIRE(masks > 80);
  for (int i = 0; i < 20; ++i) (void)engine->Block(person(), professional());  // twice: refused
  for (int i = 0; i < 15; ++i) {
    GrantSpec grant;
    grant.person = person();
    grant.professional = professional();
    grant.categories = {kCategories[pick(4)]};
    grant.reference = "convention";
    BOOST_REQUIRE(engine->Grant(grant).ok());
  }
  BOOST_REQUIRE(engine->ProfessionalLeaves("p1").ok());
  clock.Advance(absl::Hours(2));  // the shares with an expiry have ended

  size_t through_items = 0, listed_total = 0;
  for (int a = 0; a < kProfessionals; ++a) {
    const uint32_t actor = *engine->FindProfessional(absl::StrCat("p", a));
    for (const char* category_name : kCategories) {
      const uint32_t category = *engine->FindCategory(category_name);
      for (const char* purpose_name : kPurposes) {
        const uint32_t purpose = *engine->FindPurpose(purpose_name);
        auto listed = engine->ListPersons(actor, category, purpose, Action::kRead);
        BOOST_REQUIRE(listed.ok());
        const std::set<uint32_t> in_list(listed->begin(), listed->end());
        BOOST_TEST(in_list.size() == listed->size());  // no person twice
        for (int i = 0; i < kPersons; ++i) {
          const uint32_t x = *engine->FindPerson(absl::StrCat("x", i));
          const bool readable = Readable(actor, x, category, purpose);
          BOOST_TEST(in_list.count(x) == (readable ? 1u : 0u),
                     "p" << a << " x" << i << " " << category_name << " " << purpose_name
                         << (readable ? ": readable, not listed" : ": listed, nothing readable"));
          if (!readable) continue;
          ++listed_total;
          AccessRequest no_item;
          no_item.actor = actor;
          no_item.person = x;
          no_item.category = category;
          no_item.purpose = purpose;
          if (ReasonOf(engine->Decide(no_item)) == "item_not_shared") ++through_items;
        }
        // A list for an action a share never gives holds nobody reached through shares only.
        auto written = engine->ListPersons(actor, category, purpose, Action::kWrite);
        BOOST_REQUIRE(written.ok());
        for (uint32_t x : *written) {
          AccessRequest w;
          w.actor = actor;
          w.person = x;
          w.category = category;
          w.purpose = purpose;
          w.action = Action::kWrite;
          BOOST_TEST(engine->Decide(w)->allowed());
        }
      }
    }
  }
  // The population exercises the item-level path, not only teams.
  BOOST_TEST_MESSAGE(listed_total << " listings, " << through_items << " through items only");
  BOOST_TEST(through_items > 50u);
  BOOST_TEST(listed_total > through_items);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
