"""The comparison of two editions (Django-free core): every change made to build the second Mali
edition (``build_mali_2022.py``) is found, and nothing else is reported as changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from icsplan import document as doc
from icsplan.document.compare import compare, redline, similarity, to_html, to_json, to_text

MALI_2022 = Path(__file__).resolve().parent / "data" / "mali-2022.json"

#: (level, kinds, old numbers, new numbers) of each change made to the 2018 edition.
EXPECTED = [
    ("goal", ["kept"], ["1"], ["1"]),
    ("goal", ["reworded"], ["2"], ["2"]),
    ("goal", ["kept"], ["3"], ["3"]),
    ("objective", ["kept"], ["1.1"], ["1.1"]),
    ("objective", ["reworded"], ["1.2"], ["1.2"]),
    ("objective", ["added"], [], ["1.3"]),
    ("objective", ["renumbered"], ["1.3"], ["1.4"]),
    ("objective", ["merged"], ["2.1", "2.2"], ["2.1"]),
    ("objective", ["renumbered"], ["2.3"], ["2.2"]),
    ("objective", ["split"], ["3.1"], ["3.1", "3.3"]),
    ("objective", ["renumbered", "reworded"], ["3.3"], ["3.2"]),
    ("objective", ["dropped"], ["3.2"], []),
    ("management_objective", ["kept"], ["1"], ["1"]),
    ("management_objective", ["added"], [], ["2"]),
]


@pytest.fixture()
def editions(mali_document):
    old = mali_document
    old.edition = "2018"
    # An indicator of 2.3 the 2022 edition no longer measures.
    for objective in old.iter_objectives():
        if objective.number == "2.3":
            objective.indicators = [doc.Indicator(code="2.3-JOBS", name="Jobs created")]
    return old, doc.Strategy.from_json(MALI_2022.read_text(encoding="utf-8"))


def test_every_change_is_found(editions):
    result = compare(*editions)
    found = [(c.level, c.kinds, c.old, c.new) for c in result.changes if c.level != "sub_objective"]
    assert found == EXPECTED


def test_reworded_objective_has_a_word_level_redline(editions):
    change = next(c for c in compare(*editions).changes if c.level == "objective" and c.old == ["1.2"])
    deleted = [s.text.strip() for s in change.redline if s.op == "delete"]
    inserted = [s.text.strip() for s in change.redline if s.op == "insert"]
    assert "support" in deleted and "deep" in inserted and "sustain" in inserted


def test_linkages_and_indicators(editions):
    old, new = editions
    changes = compare(old, new).changes
    first = next(c for c in changes if c.level == "objective" and c.old == ["1.1"])
    assert first.linkages_added == ["SDG 16"] and first.linkages_removed == []
    moved = next(c for c in changes if c.level == "objective" and c.old == ["1.3"])
    assert moved.kinds == ["renumbered"]
    assert moved.linkages_removed == ["CDCS TO1"] and moved.linkages_added == ["CDCS TO2"]
    assert first.indicators_added == ["1.1-CIV"]
    jobs = next(c for c in changes if c.level == "objective" and c.old == ["2.3"])
    assert jobs.indicators_removed == ["2.3-JOBS"]
    added = next(c for c in changes if "added" in c.kinds and c.new == ["1.3"])
    assert added.linkages_added == ["CDCS DO1"]


def test_identical_editions_are_all_kept(mali_document):
    result = compare(mali_document, mali_document.model_copy(deep=True))
    assert {tuple(c.kinds) for c in result.changes} == {("kept",)}


def test_formats(editions):
    result = compare(*editions)
    text = to_text(result)
    assert "Mission Objective 3.1 → 3.1, 3.3: split" in text and "[-support-]" in text
    data = json.loads(to_json(result))
    assert data["summary"]["merged"] == 1 and data["from"] == "2018" and data["to"] == "2022"
    page = to_html(result)
    assert "<del>" in page and "<ins>" in page


def test_html_escapes_text():
    a = doc.Strategy(mission=doc.Mission(country="X"), goals=[doc.Goal(number="1", title="<b>old</b> goal")])
    b = doc.Strategy(mission=doc.Mission(country="X"), goals=[doc.Goal(number="1", title="<script>x</script> goal")])
    page = to_html(compare(a, b))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_similarity_and_redline_basics():
    assert similarity("Public Trust in Government Improved.", "public trust in government improved") == 1.0
    assert similarity("a b c", "x y z") == 0.0
    assert [s.op for s in redline("one two three", "one 2 three")] == ["equal", "delete", "insert", "equal"]
