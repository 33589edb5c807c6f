#!/usr/bin/env python3
"""REQ-41: socle exposes no call that aggregates the access trail per professional.

The trail is read per person (AccessTrail::History, socle_access_trail_history), checked whole
(Ledger::Verify) or entry by entry (Ledger::ReadEntries); a call that counts, sums or ranks
entries by actor (activity time, productivity) would turn a security log into a surveillance
tool. This scans every public header (the C ABI and the C++ API) and fails on any function or
method whose name speaks of such an aggregation. With --self-test, it checks that a header
declaring one is caught.
"""
import pathlib
import re
import sys

# Words that, in a function name, mean "group the trail by who did it" or "measure activity".
FORBIDDEN = re.compile(
    r"(per|by)_?(professional|actor|user|agent)|"
    r"(Per|By)(Professional|Actor|User|Agent)|"
    r"activity_?(time|report)|Activity(Time|Report)|productivity|Productivity|"
    r"(count|tally|rank|top)_?(entries|accesses|reads)_?(of|for)?_?(professional|actor)|"
    r"(Count|Tally|Rank|Top)(Entries|Accesses|Reads)(Of|For)?(Professional|Actor)",
)
# A function or method declaration: a name followed by an opening parenthesis.
DECLARATION = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def offending_names(text: str):
    # Comments may discuss what is forbidden; only code counts.
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
    return sorted({m.group(1) for m in DECLARATION.finditer(code) if FORBIDDEN.search(m.group(1))})


def main(argv):
    if argv[1:] == ["--self-test"]:
        bad = "SOCLE_API int32_t socle_access_trail_count_reads_by_actor(void);\n"
        bad_cxx = "absl::StatusOr<int> ActivityTimePerProfessional() const;\n"
        good = "SOCLE_API int32_t socle_access_trail_history(void); // not per_professional()\n"
        ok = (offending_names(bad) and offending_names(bad_cxx) and not offending_names(good))
        print("self-test", "passed" if ok else "FAILED")
        return 0 if ok else 1
    include = pathlib.Path(argv[1])
    failures = []
    for header in sorted(include.glob("*.h*")):
        for name in offending_names(header.read_text(encoding="utf-8")):
            failures.append(f"{header.name}: {name}() aggregates the trail per professional "
                            "(REQ-41: the trail is read per person, never per professional)")
    for f in failures:
        print(f)
    if not failures:
        print(f"no call aggregates the trail per professional ({include})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
