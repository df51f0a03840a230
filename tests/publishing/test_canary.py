"""Plant a unique string in every SBU-capable field; public renders must never show one."""

import datetime as dt

import pytest

from icsplan.document.model import PeriodValue, Risk, Section, Sensitivity
from icsplan.publishing import available_formats, get_renderer

from helpers import text_of

SBU = Sensitivity.SBU
HOSTILE = "<script>alert(1)</script>"


def planted(strategy):
    """The strategy with a canary in every SBU field; returns (strategy, canaries)."""
    canaries = {}  # canary -> kind of field

    def canary(kind="narrative"):
        name = f"ZQCANARY{len(canaries):02d}"
        canaries[name] = kind
        return name

    strategy.priorities, strategy.priorities_sensitivity = f"Priorities {canary('priorities')} here.", SBU
    strategy.sections.append(Section(title=f"Annex {canary('section')}", text=f"Annex {canary('section')} text.", sensitivity=SBU))
    for kind, element in strategy.iter_elements():
        field = "description" if kind == "goal" else "justification"
        setattr(element, field, f"Narrative {canary()} of {element.number}.")
        setattr(element, f"{field}_sensitivity", SBU)
        element.linkages_text, element.linkages_text_sensitivity = f"Links {canary()}.", SBU
        element.risks.append(Risk(statement=f"Risk {canary()}.", mitigation=f"Mitigate {canary()}.", sensitivity=SBU))
    indicators = strategy.goals[0].objectives[0].indicators
    sbu_indicator = indicators[0].model_copy(deep=True)
    sbu_indicator.code, sbu_indicator.name, sbu_indicator.sensitivity = "X-1", f"Indicator {canary('indicator')}", SBU
    sbu_indicator.definition = f"Definition {canary('indicator')}"
    indicators.append(sbu_indicator)
    indicators[0].targets.append(PeriodValue(period="FY2021", value=canary("value"), comment=canary("comment"), sensitivity=SBU))
    indicators[0].results.append(PeriodValue(period="FY2020", value=canary("value"), comment=canary("comment"), sensitivity=SBU))
    return strategy, canaries


@pytest.fixture(scope="module")
def canary_strategy():
    from factory import build_strategy

    return planted(build_strategy())


@pytest.mark.parametrize("fmt", available_formats())
def test_public_render_never_shows_a_canary(canary_strategy, fmt):
    strategy, canaries = canary_strategy
    text = text_of(fmt, get_renderer(fmt).render(strategy, public=True))
    leaked = [c for c in canaries if c in text]
    assert not leaked
    assert "ZQCANARY" not in text
    assert "Mission Goal" in text or fmt in ("xlsx", "json")


# What each format leaves out by design (so an internal render cannot show it either).
NOT_SHOWN = {
    "md": {"indicator", "value", "comment"},  # Markdown carries the narrative only
    "html": {"comment"},
    "pdf": {"comment"},
    "docx": {"comment"},
    "xlsx": {"priorities", "section"},  # the workbook is the framework and the indicators
    "json": set(),
}


@pytest.mark.parametrize("fmt", [f for f in available_formats() if f != "iati"])
def test_internal_render_shows_them(canary_strategy, fmt):
    strategy, canaries = canary_strategy
    text = text_of(fmt, get_renderer(fmt).render(strategy, public=False))
    missing = {c for c, kind in canaries.items() if c not in text}
    assert missing == {c for c, kind in canaries.items() if kind in NOT_SHOWN[fmt]}


def test_iati_is_always_public(canary_strategy):
    strategy, _canaries = canary_strategy
    assert b"ZQCANARY" not in get_renderer("iati").render(strategy, public=False)


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_hostile_narrative_comes_out_inert(public_strategy, fmt):
    public_strategy.priorities = f"Before {HOSTILE} after."
    public_strategy.approved_date = dt.date(2018, 10, 3)
    data = get_renderer(fmt).render(public_strategy)
    if fmt == "html":
        html = data.decode()
        assert HOSTILE not in html
        assert "Before &lt;script&gt;alert(1)&lt;/script&gt; after." in html
    else:
        assert HOSTILE in text_of(fmt, data)
