from icsplan.document.model import Sensitivity
from icsplan.publishing import public_copy
from icsplan.publishing.content import has_sbu


def test_public_copy_removes_everything_sbu(strategy):
    assert has_sbu(strategy)
    copy = public_copy(strategy)
    assert not has_sbu(copy)
    first = copy.goals[0].objectives[0]
    assert first.justification is None
    assert copy.goals[1].description is None
    assert [i.code for i in first.indicators] == ["1.1-a"]
    assert all(v.sensitivity == Sensitivity.PUBLIC for v in first.indicators[0].results)
    assert len(first.indicators[0].results) == 1
    assert [r.statement for r in first.risks] == ["Further loss of territorial control."]
    assert [s.title for s in copy.sections] == ["Country Context"]
    assert copy.classification == "FOR PUBLIC RELEASE"


def test_public_copy_keeps_public_content_and_leaves_no_trace(strategy):
    copy = public_copy(strategy)
    assert copy.goals[0].description == strategy.goals[0].description
    assert copy.goals[0].objectives[0].linkages_text == "Links to JRS Goal 1 and NSS Pillar 1."
    dump = copy.to_json()
    for word in ("redact", "withheld", "removed", "[SBU]"):
        assert word not in dump


def test_public_copy_does_not_touch_the_original(strategy):
    before = strategy.to_json()
    public_copy(strategy)
    assert strategy.to_json() == before


def test_risk_quoted_from_a_withheld_narrative_goes_too(strategy):
    # Objective 1.1's justification is SBU and quotes the "instability" risk.
    first = public_copy(strategy).goals[0].objectives[0]
    assert "instability" not in [r.statement for r in first.risks]
    # ... while a public justification keeps its quoted risk.
    assert public_copy(strategy).goals[0].objectives[1].risks[0].statement == "instability"


def test_sbu_priorities_and_linkages_text(strategy):
    strategy.priorities_sensitivity = Sensitivity.SBU
    strategy.goals[0].objectives[0].linkages_text_sensitivity = Sensitivity.SBU
    copy = public_copy(strategy)
    assert copy.priorities is None
    assert copy.goals[0].objectives[0].linkages_text is None
    assert copy.goals[0].objectives[0].linkages == ["JRS Goal 1", "NSS Pillar 1"]
