"""Policy analysis: properties proven over every case, and the difference of two policies
(section "Policy analysis" of socle.h; ``socle/policy_analysis.hpp`` in C++;
docs/policy-analysis.md). Re-exported by ``socle``: use ``socle.PolicyAnalysis``,
``socle.diff_policies``…

A policy is finite, so socle decides every case a statement covers, with the access engine's own
decisions, and proves it or refutes it with the smallest counter-example::

    policy = socle.Policy.load_file("examples/policies/ccas.textproto")
    analysis = socle.PolicyAnalysis(policy)
    report = analysis.prove()                  # the policy's declared properties
    report.holds, report.failed                # True, 0
    for p in report:                           # PropertyResult
        print(p.id, p.holds, p.cases)
    r = analysis.prove("forall action = read: deny")[0]
    r.holds, r.example.role, r.explanation     # False, the smallest counter-example, why
    diff = socle.diff_policies(policy, other_policy, lang="fr")
    diff.changed_cases, diff.summary           # the cases whose outcome changes, in French

A statement that does not parse, or names what the policy does not declare, raises
:class:`socle.InvalidArgumentError` whose message says at which character. Thread safety: a
:class:`PolicyAnalysis` is immutable; its methods may be called from any number of threads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import InvalidArgumentError, Policy, _ErrorSlot, _Handle, _take, check
from ._access import _Strings
from ._native import ffi, lib

__all__ = ["AnalysedCase", "CaseOutcome", "PolicyAnalysis", "PolicyChange", "PolicyDiff",
           "PropertyReport", "PropertyResult", "diff_policies"]

_LANGUAGES = {"fr": lib.SOCLE_ANALYSIS_LANG_FR, "en": lib.SOCLE_ANALYSIS_LANG_EN}


@dataclass(frozen=True)
class AnalysedCase:
    """One case: the policy's ids and the grammar's words (socle.v1.AnalysedCase)."""

    role: str
    action: str            # "read", "write"…
    category: str
    purpose: str           # an activity id
    kind: str              # "fact", "appreciation"…
    relation: str          # "team", "referent", "grant", "break_glass", "none"
    situation: Tuple[str, ...]  # the flags set: "author", "masked"…

    @classmethod
    def _of(cls, d: Optional[Dict[str, Any]]) -> Optional["AnalysedCase"]:
        if not d:
            return None
        return cls(role=d.get("role", ""), action=d.get("action", ""),
                   category=d.get("category", ""), purpose=d.get("purpose", ""),
                   kind=d.get("kind", ""), relation=d.get("relation", ""),
                   situation=tuple(d.get("situation", ())))


@dataclass(frozen=True)
class PropertyResult:
    """What proving one property found (socle.v1.PropertyFinding).

    ``example`` is, for ``forall``, the smallest counter-example (None when it holds), for
    ``exists`` the smallest witness; ``effect``, ``reason`` and ``rule`` are the engine's decision
    of it, ``explanation`` the engine's explanation, one check per line."""

    id: str                # "" for a statement given to prove()
    statement: str
    forall: bool
    holds: bool
    cases: int             # the cases the statement covers
    decisions: int         # the engine's decisions it took
    example: Optional[AnalysedCase]
    effect: str
    reason: str
    rule: str
    description: str
    explanation: str

    @classmethod
    def _of(cls, d: Dict[str, Any]) -> "PropertyResult":
        return cls(id=d.get("id", ""), statement=d.get("statement", ""),
                   forall=bool(d.get("forall", False)), holds=bool(d.get("holds", False)),
                   cases=int(d.get("cases", 0)), decisions=int(d.get("decisions", 0)),
                   example=AnalysedCase._of(d.get("example")), effect=d.get("effect", ""),
                   reason=d.get("reason", ""), rule=d.get("rule", ""),
                   description=d.get("description", ""), explanation=d.get("explanation", ""))


@dataclass(frozen=True)
class PropertyReport:
    """The results of :meth:`PolicyAnalysis.prove` (socle.v1.PropertyReport), iterable over its
    :class:`PropertyResult`; ``json`` is the report as socle wrote it."""

    policy_id: str
    policy_digest: str
    space_size: int
    properties: Tuple[PropertyResult, ...]
    failed: int            # how many do not hold (the C ABI's count)
    json: str

    @property
    def holds(self) -> bool:
        """Whether every property of the report holds."""
        return self.failed == 0

    def __iter__(self) -> Iterator[PropertyResult]:
        return iter(self.properties)

    def __len__(self) -> int:
        return len(self.properties)

    def __getitem__(self, index: int) -> PropertyResult:
        return self.properties[index]


@dataclass(frozen=True)
class CaseOutcome:
    """What a case comes to under one policy (socle.v1.CaseOutcomeReport): ``possible`` False
    when the case cannot occur there."""

    possible: bool
    effect: str
    reason: str
    rule: str

    @classmethod
    def _of(cls, d: Optional[Dict[str, Any]]) -> "CaseOutcome":
        d = d or {}
        return cls(possible=bool(d.get("possible", False)), effect=d.get("effect", ""),
                   reason=d.get("reason", ""), rule=d.get("rule", ""))


@dataclass(frozen=True)
class PolicyChange:
    """One group of cases whose outcome differs (socle.v1.PolicyChangeGroup): one (role, action,
    category, purpose, kind) and one pair of outcomes; ``example`` is its smallest case."""

    example: AnalysedCase
    cases: int
    before: CaseOutcome
    after: CaseOutcome


@dataclass(frozen=True)
class PolicyDiff:
    """Every case whose outcome differs between two policies (socle.v1.PolicyDiffReport);
    ``summary`` is one sentence per role, kind of change and relation, in the language asked."""

    before_digest: str
    after_digest: str
    cases: int             # the cases compared
    changed_cases: int     # whose outcome differs (0: the policies decide every case alike)
    summary: Tuple[str, ...]
    changes: Tuple[PolicyChange, ...]
    json: str

    def __bool__(self) -> bool:
        """True when some case changes."""
        return self.changed_cases != 0


def _language(lang: str) -> int:
    try:
        return _LANGUAGES[lang]
    except (KeyError, TypeError):
        raise InvalidArgumentError(f"unknown language {lang!r}; expected 'fr' or 'en'") from None


def _report(buffer: object, failed: int) -> PropertyReport:
    text = _take(buffer).decode("utf-8")
    d = json.loads(text)
    return PropertyReport(policy_id=d.get("policy_id", ""),
                          policy_digest=d.get("policy_digest", ""),
                          space_size=int(d.get("space_size", 0)),
                          properties=tuple(PropertyResult._of(p)
                                           for p in d.get("properties", ())),
                          failed=int(failed), json=text)


class PolicyAnalysis(_Handle):
    """The analysis of one policy: its world built on an access engine of its own, every case
    decided by that engine. Immutable; it keeps its own copy of the policy.

    The C handle is freed when the object is garbage-collected, or at once by :meth:`close` or
    at the end of a ``with`` block.
    """

    __slots__ = ()

    def __init__(self, policy: Policy) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a socle.Policy, not {type(policy).__name__}")
        out = ffi.new("socle_policy_analysis**")
        with _ErrorSlot() as slot:
            check(lib.socle_policy_analysis_create(policy._live(), out, slot.pointer), slot.error)
        self._own(out[0], lib.socle_policy_analysis_free)

    @property
    def space_size(self) -> int:
        """The number of cases of the whole space that can occur."""
        return int(lib.socle_policy_analysis_space_size(self._live()))

    def prove(self, statement: Optional[str] = None, *,
              ids: Optional[Sequence[str]] = None) -> PropertyReport:
        """Proves the policy's declared properties (all of them, or those of ``ids`` in that
        order), or, with ``statement``, that statement alone (its result's ``id`` is "").

        Raises :class:`socle.InvalidArgumentError` for a statement that does not parse or names
        what the policy does not declare (the message says at which character), and
        :class:`socle.NotFoundError` for an id the policy does not declare."""
        buffer = ffi.new("socle_buffer*")
        failed = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            if statement is not None:
                if ids is not None:
                    raise InvalidArgumentError("give a statement or ids, not both")
                if not isinstance(statement, str):
                    raise TypeError(
                        f"statement must be str, not {type(statement).__name__}")
                text = statement.encode("utf-8")
                status = lib.socle_policy_analysis_prove(self._live(), text, len(text), buffer,
                                                         failed, slot.pointer)
            else:
                if isinstance(ids, (str, bytes)):
                    ids = [ids]  # type: ignore[list-item]
                names = _Strings.of(ids or (), "ids")
                status = lib.socle_policy_analysis_prove_declared(
                    self._live(), names.pointers, names.lengths, names.count, buffer, failed,
                    slot.pointer)
            try:
                check(status, slot.error)
            except BaseException:
                lib.socle_buffer_free(buffer)
                raise
        return _report(buffer, failed[0])

    def diff(self, after: "PolicyAnalysis", lang: str = "fr") -> PolicyDiff:
        """Every case whose outcome differs between this policy (before) and ``after``'s, its
        summary in ``lang`` ("fr" or "en")."""
        if not isinstance(after, PolicyAnalysis):
            raise TypeError(f"after must be a socle.PolicyAnalysis, not {type(after).__name__}")
        language = _language(lang)
        buffer = ffi.new("socle_buffer*")
        changed = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            status = lib.socle_policy_analysis_diff_policies(
                self._live(), after._live(), language, buffer, ffi.NULL, changed, slot.pointer)
            try:
                check(status, slot.error)
            except BaseException:
                lib.socle_buffer_free(buffer)
                raise
        text = _take(buffer).decode("utf-8")
        d = json.loads(text)
        changes = tuple(
            PolicyChange(example=AnalysedCase._of(g.get("example")) or AnalysedCase(
                "", "", "", "", "", "", ()), cases=int(g.get("cases", 0)),
                before=CaseOutcome._of(g.get("before")), after=CaseOutcome._of(g.get("after")))
            for g in d.get("changes", ()))
        return PolicyDiff(before_digest=d.get("before_digest", ""),
                          after_digest=d.get("after_digest", ""), cases=int(d.get("cases", 0)),
                          changed_cases=int(changed[0]), summary=tuple(d.get("summary", ())),
                          changes=changes, json=text)

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.PolicyAnalysis (closed)>"
        return f"<socle.PolicyAnalysis space_size={self.space_size}>"


def diff_policies(before: Union[Policy, PolicyAnalysis], after: Union[Policy, PolicyAnalysis],
                  lang: str = "fr") -> PolicyDiff:
    """Every case whose outcome differs between two policies (or their analyses: an analysis
    given is reused, a policy is analysed for this call), the summary in ``lang``."""
    _language(lang)
    made: List[PolicyAnalysis] = []
    try:
        sides = []
        for side in (before, after):
            if isinstance(side, Policy):
                made.append(PolicyAnalysis(side))
                sides.append(made[-1])
            elif isinstance(side, PolicyAnalysis):
                sides.append(side)
            else:
                raise TypeError(
                    f"expected a socle.Policy or socle.PolicyAnalysis, not {type(side).__name__}")
        return sides[0].diff(sides[1], lang)
    finally:
        for analysis in made:
            analysis.close()
