"""icsplan's printed indicator blocks are read back; look-alikes written by people stay text."""

from __future__ import annotations

import datetime as dt

from icsplan.document import Sensitivity
from icsplan.ingest.indicator_tables import extract

BLOCK = """#### Mission Objective 1.1: Security improved

**Justification:** Why it matters.

(SBU) **Indicator T-1: People trained (people)**

Definition: Personnel completing a course.

Standard indicator: SDG 16.1.2

Frequency: quarterly; lower is better

Baseline: not recorded (September 30, 2018)

Period | Target | Result

FY2019Q1 | 80 | 80

FY2019Q1 \u2014 sex: female | | (SBU) 13

FY2019Q2 | 100 |

**Linkages:** CDCS DO2
"""


def test_an_icsplan_block_is_taken_out_and_read():
    text, found = extract(BLOCK)
    assert len(text.split("\n")) == len(BLOCK.split("\n"))  # blanked, so line numbers hold
    assert "Indicator" not in text and "SDG" not in text and "Period" not in text
    assert "Why it matters." in text and "**Linkages:** CDCS DO2" in text
    (indicator,) = found.owners[("objective", "1.1")]
    assert (indicator.code, indicator.name, indicator.unit) == ("T-1", "People trained", "people")
    assert indicator.sensitivity == Sensitivity.SBU and indicator.standard_code == "SDG 16.1.2"
    assert (indicator.frequency, indicator.direction) == ("quarterly", "decrease")
    assert indicator.baseline is not None
    assert (indicator.baseline.value, indicator.baseline.date) == (None, dt.date(2018, 9, 30))
    # Equal target and result are two cells, not one merged cell.
    assert [(v.period, v.value) for v in indicator.targets] == [("FY2019Q1", "80"), ("FY2019Q2", "100")]
    assert [(v.period, v.category, v.category_value, v.value, v.sensitivity) for v in indicator.results] == [
        ("FY2019Q1", None, None, "80", Sensitivity.PUBLIC), ("FY2019Q1", "sex", "female", "13", Sensitivity.SBU)]
    assert [(d.category, d.values) for d in indicator.disaggregations] == [("sex", ["female"])]


def test_a_look_alike_written_by_people_stays_text():
    people = ("**Mission Objective 1.1: Security improved**\n\n**Indicator 1: People trained**\n\n"
              "Definition: whoever finished the course.\n\nFrequency: every year, as resources allow\n")
    text, found = extract(people)
    assert text == people and not found.owners
