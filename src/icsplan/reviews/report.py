"""The review report: an approved (or open) review as DOCX, PDF or HTML through the progress
report's outline and renderers (``publishing.report``): a cover, the ratings at a glance (table
and chart), then each objective's rating, narrative, decisions, evidence and action items.

The outline is built from ``services.review_content``, which has already left out everything the
reader may not see; ``public=True`` asks for the public version whoever asks (no SBU narrative,
decision or action item, and the public evidence only).
"""

from __future__ import annotations

from functools import partial

from icsplan.accounts import redaction
from icsplan.publishing.content import PUBLIC_BANNER, SBU_BANNER
from icsplan.publishing.report import report_format
from icsplan.publishing.report.outline import Block, Chart, Cover, Heading, Paragraph, ReportOutline, Table

from .choices import Rating
from .services import ReviewContent, review_content

# Rating -> (fill, hatch): readable in grayscale, colour is only a second cue.
_STYLE = {"on_track": ("#b8e1b0", ""), "some_concerns": ("#fde3a7", "///"), "off_track": ("#f4b6b0", "xxx"),
          "not_assessed": ("#e8e8e8", "...")}


def _ratings_chart(counts: dict[str, int], fmt: str) -> bytes:
    from icsplan.indicators import charts as ch
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0, 2.2))
    axes = figure.add_subplot()
    keys = [choice.value for choice in Rating]
    labels = [Rating(k).label for k in keys]
    values = [counts.get(k, 0) for k in keys]
    bars = axes.barh(labels[::-1], values[::-1], color=[_STYLE[k][0] for k in keys[::-1]], edgecolor="black")
    for bar, key in zip(bars, keys[::-1]):
        bar.set_hatch(_STYLE[key][1])
    for bar, value in zip(bars, values[::-1]):
        axes.text(bar.get_width() + 0.1, bar.get_y() + bar.get_height() / 2, str(value), va="center")
    axes.set_xlabel("Objectives")
    axes.set_xlim(0, max(values + [1]) + 1)
    figure.tight_layout()
    return ch.render(figure, fmt)


def review_outline(content: ReviewContent) -> ReportOutline:
    """The report's cover and blocks, in reading order."""
    review = content.review
    strategy = review.strategy
    sbu_seen = not content.public and any(
        redaction.is_sbu(a.narrative_sensitivity) and a.narrative
        or any(redaction.is_sbu(i.sensitivity) for i in a.action_items) for a in content.assessments)
    cover = Cover(
        title=f"{review} of the Integrated Country Strategy", strategy_title=strategy.title,
        country=strategy.mission.country, post=strategy.mission.post or None, edition=strategy.edition,
        period=review.period, period_span=f"1 October {review.fiscal_year - 1} – 30 September {review.fiscal_year}",
        banner=PUBLIC_BANNER if content.public else (SBU_BANNER if sbu_seen else "UNCLASSIFIED"),
        fiscal_span=(f"FY{strategy.fiscal_year_start}–FY{strategy.fiscal_year_end}"
                     if strategy.fiscal_year_start and strategy.fiscal_year_end else None),
        approved=review.approved_at.date().isoformat() if review.approved_at else None, sample=False)
    blocks: list[Block] = []
    add = blocks.append
    status = review.get_status_display()
    add(Heading(1, "Ratings at a glance", "ratings", toc=True))
    add(Paragraph(f"Status: {status}." + (" Frozen at approval: the strategy and its monitoring data as they were "
                                          "then." if content.frozen else "")))
    add(Table(("Objective", "Title", "Rating", "Computed status"),
              tuple((a.number, a.title, a.rating_label, (a.evidence or {}).get("status_label", ""))
                    for a in content.assessments), caption="Owners' ratings beside the indicators' status"))
    counts = content.counts()
    alt = "Ratings: " + ", ".join(f"{Rating(k).label} {v}" for k, v in counts.items())
    add(Chart("ratings", alt, alt, partial(_ratings_chart, counts)))
    for a in content.assessments:
        label = "Management Objective" if a.kind == "management_objective" else "Mission Objective"
        add(Heading(2, f"{label} {a.number}: {a.title}", f"{a.kind}-{a.number}", toc=True))
        add(Paragraph(a.rating_label, label="Rating"))
        sbu = not content.public and redaction.is_sbu(a.narrative_sensitivity)
        if a.narrative:
            add(Paragraph(a.narrative, label="Narrative", sbu=sbu))
        if a.decisions:
            add(Paragraph(a.decisions, label="Decisions", sbu=sbu))
        evidence = a.evidence or {}
        if evidence.get("indicators"):
            add(Table(("Indicator", "Status", "Target", "Actual"),
                      tuple((f"{i['code']} {i['name']}", i["status_label"], i["target"] or "", i["actual"] or "")
                            for i in evidence["indicators"]), caption=f"Evidence {review.period}"))
        if a.action_items:
            add(Table(("Action item", "Owner", "Due"),
                      tuple((i.description, i.owner, i.due_date) for i in a.action_items), caption="Action items"))
    return ReportOutline(cover, blocks)


def render_review_report(review, *, who, fmt: str, public: bool = False) -> bytes:
    """The review report of ``review`` as ``fmt`` (pdf, docx, html) bytes, as ``who`` may read it;
    ``public`` gives the public version."""
    spec = report_format(fmt)
    content = review_content(review, redaction.PUBLIC_AUDIENCE if public else who)
    outline = review_outline(content)
    if spec.name == "docx":
        from icsplan.publishing.report.docx import report_docx

        return report_docx(outline)
    from icsplan.publishing.report.html import report_html

    if spec.name == "html":
        return report_html(outline, charts="svg").encode("utf-8")
    from icsplan.publishing.pdf import html_to_pdf

    return html_to_pdf(report_html(outline, charts="png"), data_urls=True)


def review_report_filename(review, fmt: str, *, public: bool) -> str:
    """A download name such as ``ICS-Mali-2018-annual-review-FY2019-public.pdf``."""
    country = "".join(ch if ch.isalnum() else "-" for ch in review.strategy.mission.country).strip("-") or "mission"
    parts = ["ICS", country, review.strategy.edition, f"{review.kind}-review", review.period]
    return "-".join(parts + (["public"] if public else [])) + "." + report_format(fmt).extension
