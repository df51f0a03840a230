"""Building the blocks of a report from the (already redacted) document and progress figures."""

from __future__ import annotations

import functools

from ...content import PUBLIC_BANNER, SBU_BANNER, clean_text, format_date, has_sbu, is_sbu
from .blocks import (
    CHART_HEIGHT_IN,
    MANAGEMENT,
    METHOD_TITLE,
    PROGRESS,
    SAMPLE_LABEL,
    STATUS_LABELS,
    SUMMARY,
    Block,
    Chart,
    Heading,
    Paragraph,
    Table,
)
from .figures import (
    number as _number,
)
from .figures import (
    period_span as _period_span,
)
from .figures import (
    sbu_cell as _sbu_cell,
)
from .figures import (
    written as _written,
)


# -- the builder ----------------------------------------------------------------------------------
class Builder:
    def __init__(self, document, progress, period: str, *, public_only: bool, charts: bool):
        from icsplan.indicators.periods import Period

        self.document = document
        self.progress = progress
        self.period = period
        self.period_obj = Period.parse(period)
        self.public_only = public_only
        self.charts = charts
        self.blocks: list[Block] = []
        self.items_by_element = {}
        for element in list(progress.objectives) + list(progress.goals):
            self.items_by_element[(element.kind, element.number)] = element

    # periods of an indicator shown in its table and chart: up to the end of the report period
    def _shown(self, periods) -> list[str]:
        from icsplan.indicators.periods import Period, sort_key

        shown = []
        for pid in periods:
            try:
                p = Period.parse(pid)
            except ValueError:
                continue
            if p.end <= self.period_obj.end:
                shown.append(pid)
        return sorted(set(shown), key=sort_key)

    def status_of(self, element) -> str:
        status = element.statuses.get(self.period) if element else None
        return status.value if status is not None else "no_data"

    def counts(self) -> dict[str, int]:
        counts = {key: 0 for key in STATUS_LABELS}
        for item in self.progress.indicators:
            counts[item.status(self.period).value] += 1
        return counts

    # -- sections
    def summary(self) -> None:
        from icsplan.indicators import charts as ch

        add = self.blocks.append
        add(Heading(1, SUMMARY, "summary", toc=True))
        counts = self.counts()
        total = sum(counts.values())
        if total:
            parts = [f"{counts[k]} {STATUS_LABELS[k].lower()}" for k in ("on_track", "at_risk", "off_track", "no_data")
                     if counts[k]]
            if counts["not_rated"]:
                parts.append(f"{counts['not_rated']} qualitative (not rated)")
            add(Paragraph(
                f"This report covers {self.period} ({_period_span(self.period)}). Of the {total} indicators "
                f"reported here, {', '.join(parts)}. Goal and objective status rolls up from their indicators; "
                f"only approved results count."
            ))
        else:
            add(Paragraph(f"This report covers {self.period} ({_period_span(self.period)}). "
                          "No indicators have been defined for this strategy yet."))
        if self.progress.sample:
            add(Paragraph(SAMPLE_LABEL + ". The indicators and figures in this report are sample data "
                          "created for demonstration.", label="Note:", note=True))
        rows = []
        for goal in self.document.goals:
            rows.append((f"Mission Goal {goal.number}", _title(goal), STATUS_LABELS[self.status_of(self._el("goal", goal.number))]))
            for objective in goal.objectives:
                el = self._el("objective", objective.number)
                rows.append((f"Objective {objective.number}", _title(objective), STATUS_LABELS[self.status_of(el)]))
        for mo in self.document.management_objectives:
            el = self._el("management_objective", mo.number)
            rows.append((f"Management Objective {mo.number}", _title(mo), STATUS_LABELS[self.status_of(el)]))
        if rows:
            add(Table(("", "Goal or objective", f"Status {self.period}"), tuple(rows),
                      caption=f"Status of each goal and objective, {self.period}", status_column=2,
                      widths=(1.3, 4.0, 1.2)))
        if self.charts and self.progress.objectives and self.progress.periods:
            progress = self.progress
            add(Chart(
                "status-matrix", ch.status_matrix_alt_text(progress),
                f"Status of each objective by fiscal period, {progress.periods[0]}\u2013{progress.periods[-1]}",
                make=lambda fmt: _status_matrix_chart(progress, fmt), width_in=6.5,
            ))

    def _el(self, kind: str, number: str):
        return self.items_by_element.get((kind, number))

    def element(self, kind: str, element, level: int, label: str) -> None:
        progress = self._el(kind, element.number)
        status = self.status_of(progress)
        anchor = f"{kind}-" + "".join(ch if ch.isalnum() else "-" for ch in element.number)
        self.blocks.append(Heading(level, f"{label} {element.number}: {_title(element)}", anchor, status=status))
        indicators = list(progress.indicators) if progress is not None else []
        if kind == "goal":
            return
        if not indicators:
            self.blocks.append(Paragraph("No indicators measure this objective yet.", note=True))
            return
        statuses = [item.status(self.period).value for item in indicators]
        rated = [s for s in statuses if s in ("on_track", "at_risk", "off_track")]
        summary = f"{len(indicators)} indicator{'s' if len(indicators) != 1 else ''}"
        if rated:
            summary += ": " + ", ".join(
                f"{sum(1 for s in rated if s == key)} {STATUS_LABELS[key].lower()}"
                for key in ("on_track", "at_risk", "off_track") if key in rated
            )
        missing = sum(1 for s in statuses if s == "no_data")
        if missing:
            summary += f"{';' if rated else ':'} {missing} without an approved result or target for {self.period}"
        self.blocks.append(Paragraph(summary + ".", label=f"Status {self.period}: {STATUS_LABELS[status]}."))
        for item in indicators:
            self.indicator(item)

    def indicator(self, item) -> None:
        from icsplan.indicators import charts as ch
        from icsplan.indicators.status import assess

        ind, series = item.indicator, item.series
        sbu = is_sbu(ind.sensitivity)
        value_type = ind.value_type
        heading = f"{clean_text(ind.code)}: {clean_text(ind.name).strip()}"
        if ind.unit:
            heading += f" ({clean_text(ind.unit).strip()})"
        status = item.status(self.period)
        self.blocks.append(Heading(4, ("(SBU) " if sbu else "") + heading, "indicator-" + _slug(ind.code),
                                   status=status.value))
        details = [f"Responsible: {ind.responsible}" if ind.responsible else "",
                   f"Source: {clean_text(ind.data_source).strip()}" if ind.data_source else "",
                   f"{'Higher' if ind.direction == 'increase' else 'Lower'} is better; reported {ind.frequency}"
                   + ("; cumulative (status uses running totals)" if ind.cumulative else "")]
        if ind.sample and SAMPLE_LABEL not in " ".join(details):
            details.insert(0, SAMPLE_LABEL)
        self.blocks.append(Paragraph(". ".join(d.rstrip(".") for d in details if d) + ".", note=True))

        totals_t = {t.period: t for t in item.targets if not t.category}
        totals_r = {r.period: r for r in item.results if not r.category}
        periods = self._shown(set(totals_t) | set(series.actuals) | set(totals_r))
        if self.charts and value_type != "qualitative" and periods:
            data = ch.indicator_chart_data(item)
            keep = [i for i, p in enumerate(data.periods) if p in periods]
            if keep:
                data.periods = [data.periods[i] for i in keep]
                data.targets = [data.targets[i] for i in keep]
                data.results = [data.results[i] for i in keep]
                data.statuses = [data.statuses[i] for i in keep]
                self.blocks.append(Chart(
                    "indicator-" + _slug(ind.code), ch.indicator_alt_text(data),
                    "",  # the heading above names the indicator; the alt text states every figure
                    make=functools.partial(_indicator_chart, data), width_in=6.5,
                ))
        rows, highlight = [], []
        baseline = getattr(ind, "baseline", None) if _has_baseline(ind) else None
        if baseline is not None and (baseline.value or baseline.number is not None):
            when = format_date(baseline.date)
            rows.append(("Baseline" + (f" ({when})" if when else ""), "", _written(baseline, value_type), ""))
        for pid in periods:
            target = totals_t.get(pid)
            result = totals_r.get(pid)
            if result is not None and result.status == "approved":
                actual = _sbu_cell(_written(result, value_type), is_sbu(result.sensitivity))
            elif series.actuals.get(pid) is not None:
                actual = _number(series.actuals[pid], value_type) + " (sum of breakdown)"
            elif result is not None and not self.public_only:
                actual = "awaiting approval"
            else:
                actual = ""
            target_text = _sbu_cell(_written(target, value_type), is_sbu(target.sensitivity)) if target else ""
            assessed = assess(series, pid).status.value
            if value_type == "qualitative":
                assessed = "not_rated"
            if pid == self.period:
                highlight.append(len(rows))
            rows.append((pid, target_text, actual, STATUS_LABELS[assessed]))
        if rows:
            self.blocks.append(Table(("Period", "Target", "Actual (approved)", "Status"), tuple(rows),
                                     caption="",
                                     status_column=3, highlight=tuple(highlight), widths=(1.6, 1.6, 2.0, 1.3)))
        else:
            self.blocks.append(Paragraph("No targets or results recorded up to this period.", note=True))
        # Progress narratives: the comments written with this period's approved results.
        for result in item.results:
            if result.category or result.status != "approved" or not (result.comment or "").strip():
                continue
            if not _within(result.period, self.period_obj):
                continue
            text = clean_text(result.comment).strip()
            if ind.sample and text.rstrip(".") == SAMPLE_LABEL:
                continue  # already labelled above
            self.blocks.append(Paragraph(text, label=f"Narrative ({result.period}):", sbu=is_sbu(result.sensitivity)))
        if value_type == "qualitative":
            result = totals_r.get(self.period)
            if result is not None and result.status == "approved" and result.value:
                self.blocks.append(Paragraph(clean_text(result.value).strip(), label=f"Result {self.period}:",
                                             sbu=is_sbu(result.sensitivity)))

    def body(self) -> None:
        add = self.blocks.append
        add(Heading(1, PROGRESS, "progress", toc=True))
        for goal in self.document.goals:
            self.element("goal", goal, 2, "Mission Goal")
            for objective in goal.objectives:
                self.element("objective", objective, 3, "Mission Objective")
        if self.document.management_objectives:
            add(Heading(1, MANAGEMENT, "management", toc=True))
            for mo in self.document.management_objectives:
                self.element("management_objective", mo, 3, "Management Objective")

    def method(self) -> None:
        add = self.blocks.append
        add(Heading(1, "4. " + METHOD_TITLE, "method", toc=True))
        add(Paragraph(
            "Status is computed from approved results only. An indicator is on track when its approved actual "
            "meets the target, or has achieved at least 90% of the planned change from its baseline; at risk from "
            "70%; otherwise off track. Qualitative indicators are not rated. A period without a target or an "
            "approved result has no data. An objective's status is the mean of its rated indicators (on track 1, "
            "at risk \u00bd, off track 0): on track from 0.75, at risk from 0.5; a goal averages its objectives."
        ))
        if self.progress.sample:
            add(Paragraph(SAMPLE_LABEL + ": every indicator, target and result in this report is illustrative.",
                          note=True))


def _indicator_chart(data, fmt: str) -> bytes:
    """The indicators module's chart, a little lower than on the web so that a page holds two;
    drawn once per change of its figures (``indicators.chart_cache``)."""
    from icsplan.indicators import chart_cache
    from icsplan.indicators import charts as ch

    def draw() -> bytes:
        figure = ch.indicator_figure(data)
        figure.set_size_inches(figure.get_figwidth(), CHART_HEIGHT_IN)
        return ch.render(figure, fmt)

    return chart_cache.cached(chart_cache.indicator_key(data, fmt, variant=f"report-{CHART_HEIGHT_IN}"), draw)


def _status_matrix_chart(progress, fmt: str) -> bytes:
    """The status matrix, drawn once per change of the statuses shown (``indicators.chart_cache``)."""
    from icsplan.indicators import chart_cache

    return chart_cache.status_matrix_chart(progress, fmt)


def _within(period_id: str, report_period) -> bool:
    from icsplan.indicators.periods import Period

    try:
        return Period.parse(period_id).within(report_period)
    except ValueError:
        return False


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in clean_text(text)).strip("-") or "x"


def _title(element) -> str:
    return clean_text(element.title).strip()


def _has_baseline(indicator) -> bool:
    from icsplan.indicators import models as m

    try:
        return indicator.baseline is not None
    except m.Baseline.DoesNotExist:
        return False


def banner(document, progress, public_only: bool) -> str:
    if public_only:
        return PUBLIC_BANNER
    sbu = has_sbu(document) or any(
        is_sbu(item.indicator.sensitivity) or any(is_sbu(v.sensitivity) for v in item.targets + item.results)
        for item in progress.indicators
    )
    if sbu:
        return SBU_BANNER
    return clean_text(document.classification).strip() or "UNCLASSIFIED"
