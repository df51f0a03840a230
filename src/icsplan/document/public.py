"""The public-release copy of a strategy (the document half of ``accounts.redaction``).

``public_copy`` removes everything marked SBU and every result not approved, and leaves no trace
of them: no "[redacted]" markers, no gaps in numbering notes, no counts, no return reasons. The
public document must not even reveal that something was withheld. It works on the document alone
(no Django), so the renderers apply it themselves whenever they are asked for a public copy.

It lives in the Django-free core so that ``accounts.redaction`` (below the publishing app) and the
renderers (above it) share one copy without an import cycle between the apps.
"""

from __future__ import annotations

from icsplan.document.model import Goal, Indicator, Objective, PeriodValue, Sensitivity, Strategy, SubObjective

#: the banner of every public copy
PUBLIC_BANNER = "FOR PUBLIC RELEASE"


def is_sbu(sensitivity: Sensitivity | str | None) -> bool:
    return sensitivity == Sensitivity.SBU or sensitivity == Sensitivity.SBU.value

# Narrative fields of the framework elements and the sensitivity field that governs each.
_NARRATIVES = ("description", "justification", "linkages_text")


#: the only result status the public may see; a document result without a status is a cleared one
_APPROVED = "approved"


def _public_values(values: list[PeriodValue]) -> list[PeriodValue]:
    return [value for value in values if not is_sbu(value.sensitivity)]


def _public_results(results: list[PeriodValue]) -> list[PeriodValue]:
    """Approved public results only; why an approver once returned one is internal too."""
    kept = []
    for result in _public_values(results):
        if result.status not in (None, _APPROVED):
            continue
        result.return_reason = None
        kept.append(result)
    return kept


def _public_indicators(indicators: list[Indicator]) -> list[Indicator]:
    kept = []
    for indicator in indicators:
        if is_sbu(indicator.sensitivity):
            continue
        indicator.targets = _public_values(indicator.targets)
        indicator.results = _public_results(indicator.results)
        kept.append(indicator)
    return kept


def _redact_element(element: Goal | Objective | SubObjective) -> None:
    narrative_withheld = False
    for name in _NARRATIVES:
        field = f"{name}_sensitivity"
        if not hasattr(element, field):
            continue
        if is_sbu(getattr(element, field)):
            if name != "linkages_text":
                narrative_withheld = narrative_withheld or bool(getattr(element, name))
            setattr(element, name, None)
            setattr(element, field, Sensitivity.PUBLIC)
    # A risk quoted from a withheld narrative is SBU text too, whatever its own marking says.
    element.risks = [
        risk
        for risk in element.risks
        if not is_sbu(risk.sensitivity) and not (risk.in_narrative and narrative_withheld)
    ]
    element.indicators = _public_indicators(element.indicators)


def is_synthetic(strategy: Strategy) -> bool:
    """Whether the edition is synthetic data (``icsplan synth`` writes this classification)."""
    return "SYNTHETIC DATA" in (strategy.classification or "").upper()


def synthetic_banner(banner: str) -> str:
    return f"{banner} — SYNTHETIC DATA, NOT OFFICIAL"


def public_copy(strategy: Strategy) -> Strategy:
    """A deep copy of ``strategy`` holding only what may be publicly released."""
    copy = strategy.model_copy(deep=True)
    if is_sbu(copy.priorities_sensitivity):
        copy.priorities = None
        copy.priorities_sensitivity = Sensitivity.PUBLIC
    copy.sections = [section for section in copy.sections if not is_sbu(section.sensitivity)]
    for _kind, element in copy.iter_elements():
        _redact_element(element)
    # Synthetic data (``icsplan synth``) stays marked as such in the public release too.
    copy.classification = synthetic_banner(PUBLIC_BANNER) if is_synthetic(strategy) else PUBLIC_BANNER
    return copy
