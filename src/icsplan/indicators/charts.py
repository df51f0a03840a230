"""Charts of indicator progress, one code path for web pages (SVG) and documents (PNG).

Two figures: an indicator's targets against its approved results per period, and a strategy's
objective-by-period status matrix. Both are readable in grayscale and by people who cannot tell
red from green: targets are hatched bars and results black markers with value labels; status
cells carry a hatch pattern and their label as text, colour is only a third cue. Every figure
has an alt-text function that states the figures themselves. Sample data is labelled on the
chart and in the alt text.

Figures are built on ``matplotlib.figure.Figure`` with the Agg backend, never pyplot's global
state, so rendering is safe in a threaded web server. The web's indicator chart (SVG, one per
indicator on the strategy browser) is written directly by ``svg_chart`` instead: the same look,
a few hundred times cheaper to draw.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import svg_chart  # noqa: E402
from .status import Status  # noqa: E402

SAMPLE_LABEL = "Sample data — illustrative, not official"

# Status -> (fill, hatch, short label). Light fills keep black text and hatching legible in print.
STYLE = {
    Status.ON_TRACK: ("#b8e1b0", "", "On track"),
    Status.AT_RISK: ("#fde3a7", "///", "At risk"),
    Status.OFF_TRACK: ("#f4b6b0", "xxx", "Off track"),
    Status.NO_DATA: ("#ffffff", "...", "No data"),
    Status.NOT_RATED: ("#e8e8e8", "", "Not rated"),
}
FORMATS = ("svg", "png")


@dataclass
class IndicatorChart:
    """The figures of one indicator chart (built by ``indicator_chart_data``)."""

    code: str
    name: str
    unit: str
    value_type: str
    periods: list[str]
    targets: list[float | None]
    results: list[float | None]
    statuses: list[Status] = field(default_factory=list)
    baseline: float | None = None
    cumulative: bool = False
    sample: bool = False


def _f(value) -> float | None:
    return None if value is None else float(value)


def indicator_chart_data(item) -> IndicatorChart:
    """Chart figures of a ``progress.IndicatorProgress``: every period with a target or result."""
    from .periods import sort_key

    series, ind = item.series, item.indicator
    periods = sorted(set(series.targets) | set(series.actuals), key=sort_key)
    from .status import assess

    return IndicatorChart(
        code=ind.code, name=ind.name, unit=ind.unit or "", value_type=ind.value_type, periods=periods,
        targets=[_f(series.targets.get(p)) for p in periods], results=[_f(series.actuals.get(p)) for p in periods],
        statuses=[assess(series, p).status for p in periods], baseline=_f(series.baseline),
        cumulative=ind.cumulative, sample=ind.sample,
    )


def _fmt(value: float | None, value_type: str = "number") -> str:
    if value is None:
        return "none"
    if value_type == "milestone":
        return "yes" if value >= 1 else "no"
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 1000 else f"{value:,.1f}"
    return text + ("%" if value_type == "percent" else "")


def render(fig: Figure, fmt: str = "svg", *, tight: bool = True) -> bytes:
    """The figure as SVG (text kept as text) or PNG bytes; ``tight`` crops it to what is drawn."""
    if fmt not in FORMATS:
        raise ValueError(f"charts are svg or png, not {fmt!r}")
    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "icsplan"}):
        fig.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else 72, bbox_inches="tight" if tight else None,
                    metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def indicator_figure(data: IndicatorChart) -> Figure:
    """Targets (hatched bars) against approved results (black markers) per period."""
    fig = Figure(figsize=(max(5.0, 0.9 * len(data.periods) + 2), 3.6))
    ax = fig.add_subplot()
    title = f"{data.code} {data.name}"
    fig.suptitle(title if len(title) < 80 else title[:77] + "…", fontsize=10, x=0.02, ha="left")
    if data.value_type == "qualitative" or not data.periods:
        ax.axis("off")
        ax.text(0.5, 0.5, "Qualitative indicator: results are text, see the table" if data.periods else
                "No targets or results yet", ha="center", va="center", fontsize=10)
    else:
        xs = list(range(len(data.periods)))
        targets = [t if t is not None else 0 for t in data.targets]
        ax.bar(xs, targets, width=0.6, facecolor="white", edgecolor="black", hatch="//", label="Target")
        for x, t in zip(xs, data.targets):
            if t is not None:
                # At the foot of the bar, clear of the result markers and their labels near the top.
                ax.annotate(f"target\n{_fmt(t, data.value_type)}", (x, 0), textcoords="offset points",
                            xytext=(0, 4), ha="center", va="bottom", fontsize=7, color="#333333",
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        points = [(x, r) for x, r in zip(xs, data.results) if r is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], color="black", marker="o", markersize=6,
                    linewidth=1.5, label="Result (approved)")
            for x, r in points:
                ax.annotate(_fmt(r, data.value_type), (x, r), textcoords="offset points", xytext=(8, -3),
                            ha="left", fontsize=8, fontweight="bold",
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.9})
        if data.baseline is not None:
            ax.axhline(data.baseline, color="#555555", linestyle="--", linewidth=1,
                       label=f"Baseline {_fmt(data.baseline, data.value_type)}")
        labels = [f"{p}\n{s.label}" if s.rated else p for p, s in zip(data.periods, data.statuses)]
        ax.set_xticks(xs, labels, fontsize=7)
        if data.value_type == "milestone":
            ax.set_yticks([0, 1], ["no", "yes"])
        ax.set_ylabel(data.unit or data.value_type, fontsize=8)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"))
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylim(bottom=min(0, *(v for v in targets + [r for _, r in points] if v is not None)))
    notes = []
    if data.cumulative:
        notes.append("Cumulative: values are per-period increments; status uses running totals.")
    if data.sample:
        notes.append(SAMPLE_LABEL)
    if notes:
        fig.text(0.02, -0.02, "  ".join(notes), fontsize=7, style="italic", ha="left", va="top")
    return fig


def indicator_chart(data: IndicatorChart, fmt: str = "svg") -> bytes:
    """The chart as SVG (web: drawn directly, well under a millisecond, by ``svg_chart``) or PNG
    (documents: ``indicator_figure`` through matplotlib)."""
    if fmt == "svg":
        return svg_chart.draw(data, _fmt, SAMPLE_LABEL)
    return render(indicator_figure(data), fmt)


def indicator_alt_text(data: IndicatorChart) -> str:
    """A sentence-by-sentence description of the indicator chart, with every figure."""
    unit = f" ({data.unit})" if data.unit else ""
    parts = [f"Chart of indicator {data.code}, {data.name}{unit}: targets and approved results by period."]
    if data.value_type == "qualitative":
        parts.append("Qualitative indicator; its results are text and are not charted.")
    for period, target, result, status in zip(data.periods, data.targets, data.results, data.statuses):
        status_text = f", {status.label.lower()}" if status.rated else ""
        parts.append(f"{period}: target {_fmt(target, data.value_type)}, result "
                     f"{_fmt(result, data.value_type) if result is not None else 'not yet approved'}{status_text}.")
    if data.baseline is not None:
        parts.append(f"Baseline {_fmt(data.baseline, data.value_type)}.")
    if data.cumulative:
        parts.append("Cumulative indicator: status compares running totals.")
    if data.sample:
        parts.append(SAMPLE_LABEL + ".")
    return " ".join(parts)


# The dashboard shows the status matrix in an <img width=640> (web/dashboard.html): the SVG's user
# unit is the point, so a figure MATRIX_WIDTH_PT wide is drawn at 640 / MATRIX_WIDTH_PT CSS px per point.
MATRIX_DISPLAY_PX = 640
MATRIX_WIDTH_PT = 480.0  # 640 CSS px at 96 px per inch = 6.67 inches = 480 pt: one point is 4/3 px
MIN_TEXT_PX = 12.0
# The smallest font (points) that is still MIN_TEXT_PX at the displayed size.
MATRIX_MIN_FONT_PT = MIN_TEXT_PX * MATRIX_WIDTH_PT / MATRIX_DISPLAY_PX


def _matrix_height_in(n_rows: int) -> float:
    return 1.5 + 0.4 * max(1, n_rows)


def status_matrix_height_px(progress, *, include_goals: bool = False) -> int:
    """The matrix's height in CSS px when shown MATRIX_DISPLAY_PX wide (the <img height>, no layout shift)."""
    n_rows = len(progress.objectives) + (len(progress.goals) if include_goals else 0)
    return round(_matrix_height_in(n_rows) * 72 * MATRIX_DISPLAY_PX / MATRIX_WIDTH_PT)


def status_matrix_figure(progress, *, include_goals: bool = False) -> Figure:
    """Objectives (rows) by periods (columns), each cell hatched and labelled with its status.

    The figure has a fixed width (``MATRIX_WIDTH_PT``) and keeps everything inside it (constrained
    layout, legend below), so no text is smaller than ``MIN_TEXT_PX`` where the dashboard shows it.
    """
    rows = list(progress.objectives) + (list(progress.goals) if include_goals else [])
    periods = progress.periods
    small = MATRIX_MIN_FONT_PT
    width_in = MATRIX_WIDTH_PT / 72
    fig = Figure(figsize=(width_in, _matrix_height_in(len(rows))), layout="constrained")
    ax = fig.add_subplot()
    # Narrow columns get the status on two lines ("Off / track") so labels do not overlap.
    two_lines = len(periods) > 5
    for i, row in enumerate(rows):
        for j, period in enumerate(periods):
            status = row.statuses.get(period, Status.NO_DATA)
            fill, hatch, label = STYLE[status]
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=fill, edgecolor="#333333", hatch=hatch, linewidth=0.8))
            ax.text(j + 0.5, i + 0.5, label.replace(" ", "\n") if two_lines else label, ha="center",
                    va="center", fontsize=small, linespacing=1.0,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8, "alpha": 0.85})
    ax.set_xlim(0, max(1, len(periods)))
    ax.set_ylim(max(1, len(rows)), 0)
    ax.set_xticks([j + 0.5 for j in range(len(periods))], periods, fontsize=small)
    ax.xaxis.tick_top()
    ax.set_yticks([i + 0.5 for i in range(len(rows))], [r.label for r in rows], fontsize=small)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [Patch(facecolor=STYLE[s][0], hatch=STYLE[s][1], edgecolor="#333333", label=STYLE[s][2])
               for s in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)]
    fig.legend(handles=handles, fontsize=small, frameon=False, loc="outside lower center", ncols=4)
    title = f"Status by objective and period — {progress.strategy}"
    title = title if len(title) < 60 else title[:57] + "…"
    # The sample label goes under the title: below the plot it would collide with the legend.
    fig.suptitle(title + (f"\n{SAMPLE_LABEL}" if progress.sample else ""), fontsize=small + 1, x=0.02, ha="left")
    return fig


def status_matrix_chart(progress, fmt: str = "svg", *, include_goals: bool = False) -> bytes:
    """``status_matrix_figure`` rendered as SVG (web) or PNG (documents), at its fixed width."""
    return render(status_matrix_figure(progress, include_goals=include_goals), fmt, tight=False)


def status_matrix_rows(progress, *, include_goals: bool = False) -> list[tuple[str, list[str]]]:
    """The status matrix as data: (row label, status key for each of ``progress.periods``)."""
    rows = list(progress.objectives) + (list(progress.goals) if include_goals else [])
    return [(row.label, [row.statuses.get(period, Status.NO_DATA).value for period in progress.periods])
            for row in rows]


def status_matrix_alt_text(progress, *, include_goals: bool = False) -> str:
    """The status matrix in words: every objective's status per period, then the totals."""
    rows = list(progress.objectives) + (list(progress.goals) if include_goals else [])
    periods = progress.periods
    span = f"{periods[0]}–{periods[-1]}" if periods else "no periods"
    parts = [f"Status matrix of {len(rows)} objectives over {span}."]
    counts = {s: 0 for s in STYLE}
    for row in rows:
        cells = []
        for period in periods:
            status = row.statuses.get(period, Status.NO_DATA)
            counts[status] += 1
            cells.append(f"{period} {status.label.lower()}")
        parts.append(f"{row.label}: {', '.join(cells)}.")
    parts.append("In all: " + ", ".join(f"{n} {s.label.lower()}" for s, n in counts.items() if n) + ".")
    if progress.sample:
        parts.append(SAMPLE_LABEL + ".")
    return " ".join(parts)


__all__ = [
    "IndicatorChart", "indicator_chart_data", "indicator_figure", "indicator_chart", "indicator_alt_text",
    "status_matrix_figure", "status_matrix_chart", "status_matrix_alt_text", "status_matrix_rows", "status_matrix_height_px", "render",
    "MATRIX_DISPLAY_PX", "MATRIX_WIDTH_PT", "MIN_TEXT_PX",
]
