"""Each lint code, triggered by a small document."""

from __future__ import annotations

import json

import pytest

from icsplan.document import Goal, Objective, Strategy, Mission
from icsplan.ingest import Finding, lint_strategy, parse_text

BASE = """## 2. Mission Strategic Framework
**Mission Goal 1: Trade grows**
**Mission Objective 1.1: Exports rise (XYZ DO2)**
## 3. Mission Goals and Objectives
**Mission Goal 1: Trade grows.**
**Description and Linkages:** Trade.
**Mission Objective 1.1: Exports rise**
**Justification:** Because.
"""


def lint(text):
    return lint_strategy(parse_text(text, source="lint.txt"))


def codes(findings, severity=None):
    return [(f.code, f.element) for f in findings if f.code != "no-indicators" and severity in (None, f.severity)]


def test_unknown_linkage():
    findings = lint(BASE)
    assert codes(findings) == [("unknown-linkage", "1.1")]
    assert findings[0].severity == "warning" and '"XYZ DO2"' in findings[0].message


def test_numbering_gap_and_missing_fields():
    text = """**Mission Goal 1: A**
**Mission Objective 1.1: B**
**Mission Objective 1.3: C**
**Justification:** Yes.
**Mission Goal 3: D**
**Description:** Fine.
**Management Objective 2: E**
**Justification:** Yes.
"""
    assert codes(lint(text)) == [
        ("numbering-gap", "goal 2"),
        ("missing-description", "goal 1"),
        ("numbering-gap", "1.2"),
        ("missing-justification", "1.1"),
        ("numbering-gap", "management objective 1"),
    ]


def test_duplicate_number_and_orphan():
    text = BASE.replace("(XYZ DO2)", "") + (
        "**Mission Objective 1.1: Again**\n**Justification:** Twice.\n"
        "**Mission Objective 4.1: Lost**\n**Justification:** No goal 4.\n"
    )
    result = parse_text(text, source="lint.txt")
    findings = lint_strategy(result)
    assert codes(findings, "error") == [("duplicate-number", "1.1"), ("objective-without-goal", "4.1")]
    orphan = [f for f in findings if f.code == "objective-without-goal"][0]
    assert orphan.line == 11 and orphan.message == "Objective 4.1 belongs to goal 4, which does not exist."
    assert [o.number for o in result.orphans] == ["4.1"]


def test_framework_title_mismatch_for_goal():
    findings = lint(BASE.replace("**Mission Goal 1: Trade grows**", "**Mission Goal 1: Commerce grows**"))
    mismatch = [f for f in findings if f.code == "framework-title-mismatch"]
    assert [(f.element, f.line) for f in mismatch] == [("goal 1", 5)]
    assert mismatch[0].message == (
        'Goal 1 reads "Commerce grows" in the Mission Strategic Framework but "Trade grows." in the body.'
    )


def test_no_indicators_and_as_dict():
    findings = lint(BASE)
    info = [f for f in findings if f.code == "no-indicators"]
    assert [(f.severity, f.element, f.line) for f in info] == [("info", "1.1", 7)]
    for finding in findings:
        data = finding.as_dict()
        assert list(data) == ["code", "severity", "element", "line", "message"]
        json.dumps(data)


def test_bare_strategy_has_no_lines():
    strategy = Strategy(
        mission=Mission(country="X"),
        goals=[Goal(number="1", title="G", objectives=[Objective(number="2.1", title="O", linkages=["ABC 1"])])],
    )
    findings = lint_strategy(strategy)
    assert {f.line for f in findings} == {None}
    assert codes(findings) == [
        ("missing-description", "goal 1"),
        ("missing-justification", "2.1"),
        ("unknown-linkage", "2.1"),
        ("objective-without-goal", "2.1"),
    ]
    assert isinstance(findings[0], Finding)


@pytest.mark.parametrize("tag", ["(NSS Pillar 2)", "(SDG 4)", "(JSP Goal 1)", "(JRS Objective 1.2)", "(CDCS IR 1.1)"])
def test_known_frameworks_are_not_reported(tag):
    assert codes(lint(BASE.replace("(XYZ DO2)", tag))) == []
