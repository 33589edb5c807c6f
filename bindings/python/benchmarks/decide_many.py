#!/usr/bin/python3
"""Decisions per second of ``socle.AccessEngine.decide_many`` on the shared access workload.

One thread; requests prepared before timing (as for the peers' figures in the workload's
README): the mixed request file is turned into columns of dense ids once, then decided by one
``decide_many`` call per pass (one C call, ``socle_access_engine_decide_columns``, outputs into
preallocated arrays). Every pass is checked against the expected decisions and reasons first.

Usage (from the repository root, with a release build's libsocle)::

    SOCLE_LIBRARY=build/rel/src/libsocle.so.0 PYTHONPATH=bindings/python \\
        /usr/bin/python3 bindings/python/benchmarks/decide_many.py [--workload DIR] [--passes N]
"""

from __future__ import annotations

import argparse
import array
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.append(str(REPO / "bindings" / "python"))

import socle  # noqa: E402

# The workload's README, "Peer figures on this workload" (mixed file, one thread).
PEERS = [
    ("Cedar 4.13 (wasm), policies pre-parsed", 7_100),
    ("node-casbin 5.51, ABAC model", 122_000),
    ("node-casbin 5.51, RBAC with domains", 1_000),
    ("hand-written JavaScript, maps and sets", 940_000),
]
EXPECTED = {
    "allow": socle.Reason.ALLOWED,
    "allow_own_masked": socle.Reason.ALLOWED_AUTHOR_OF_MASKED,
    "deny_not_in_team": socle.Reason.NOT_ASSIGNED,
    "deny_role_category": socle.Reason.ROLE_DOES_NOT_ALLOW,
    "deny_masked": socle.Reason.MASKED,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", type=Path, default=Path(os.environ.get(
        "SOCLE_ACCESS_WORKLOAD_DIR", REPO / "tests" / "access" / "workload")))
    parser.add_argument("--policy", type=Path,
                        default=REPO / "tests" / "access" / "workload_policy.textproto")
    parser.add_argument("--requests", default="requests_mixed.tsv")
    parser.add_argument("--passes", type=int, default=200, help="timed decide_many calls")
    args = parser.parse_args()

    with socle.Policy.load_file(args.policy) as policy:
        engine = socle.AccessEngine.create(policy)
    started = time.perf_counter()
    engine.load_directory_tsv_files(args.workload / "professionals.tsv",
                                    args.workload / "persons.tsv")
    load_s = time.perf_counter() - started

    rows = [line.split("\t") for line in
            (args.workload / args.requests).read_text(encoding="utf-8").splitlines() if line]
    actors = engine.find_professionals(r[0] for r in rows)
    actions = array.array("i", (int(socle.Action[r[1].upper()]) for r in rows))
    items = socle.ItemIds([r[2] for r in rows])
    persons = engine.find_persons(r[3] for r in rows)
    categories = engine.find_categories(r[4] for r in rows)
    masked = array.array("i", (int(r[5]) for r in rows))
    authors = engine.find_professionals((r[6] for r in rows), missing=socle.NO_ID)
    purposes = array.array("I", [engine.find_purpose("accompagnement")]) * len(rows)
    out = socle.Decisions(len(rows))

    def decide(with_items: bool) -> socle.Decisions:
        return engine.decide_many(actors, persons, categories, purposes, actions,
                                  authors=authors, masked=masked,
                                  items=items if with_items else None, out=out)

    decided = decide(True)
    mismatches = sum(
        (decided.effects[i] == socle.Effect.ALLOW) != (r[7] == "allow") or
        decided.reasons[i] != EXPECTED[r[8]] for i, r in enumerate(rows))
    if mismatches:
        print(f"{mismatches} mismatches on {args.requests}: not timing", file=sys.stderr)
        return 1

    print(f"libsocle: {socle.library_path} ({socle.version()}); Python {sys.version.split()[0]}")
    print(f"workload loaded from TSV in {load_s * 1000:.0f} ms; {args.requests}: {len(rows)} "
          f"requests, 0 mismatches")
    results = {}
    for with_items in (False, True):
        decide(with_items)  # warm-up
        rates = []
        for _ in range(args.passes):
            started = time.perf_counter()
            decide(with_items)
            rates.append(len(rows) / (time.perf_counter() - started))
        label = "decide_many, dense-id columns" + (" + item ids" if with_items else "")
        results[label] = (statistics.median(rates), max(rates))

    # Per-call path, for comparison (one Python call and one C call per decision).
    purpose = engine.find_purpose("accompagnement")
    n = 5000
    started = time.perf_counter()
    for i in range(n):
        engine.decide(actors[i], persons[i], categories[i], purpose, actions[i],
                      author=authors[i], masked=masked[i])
    results["decide, one call per decision"] = (n / (time.perf_counter() - started),) * 2

    # Columns of string ids, looked up in the call (what a naive caller pays).
    names = [[r[0] for r in rows], [r[3] for r in rows], [r[4] for r in rows]]
    started = time.perf_counter()
    engine.decide_many(names[0], names[1], names[2], "accompagnement", actions)
    results["decide_many, string-id lists (lookups included)"] = (
        len(rows) / (time.perf_counter() - started),) * 2

    width = max(map(len, results))
    print(f"\n{'path':<{width}}  {'median /s':>12}  {'best /s':>12}")
    for label, (median, best) in results.items():
        print(f"{label:<{width}}  {median:>12,.0f}  {best:>12,.0f}")
    headline = results["decide_many, dense-id columns"][0]
    print("\ndecide_many (median) against the peers on the same workload:")
    for name, rate in PEERS:
        print(f"  {name:<42} {rate:>9,} /s   socle/peer = {headline / rate:,.1f}")
    print(f"target >= 1,000,000 /s: {'met' if headline >= 1e6 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
