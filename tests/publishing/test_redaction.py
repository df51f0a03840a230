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


def test_public_copy_keeps_approved_results_only_and_no_return_reason(strategy):
    from icsplan.document.model import PeriodValue

    indicator = strategy.goals[0].objectives[0].indicators[0]
    indicator.results = [
        PeriodValue(period="FY2019", value="1", status="approved", return_reason="old reason"),
        PeriodValue(period="FY2020", value="2"),  # no status in a document: a cleared result
        PeriodValue(period="FY2021", value="3", status="submitted", comment="not cleared yet"),
        PeriodValue(period="FY2022", value="4", status="returned", return_reason="check the source"),
        PeriodValue(period="FY2023", value="5", status="draft", comment="still typing"),
    ]
    results = public_copy(strategy).goals[0].objectives[0].indicators[0].results
    assert [(r.period, r.status) for r in results] == [("FY2019", "approved"), ("FY2020", None)]
    assert all(r.return_reason is None for r in results)
    dump = public_copy(strategy).to_json()
    for text in ("not cleared yet", "check the source", "still typing", "old reason"):
        assert text not in dump
