"""The Mali 2018 strategy, read exactly as its truth file says."""

from __future__ import annotations

import textwrap

from icsplan.ingest import lint_strategy, parse_text

MISMATCHES = ["1.1", "1.2", "3.2", "3.3", "management objective 1"]


def objectives(result):
    return {o.number: o for o in result.strategy.iter_objectives()}


def test_metadata(mali):
    strategy = mali.strategy
    assert strategy.mission.country == "Mali"
    assert strategy.layout == 2018
    assert strategy.classification == "FOR PUBLIC RELEASE"
    assert strategy.approved_date is None and strategy.edition is None  # none is printed
    assert strategy.priorities.startswith("Once lauded for over 20 years")
    assert strategy.priorities.count("\n\n") == 6  # seven paragraphs
    assert strategy.sections == []


def test_goals(mali, mali_truth):
    got = [(g.number, g.title) for g in mali.strategy.goals]
    assert got == [(str(g["number"]), g["title"]) for g in mali_truth["mission_goals"]]


def test_objectives(mali, mali_truth):
    got = [(g.number, o.number, o.title) for g in mali.strategy.goals for o in g.objectives]
    want = [(str(o["goal"]), o["number"], o["title"]) for o in mali_truth["mission_objectives"]]
    assert got == want
    assert all(not o.sub_objectives for o in mali.strategy.iter_objectives())
    assert mali_truth["sub_objectives"] == []


def test_management_objectives(mali, mali_truth):
    got = [(m.number, m.title) for m in mali.strategy.management_objectives]
    assert got == [(m["number"], m["title"]) for m in mali_truth["management_objectives"]]
    assert mali.strategy.management_objectives[0].justification.startswith("Mission Mali operates")


def test_linkages(mali, mali_truth):
    got = {number: o.linkages for number, o in objectives(mali).items()}
    want = {number: mali_truth["linkages"].get(number, []) for number in got}
    assert got == want
    assert all(g.linkages == [] for g in mali.strategy.goals)
    assert mali.strategy.management_objectives[0].linkages == []


def test_framework_titles(mali, mali_truth):
    elements = dict(objectives(mali))
    elements["management objective 1"] = mali.strategy.management_objectives[0]
    differing = [name for name, e in elements.items() if e.framework_title]
    assert differing == mali_truth["framework_vs_body_differences"] == MISMATCHES
    assert elements["1.1"].framework_title == (
        "Mali has strong and effective civilian control over its military and security forces and better "
        "control of its borders."
    )
    # Goals 1 and 3 differ only by case, quote style and a full stop.
    assert [g.framework_title for g in mali.strategy.goals] == [None, None, None]


def test_framework_entries_and_lines(mali):
    assert len(mali.framework) == 13
    assert mali.framework[5] == ("objective", "2.1", "Adaptive capacity of vulnerable communities and households increased (CDCS DO2)", 55)
    assert mali.lines["framework:objective:1.3"] == 51
    assert mali.lines["goal:1"] == 73
    assert mali.lines["objective:1.2"] == 81
    assert mali.lines["management_objective:1"] == 137
    assert mali.orphans == []


def test_heading_with_odd_punctuation(mali):
    """'**Mission Objective 1.2.: ...**' is objective 1.2."""
    assert objectives(mali)["1.2"].title.startswith("Mali’s Defense and Security sectors")


def test_page_breaks_rejoined(mali):
    objs = objectives(mali)
    assert "behavior change communications, health systems" in objs["2.2"].justification
    assert objs["2.2"].justification.count("\n\n") == 1
    assert "coordinating with our neighboring missions" in objs["3.2"].justification
    assert "\n" not in objs["3.2"].justification
    description = mali.strategy.goals[2].description
    assert "explain and promote our values" in description and "\n" not in description


def test_risks(mali):
    with_risks = {n: o.risks for n, o in objectives(mali).items() if o.risks}
    assert sorted(with_risks) == ["1.1", "1.2", "2.1", "2.3", "3.2", "3.3"]
    for number, risks in with_risks.items():
        assert len(risks) == 1
        assert risks[0].in_narrative is True
        assert risks[0].statement.startswith("Risks associated with not achieving this Mission Objective include")
        assert risks[0].statement in objs_justification(mali, number)
    assert with_risks["3.2"][0].statement.endswith("losing the ability for U.S. firms to access the market.")


def objs_justification(result, number):
    return objectives(result)[number].justification


def test_lint_mali(mali):
    findings = lint_strategy(mali)
    mismatches = [f for f in findings if f.code == "framework-title-mismatch"]
    assert [f.element for f in mismatches] == MISMATCHES
    assert all(f.severity == "warning" for f in mismatches)
    assert not [f for f in findings if f.severity == "error"]
    assert {f.code for f in findings if f.severity == "warning"} == {"framework-title-mismatch"}
    assert mismatches[0].line == 77
    message = mismatches[0].message
    assert "better control of its borders." in message and "against external threats" in message


def test_json_round_trip(mali):
    from icsplan.document import Strategy

    assert Strategy.from_json(mali.strategy.to_json()) == mali.strategy


def rewrap_as_pdf_text(source: str, width: int = 95, page: int = 40) -> str:
    """Mali as a PDF text extraction would give it: wrapped lines, page furniture, form feeds."""
    out: list[str] = []
    for paragraph in source.split("\n"):
        plain = paragraph.replace("**", "").lstrip("# ").strip()
        for line in textwrap.wrap(plain, width):
            out.append(line)
            if len(out) % page == 0:
                out += ["", "Approved: August 14, 2018", "FOR PUBLIC RELEASE", str(len(out) // page), "\f"]
    return "\n".join(out)


def test_same_structure_from_pdf_like_text(mali_path, mali_truth):
    """Generalization: no Markdown, no blank lines, wrapped at 95 columns, furniture every 40 lines."""
    result = parse_text(rewrap_as_pdf_text(mali_path.read_text(encoding="utf-8")), source="mali-wrapped.txt")
    assert [(o.number, o.title) for o in result.strategy.iter_objectives()] == [
        (o["number"], o["title"]) for o in mali_truth["mission_objectives"]
    ]
    assert [g.title for g in result.strategy.goals] == [g["title"] for g in mali_truth["mission_goals"]]
    assert {o.number: o.linkages for o in result.strategy.iter_objectives() if o.linkages} == mali_truth["linkages"]
    assert [f.element for f in lint_strategy(result) if f.severity != "info"] == MISMATCHES
    assert result.strategy.approved_date.isoformat() == "2018-08-14"
    assert result.strategy.mission.country == "Mali"
    assert "\n" not in result.strategy.goals[2].description
