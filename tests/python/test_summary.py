"""socle.AccessEngine.person_summary: what the person sees (REQ-55), from Python.

A small directory on a frozen clock: the person masks a note and a category, blocks a secretary,
grants a professional of another team until a date, and a professional opens a break-the-glass
session. The summary lists each, says who can reach the file and why (vendor ids, roles, teams),
shows an earlier time without the session, and names no id when the person is unknown. The
consent, objection, mandate and sharing parts come from the same C++ call and are checked in
tests/access/person_summary_test.cc.
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path

import pytest

import socle
from conftest import REPO

WORKLOAD_POLICY = REPO / "tests" / "access" / "workload_policy.textproto"
# The engine's clock never goes backwards: freeze it a day ahead of the real time, on the hour.
NOW = (int(time.time()) // 3600 + 24) * 3600


def rfc3339(unix_seconds: int) -> str:
    return datetime.datetime.fromtimestamp(unix_seconds, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def engine() -> socle.AccessEngine:
    engine = socle.AccessEngine.create(socle.Policy.load_file(Path(WORKLOAD_POLICY)))
    engine.set_time(NOW)
    engine.load_directory_tsv("sw1\tsocial_worker\tt1\nsw2\tsocial_worker\tt2\n"
                              "hp1\thealth_professional\tt1\nsec1\tsecretary\tt1\n",
                              "x1\tt1\tsw1\t1990-05-17\nx2\tt2\n")
    engine.set_mask("x1", item="note-7")
    engine.set_mask("x1", category="financial", audience="role", audience_id="secretary")
    engine.block("x1", "sec1")
    engine.grant("x1", "sw2", ["social"], expires_at=NOW + 86400)
    engine.set_time(NOW + 600)
    engine.open_break_glass("hp1", "x1", "urgence_vitale", "appel du 115", 3600)
    return engine


def holders(summary: dict) -> set:
    return {(h["professional"], h["basis"]) for h in summary["access"]}


def test_the_summary_lists_every_fact_and_who_can_reach_the_file(
        engine: socle.AccessEngine) -> None:
    s = engine.person_summary("x1")
    assert s["format_version"] == 1
    assert s["person"] == "x1"
    assert s["at"] == rfc3339(NOW + 600)
    assert int(s["revision"]) == engine.revision  # uint64: a string in protobuf's JSON mapping
    assert s["birth_date"] == "1990-05-17"
    assert s["referent"] == "sw1"
    assert s["teams"] == ["t1"]
    assert s["masks"] == [
        {"item": "note-7", "category": "", "audience": "EVERYONE", "audience_id": ""},
        {"item": "", "category": "financial", "audience": "ROLE", "audience_id": "secretary"},
    ]
    assert s["blocked"] == ["sec1"]
    [session] = s["break_glass_sessions"]
    assert session["professional"] == "hp1"
    assert session["role"] == "health_professional"
    assert session["reason_code"] == "urgence_vitale"
    assert session["opened_at"] == rfc3339(NOW + 600)
    assert session["expires_at"] == rfc3339(NOW + 4200)
    # Nothing of that kind recorded: empty lists, printed all the same.
    for part in ("consents", "objections", "representatives", "mandates", "shares",
                 "open_follow_ups"):
        assert s[part] == []
    assert s["objects_to_emergency_access"] is False
    # The team (not sec1, blocked), the referent, the grant, the session.
    assert holders(s) == {("sw1", "TEAM"), ("sw1", "REFERENT"), ("hp1", "TEAM"),
                          ("hp1", "BREAK_GLASS"), ("sw2", "GRANT")}
    team = next(h for h in s["access"] if h["basis"] == "TEAM" and h["professional"] == "sw1")
    assert team["team"] == "t1" and team["role"] == "social_worker"
    assert "expires_at" not in team  # does not end
    grant = next(h for h in s["access"] if h["basis"] == "GRANT")
    assert grant["expires_at"] == rfc3339(NOW + 86400)


def test_an_earlier_time_and_a_datetime(engine: socle.AccessEngine) -> None:
    before = engine.person_summary("x1", at=NOW + 60)
    assert before["at"] == rfc3339(NOW + 60)
    assert before["break_glass_sessions"] == []  # opened at NOW + 600
    same = engine.person_summary(
        "x1", at=datetime.datetime.fromtimestamp(NOW + 60, datetime.timezone.utc))
    assert same == before


def test_a_person_without_facts(engine: socle.AccessEngine) -> None:
    s = engine.person_summary("x2")
    assert s["masks"] == [] and s["blocked"] == [] and s["birth_date"] == ""
    assert holders(s) == {("sw2", "TEAM")}


def test_an_unknown_person_is_not_found_and_not_named(engine: socle.AccessEngine) -> None:
    with pytest.raises(socle.NotFoundError) as caught:
        engine.person_summary("inconnu-4711")
    assert "inconnu-4711" not in str(caught.value)
    with pytest.raises(TypeError):
        engine.person_summary("x1", at="yesterday")  # type: ignore[arg-type]


def test_the_binary_format_is_the_same_summary(engine: socle.AccessEngine) -> None:
    from socle._native import ffi, lib
    buffer = ffi.new("socle_buffer*")
    status = lib.socle_access_engine_person_summary(
        engine._live(), b"x1", 2, 0, lib.SOCLE_SUMMARY_FORMAT_BINARY, buffer, ffi.NULL)
    assert status == lib.SOCLE_OK
    data = ffi.buffer(buffer.data, buffer.size)[:]
    lib.socle_buffer_free(buffer)
    assert b"note-7" in data and b"urgence_vitale" in data
    assert not data.lstrip().startswith(b"{")
    status = lib.socle_access_engine_person_summary(engine._live(), b"x1", 2, 0, 3, buffer,
                                                    ffi.NULL)
    assert status == lib.SOCLE_E_INVALID_ARGUMENT
    assert buffer.size == 0
    json.dumps(engine.person_summary("x1"))  # plain JSON types only
