"""The ICS linter: findings about a parsed (or hand-built) strategy.

Codes are stable — the API, the CLI and the web UI key on them:

==========================  ========  ==================================================
code                        severity  finding
==========================  ========  ==================================================
framework-title-mismatch    warning   section 2 and the body word an element differently
numbering-gap               warning   goals 1, 3 without 2; objectives 1.1, 1.3 without 1.2
duplicate-number            error     two elements of one kind share a number
missing-justification       warning   an objective or management objective has none
missing-description         warning   a goal has no description
objective-without-goal      error     objective 4.1 when there is no goal 4
unknown-linkage             warning   a linkage code naming no known framework
no-indicators               info      an objective without any indicator
==========================  ========  ==================================================
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Literal

from ..document import Goal, Objective, Strategy, SubObjective
from .linkages import KNOWN_FRAMEWORKS, is_known
from .structure import GOAL, MGMT, MGMT_SUB, OBJECTIVE, SUB, Orphan, number_key
from .text import ParseResult

Severity = Literal["error", "warning", "info"]

_KIND_WORDS = {
    GOAL: "goal",
    OBJECTIVE: "objective",
    SUB: "sub-objective",
    MGMT: "management objective",
    MGMT_SUB: "management sub-objective",
}


@dataclass(frozen=True)
class Finding:
    """One problem or remark about a strategy, tied to an element and, when known, a source line."""

    code: str
    severity: Severity
    element: str | None
    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: exactly code, severity, element, line, message."""
        return asdict(self)


def element_name(kind: str, number: str) -> str:
    """How findings name an element: "goal 1", "1.1", "1.1.1", "management objective 1"."""
    if kind in (OBJECTIVE, SUB):
        return number
    return f"{_KIND_WORDS[kind]} {number}"


class _Linter:
    def __init__(self, strategy: Strategy, lines: dict[str, int], orphans: list[Orphan]) -> None:
        self.strategy = strategy
        self.lines = lines
        self.orphans = orphans
        self.findings: list[Finding] = []

    def add(self, code: str, severity: Severity, kind: str, number: str, message: str, *,
            line_key: str | None = None, line: int | None = None) -> None:
        if line is None:
            line = self.lines.get(line_key or f"{kind}:{number}")
        self.findings.append(Finding(code, severity, element_name(kind, number), line, message))

    def run(self) -> list[Finding]:
        goals = self.strategy.goals
        mos = self.strategy.management_objectives
        self.numbering(GOAL, [g.number for g in goals])
        for goal in goals:
            self.element(GOAL, goal)
            self.numbering(OBJECTIVE, [o.number for o in goal.objectives], parent=goal.number)
            for objective in goal.objectives:
                self.element(OBJECTIVE, objective)
                self.children(SUB, objective)
        self.orphan_findings()
        self.numbering(MGMT, [m.number for m in mos])
        for mo in mos:
            self.element(MGMT, mo)
            self.children(MGMT_SUB, mo)
        return self.findings

    def children(self, kind: str, parent: Objective) -> None:
        self.numbering(kind, [s.number for s in parent.sub_objectives], parent=parent.number)
        for sub in parent.sub_objectives:
            self.element(kind, sub)

    def element(self, kind: str, element: Goal | Objective | SubObjective) -> None:
        number, word = element.number, _KIND_WORDS[kind].capitalize()
        if element.framework_title:
            self.add("framework-title-mismatch", "warning", kind, number,
                     f'{word} {number} reads "{element.framework_title}" in the Mission Strategic Framework '
                     f'but "{element.title}" in the body.')
        if kind == GOAL and isinstance(element, Goal) and not (element.description or "").strip():
            self.add("missing-description", "warning", kind, number, f"Goal {number} has no description.")
        if kind in (OBJECTIVE, MGMT) and isinstance(element, Objective) and not (element.justification or "").strip():
            self.add("missing-justification", "warning", kind, number, f"{word} {number} has no justification.")
        for code in element.linkages:
            if not is_known(code):
                known = ", ".join(KNOWN_FRAMEWORKS)
                self.add("unknown-linkage", "warning", kind, number,
                         f'{word} {number} links to "{code}", which names none of the known frameworks ({known}).')
        if kind in (OBJECTIVE, MGMT) and not element.indicators:
            self.add("no-indicators", "info", kind, number, f"{word} {number} has no performance indicators yet.")

    def numbering(self, kind: str, numbers: list[str], parent: str | None = None) -> None:
        word = _KIND_WORDS[kind]
        for number, count in Counter(numbers).items():
            if count > 1:
                self.add("duplicate-number", "error", kind, number, f"{count} {word}s are numbered {number}.")
        last_parts = sorted({key[-1] for key in map(number_key, numbers) if key})
        prefix = f"{parent}." if parent else ""
        expected = 1
        for value in last_parts:
            for missing in range(expected, value):
                # The line is that of the element after the gap: where a reader notices it.
                self.add("numbering-gap", "warning", kind, f"{prefix}{missing}",
                         f"{word.capitalize()} {prefix}{missing} is missing before {prefix}{value}.",
                         line_key=f"{kind}:{prefix}{value}")
            expected = value + 1

    def orphan_findings(self) -> None:
        goal_numbers = {g.number for g in self.strategy.goals}
        for orphan in self.orphans:
            self.add("objective-without-goal", "error", orphan.kind, orphan.number,
                     f"{_KIND_WORDS[orphan.kind].capitalize()} {orphan.number} belongs to "
                     f"{_KIND_WORDS[orphan.parent_kind]} {orphan.parent_number}, which does not exist.",
                     line=orphan.line)
        # A hand-built strategy can nest an objective under the wrong goal; its number tells.
        for goal in self.strategy.goals:
            for objective in goal.objectives:
                head = objective.number.split(".", 1)[0]
                if "." in objective.number and head not in goal_numbers:
                    self.add("objective-without-goal", "error", OBJECTIVE, objective.number,
                             f"Objective {objective.number} belongs to goal {head}, which does not exist.")


def lint_strategy(subject: ParseResult | Strategy) -> list[Finding]:
    """All findings about a parse result or a bare strategy (whose lines are then unknown)."""
    if isinstance(subject, ParseResult):
        return _Linter(subject.strategy, subject.lines, subject.orphans).run()
    return _Linter(subject, {}, []).run()


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n}: a summary for CLIs and reports."""
    counts: Counter[str] = Counter(f.severity for f in findings)
    return {severity: counts.get(severity, 0) for severity in ("error", "warning", "info")}
