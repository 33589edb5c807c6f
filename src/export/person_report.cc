#include "export/person_report.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "export/html.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/v1/ledger.pb.h"

namespace socle {

absl::StatusOr<std::string> RenderPersonReport(absl::Span<const std::string> serialized_records,
                                               const PersonReportOptions& options) {
  export_internal::PersonReportBuilder builder(options);
  for (const std::string& record : serialized_records) {
    absl::Status status = builder.Add(record);
    if (!status.ok()) return status;
  }
  return builder.Finish();
}

namespace export_internal {
namespace {

using google::protobuf::Timestamp;
using html::Builder;
using html::Markup;

constexpr absl::string_view kDefaultZone = "Europe/Paris";

// ---------------------------------------------------------------------------------------------
// Words

constexpr std::array<absl::string_view, 12> kMonths = {
    "janvier", "février", "mars",      "avril",   "mai",      "juin",
    "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

// The access engine's reasons (socle::Reason), as the person reads them in the history.
struct ReasonWords {
  Reason reason;
  absl::string_view french;
};
constexpr ReasonWords kReasonWords[] = {
    {Reason::kAllowed, "accès autorisé"},
    {Reason::kAllowedAuthorOfMasked, "élément masqué, mais écrit par ce professionnel"},
    {Reason::kAllowedReferentOfMasked, "élément masqué, mais consulté par votre référent"},
    {Reason::kAllowedBreakGlass, "accès d’urgence (bris de glace)"},
    {Reason::kAllowedByGrant, "accès accordé par un partage"},
    {Reason::kAllowedArchivist, "lecture motivée des archives par un archiviste"},
    {Reason::kAllowedUnderRestriction,
     "dossier limité (article 18 du RGPD), mais lu pour un motif que la loi admet"},
    {Reason::kProfessionalLeft, "ce professionnel a quitté la structure"},
    {Reason::kBlocked, "vous avez bloqué ce professionnel"},
    {Reason::kWorkingNote, "note de travail réservée à son auteur"},
    {Reason::kNotAssigned, "ce professionnel ne suit pas votre dossier"},
    {Reason::kBreakGlassExpired, "son accès d’urgence était terminé"},
    {Reason::kRoleDoesNotAllow, "sa fonction ne le permet pas"},
    {Reason::kCategoryOutsidePurpose, "cette information ne sert pas à cette finalité"},
    {Reason::kNotBoundBySecrecy, "ce professionnel n’est pas tenu au secret professionnel"},
    {Reason::kEntryKindRestricted, "ce type d’élément ne lui est pas ouvert"},
    {Reason::kMasked, "vous avez masqué cet élément"},
    {Reason::kInvalidRequest, "demande invalide"},
    {Reason::kNoConsent, "vous n’avez pas donné votre consentement"},
    {Reason::kObjectionPending, "vous vous y êtes opposé(e) ; décision en attente"},
    {Reason::kObjectionUpheld, "votre opposition a été acceptée"},
    {Reason::kItemNotShared, "cet élément ne lui a pas été partagé"},
    {Reason::kArchived, "dossier archivé : seul un archiviste peut le lire, avec un motif"},
    {Reason::kRestricted, "vous avez demandé la limitation de ce traitement (article 18 du RGPD)"},
    {Reason::kErased, "dossier effacé (droit à l’effacement, article 17 du RGPD)"},
};

absl::string_view LegalBasisWords(v1::LegalBasis basis) {
  switch (basis) {
    case v1::CONSENT:
      return "votre consentement (article 6.1.a du RGPD)";
    case v1::CONTRACT:
      return "l’exécution d’un contrat avec vous (article 6.1.b du RGPD)";
    case v1::LEGAL_OBLIGATION:
      return "une obligation légale (article 6.1.c du RGPD)";
    case v1::VITAL_INTERESTS:
      return "la sauvegarde de vos intérêts vitaux ou de ceux d’une autre personne (article 6.1.d "
             "du RGPD)";
    case v1::PUBLIC_TASK:
      return "une mission d’intérêt public (article 6.1.e du RGPD)";
    case v1::LEGITIMATE_INTERESTS:
      return "l’intérêt légitime de l’organisme (article 6.1.f du RGPD)";
    default:
      return "non précisée";
  }
}

absl::string_view RecipientKindWords(v1::Recipient::Kind kind) {
  switch (kind) {
    case v1::Recipient::INTERNAL:
      return "service de l’organisme";
    case v1::Recipient::PARTNER:
      return "partenaire";
    case v1::Recipient::AUTHORITY:
      return "autorité";
    case v1::Recipient::PROCESSOR:
      return "prestataire (sous-traitant)";
    default:
      return "";
  }
}

absl::string_view RetentionStartWords(v1::RetentionRule::Start start) {
  switch (start) {
    case v1::RetentionRule::LAST_CONTACT_FROM_PERSON:
      return "après votre dernier contact avec nous (ou celui de votre représentant)";
    case v1::RetentionRule::END_OF_RIGHT:
      return "après la fin de votre droit à la prestation";
    case v1::RetentionRule::END_OF_FOLLOW_UP:
      return "après la fin de votre accompagnement";
    case v1::RetentionRule::CASE_CLOSURE:
      return "après la clôture de votre dossier";
    case v1::RetentionRule::CREATION:
      return "après leur enregistrement";
    case v1::RetentionRule::END_OF_MANDATE:
      return "après la fin du mandat";
    default:
      return "";
  }
}

absl::string_view RetentionEndWords(v1::RetentionRule::EndAction action) {
  switch (action) {
    case v1::RetentionRule::DELETE:
      return "puis elles sont supprimées";
    case v1::RetentionRule::ANONYMISE:
      return "puis elles sont rendues anonymes";
    case v1::RetentionRule::DEFINITIVE_ARCHIVE:
      return "puis elles sont versées aux archives publiques, avec l’accord du service des "
             "archives";
    default:
      return "";
  }
}

absl::string_view EntryKindWords(v1::EntryKind kind) {
  switch (kind) {
    case v1::FACT:
      return "Fait";
    case v1::PROFESSIONAL_APPRECIATION:
      return "Appréciation professionnelle";
    case v1::THIRD_PARTY_INFORMATION:
      return "Information concernant un tiers";
    default:
      return "Élément";
  }
}

absl::string_view SharingBasisWords(v1::SharingBasis basis) {
  switch (basis) {
    case v1::CSP_L1110_4_II:
      return "échange entre professionnels qui participent à votre prise en charge (article "
             "L.1110-4 II du code de la santé publique)";
    case v1::CSP_L1110_4_III_TEAM:
      return "partage au sein de l’équipe qui vous accompagne (article L.1110-4 III du code de la "
             "santé publique)";
    case v1::CSP_L1110_4_III_CONSENT:
      return "partage hors de l’équipe, avec votre consentement (article L.1110-4 III du code de "
             "la santé publique)";
    case v1::CASF_L226_2_2:
      return "partage en protection de l’enfance (article L.226-2-2 du code de l’action sociale "
             "et des familles)";
    case v1::CASF_L226_2_1:
      return "information préoccupante transmise à la cellule départementale (CRIP) (article "
             "L.226-2-1 du code de l’action sociale et des familles)";
    case v1::CASF_L121_6_2:
      return "information du coordonnateur, du maire ou du président du conseil départemental "
             "(article L.121-6-2 du code de l’action sociale et des familles)";
    case v1::CP_226_14:
      return "signalement aux autorités (article 226-14 du code pénal)";
    case v1::SHARING_LEGAL_OBLIGATION:
      return "autre obligation légale ou réquisition";
    default:
      return "";
  }
}

// A sharing basis as the history carries it: the enum's name, in either case.
absl::string_view SharingBasisWords(absl::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(absl::ascii_toupper(static_cast<unsigned char>(c)));
  v1::SharingBasis basis;
  if (v1::SharingBasis_Parse(upper, &basis)) return SharingBasisWords(basis);
  return "";
}

absl::string_view ConsentStateWords(v1::PersonSummary::Consent::State state) {
  using C = v1::PersonSummary::Consent;
  switch (state) {
    case C::VALID:
      return "en vigueur";
    case C::NOT_GIVEN:
      return "non donné";
    case C::WITHDRAWN:
      return "retiré";
    case C::REPLACED:
      return "remplacé par un consentement plus récent";
    case C::EXPIRED:
      return "arrivé à échéance";
    case C::CASE_CLOSED:
      return "terminé à la clôture du dossier";
    case C::INCOMPLETE_FOR_MINOR:
      return "incomplet : il manque l’accord d’un titulaire de l’autorité parentale";
    case C::INCOMPLETE_FOR_ADULT:
      return "incomplet : il manque l’accord de votre représentant";
    case C::CATEGORY_NOT_COVERED:
      return "ne couvre pas ces informations";
    case C::RECIPIENT_NOT_COVERED:
      return "ne couvre pas ce destinataire";
    default:
      return "état inconnu";
  }
}

absl::string_view ChannelWords(v1::Channel channel) {
  switch (channel) {
    case v1::IN_PERSON:
      return "de vive voix";
    case v1::PAPER:
      return "sur un formulaire signé";
    case v1::ONLINE:
      return "en ligne";
    case v1::PHONE:
      return "par téléphone";
    default:
      return "";
  }
}

absl::string_view ObjectionOutcomeWords(v1::PersonSummary::Objection::Outcome outcome) {
  using O = v1::PersonSummary::Objection;
  switch (outcome) {
    case O::PENDING:
      return "en attente de décision";
    case O::UPHELD:
      return "acceptée : le traitement s’arrête pour vous";
    case O::COMPELLING_LEGITIMATE_GROUNDS:
      return "refusée : motifs légitimes et impérieux de l’organisme";
    case O::LEGAL_CLAIMS:
      return "refusée : constatation, exercice ou défense de droits en justice";
    default:
      return "état inconnu";
  }
}

absl::string_view RepresentativeKindWords(v1::RepresentativeSet::Kind kind) {
  switch (kind) {
    case v1::RepresentativeSet::PARENTAL_AUTHORITY:
      return "titulaire de l’autorité parentale";
    case v1::RepresentativeSet::GUARDIANSHIP:
      return "tutelle";
    case v1::RepresentativeSet::CURATORSHIP:
      return "curatelle";
    case v1::RepresentativeSet::FAMILY_AUTHORISATION:
      return "habilitation familiale";
    case v1::RepresentativeSet::PROXY:
      return "mandat de protection future";
    default:
      return "représentant";
  }
}

absl::string_view MandateStateWords(v1::PersonSummary::Mandate::State state) {
  using M = v1::PersonSummary::Mandate;
  switch (state) {
    case M::ACTIVE:
      return "en cours";
    case M::REVOKED:
      return "révoqué";
    case M::EXPIRED:
      return "arrivé à échéance";
    default:
      return "état inconnu";
  }
}

absl::string_view AccessBasisWords(v1::PersonSummary::AccessHolder::Basis basis) {
  using A = v1::PersonSummary::AccessHolder;
  switch (basis) {
    case A::TEAM:
      return "membre de l’équipe qui suit votre dossier";
    case A::REFERENT:
      return "votre référent(e)";
    case A::GRANT:
      return "accès accordé par un partage";
    case A::BREAK_GLASS:
      return "accès d’urgence (bris de glace) en cours";
    default:
      return "";
  }
}

absl::string_view ActionWords(uint32_t action) {
  switch (action) {
    case 1:
      return "Consultation";
    case 2:
      return "Écriture";
    case 3:
      return "Suppression";
    case 4:
      return "Export";
    case 5:
      return "Impression";
    case 6:
      return "Partage";
    default:
      return "Accès";
  }
}

// An operation of the history in plain French, and whether those words already say what its
// detail says: an export's detail names its kind (src/export/export_recorder.h), which the words
// tell the person; any other detail is shown as recorded.
std::pair<std::string, bool> OperationWords(absl::string_view operation, absl::string_view detail) {
  if (operation == "export") {
    if (detail == "access_request") return {"Copie de votre dossier (demande d’accès)", true};
    if (detail == "portability") {
      return {"Copie de vos données dans un format réutilisable (portabilité)", true};
    }
    if (absl::ConsumePrefix(&detail, "pseudonymised_dataset ")) {
      return {absl::StrCat("Vos données, sous un pseudonyme, dans un jeu de données statistiques "
                           "(profil « ",
                           detail, " »)"),
              true};
    }
    if (detail == "training_mirror") {
      return {
          "Vos données, sous une identité fictive, dans une copie servant à former les "
          "professionnels",
          true};
    }
    return {"Export de votre dossier", false};
  }
  static constexpr std::pair<absl::string_view, absl::string_view> kWords[] = {
      {"crypto_shredding", "Effacement des clés de chiffrement de vos données"},
      {"trail_read", "Consultation de votre historique"},
      {"token_reversal", "Levée d’un pseudonyme"},
      {"key_rotation", "Changement de la clé de chiffrement du service"},
      {"policy_loaded", "Mise à jour des règles du service"},
      {"share", "Partage"},
      {"update_attempt", "Tentative de modification du journal (refusée)"},
      {"delete_attempt", "Tentative de suppression du journal (refusée)"},
  };
  for (const auto& [name, words] : kWords) {
    if (operation == name) return {std::string(words), false};
  }
  return {absl::StrCat("Opération : ", operation), false};
}

absl::string_view WithheldReasonWords(absl::string_view reason) {
  if (reason == "third_party_information" || reason.empty()) {
    return "retenue : information concernant un tiers";
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Dates

bool IsSet(const Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

// Timestamps a proto3 JSON mapping accepts: years 1 to 9999.
bool InRange(const Timestamp& t) {
  return t.seconds() >= -62135596800 && t.seconds() <= 253402300799 && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

class Dates {
 public:
  explicit Dates(absl::string_view zone_name) {
    if (absl::LoadTimeZone(std::string(zone_name), &zone_)) {
      zone_name_ = std::string(zone_name);
      utc_ = zone_name == "UTC";
    } else {
      zone_ = absl::UTCTimeZone();
      utc_ = true;
      fell_back_ = true;
    }
  }

  // "3 décembre 2026 à 14 h 05"
  // The views returned by DateTime and Date stay valid until the next call: one per expression.
  // (The history formats 10,000 of them; a buffer of our own spares as many allocations.)
  absl::string_view DateTime(const Timestamp& t) const {
    if (!InRange(t)) return "date invalide";
    const absl::CivilSecond c = zone_.At(absl::FromUnixSeconds(t.seconds())).cs;
    scratch_.clear();
    AppendDay(scratch_, absl::CivilDay(c));
    absl::StrAppend(&scratch_, " à ", c.hour(), " h ", c.minute() < 10 ? "0" : "", c.minute());
    return scratch_;
  }
  // "3 décembre 2026"
  absl::string_view Date(const Timestamp& t) const {
    if (!InRange(t)) return "date invalide";
    scratch_.clear();
    AppendDay(scratch_, absl::CivilDay(zone_.At(absl::FromUnixSeconds(t.seconds())).cs));
    return scratch_;
  }
  // A YYYY-MM-DD date of the records ("1980-04-01" -> "1er avril 1980"); as written when it is
  // not one.
  static std::string Civil(absl::string_view text) {
    absl::CivilDay day;
    if (text.size() == 10 && absl::ParseCivilTime(text, &day)) return Day(day);
    return std::string(text);
  }
  static std::string Day(absl::CivilDay d) {
    std::string out;
    AppendDay(out, d);
    return out;
  }
  static void AppendDay(std::string& out, absl::CivilDay d) {
    absl::StrAppend(&out, d.day(), d.day() == 1 ? "er " : " ", kMonths[d.month() - 1], " ",
                    d.year());
  }

  // The sentence that says which clock the page reads.
  void Explain(Builder& b) const {
    if (fell_back_) {
      b << "Les heures sont données en temps universel (UTC) : le fuseau demandé n’a pas pu être "
           "chargé.";
    } else if (utc_) {
      b << "Les heures sont données en temps universel (UTC).";
    } else if (zone_name_ == kDefaultZone) {
      b << "Les heures sont données à l’heure de Paris.";
    } else {
      b << "Les heures sont données dans le fuseau horaire ";
      b.Text(zone_name_);
      b << ".";
    }
  }

 private:
  absl::TimeZone zone_;
  std::string zone_name_;
  bool utc_ = false;
  bool fell_back_ = false;
  mutable std::string scratch_;
};

// ---------------------------------------------------------------------------------------------
// Labels: the policy's and the controller's names for the ids the records use.

class Labels {
 public:
  void Put(const std::string& id, const std::string& label) {
    if (!id.empty() && !label.empty()) map_.try_emplace(id, label);
  }
  // The label of `id`, or `id` itself.
  absl::string_view Of(absl::string_view id) const {
    auto it = map_.find(id);
    return it == map_.end() ? id : absl::string_view(it->second);
  }

 private:
  absl::flat_hash_map<std::string, std::string> map_;
};

// ---------------------------------------------------------------------------------------------
// Pieces of markup

constexpr Markup kStyle =
    "<style>"
    ":root{color-scheme:light}"
    "html{font-size:100%;-webkit-text-size-adjust:100%}"
    "body{font-family:\"DejaVu Sans\",system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "font-size:1rem;line-height:1.55;color:#1b1b1b;background:#fff;margin:0 auto;"
    "padding:1rem;max-width:50rem;overflow-wrap:break-word}"
    "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}"
    "h2{font-size:1.3rem;margin:2.2rem 0 .8rem;padding-bottom:.3rem;"
    "border-bottom:3px solid #000091}"
    "h3{font-size:1.1rem;margin:1.5rem 0 .5rem}"
    "p,li,dd,dt,td,th{font-size:1rem}"
    "a{color:#000091}"
    ".lead{font-size:1.1rem}"
    ".box{border:1px solid #c9c9d9;border-radius:6px;padding:.75rem 1rem;background:#f5f5fe}"
    "dl.facts{margin:0}"
    "dl.facts div{display:flex;flex-wrap:wrap;gap:0 .5rem;padding:.3rem 0;"
    "border-bottom:1px solid #e3e3e3}"
    "dl.facts dt{font-weight:bold;min-width:12rem}"
    "dl.facts dd{margin:0}"
    ".entry{border-left:4px solid #000091;background:#f6f6f6;padding:.6rem .9rem;"
    "margin:.8rem 0}"
    ".entry .meta{color:#3a3a3a}"
    ".entry .body{white-space:pre-wrap}"
    ".withheld{border-left-color:#7a7a7a;background:#ececec;font-style:italic}"
    ".flag{font-weight:bold}"
    ".empty{color:#3a3a3a;font-style:italic}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0}"
    "th,td{text-align:left;vertical-align:top;padding:.35rem .45rem;"
    "border-bottom:1px solid #d5d5d5}"
    "thead th{border-bottom:2px solid #1b1b1b}"
    "tr.refused td{background:#fdeceb}"
    "tr.urgent td{background:#fff3d1}"
    "@media (max-width:40rem){"
    "body{padding:.75rem}"
    "dl.facts dt{min-width:0}"
    "table.compact thead{display:none}"
    "table.compact tr{display:block;padding:.4rem 0;border-bottom:2px solid #bdbdbd}"
    "table.compact td{display:block;border:0;padding:.1rem 0}"
    "table.compact td::before{content:attr(data-label) \" : \";font-weight:bold}"
    "}"
    "@media print{"
    "body{max-width:none;padding:0;font-size:12pt}"
    "nav{display:none}"
    "h2,h3{break-after:avoid}"
    ".entry,tr,dl.facts div{break-inside:avoid}"
    "thead{display:table-header-group}"
    "tr.refused td,tr.urgent td,.entry,.box{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}"
    "table.compact th,table.compact td{font-size:10pt;padding:.25rem .3rem}"
    "@page{size:A4;margin:15mm}"
    "}"
    "</style>";

// The records a list points to, as references. (A small range of its own: clang 14 does not
// accept libstdc++ 12's std::views::transform, and the fuzz preset builds with clang 14.)
template <typename T>
class DerefRange {
 public:
  explicit DerefRange(const std::vector<const T*>& list) : list_(list) {}
  struct Iterator {
    typename std::vector<const T*>::const_iterator at;
    const T& operator*() const { return **at; }
    Iterator& operator++() {
      ++at;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at != other.at; }
  };
  Iterator begin() const { return {list_.begin()}; }
  Iterator end() const { return {list_.end()}; }

 private:
  const std::vector<const T*>& list_;
};
template <typename T>
DerefRange<T> Deref(const std::vector<const T*>& list) {
  return DerefRange<T>(list);
}

// One of two pieces of markup.
Markup Choose(bool first, Markup a, Markup b) { return first ? a : b; }

// One line of a definition list, left out when the value is empty.
void Fact(Builder& b, Markup term, absl::string_view value) {
  if (value.empty()) return;
  b << "<div><dt>" << term << "</dt><dd>";
  b.Text(value);
  b << "</dd></div>";
}

// A table cell of a compact table (labelled on a phone).
void Cell(Builder& b, Markup open, absl::string_view text) {
  b << open;
  b.Text(text);
  b << "</td>";
}

}  // namespace

absl::string_view ReasonInFrench(absl::string_view reason_name) {
  for (const ReasonWords& words : kReasonWords) {
    if (Name(words.reason) == reason_name) return words.french;
  }
  return "";
}

std::string MonthsInFrench(uint32_t months) {
  const uint32_t years = months / 12;
  const uint32_t rest = months % 12;
  std::string out;
  if (years > 0) absl::StrAppend(&out, years, years == 1 ? " an" : " ans");
  if (years > 0 && rest > 0) out.append(" et ");
  if (rest > 0 || years == 0) absl::StrAppend(&out, rest, " mois");
  return out;
}

PersonReportBuilder::PersonReportBuilder(PersonReportOptions options)
    : options_(std::move(options)) {}

absl::Status PersonReportBuilder::Add(absl::string_view serialized) {
  if (serialized.size() > static_cast<size_t>(INT32_MAX)) {
    return MakeError(ErrorCode::kResourceExhausted,
                     absl::StrCat("person report: record ", records_, " is over 2 GiB"));
  }
  // A record that does not parse leaves its bytes in the arena (freed with the builder) and
  // nothing else: no list holds it.
  auto* record = google::protobuf::Arena::CreateMessage<v1::AccessRequestRecord>(&arena_);
  if (!record->ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    return MakeError(ErrorCode::kParse, absl::StrCat("person report: record ", records_,
                                                     " is not a socle.v1.AccessRequestRecord"));
  }
  return File(record);
}

absl::Status PersonReportBuilder::Add(std::unique_ptr<v1::AccessRequestRecord> record) {
  if (record == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("person report: record ", records_, " is null"));
  }
  v1::AccessRequestRecord* owned = record.release();
  arena_.Own(owned);
  return File(owned);
}

absl::Status PersonReportBuilder::File(v1::AccessRequestRecord* record) {
  const auto twice = [&](absl::string_view what) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("person report: record ", records_, " is a second ", what,
                                  "; an access request has at most one"));
  };
  switch (record->record_case()) {
    case v1::AccessRequestRecord::kIdentity:
      if (identity_ != nullptr) return twice("identity");
      identity_ = &record->identity();
      break;
    case v1::AccessRequestRecord::kSummary:
      if (summary_ != nullptr) return twice("summary");
      summary_ = &record->summary();
      break;
    case v1::AccessRequestRecord::kContext:
      if (context_ != nullptr) return twice("context");
      context_ = &record->context();
      break;
    case v1::AccessRequestRecord::kActivity:
      activities_.push_back(&record->activity());
      break;
    case v1::AccessRequestRecord::kEntry:
      entries_.push_back(&record->entry());
      break;
    case v1::AccessRequestRecord::kWithheld:
      withheld_.push_back(&record->withheld());
      break;
    case v1::AccessRequestRecord::kHistory:
      history_.push_back(&record->history());
      break;
    case v1::AccessRequestRecord::kCheckpoint:
      checkpoints_.push_back(&record->checkpoint());
      break;
    default:
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("person report: record ", records_, " holds no record"));
  }
  ++records_;
  return absl::OkStatus();
}

std::string PersonReportBuilder::Finish() const {
  static const v1::Identity kNoIdentity;
  static const v1::PersonSummary kNoSummary;
  static const v1::ReportContext kNoContext;
  const v1::Identity& identity = identity_ != nullptr ? *identity_ : kNoIdentity;
  const v1::PersonSummary& summary = summary_ != nullptr ? *summary_ : kNoSummary;
  const v1::ReportContext& context = context_ != nullptr ? *context_ : kNoContext;

  std::string zone = options_.time_zone;
  if (zone.empty()) zone = context.time_zone();
  if (zone.empty()) zone = std::string(kDefaultZone);
  const Dates dates(zone);

  Labels categories;
  for (const v1::DataCategory& c : context.categories()) categories.Put(c.id(), c.label());
  Labels roles;
  for (const v1::ReportContext::Label& r : context.roles()) roles.Put(r.id(), r.label());
  Labels names;
  for (const v1::ReportContext::Label& n : context.names()) names.Put(n.id(), n.label());
  Labels activities;
  for (const v1::ActivityNotice& a : Deref(activities_)) activities.Put(a.activity(), a.name());

  absl::flat_hash_map<absl::string_view, absl::string_view> reasons;
  for (const ReasonWords& words : kReasonWords) reasons[Name(words.reason)] = words.french;

  // What the page counts up front.
  size_t refused = 0;
  size_t urgent = 0;
  size_t text_bytes = 0;
  for (const v1::HistoryRecord& h : Deref(history_)) {
    if (h.readable() && h.type() == v1::ACCESS_DECISION && !h.allowed()) ++refused;
    if (h.break_glass()) ++urgent;
  }
  size_t shown = 0;  // working notes are never part of the file
  for (const v1::Entry& e : Deref(entries_)) {
    text_bytes += e.text().size() + e.title().size();
    if (e.kind() != v1::WORKING_NOTE) ++shown;
  }

  Builder b;
  b.Reserve(8192 + text_bytes * 11 / 10 + entries_.size() * 400 + history_.size() * 330);

  // ---- Head
  b << "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<meta name=\"referrer\" content=\"no-referrer\">"
       "<title>Vos données";
  if (!context.controller().name().empty()) {
    b << " — ";
    b.Text(context.controller().name());
  }
  b << "</title>" << kStyle << "</head>\n<body>\n<header>";
  b << "<p>Réponse à votre demande d’accès à vos données (article 15 du RGPD)";
  if (!context.controller().name().empty()) {
    b << " — ";
    b.Text(context.controller().name());
  }
  b << "</p><h1>Vos données";
  if (!identity.given_names().empty() || !identity.family_name().empty()) {
    b << " : ";
    b.Text(identity.given_names());
    if (!identity.given_names().empty() && !identity.family_name().empty()) b << " ";
    b.Text(identity.family_name());
  }
  b << "</h1><p class=\"lead\">Ce document réunit ce que notre dossier contient sur vous, "
       "pourquoi nous le gardons, combien de temps, avec qui il a été partagé et qui l’a "
       "consulté.";
  if (IsSet(context.issued_at())) {
    b << " Établi le ";
    b.Text(dates.DateTime(context.issued_at()));
    b << ".";
  } else if (IsSet(summary.at())) {
    b << " Situation au ";
    b.Text(dates.DateTime(summary.at()));
    b << ".";
  }
  b << " ";
  dates.Explain(b);
  b << "</p>";

  // In short (art. 12: concise).
  b << "<div class=\"box\"><p><strong>En bref</strong></p><ul>";
  b << "<li>";
  b.Text(absl::StrCat(shown));
  b << Choose(shown > 1, " éléments vous concernant sont", " élément vous concernant est")
    << " dans votre dossier";
  if (!withheld_.empty()) {
    b << " ; ";
    b.Text(absl::StrCat(withheld_.size()));
    b << Choose(withheld_.size() > 1,
                " autres ne vous sont pas montrés parce qu’ils concernent d’autres personnes",
                " autre ne vous est pas montré parce qu’il concerne d’autres personnes");
  }
  b << ".</li><li>";
  b.Text(absl::StrCat(summary.shares_size()));
  b << Choose(summary.shares_size() > 1, " partages", " partage") << " de votre dossier.</li><li>";
  b.Text(absl::StrCat(history_.size()));
  b << Choose(history_.size() > 1, " accès enregistrés", " accès enregistré")
    << " dans le journal, dont ";
  b.Text(absl::StrCat(refused));
  b << Choose(refused > 1, " refusés", " refusé") << " et ";
  b.Text(absl::StrCat(urgent));
  b << " en urgence (bris de glace).</li></ul></div>";

  b << "<nav aria-label=\"Sommaire\"><p><strong>Sommaire</strong></p><ol>"
       "<li><a href=\"#identite\">Qui vous êtes dans notre dossier</a></li>"
       "<li><a href=\"#finalites\">Pourquoi nous utilisons vos données</a></li>"
       "<li><a href=\"#conservation\">Combien de temps nous les gardons</a></li>"
       "<li><a href=\"#contenu\">Ce que contient votre dossier</a></li>"
       "<li><a href=\"#partages\">Avec qui votre dossier a été partagé</a></li>"
       "<li><a href=\"#choix\">Vos consentements et vos oppositions</a></li>"
       "<li><a href=\"#representants\">Vos représentants et vos mandats</a></li>"
       "<li><a href=\"#acces\">Qui peut ouvrir votre dossier aujourd’hui</a></li>"
       "<li><a href=\"#historique\">Qui a ouvert votre dossier, quand et pourquoi</a></li>"
       "<li><a href=\"#droits\">Vos droits et comment réclamer</a></li>"
       "</ol></nav></header>\n<main>\n";

  // ---- 1. Identity
  b << "<section id=\"identite\"><h2>Qui vous êtes dans notre dossier</h2>";
  const bool has_identity = identity_ != nullptr || !summary.person().empty();
  if (!has_identity) {
    b << "<p class=\"empty\">Aucune donnée d’identité enregistrée.</p>";
  } else {
    b << "<dl class=\"facts\">";
    Fact(b, "Nom", identity.family_name());
    Fact(b, "Prénoms", identity.given_names());
    const std::string& birth =
        identity.birth_date().empty() ? summary.birth_date() : identity.birth_date();
    if (!birth.empty()) Fact(b, "Date de naissance", Dates::Civil(birth));
    Fact(b, "Lieu de naissance", identity.birth_place());
    Fact(b, "Adresse", identity.address());
    Fact(b, "Code postal", identity.postcode());
    Fact(b, "Commune", identity.commune());
    Fact(b, "Téléphone", identity.phone());
    Fact(b, "Courriel", identity.email());
    Fact(b, "Numéro de sécurité sociale (NIR)", identity.nir());
    Fact(b, "Numéro de votre dossier",
         identity.person().empty() ? summary.person() : identity.person());
    if (!summary.referent().empty()) Fact(b, "Votre référent(e)", names.Of(summary.referent()));
    if (summary.teams_size() > 0) {
      b << "<div><dt>Équipes qui suivent votre dossier</dt><dd>";
      for (int i = 0; i < summary.teams_size(); ++i) {
        if (i > 0) b << ", ";
        b.Text(names.Of(summary.teams(i)));
      }
      b << "</dd></div>";
    }
    b << "</dl>";
    if (!identity.nir().empty()) {
      b << "<p>Votre numéro de sécurité sociale n’est enregistré que parce qu’une de nos "
           "activités y est autorisée par la loi.</p>";
    }
  }
  b << "</section>\n";

  // ---- 2. Purposes
  b << "<section id=\"finalites\"><h2>Pourquoi nous utilisons vos données</h2>";
  if (activities_.empty()) {
    b << "<p class=\"empty\">Aucune finalité enregistrée.</p>";
  }
  for (const v1::ActivityNotice& a : Deref(activities_)) {
    b << "<h3>";
    b.Text(a.name().empty() ? a.activity() : a.name());
    b << "</h3><dl class=\"facts\">";
    Fact(b, "À quoi cela sert", a.purpose());
    b << "<div><dt>Ce qui nous y autorise</dt><dd>";
    b.Text(LegalBasisWords(a.legal_basis()));
    if (!a.legal_basis_reference().empty()) {
      b << " ; texte : ";
      b.Text(a.legal_basis_reference());
    }
    b << "</dd></div>";
    b << "<div><dt>Qui reçoit ces données</dt><dd>";
    if (a.recipients_size() == 0) b << "Seuls les professionnels de l’organisme.";
    for (int i = 0; i < a.recipients_size(); ++i) {
      const v1::Recipient& r = a.recipients(i);
      if (i > 0) b << "<br>";
      b.Text(r.name());
      const absl::string_view kind = RecipientKindWords(r.kind());
      if (!kind.empty()) {
        b << " (";
        b.Text(kind);
        b << ")";
      }
      if (!r.legal_basis().empty()) {
        b << " — texte : ";
        b.Text(r.legal_basis());
      }
    }
    b << "</dd></div></dl>";
  }
  b << "</section>\n";

  // ---- 3. Retention
  b << "<section id=\"conservation\"><h2>Combien de temps nous les gardons</h2>";
  bool any_retention = false;
  for (const v1::ActivityNotice& a : Deref(activities_)) {
    if (a.retention_size() == 0) continue;
    any_retention = true;
    b << "<h3>";
    b.Text(a.name().empty() ? a.activity() : a.name());
    b << "</h3><ul>";
    for (const v1::RetentionRule& r : a.retention()) {
      b << "<li><strong>";
      b.Text(r.data_category().empty() ? absl::string_view("Vos données")
                                       : categories.Of(r.data_category()));
      b << "</strong> : gardées ";
      if (r.active_months() > 0) {
        b.Text(MonthsInFrench(r.active_months()));
      } else {
        b << "le temps nécessaire";
      }
      const absl::string_view start = RetentionStartWords(r.start());
      if (!start.empty()) {
        b << " ";
        b.Text(start);
      }
      if (r.intermediate_months() > 0) {
        b << ", puis ";
        b.Text(MonthsInFrench(r.intermediate_months()));
        b << " en archive intermédiaire (accès très restreint)";
      }
      const absl::string_view end = RetentionEndWords(r.end_action());
      if (!end.empty()) {
        b << ", ";
        b.Text(end);
      }
      if (r.hard_stop_age_years() > 0) {
        b << " ; au plus tard à vos ";
        b.Text(absl::StrCat(r.hard_stop_age_years()));
        b << " ans";
      }
      b << ".";
      if (!r.source().empty()) {
        b << " (Référence : ";
        b.Text(r.source());
        b << ".)";
      }
      b << "</li>";
    }
    b << "</ul>";
  }
  if (!any_retention) b << "<p class=\"empty\">Aucune durée de conservation enregistrée.</p>";
  b << "</section>\n";

  // ---- 4. Entries, by category
  b << "<section id=\"contenu\"><h2>Ce que contient votre dossier</h2>";
  if (shown == 0 && withheld_.empty()) {
    b << "<p class=\"empty\">Aucun élément enregistré dans votre dossier.</p>";
  } else {
    b << "<p>Les éléments sont regroupés par type d’information, du plus ancien au plus récent. "
         "Une appréciation professionnelle est l’avis d’un professionnel : elle porte toujours "
         "son auteur et sa date. Ce qui concerne d’autres personnes ne vous est pas montré "
         "(article 15.4 du RGPD) mais sa place est indiquée.</p>";
    // Items sorted by (category label, time); a category's label is looked up once.
    struct Item {
      uint32_t category;  // rank of the category's label
      int64_t seconds;
      int32_t nanos;
      uint32_t index;  // into entries_, or entries_.size() + index into withheld_
    };
    absl::flat_hash_map<absl::string_view, uint32_t> category_ids;
    std::vector<absl::string_view> category_names;
    const auto category_of = [&](const std::string& id) {
      auto [it, inserted] =
          category_ids.try_emplace(id, static_cast<uint32_t>(category_names.size()));
      if (inserted) category_names.push_back(id);
      return it->second;
    };
    std::vector<Item> items;
    items.reserve(entries_.size() + withheld_.size());
    for (size_t i = 0; i < entries_.size(); ++i) {
      const v1::Entry& e = *entries_[i];
      if (e.kind() == v1::WORKING_NOTE) continue;  // never part of the file, even if sent
      items.push_back({category_of(e.category()), e.created_at().seconds(), e.created_at().nanos(),
                       static_cast<uint32_t>(i)});
    }
    for (size_t i = 0; i < withheld_.size(); ++i) {
      const v1::WithheldEntry& w = *withheld_[i];
      items.push_back({category_of(w.category()), w.created_at().seconds(), w.created_at().nanos(),
                       static_cast<uint32_t>(entries_.size() + i)});
    }
    // Rank categories by label.
    std::vector<uint32_t> order(category_names.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
      return categories.Of(category_names[x]) < categories.Of(category_names[y]);
    });
    std::vector<uint32_t> rank(order.size());
    for (uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
    for (Item& item : items) item.category = rank[item.category];
    std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
      if (x.category != y.category) return x.category < y.category;
      if (x.seconds != y.seconds) return x.seconds < y.seconds;
      if (x.nanos != y.nanos) return x.nanos < y.nanos;
      return x.index < y.index;
    });
    uint32_t current = UINT32_MAX;
    for (const Item& item : items) {
      if (item.category != current) {
        current = item.category;
        const absl::string_view id = category_names[order[current]];
        b << "<h3>";
        b.Text(id.empty() ? absl::string_view("Autres informations") : categories.Of(id));
        b << "</h3>";
      }
      if (item.index >= entries_.size()) {
        const v1::WithheldEntry& w = *withheld_[item.index - entries_.size()];
        b << "<div class=\"entry withheld\"><p><span class=\"flag\">Élément non communiqué</span>";
        if (IsSet(w.created_at())) {
          b << " (enregistré le ";
          b.Text(dates.Date(w.created_at()));
          b << ")";
        }
        b << " — ";
        const absl::string_view why = WithheldReasonWords(w.reason());
        if (!why.empty()) {
          b.Text(why);
        } else {
          b << "retenue : ";
          b.Text(w.reason());
        }
        b << ".</p></div>";
        continue;
      }
      const v1::Entry& e = *entries_[item.index];
      const bool appreciation = e.kind() == v1::PROFESSIONAL_APPRECIATION;
      b << Choose(appreciation, "<article class=\"entry appreciation\">",
                  "<article class=\"entry\">");
      b << "<p class=\"meta\"><strong>";
      b.Text(e.title().empty() ? EntryKindWords(e.kind()) : absl::string_view(e.title()));
      b << "</strong><br>";
      if (appreciation) {
        b << "Appréciation professionnelle de ";
        b.Text(e.author().empty() ? absl::string_view("auteur non indiqué") : names.Of(e.author()));
        b << ", le ";
        b.Text(IsSet(e.created_at()) ? dates.DateTime(e.created_at()) : "date non indiquée");
      } else {
        b.Text(EntryKindWords(e.kind()));
        if (IsSet(e.created_at())) {
          b << " — enregistré le ";
          b.Text(dates.DateTime(e.created_at()));
        }
        if (!e.author().empty()) {
          b << " par ";
          b.Text(names.Of(e.author()));
        }
      }
      if (!e.purpose().empty()) {
        b << "<br>Pour : ";
        b.Text(activities.Of(e.purpose()));
      }
      if (e.provided_by_person()) b << "<br>Information que vous nous avez donnée.";
      b << "</p>";
      if (!e.text().empty()) {
        b << "<p class=\"body\">";
        b.Text(e.text());
        b << "</p>";
      }
      if (e.fields_size() > 0) {
        b << "<dl class=\"facts\">";
        for (const v1::Entry::Field& f : e.fields()) {
          b << "<div><dt>";
          b.Text(f.name());
          b << "</dt><dd>";
          b.Text(f.value());
          b << "</dd></div>";
        }
        b << "</dl>";
      }
      b << "</article>";
    }
  }
  b << "</section>\n";

  // ---- 5. Shares
  b << "<section id=\"partages\"><h2>Avec qui votre dossier a été partagé</h2>";
  if (summary.shares_size() == 0) {
    b << "<p class=\"empty\">Aucun partage enregistré.</p>";
  } else {
    b << "<table class=\"compact\"><thead><tr><th>Date</th><th>Par</th><th>À</th>"
         "<th>Sur quelle base</th><th>Pour</th><th>Ce qui a été partagé</th><th>État</th></tr>"
         "</thead><tbody>";
    for (const v1::PersonSummary::Share& s : summary.shares()) {
      b << "<tr>";
      Cell(b, "<td data-label=\"Date\">", IsSet(s.at()) ? dates.DateTime(s.at()) : "");
      Cell(b, "<td data-label=\"Par\">", names.Of(s.emitter()));
      Cell(b, "<td data-label=\"À\">", names.Of(s.recipient()));
      const absl::string_view basis = SharingBasisWords(s.basis());
      Cell(b, "<td data-label=\"Base\">", basis.empty() ? "non précisée" : basis);
      Cell(b, "<td data-label=\"Pour\">", activities.Of(s.purpose()));
      b << "<td data-label=\"Contenu\">";
      if (s.whole_file() || (s.items_size() == 0 && s.categories_size() == 0)) {
        b << "tout le dossier";
      } else {
        for (int i = 0; i < s.categories_size(); ++i) {
          if (i > 0) b << ", ";
          b.Text(categories.Of(s.categories(i)));
        }
        if (s.items_size() > 0) {
          if (s.categories_size() > 0) b << " ; ";
          b.Text(absl::StrCat(s.items_size()));
          b << Choose(s.items_size() > 1, " éléments", " élément");
        }
      }
      b << "</td>";
      Cell(b, "<td data-label=\"État\">", s.active() ? "en cours" : "terminé");
      b << "</tr>";
    }
    b << "</tbody></table>";
  }
  // The sharing decisions of the trail, refused ones included.
  bool any_sharing = false;
  for (const v1::HistoryRecord& h : Deref(history_)) {
    if (h.type() != v1::SHARING_DECISION && h.sharing_recipient().empty()) continue;
    if (!any_sharing) {
      any_sharing = true;
      b << "<h3>Historique des décisions de partage</h3><table class=\"compact\"><thead><tr>"
           "<th>Date</th><th>Par</th><th>Destinataire</th><th>Base</th><th>Décision</th></tr>"
           "</thead><tbody>";
    }
    b << Choose(h.allowed(), "<tr>", "<tr class=\"refused\">");
    Cell(b, "<td data-label=\"Date\">", dates.DateTime(h.time()));
    Cell(b, "<td data-label=\"Par\">", names.Of(h.actor()));
    Cell(b, "<td data-label=\"Destinataire\">", names.Of(h.sharing_recipient()));
    const absl::string_view basis = SharingBasisWords(h.sharing_basis());
    Cell(b, "<td data-label=\"Base\">", basis.empty() ? h.sharing_basis() : basis);
    Cell(b, "<td data-label=\"Décision\">", h.allowed() ? "partage accordé" : "partage refusé");
    b << "</tr>";
  }
  if (any_sharing) b << "</tbody></table>";
  b << "</section>\n";

  // ---- 6. Consents and objections
  b << "<section id=\"choix\"><h2>Vos consentements et vos oppositions</h2>"
       "<h3>Vos consentements</h3>";
  if (summary.consents_size() == 0) {
    b << "<p class=\"empty\">Aucun consentement enregistré.</p>";
  } else {
    b << "<ul>";
    for (const v1::PersonSummary::Consent& c : summary.consents()) {
      b << "<li><strong>";
      b.Text(activities.Of(c.purpose()));
      b << "</strong> : consentement ";
      b << Choose(c.scope() == v1::ConsentGiven::SHARING, "au partage hors de l’équipe",
                  "à l’utilisation de vos données");
      if (IsSet(c.given_at())) {
        b << ", donné le ";
        b.Text(dates.DateTime(c.given_at()));
      }
      const absl::string_view channel = ChannelWords(c.channel());
      if (!channel.empty()) {
        b << " ";
        b.Text(channel);
      }
      if (c.given_by_size() > 0) {
        b << " par ";
        for (int i = 0; i < c.given_by_size(); ++i) {
          if (i > 0) b << " et ";
          b.Text(names.Of(c.given_by(i)));
        }
      }
      b << " — <span class=\"flag\">";
      b.Text(ConsentStateWords(c.state()));
      b << "</span>";
      if (IsSet(c.ended_at())) {
        b << " depuis le ";
        b.Text(dates.DateTime(c.ended_at()));
      } else if (IsSet(c.expires_at())) {
        b << " jusqu’au ";
        b.Text(dates.Date(c.expires_at()));
      }
      if (!c.withdrawn_by().empty()) {
        b << " (retiré par ";
        b.Text(names.Of(c.withdrawn_by()));
        b << ")";
      }
      b << ".</li>";
    }
    b << "</ul>";
  }
  b << "<p>Vous pouvez retirer un consentement à tout moment, aussi simplement que vous l’avez "
       "donné (article 7.3 du RGPD) : dites-le à votre référent ou écrivez au délégué à la "
       "protection des données (voir plus bas). Ce qui a été fait avant le retrait reste "
       "valable.</p><h3>Vos oppositions</h3>";
  if (summary.objections_size() == 0 && !summary.objects_to_emergency_access()) {
    b << "<p class=\"empty\">Aucune opposition enregistrée.</p>";
  } else {
    b << "<ul>";
    if (summary.objects_to_emergency_access()) {
      b << "<li>Vous vous êtes opposé(e) à l’ouverture de votre dossier en urgence (bris de "
           "glace).</li>";
    }
    for (const v1::PersonSummary::Objection& o : summary.objections()) {
      b << "<li><strong>";
      if (o.kind() == v1::ObjectionRecorded::SHARING) {
        b << "Opposition au partage de votre dossier";
      } else {
        b << "Opposition à l’utilisation de vos données pour : ";
        b.Text(activities.Of(o.purpose()));
      }
      b << "</strong>";
      if (IsSet(o.recorded_at())) {
        b << ", enregistrée le ";
        b.Text(dates.DateTime(o.recorded_at()));
      }
      b << " — <span class=\"flag\">";
      b.Text(ObjectionOutcomeWords(o.outcome()));
      b << "</span>";
      if (IsSet(o.decided_at())) {
        b << " (décision du ";
        b.Text(dates.Date(o.decided_at()));
        b << ")";
      }
      if (!o.justification().empty()) {
        b << ". Motif : ";
        b.Text(o.justification());
      }
      if (IsSet(o.withdrawn_at())) {
        b << ". Vous l’avez retirée le ";
        b.Text(dates.Date(o.withdrawn_at()));
      }
      b << ".</li>";
    }
    b << "</ul>";
  }
  b << "<p>Vous pouvez vous opposer à l’utilisation de vos données pour des raisons tenant à "
       "votre situation particulière (article 21 du RGPD), sauf lorsque la loi l’impose : "
       "adressez-vous à votre référent ou au délégué à la protection des données.</p>";
  if (summary.masks_size() > 0 || summary.blocked_size() > 0) {
    b << "<h3>Ce que vous avez masqué ou bloqué</h3><ul>";
    for (const v1::PersonSummary::Mask& m : summary.masks()) {
      b << "<li>Masqué : ";
      if (!m.category().empty()) {
        b.Text(categories.Of(m.category()));
      } else {
        b << "un élément de votre dossier";
      }
      b << "</li>";
    }
    for (const std::string& p : summary.blocked()) {
      b << "<li>Professionnel bloqué : ";
      b.Text(names.Of(p));
      b << "</li>";
    }
    b << "</ul>";
  }
  b << "</section>\n";

  // ---- 7. Representatives and mandates
  b << "<section id=\"representants\"><h2>Vos représentants et vos mandats</h2>"
       "<h3>Vos représentants légaux</h3>";
  if (summary.representatives_size() == 0) {
    b << "<p class=\"empty\">Aucun représentant légal enregistré.</p>";
  } else {
    b << "<ul>";
    for (const v1::PersonSummary::Representative& r : summary.representatives()) {
      b << "<li><strong>";
      b.Text(names.Of(r.representative()));
      b << "</strong> — ";
      b.Text(RepresentativeKindWords(r.kind()));
      if (!r.from_date().empty()) {
        b << ", depuis le ";
        b.Text(Dates::Civil(r.from_date()));
      }
      if (!r.to_date().empty()) {
        b << ", jusqu’au ";
        b.Text(Dates::Civil(r.to_date()));
      }
      b << Choose(r.in_force(), " (en cours)", " (terminé)") << ".</li>";
    }
    b << "</ul>";
  }
  b << "<h3>Les mandats donnés pour vos démarches</h3>";
  if (summary.mandates_size() == 0) {
    b << "<p class=\"empty\">Aucun mandat enregistré.</p>";
  } else {
    b << "<ul>";
    for (const v1::PersonSummary::Mandate& m : summary.mandates()) {
      b << "<li><strong>";
      b.Text(m.structure());
      b << "</strong>";
      if (!m.aidant().empty()) {
        b << ", créé par ";
        b.Text(names.Of(m.aidant()));
      }
      if (IsSet(m.created_at())) {
        b << " le ";
        b.Text(dates.Date(m.created_at()));
      }
      if (IsSet(m.expires_at())) {
        b << ", jusqu’au ";
        b.Text(dates.Date(m.expires_at()));
      }
      b << " — <span class=\"flag\">";
      b.Text(MandateStateWords(m.state()));
      b << "</span>";
      if (m.procedures_size() > 0) {
        b << ". Démarches : ";
        for (int i = 0; i < m.procedures_size(); ++i) {
          const v1::PersonSummary::Mandate::Procedure& p = m.procedures(i);
          if (i > 0) b << " ; ";
          b.Text(p.procedure());
          b << " (";
          b.Text(MandateStateWords(p.state()));
          b << ", utilisé ";
          b.Text(absl::StrCat(p.uses()));
          b << " fois";
          if (IsSet(p.last_used_at())) {
            b << ", dernière fois le ";
            b.Text(dates.Date(p.last_used_at()));
          }
          b << ")";
        }
      }
      b << ".</li>";
    }
    b << "</ul><p>Vous pouvez révoquer un mandat à tout moment auprès de la structure qui le "
         "détient.</p>";
  }
  b << "</section>\n";

  // ---- 8. Who can open the file today
  b << "<section id=\"acces\"><h2>Qui peut ouvrir votre dossier aujourd’hui</h2>";
  if (summary.access_size() == 0) {
    b << "<p class=\"empty\">Aucun professionnel n’a accès à votre dossier aujourd’hui.</p>";
  } else {
    b << "<table class=\"compact\"><thead><tr><th>Professionnel</th><th>Fonction</th>"
         "<th>Structure</th><th>Pourquoi</th></tr></thead><tbody>";
    for (const v1::PersonSummary::AccessHolder& a : summary.access()) {
      b << Choose(a.basis() == v1::PersonSummary::AccessHolder::BREAK_GLASS,
                  "<tr class=\"urgent\">", "<tr>");
      Cell(b, "<td data-label=\"Professionnel\">", names.Of(a.professional()));
      Cell(b, "<td data-label=\"Fonction\">", roles.Of(a.role()));
      Cell(b, "<td data-label=\"Structure\">", a.structure());
      b << "<td data-label=\"Pourquoi\">";
      b.Text(AccessBasisWords(a.basis()));
      if (IsSet(a.expires_at())) {
        b << ", jusqu’au ";
        b.Text(dates.DateTime(a.expires_at()));
      }
      b << "</td></tr>";
    }
    b << "</tbody></table>";
  }
  b << "</section>\n";

  // ---- 9. History
  b << "<section id=\"historique\"><h2>Qui a ouvert votre dossier, quand et pourquoi</h2>";
  if (history_.empty()) {
    b << "<p class=\"empty\">Aucune consultation enregistrée.</p>";
  } else {
    b << "<p>Chaque accès à votre dossier est inscrit dans un journal qui ne peut pas être "
         "modifié sans que cela se voie. Les accès refusés sont marqués « Refusé », les accès "
         "d’urgence « Bris de glace ». Du plus ancien au plus récent :</p>"
         "<table class=\"compact\"><thead><tr><th>Date</th><th>Professionnel</th>"
         "<th>Fonction</th><th>Structure</th><th>Action</th><th>Motif</th></tr></thead><tbody>";
    for (const v1::HistoryRecord& h : Deref(history_)) {
      const bool is_refused = h.readable() && h.type() == v1::ACCESS_DECISION && !h.allowed();
      if (is_refused) {
        b << "<tr class=\"refused\">";
      } else if (h.break_glass()) {
        b << "<tr class=\"urgent\">";
      } else {
        b << "<tr>";
      }
      Cell(b, "<td data-label=\"Date\">", dates.DateTime(h.time()));
      if (!h.readable()) {
        b << "<td data-label=\"Détail\" colspan=\"5\">Détail illisible : les données de cette "
             "ligne ont été effacées.</td></tr>";
        continue;
      }
      Cell(b, "<td data-label=\"Professionnel\">", names.Of(h.actor()));
      Cell(b, "<td data-label=\"Fonction\">", roles.Of(h.role()));
      Cell(b, "<td data-label=\"Structure\">", h.structure());
      b << "<td data-label=\"Action\">";
      const auto [operation_words, words_say_detail] =
          h.type() == v1::OPERATION ? OperationWords(h.operation(), h.detail())
                                    : std::pair<std::string, bool>();
      switch (h.type()) {
        case v1::OPERATION:
          b.Text(operation_words);
          break;
        case v1::TAMPER_ALERT:
          b << "Tentative de modification du journal (refusée)";
          break;
        case v1::SHARING_DECISION:
          b << "Partage vers ";
          b.Text(names.Of(h.sharing_recipient()));
          break;
        default:
          b.Text(ActionWords(h.action()));
          if (!h.category().empty()) {
            b << " — ";
            b.Text(categories.Of(h.category()));
          }
          break;
      }
      b << "</td><td data-label=\"Motif\">";
      if (is_refused) {
        b << "<span class=\"flag\">Refusé</span> : ";
        auto it = reasons.find(h.reason());
        b.Text(it != reasons.end() ? it->second : absl::string_view(h.reason()));
      } else {
        if (h.break_glass()) {
          b << "<span class=\"flag\">Bris de glace</span> (accès d’urgence)";
          if (!h.justification().empty()) {
            b << " : ";
            b.Text(h.justification());
          }
          if (!h.purpose().empty()) b << "<br>";
        }
        if (!h.purpose().empty()) {
          b << "Pour : ";
          b.Text(activities.Of(h.purpose()));
        }
        if (h.type() == v1::SHARING_DECISION) {
          const absl::string_view basis = SharingBasisWords(h.sharing_basis());
          if (!h.purpose().empty()) b << "<br>";
          b.Text(basis.empty() ? absl::string_view(h.sharing_basis()) : basis);
          if (!h.allowed()) b << " — <span class=\"flag\">Refusé</span>";
        }
        if (h.type() == v1::OPERATION && !h.detail().empty() && !words_say_detail) {
          b.Text(h.detail());
        }
      }
      b << "</td></tr>";
    }
    b << "</tbody></table>";
  }
  if (!checkpoints_.empty()) {
    const v1::CheckpointRecord& last = *checkpoints_.back();
    b << "<p>Preuve : ces lignes sont incluses dans le journal signé de l’organisme (point de "
         "contrôle de ";
    b.Text(absl::StrCat(last.size()));
    b << " entrées). Un auditeur peut le vérifier avec la clé ";
    b << "<code>";
    b.Text(last.verifier_key());
    b << "</code>.</p>";
  }
  b << "</section>\n";

  // ---- 10. Rights, DPO, CNIL
  b << "<section id=\"droits\"><h2>Vos droits et comment réclamer</h2>"
       "<p>Vous pouvez demander que des informations inexactes soient corrigées (article 16 du "
       "RGPD), que des informations soient effacées lorsqu’elles n’ont plus à être gardées "
       "(article 17), que leur utilisation soit limitée (article 18), ou vous opposer à leur "
       "utilisation (article 21). Une appréciation professionnelle ne peut pas être effacée "
       "parce qu’elle vous déplaît, mais vous pouvez demander qu’on y joigne votre point de "
       "vue.</p><h3>Qui contacter</h3><dl class=\"facts\">";
  const v1::Controller& controller = context.controller();
  Fact(b, "Responsable du traitement", controller.name());
  Fact(b, "Adresse", controller.address());
  Fact(b, "Contact", controller.contact());
  if (!context.dpo().name().empty() || !context.dpo().contact().empty()) {
    Fact(b, "Délégué(e) à la protection des données", context.dpo().name());
    Fact(b, "Pour le joindre", context.dpo().contact());
  }
  b << "</dl>";
  if (context.dpo().name().empty() && context.dpo().contact().empty()) {
    b << "<p class=\"empty\">Les coordonnées du délégué à la protection des données ne figurent "
         "pas dans ce document : demandez-les à l’accueil de l’organisme.</p>";
  }
  b << "<p>Nous devons vous répondre dans un délai d’un mois (article 12.3 du RGPD).</p>"
       "<h3>Réclamer auprès de la CNIL</h3><p>Si vous pensez que vos droits ne sont pas "
       "respectés, vous pouvez adresser une réclamation à la Commission nationale de "
       "l’informatique et des libertés (CNIL) : en ligne sur www.cnil.fr/plaintes, ou par "
       "courrier à CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07.</p>"
       "</section>\n</main>\n</body></html>\n";
  return std::move(b).Take();
}

}  // namespace export_internal
}  // namespace socle
