"""The entry point: the report of one strategy edition for one period, as its reader may see it."""

from __future__ import annotations

from ...content import clean_text, fiscal_span, format_date
from .blocks import Cover, ReportOutline
from .builder import Builder as _Builder
from .builder import banner as _banner
from .figures import period_span as _period_span
from .figures import report_period


def report_periods(strategy_row, period: str) -> list[str]:
    """The columns of the report's status matrix: the strategy's fiscal years up to the report's
    year; for a half or a quarter, the years before it and then the period itself."""
    from icsplan.indicators.periods import Period
    from icsplan.indicators.progress import strategy_periods

    target = Period.parse(period)
    # A half or a quarter stands in for its (unfinished) fiscal year: FY2019, FY2020, FY2021Q2.
    last = target.fiscal_year if target.kind == "" else target.fiscal_year - 1
    years = [p for p in strategy_periods(strategy_row) if Period.parse(p).fiscal_year <= last]
    if period not in years:
        years.append(period)
    return years


def build_report(strategy_row, *, period: str, public: bool, user=None, charts: bool = True) -> ReportOutline:
    """The outline of the progress report of ``strategy_row`` for ``period``, as ``user`` may read it.

    ``user=None`` is the trusted local operator (the CLI). With ``public=True``, or for a user who
    may not read the mission's SBU text, nothing marked SBU appears: no SBU narrative, indicator,
    target or result, and no figure computed from one.
    """
    from icsplan.accounts.redaction import PUBLIC_AUDIENCE, audience_for, document_for, wants_public_copy
    from icsplan.indicators.progress import strategy_progress

    period = report_period(period, strategy_row)
    public_only = wants_public_copy(user, strategy_row, public)
    # Raises NotFoundError for people who may not see it; the public copy when ``public_only``.
    document = document_for(user, strategy_row, public=public_only)
    audience = PUBLIC_AUDIENCE if public_only else audience_for(user)
    progress = strategy_progress(strategy_row, report_periods(strategy_row, period), audience=audience)
    builder = _Builder(document, progress, period, public_only=public_only, charts=charts)
    builder.summary()
    builder.body()
    builder.method()
    cover = Cover(
        title="Progress Report",
        strategy_title=clean_text(document.title).strip() or "Integrated Country Strategy",
        country=clean_text(document.mission.country).strip(),
        post=clean_text(document.mission.post).strip() or None,
        edition=clean_text(strategy_row.edition),
        period=period,
        period_span=_period_span(period),
        banner=_banner(document, progress, public_only),
        fiscal_span=fiscal_span(document),
        approved=format_date(document.approved_date),
        sample=progress.sample,
    )
    return ReportOutline(cover, builder.blocks)
