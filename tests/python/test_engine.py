"""socle.AccessEngine: the access decision engine from Python.

The access workload (tests/access/workload, SOCLE_ACCESS_WORKLOAD_DIR under CTest) is
decided under tests/access/workload_policy.textproto: every request of the three request files
gets its expected decision and reason (the files' last two columns), one call per request and in
one batch call, with 0 mismatches. Then the structured explanation, a few scenarios (masks,
blocks, break-the-glass, grants, views) on a small directory, and bad input.
"""

from __future__ import annotations

import array
import datetime
import importlib
import time
from pathlib import Path
from typing import Dict, List, NamedTuple

import pytest

import socle
from conftest import REPO, env_path

REQUEST_FILES = ("requests_allowed.tsv", "requests_denied.tsv", "requests_mixed.tsv")
PURPOSE = "accompagnement"
EXPECTED_REASONS: Dict[str, socle.Reason] = {
    "allow": socle.Reason.ALLOWED,
    "allow_own_masked": socle.Reason.ALLOWED_AUTHOR_OF_MASKED,
    "deny_not_in_team": socle.Reason.NOT_ASSIGNED,
    "deny_role_category": socle.Reason.ROLE_DOES_NOT_ALLOW,
    "deny_masked": socle.Reason.MASKED,
}
# For annotations.
AccessEngine = socle.AccessEngine
WORKLOAD_POLICY = REPO / "tests" / "access" / "workload_policy.textproto"


class Row(NamedTuple):
    professional: str
    action: str
    record: str
    person: str
    category: str
    masked: bool
    author: str
    decision: str
    reason: str


@pytest.fixture(scope="session")
def workload_dir() -> Path:
    path = env_path("SOCLE_ACCESS_WORKLOAD_DIR", REPO / "tests" / "access" / "workload")
    assert (path / "professionals.tsv").is_file(), f"the access workload is missing: {path}"
    return path


@pytest.fixture(scope="session")
def workload_policy() -> socle.Policy:
    return socle.Policy.load_file(WORKLOAD_POLICY)


@pytest.fixture(scope="session")
def workload_engine(workload_policy: socle.Policy, workload_dir: Path) -> "socle.AccessEngine":
    engine = socle.AccessEngine.create(workload_policy)
    revision = engine.load_directory_tsv_files(workload_dir / "professionals.tsv",
                                               workload_dir / "persons.tsv")
    assert revision == engine.revision == 102000  # one event per professional and per person
    return engine


def read_rows(directory: Path, name: str) -> List[Row]:
    rows = []
    for line in (directory / name).read_text(encoding="utf-8").splitlines():
        if line:
            f = line.split("\t")
            rows.append(Row(f[0], f[1], f[2], f[3], f[4], f[5] == "1", f[6], f[7], f[8]))
    assert len(rows) == 20000
    return rows


def mismatches(rows: List[Row], effects: List[int], reasons: List[int]) -> List[str]:
    wrong = []
    for i, (row, effect, reason) in enumerate(zip(rows, effects, reasons)):
        if (effect == socle.Effect.ALLOW) != (row.decision == "allow") or \
                reason != EXPECTED_REASONS[row.reason]:
            wrong.append(f"line {i + 1}: expected {row.reason}, got {reason}")
    return wrong


# ---------------------------------------------------------------------------------------------
# The shared workload


@pytest.mark.parametrize("section", ["_access", "_vault", "_ledger", "_pseudonym", "_text_tools"])
def test_the_package_exports_every_section(section: str) -> None:
    module = importlib.import_module(f"socle.{section}")
    assert module.__all__ and set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)
    assert callable(socle._text)  # not shadowed by a submodule


def test_reason_codes_come_from_the_header() -> None:
    assert socle.Reason.ALLOWED == 1 and socle.Reason.INVALID_REQUEST == 30
    for reason in socle.Reason:  # the stable names are the constants' names
        assert socle.Decision(0, reason, 0, 1, 0).reason_name == reason.name.lower()
    assert socle.Decision(0, socle.Reason.ROLE_DOES_NOT_ALLOW, 0, 1, 0).reason_name == \
        "role_does_not_allow"
    assert socle.Obligation.LOG == 1 and socle.NO_ID == 0xFFFFFFFF


@pytest.mark.parametrize("name", REQUEST_FILES)
def test_one_call_per_request_on_every_request_file(workload_engine: AccessEngine,
                                                    workload_dir: Path, name: str) -> None:
    rows = read_rows(workload_dir, name)
    engine = workload_engine
    purpose = engine.find_purpose(PURPOSE)
    authors = engine.find_professionals((r.author for r in rows), missing=socle.NO_ID)
    effects, reasons = [], []
    for row, author in zip(rows, authors):
        d = engine.decide(row.professional, row.person, row.category, purpose, row.action,
                          author=author, masked=row.masked, item=row.record)
        assert d.obligations & socle.Obligation.LOG and d.revision == 102000
        effects.append(d.effect)
        reasons.append(d.reason)
    wrong = mismatches(rows, effects, reasons)
    assert not wrong, f"{name}: {len(wrong)} mismatches: {wrong[:5]}"


def test_mismatches_are_counted() -> None:
    # The comparison above must be able to fail: a wrong reason and a wrong effect.
    row = Row("p1", "read", "r1", "x1", "social", False, "p2", "allow", "allow")
    assert mismatches([row], [socle.Effect.ALLOW], [socle.Reason.ALLOWED]) == []
    assert mismatches([row], [socle.Effect.ALLOW], [socle.Reason.ALLOWED_BY_GRANT])
    assert mismatches([row], [socle.Effect.DENY], [socle.Reason.ALLOWED])


@pytest.mark.parametrize("name", REQUEST_FILES)
def test_decide_many_on_every_request_file(workload_engine: AccessEngine, workload_dir: Path,
                                           name: str) -> None:
    rows = read_rows(workload_dir, name)
    engine = workload_engine
    # Dense-id buffers, as a caller that prepared its requests would pass them.
    actors = engine.find_professionals(r.professional for r in rows)
    persons = engine.find_persons(r.person for r in rows)
    categories = engine.find_categories(r.category for r in rows)
    authors = engine.find_professionals((r.author for r in rows), missing=socle.NO_ID)
    actions = array.array("i", (socle.Action[r.action.upper()] for r in rows))
    masked = array.array("i", (r.masked for r in rows))
    decisions = engine.decide_many(actors, persons, categories, engine.find_purpose(PURPOSE),
                                   actions, authors=authors, masked=masked,
                                   items=[r.record for r in rows])
    assert len(decisions) == len(rows) and decisions.revision == 102000
    wrong = mismatches(rows, decisions.effects, decisions.reasons)
    assert not wrong, f"{name}: {len(wrong)} mismatches: {wrong[:5]}"
    assert all(o & socle.Obligation.LOG for o in decisions.obligations)

    # Plain Python lists of string ids and names give the same answers (looked up in the call).
    again = engine.decide_many([r.professional for r in rows], [r.person for r in rows],
                               [r.category for r in rows], PURPOSE, [r.action for r in rows],
                               authors=list(authors), masked=[r.masked for r in rows])
    assert again.reasons == decisions.reasons and again.effects == decisions.effects
    assert again.rules == decisions.rules

    # Decisions are built on demand, and match the one-call path.
    for i in range(0, len(rows), 1999):
        row = rows[i]
        one = engine.decide(actors[i], persons[i], categories[i], PURPOSE, actions[i],
                            author=authors[i], masked=row.masked, item=row.record)
        assert decisions[i] == one and bool(one) == (row.decision == "allow")
        assert decisions[i].rule_name == one.rule_name != ""


def test_decide_many_writes_into_preallocated_columns(workload_engine: AccessEngine) -> None:
    engine = workload_engine
    out = socle.Decisions(3)
    actors = array.array("I", [engine.find_professional("p23")] * 3)
    persons = memoryview(array.array("I", engine.find_persons(["x70058", "x0", "x1"])))
    result = engine.decide_many(actors, persons, "health", PURPOSE, out=out)
    assert result is out and out[0].allowed and out[0].reason_name == "allowed"
    assert [int(r) for r in out.reasons[1:]] == [socle.Reason.NOT_ASSIGNED] * 2
    with pytest.raises(socle.InvalidArgumentError):
        engine.decide_many(actors, persons, "health", PURPOSE, out=socle.Decisions(2))
    assert len(engine.decide_many([], [], [], PURPOSE)) == 0


def test_explain_gives_the_structured_trace(workload_engine: AccessEngine) -> None:
    # requests_denied.tsv line 1: p872 shares no team with x50757.
    e = workload_engine.explain("p872", "x50757", "administrative", PURPOSE, "read",
                                author="p953", item="r20001")
    assert isinstance(e, socle.Explanation)
    assert not e.decision.allowed and e.decision.reason == socle.Reason.NOT_ASSIGNED
    assert e.decision == workload_engine.decide("p872", "x50757", "administrative", PURPOSE,
                                                author="p953", item="r20001")
    # The steps come from the socle_explanation_* accessors, field by field.
    assert len(e.steps) == 13 and sum(s.decisive for s in e.steps) == 1
    assert all(isinstance(s, socle.ExplanationStep) for s in e.steps)
    assert all(s.check and s.rule and s.detail for s in e.steps)
    step = e.decisive_step
    assert step is not None and step.check == "need_to_know" and not step.passed
    assert "shares no team" in step.detail
    assert [s.check for s in e.steps][:2] == ["professional_active", "not_blocked"]
    assert all(s.passed for s in e.steps if not s.decisive)
    habilitation = next(s for s in e.steps if s.check == "habilitation")
    assert habilitation.rule.startswith("habilitations[")
    # The text is the C library's rendering of the same trace, for people.
    assert str(e) == e.text and "not_assigned" in e.text
    assert all(s.check in e.text and s.detail in e.text for s in e.steps)

    allowed = workload_engine.explain("p23", "x70058", "health", PURPOSE)
    assert allowed.decision.allowed and all(s.passed for s in allowed.steps)
    assert allowed.decisive_step is not None
    assert allowed.decision.rule_name == workload_engine.rule_name(allowed.decision.rule)


def test_explain_fails_like_decide(workload_engine: AccessEngine) -> None:
    with pytest.raises(socle.NotFoundError):
        workload_engine.explain("p23", "nobody", "health", PURPOSE)
    with pytest.raises(socle.InvalidArgumentError):
        workload_engine.explain("p23", "x70058", "health", PURPOSE, action=99)


@pytest.mark.parametrize("professional, category", [("p23", "administrative"),
                                                    ("p1106", "health"), ("p0", "health")])
def test_list_persons_equals_deciding_everyone(workload_engine: AccessEngine,
                                               professional: str, category: str) -> None:
    engine = workload_engine
    listed = engine.list_persons(professional, category, PURPOSE)
    everyone = array.array("I", range(100000))
    # A single value is broadcast over the batch.
    decisions = engine.decide_many(professional, everyone, category, PURPOSE)
    scanned = sorted(p for p, e in zip(everyone, decisions.effects) if e == socle.Effect.ALLOW)
    assert list(listed) == scanned
    if listed:
        names = engine.list_persons(professional, category, PURPOSE, names=True)
        assert names[0] == engine.person_name(listed[0]) and names[0].startswith("x")


def test_list_persons_grows_its_buffer(workload_engine: AccessEngine,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    full = workload_engine.list_persons("p23", "administrative", PURPOSE)
    assert len(full) > 16
    monkeypatch.setattr(socle._access, "_LIST_PERSONS_CAPACITY", 16)
    assert workload_engine.list_persons("p23", "administrative", PURPOSE) == full


# ---------------------------------------------------------------------------------------------
# Scenarios on a small directory

# The engine's clock never goes backwards (socle_access_engine_set_time): freeze it a day ahead of
# the real time, on the hour.
NOW = (int(time.time()) // 3600 + 24) * 3600


@pytest.fixture
def small(workload_policy: socle.Policy) -> AccessEngine:
    engine = socle.AccessEngine.create(workload_policy)
    engine.set_time(NOW)
    engine.load_directory_tsv("sw1\tsocial_worker\tt1\nsw2\tsocial_worker\tt2\n"
                              "hp1\thealth_professional\tt1\nsec1\tsecretary\tt1\n",
                              "x1\tt1\nx2\tt2\n")
    return engine


def test_writes_return_revisions(small: AccessEngine) -> None:
    assert small.revision == 6
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == socle.Reason.NOT_ASSIGNED
    assert small.assign("x1", "t2") == 7
    assert small.decide("sw2", "x1", "social", PURPOSE).allowed
    assert small.unassign("x1", "t2") == 8
    assert small.set_referent("x1", "sw2") == 9
    assert small.decide("sw2", "x1", "social", PURPOSE).allowed
    assert small.wait_for_revision(9, timeout=0) and not small.wait_for_revision(10, timeout=0)
    small.professional_leaves("sw2")
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == socle.Reason.PROFESSIONAL_LEFT
    small.upsert_professional("sw3", "social_worker", ["t9", "t1"], socle.Secrecy.BY_PROFESSION)
    small.upsert_person("x3", "t9", referent=None)
    assert small.decide("sw3", "x3", "financial", PURPOSE, "read").allowed
    assert small.decide("sw3", "x3", "administrative", PURPOSE, socle.Action.WRITE).reason == \
        socle.Reason.ROLE_DOES_NOT_ALLOW
    assert small.professional_name(small.find_professional("sw3")) == "sw3"


def test_bulk_loads_from_sequences(workload_policy: socle.Policy) -> None:
    engine = socle.AccessEngine.create(workload_policy)
    # Teams are arrays of strings: a list per record, or one team id alone.
    engine.load_professionals(["a", "b", "c"], ["social_worker", "secretary", "social_worker"],
                              [["t1"], ["t1", "t2"], []],
                              secrecy=[0, socle.Secrecy.NONE, 0])
    engine.load_persons(["y1", "y2", "y3"], ["t2", ("t1",), ["t3", "t4"]],
                        referents=[None, "a", None])
    assert engine.revision == 6
    assert engine.decide("b", "y1", "administrative", PURPOSE).allowed
    assert engine.decide("a", "y2", "social", PURPOSE).allowed
    assert engine.decide("c", "y2", "social", PURPOSE).reason == socle.Reason.NOT_ASSIGNED
    assert engine.team_name(engine.find_team("t4")) == "t4"
    with pytest.raises(socle.NotFoundError):
        engine.find_team("t9")
    with pytest.raises(socle.InvalidArgumentError):
        engine.load_persons(["y4"], ["t1", "t2"])
    engine.load_professionals([], [], [])  # nothing: NULL arrays
    assert engine.revision == 6


def test_team_lists_are_never_split(workload_policy: socle.Policy) -> None:
    # "t1,t2" is one id, not two: no binding joins or splits lists with commas any more.
    engine = socle.AccessEngine.create(workload_policy)
    engine.load_directory_tsv("sw1\tsocial_worker\tt1\n", "x1\tt1\n")
    # A comma is an ordinary character of an id: the team "t1,t2" is neither t1 nor t2.
    engine.upsert_person("x2", "t1,t2")
    with pytest.raises(socle.NotFoundError):
        engine.find_team("t2")
    assert engine.team_name(engine.find_team("t1,t2")) == "t1,t2"
    assert not engine.decide("sw1", "x2", "social", PURPOSE).allowed
    engine.upsert_person("x3", ["t1", "t2"])
    assert engine.decide("sw1", "x3", "social", PURPOSE).allowed
    assert engine.team_name(engine.find_team("t2")) == "t2"


def test_filter_view(small: AccessEngine) -> None:
    small.set_mask("x1", item="note-7")
    views = small.filter_view("sw1", "x1", PURPOSE, ["social", "social", "health", "social"],
                              items=["note-7", "note-8", None, None],
                              entry_kinds=["fact", "fact", "fact", socle.EntryKind.WORKING_NOTE],
                              authors=[None, None, None, "sw2"])
    assert views == [socle.View.PLACEHOLDER, socle.View.VISIBLE, socle.View.ABSENT,
                     socle.View.ABSENT]
    # The author of the masked item sees it.
    assert small.filter_view("sw1", "x1", PURPOSE, ["social"], items=["note-7"],
                             authors=["sw1"]) == [socle.View.VISIBLE]
    assert small.filter_view("sw1", "x1", PURPOSE, []) == []
    with pytest.raises(socle.InvalidArgumentError):
        small.filter_view("sw1", "x1", PURPOSE, ["social"], items=["a", "b"])


def test_item_and_category_masks(small: AccessEngine) -> None:
    small.set_mask("x1", item="note-7")
    masked = small.decide("sw1", "x1", "social", PURPOSE, item="note-7")
    assert masked.reason == socle.Reason.MASKED and masked.rule_name == "masking"
    assert masked.obligations & socle.Obligation.SHOW_PLACEHOLDER
    assert small.decide("sw1", "x1", "social", PURPOSE, item="note-8").allowed
    # The author keeps access.
    assert small.decide("sw1", "x1", "social", PURPOSE, item="note-7", author="sw1").reason == \
        socle.Reason.ALLOWED_AUTHOR_OF_MASKED
    small.revoke_mask("x1", item="note-7")
    assert small.decide("sw1", "x1", "social", PURPOSE, item="note-7").allowed

    small.set_mask("x1", category="administrative", audience=socle.Audience.ROLE,
                   audience_id="secretary")
    assert small.decide("sec1", "x1", "administrative", PURPOSE).reason == socle.Reason.MASKED
    assert small.decide("sw1", "x1", "administrative", PURPOSE).allowed
    small.set_mask("x1", category="social", audience="professional", audience_id="sw1")
    assert small.decide("sw1", "x1", "social", PURPOSE).reason == socle.Reason.MASKED
    with pytest.raises(socle.InvalidArgumentError):
        small.set_mask("x1")  # neither an item nor a category


def test_blocks(small: AccessEngine) -> None:
    small.block("x1", "sw1")
    d = small.decide("sw1", "x1", "social", PURPOSE)
    assert d.reason == socle.Reason.BLOCKED and d.reason_name == "blocked"
    with pytest.raises(socle.PermissionDeniedError):
        small.open_break_glass("sw1", "x1", "urgence_vitale", "appel du 115")
    small.unblock("x1", "sw1")
    assert small.decide("sw1", "x1", "social", PURPOSE).allowed


def test_break_the_glass(small: AccessEngine) -> None:
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == socle.Reason.NOT_ASSIGNED
    session = small.open_break_glass("sw2", "x1", "urgence_vitale",
                                     "Personne en danger, équipe injoignable",
                                     datetime.timedelta(hours=1))
    assert session.expires_at == NOW + 3600 and session.revision == small.revision
    d = small.decide("sw2", "x1", "social", PURPOSE)
    assert d.allowed and d.reason == socle.Reason.ALLOWED_BREAK_GLASS
    for flag in (socle.Obligation.BREAK_GLASS_FLAG, socle.Obligation.NOTIFY_PERSON,
                 socle.Obligation.OPEN_REVIEW):
        assert d.obligations & flag
    # Masked items stay hidden under this policy.
    assert small.decide("sw2", "x1", "social", PURPOSE, masked=True).reason == \
        socle.Reason.MASKED
    # It ends at its exact second.
    assert small.decide("sw2", "x1", "social", PURPOSE, time=NOW + 3599).allowed
    assert small.decide("sw2", "x1", "social", PURPOSE, time=NOW + 3600).reason == \
        socle.Reason.BREAK_GLASS_EXPIRED
    # An objection ends it at once, and refuses the next one.
    small.record_emergency_access_objection("x1")
    assert not small.decide("sw2", "x1", "social", PURPOSE).allowed
    with pytest.raises(socle.PermissionDeniedError):
        small.open_break_glass("sw2", "x1", "urgence_vitale", "encore")
    small.revoke_emergency_access_objection("x1")
    small.open_break_glass("sw2", "x1", "astreinte", "astreinte de nuit")
    assert small.decide("sw2", "x1", "social", PURPOSE).allowed
    small.close_break_glass("sw2", "x1")
    assert not small.decide("sw2", "x1", "social", PURPOSE).allowed
    # Roles the policy does not allow, durations beyond the maximum, unknown reason codes.
    with pytest.raises(socle.PermissionDeniedError):
        small.open_break_glass("sec1", "x2", "urgence_vitale", "non")
    with pytest.raises(socle.OutOfRangeError):
        small.open_break_glass("sw1", "x2", "urgence_vitale", "trop long", 25 * 3600)
    with pytest.raises(socle.NotFoundError):
        small.open_break_glass("sw1", "x2", "sans_motif", "motif inconnu")


def test_the_clock_never_goes_back(small: AccessEngine) -> None:
    small.open_break_glass("sw2", "x1", "astreinte", "astreinte de nuit",
                           datetime.timedelta(hours=1))
    assert small.decide("sw2", "x1", "social", PURPOSE).allowed
    small.set_time(NOW + 3600)
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == \
        socle.Reason.BREAK_GLASS_EXPIRED
    # Neither setting the clock back nor an earlier request time reopens the session.
    small.set_time(NOW)
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == \
        socle.Reason.BREAK_GLASS_EXPIRED
    small.set_time(None)
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == \
        socle.Reason.BREAK_GLASS_EXPIRED
    assert small.decide("sw2", "x1", "social", PURPOSE, time=NOW + 10).reason == \
        socle.Reason.BREAK_GLASS_EXPIRED
    small.grant("x1", "sw2", ["social"], expires_at=NOW + 7200)
    assert small.decide("sw2", "x1", "social", PURPOSE).allowed
    small.set_time(NOW + 7200)
    small.set_time(NOW + 3600)
    assert not small.decide("sw2", "x1", "social", PURPOSE).allowed


# Serialized socle.v1.StateEvent by hand (proto/socle/v1/events.proto): no generated module.
def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _uint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _grant_event(at: int, person: str, professional: str, expires_at: int) -> bytes:
    grant = (_bytes_field(1, person.encode()) + _bytes_field(2, professional.encode()) +
             _bytes_field(4, _uint_field(1, expires_at)))
    return _uint_field(1, 1) + _bytes_field(2, _uint_field(1, at)) + _bytes_field(24, grant)


def test_events_dated_in_the_future_are_refused(small: AccessEngine) -> None:
    future = NOW + 10 * 365 * 86400
    before = small.revision
    with pytest.raises(socle.InvalidArgumentError) as refused:
        small.apply_event(_grant_event(future, "x1", "sw2", future + 3600))
    assert "access_granted.at" in str(refused.value)
    assert "x1" not in str(refused.value)
    assert small.revision == before
    assert not small.decide("sw2", "x1", "social", PURPOSE).allowed
    # Within the skew (5 minutes by the engine's clock) an event is accepted.
    assert small.apply_event(_grant_event(NOW + 300, "x1", "sw2", NOW + 3600)) == before + 1
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == socle.Reason.ALLOWED_BY_GRANT


def test_grants(small: AccessEngine) -> None:
    small.grant("x1", "sw2", ["social"], expires_at=NOW + 60)
    assert small.decide("sw2", "x1", "social", PURPOSE).reason == socle.Reason.ALLOWED_BY_GRANT
    assert not small.decide("sw2", "x1", "financial", PURPOSE).allowed
    assert not small.decide("sw2", "x1", "social", PURPOSE, time=NOW + 60).allowed
    small.revoke_grant("x1", "sw2")
    assert not small.decide("sw2", "x1", "social", PURPOSE).allowed


# ---------------------------------------------------------------------------------------------
# Bad input: typed errors, nothing changed


def test_unknown_ids_raise_not_found(small: AccessEngine) -> None:
    revision = small.revision
    with pytest.raises(socle.NotFoundError):
        small.find_person("nobody")
    with pytest.raises(socle.NotFoundError):
        small.decide("sw1", "nobody", "social", PURPOSE)
    with pytest.raises(socle.NotFoundError):
        small.decide("sw1", "x1", "not_a_category", PURPOSE)
    with pytest.raises(socle.NotFoundError):
        small.decide("sw1", "x1", "social", "not_a_purpose")
    with pytest.raises(socle.NotFoundError):
        small.decide(small.find_professional("sw1"), 12345, 0, 0)
    with pytest.raises(socle.NotFoundError):
        small.block("x1", "nobody")
    with pytest.raises(socle.NotFoundError) as raised:
        small.block("person-secret-42", "sw1")
    assert "person-secret-42" not in str(raised.value)  # no person id in messages
    with pytest.raises(socle.InvalidArgumentError):
        small.decide("sw1", "x1", "social", PURPOSE, action="dance")
    with pytest.raises(socle.InvalidArgumentError):
        small.decide("sw1", "x1", "social", PURPOSE, action=99)
    with pytest.raises(socle.OutOfRangeError):
        small.decide(-1, "x1", "social", PURPOSE)
    with pytest.raises(TypeError):
        small.decide(1.5, "x1", "social", PURPOSE)
    assert small.revision == revision


def test_decide_many_denies_invalid_requests(small: AccessEngine) -> None:
    sw1 = small.find_professional("sw1")
    persons = array.array("I", [small.find_person("x1"), 999, small.find_person("x2")])
    with pytest.raises(socle.NotFoundError) as raised:
        small.decide_many([sw1] * 3, persons, "social", PURPOSE)
    decisions = raised.value.decisions
    assert [d.reason for d in decisions] == [socle.Reason.ALLOWED, socle.Reason.INVALID_REQUEST,
                                             socle.Reason.NOT_ASSIGNED]
    lenient = small.decide_many([sw1] * 3, persons, "social", PURPOSE, strict=False)
    assert lenient.reasons == decisions.reasons
    with pytest.raises(socle.InvalidArgumentError):  # columns of different lengths
        small.decide_many([sw1] * 2, persons, "social", PURPOSE)
    with pytest.raises(socle.InvalidArgumentError):  # 8-byte integers are not ids
        small.decide_many(array.array("Q", [sw1] * 3), persons, "social", PURPOSE)
    with pytest.raises(socle.InvalidArgumentError):
        small.decide_many(sw1, sw1, "social", PURPOSE)  # no column at all


def test_bad_tsv_and_files(workload_policy: socle.Policy, tmp_path: Path) -> None:
    engine = socle.AccessEngine.create(workload_policy)
    with pytest.raises(socle.Error) as raised:
        engine.load_directory_tsv("sw1\tnot_a_role\tt1\n", "x1\tt1\n")
    assert "line 1" in str(raised.value)
    with pytest.raises(socle.IoError) as io:
        engine.load_directory_tsv_files(tmp_path / "missing.tsv", tmp_path / "missing2.tsv")
    assert io.value.filename.endswith("missing.tsv")
    assert engine.revision == 0


def test_closed_engine(workload_policy: socle.Policy) -> None:
    with socle.AccessEngine.create(workload_policy) as engine:
        assert "revision=0" in repr(engine)
    assert engine.closed and "closed" in repr(engine)
    with pytest.raises(ValueError):
        engine.decide(0, 0, 0, 0)
    with pytest.raises(TypeError):
        socle.AccessEngine.create("not a policy")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Every on/off option of the policy both ways (as tests/access/policy_options_test.cc): the actors
# whose outcome must not change with an option, and the one whose outcome must.

SECRETARY_ROLE = 'roles { id: "secretary" label: "Secrétaire" secrecy: SECRECY_NONE }'
OPTIONS = {
    "break_glass.reveals_masked_items": ("reveals_masked_items: false",
                                         "reveals_masked_items: true"),
    "masking.referent_keeps_access": ("referent_keeps_access: false",
                                      "referent_keeps_access: true"),
    "masking.mode (silent)": ("mode: SIGNALLED", "mode: SILENT"),
    "break_glass.enabled (off)": ("enabled: true", "enabled: false"),
    "roles[secretary].referent": (SECRETARY_ROLE, SECRETARY_ROLE[:-1] + "referent: true }"),
}
R = socle.Reason
# name: (professional, person, category, item, author, reason with every option off)
ACTORS = {
    "team member, masked item": ("sw1", "x3", "social", "r1", None, R.MASKED),
    "team member, other item": ("sw1", "x3", "social", "r2", None, R.ALLOWED),
    "referent, masked item": ("sw3", "x3", "social", "r1", None, R.MASKED),
    "referent, other item": ("sw3", "x3", "social", "r2", None, R.ALLOWED),
    "author, masked item": ("sw2", "x3", "social", "r1", "sw2", R.ALLOWED_AUTHOR_OF_MASKED),
    "session, masked item": ("sw4", "x3", "social", "r1", None, R.MASKED),
    "session, other item": ("sw4", "x3", "social", "r2", None, R.ALLOWED_BREAK_GLASS),
    "expired session, masked item": ("sw5", "x3", "social", "r1", None, R.BREAK_GLASS_EXPIRED),
    "expired session, other item": ("sw5", "x3", "social", "r2", None, R.BREAK_GLASS_EXPIRED),
    "outsider, other item": ("sw6", "x3", "social", "r2", None, R.NOT_ASSIGNED),
    "secretary of x2": ("sec1", "x2", "administrative", "r3", None, R.NOT_ASSIGNED),
}
# What each option, on, must change; every other actor keeps its reason.
CHANGES = {
    "break_glass.reveals_masked_items": {"session, masked item": R.ALLOWED_BREAK_GLASS},
    "masking.referent_keeps_access": {"referent, masked item": R.ALLOWED_REFERENT_OF_MASKED},
    "masking.mode (silent)": {},
    "break_glass.enabled (off)": {name: R.NOT_ASSIGNED for name in (
        "session, masked item", "session, other item", "expired session, masked item",
        "expired session, other item")},
    "roles[secretary].referent": {"secretary of x2": R.ALLOWED},
}


@pytest.mark.parametrize("on", [False, True], ids=["off", "on"])
@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_every_policy_option_both_ways(option: str, on: bool) -> None:
    text = WORKLOAD_POLICY.read_text(encoding="utf-8")
    off_text, on_text = OPTIONS[option]
    assert off_text in text
    policy = socle.Policy.load(text.replace(off_text, on_text, 1) if on else text)
    engine = socle.AccessEngine.create(policy)
    engine.set_time(NOW)
    engine.load_directory_tsv("sw1\tsocial_worker\tt1\nsw2\tsocial_worker\tt1\n"
                              "sw3\tsocial_worker\tt2\nsw4\tsocial_worker\tt3\n"
                              "sw5\tsocial_worker\tt3\nsw6\tsocial_worker\tt3\n"
                              "sec1\tsecretary\tt1\n",
                              "x1\tt1\nx2\tt2\nx3\tt1\tsw3\n")
    engine.set_mask("x3", item="r1")
    break_glass = not (on and option == "break_glass.enabled (off)")
    if break_glass:
        engine.open_break_glass("sw4", "x3", "astreinte", "Nuit")
        engine.open_break_glass("sw5", "x3", "astreinte", "Nuit")
        engine.set_time(NOW + 60)
        engine.close_break_glass("sw5", "x3")
    else:
        with pytest.raises(socle.FailedPreconditionError):
            engine.open_break_glass("sw4", "x3", "astreinte", "Nuit")
    engine.set_time(NOW + 120)
    if on and option == "roles[secretary].referent":
        engine.set_referent("x2", "sec1")
    else:
        with pytest.raises(socle.FailedPreconditionError):
            engine.set_referent("x2", "sec1")

    silent = on and option == "masking.mode (silent)"
    expected = {name: actor[5] for name, actor in ACTORS.items()}
    if on:
        expected.update(CHANGES[option])
    names = list(ACTORS)
    batch = engine.decide_many([ACTORS[n][0] for n in names], [ACTORS[n][1] for n in names],
                               [ACTORS[n][2] for n in names], PURPOSE,
                               items=[ACTORS[n][3] for n in names],
                               authors=[engine.find_professional(ACTORS[n][4]) if ACTORS[n][4]
                                        else socle.NO_ID for n in names])
    for i, name in enumerate(names):
        professional, person, category, item, author, _ = ACTORS[name]
        want = expected[name]
        d = engine.decide(professional, person, category, PURPOSE, item=item, author=author)
        assert d.reason == want, (option, on, name, d.reason_name)
        assert batch[i].reason == want, (option, on, name)
        placeholder = want == R.MASKED and not silent
        assert bool(d.obligations & socle.Obligation.SHOW_PLACEHOLDER) == placeholder, name
        view = socle.View.VISIBLE if d.allowed else (
            socle.View.PLACEHOLDER if placeholder else socle.View.ABSENT)
        assert engine.filter_view(professional, person, PURPOSE, [category], items=[item],
                                  authors=[author]) == [view], (option, on, name)
        e = engine.explain(professional, person, category, PURPOSE, item=item, author=author)
        assert e.decision.reason == want, name
        decisive = [step for step in e.steps if step.decisive]
        assert len(decisive) == 1 and decisive[0].passed == d.allowed, (name, e.text)
        if d.allowed:
            assert all(step.passed for step in e.steps), e.text
