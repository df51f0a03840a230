"""Review pages: the mission's reviews (open one), a review with its evidence and the owners'
forms, the approver's decision, and the comparison of two editions.

Every change goes through ``reviews.services``; pages find rows through the permission layer
(``web.access``) and the services' ``visible_reviews``, so a review the person may not read is a
404, like a missing one.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from icsplan.accounts import redaction
from icsplan.accounts.permissions import restrict
from icsplan.core import inputs
from icsplan.document.compare import LEVEL_LABELS, redline_html
from icsplan.errors import ConflictError, NotFoundError, ValidationError
from icsplan.reviews import services as rsv
from icsplan.reviews.choices import Rating, ReviewKind, ReviewStatus
from icsplan.reviews.models import Assessment, Review
from icsplan.web import access
from icsplan.web.errors import page

from .common import mission_context

SENSITIVITY_CHOICES = [("public", "Public"), (redaction.SBU, "SBU")]


class OpenReviewForm(forms.Form):
    """Open a review of the edition in force (the coordinator)."""

    kind = forms.ChoiceField(choices=ReviewKind.choices)
    fiscal_year = forms.IntegerField(min_value=rsv.FIRST_YEAR, max_value=rsv.LAST_YEAR)


class AssessmentForm(forms.Form):
    """An owner's rating of one objective. Action items: one per line, "what | owner | YYYY-MM-DD"."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    rating = forms.ChoiceField(choices=Rating.choices)
    narrative = forms.CharField(required=False, max_length=inputs.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    narrative_sensitivity = forms.ChoiceField(choices=SENSITIVITY_CHOICES, label="Narrative marking")
    decisions = forms.CharField(required=False, max_length=inputs.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    action_items = forms.CharField(
        required=False, max_length=inputs.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: what | owner | due date (YYYY-MM-DD).")
    action_items_sensitivity = forms.ChoiceField(choices=SENSITIVITY_CHOICES, label="Action items marking")
    reason = forms.CharField(required=False, max_length=inputs.CHANGE_REASON_MAX,
                             help_text="Needed only to make an SBU narrative public.")


def _items(text: str, sensitivity: str) -> list[dict[str, object]]:
    """The action-items box as the service's list (shape only; the service validates)."""
    out: list[dict[str, object]] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (3 - len(parts))
        out.append({"description": parts[0], "owner": parts[1], "due_date": parts[2] or None,
                    "sensitivity": sensitivity})
    return out


def _items_text(items) -> str:
    return "\n".join(f"{i.description} | {i.owner} | {i.due_date}" for i in items)


def _review_in(user, mission, pk: int) -> Review:
    row = rsv.get_review(user, pk)
    if row.strategy.mission_id != mission.pk:
        raise NotFoundError("No review matches the request.")
    return row


@page
def reviews(request: HttpRequest, slug: str) -> HttpResponse:
    """The mission's reviews the person may read; editors open a new one here."""
    mission = access.mission_for(request.user, slug)
    form = OpenReviewForm(initial={"kind": ReviewKind.ANNUAL, "fiscal_year": dt.date.today().year})
    if request.method == "POST":
        mission = access.mission_for(request.user, slug, "edit")
        form = OpenReviewForm(request.POST)
        if form.is_valid():
            try:
                row = rsv.open_review(mission, kind=form.cleaned_data["kind"],
                                      fiscal_year=form.cleaned_data["fiscal_year"], actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{row} opened: each objective's owner can now rate it.")
                return redirect("web:review", slug=mission.slug, pk=row.pk)
    strategy = rsv.edition_in_force(mission)
    rows = rsv.visible_reviews(request.user).filter(strategy__mission=mission)
    context = mission_context(request, mission, None, tab="reviews")
    context.update({"reviews": rows, "form": form, "in_force": strategy})
    return render(request, "web/reviews.html", context, status=200 if form.is_bound is False or not form.errors
                  else 422)


@page
def review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A review: each objective's rating, narrative and action items beside the evidence."""
    mission = access.mission_for(request.user, slug)
    row = _review_in(request.user, mission, pk)
    content = rsv.review_content(row, request.user)
    allowed = access.allowed_in(request.user, mission)
    editable = row.status == ReviewStatus.OPEN and not content.frozen
    items = []
    rows_by_pk = {a.pk: a for a in Assessment.objects.filter(review=row)}
    for view in content.assessments:
        form = None
        stored = rows_by_pk.get(view.pk)
        if editable and stored is not None and rsv.may_assess(request.user, stored):
            form = AssessmentForm(prefix=f"a{view.pk}", initial={
                "version": view.version, "rating": view.rating or Rating.NOT_ASSESSED,
                "narrative": view.narrative or "", "narrative_sensitivity": view.narrative_sensitivity,
                "decisions": view.decisions or "", "action_items": _items_text(view.action_items),
                "action_items_sensitivity": "public"})
        items.append({"view": view, "form": form})
    context = mission_context(request, mission, row.strategy, tab="reviews", allowed=allowed)
    context.update({"review": row, "content": content, "items": items,
                    "can_submit": allowed.edit and row.status == ReviewStatus.OPEN,
                    "can_decide": allowed.approve and row.status == ReviewStatus.SUBMITTED})
    return render(request, "web/review.html", context)


@page
def review_assess(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Save one objective's assessment (its owner, or the coordinator)."""
    mission = access.mission_for(request.user, slug, "report")
    qs = restrict(Assessment.objects.filter(strategy__mission=mission, pk=pk), request.user, "view")
    row = redaction.visible(qs, request.user).select_related("review").first()
    if row is None:
        raise NotFoundError("No assessment matches the request.")
    if request.method == "POST":
        form = AssessmentForm(request.POST, prefix=f"a{row.pk}")
        if not form.is_valid():
            problems = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
            messages.error(request, f"{row}: {problems}")
        else:
            data = form.cleaned_data
            try:
                rsv.record_assessment(
                    row, rating=data["rating"], narrative=data["narrative"],
                    narrative_sensitivity=data["narrative_sensitivity"], decisions=data["decisions"],
                    action_items=_items(data["action_items"], data["action_items_sensitivity"]),
                    expected_version=data["version"], actor=request.user, reason=data["reason"])
            except (ValidationError, ConflictError) as exc:
                messages.error(request, f"{row}: {exc}")
            else:
                messages.success(request, f"{row} saved.")
    return redirect("web:review", slug=mission.slug, pk=row.review_id)


@page
def review_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Submit (coordinator), return or approve (approver) a review."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    needed = {"submit": "edit", "approve": "approve", "return": "approve"}.get(action, "view")
    mission = access.mission_for(request.user, slug, needed)
    row = _review_in(request.user, mission, pk)
    if needed != "view":
        version = request.POST.get("version", "")
        expected = int(version) if version.isdigit() else -1
        try:
            if action == "submit":
                rsv.submit_review(row, expected_version=expected, actor=request.user)
            elif action == "approve":
                rsv.approve_review(row, expected_version=expected, actor=request.user,
                                   reason=request.POST.get("comment", ""))
            else:
                rsv.return_review(row, reason=request.POST.get("comment", ""), expected_version=expected,
                                  actor=request.user)
        except (ValidationError, ConflictError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, {"submit": "Review sent to the approver.", "approve": "Review approved.",
                                       "return": "Review returned to the coordinator."}[action])
    return redirect("web:review", slug=mission.slug, pk=row.pk)


@page
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Two editions side by side: what was kept, reworded, renumbered, merged, split, added or dropped."""
    mission = access.mission_for(request.user, slug)
    editions = [s.edition for s in access.strategies_of(request.user, mission)]
    old = request.GET.get("from") or (editions[1] if len(editions) > 1 else "")
    new = request.GET.get("to") or (editions[0] if editions else "")
    comparison, rows = None, []
    if old and new:
        comparison = rsv.compare_editions(mission, old, new, who=request.user)
        for change in comparison.changes:
            text = redline_html(change.redline) if change.redline else None
            rows.append({"change": change, "level": LEVEL_LABELS[change.level],
                         "redline": mark_safe(text) if text is not None else None})  # escaped by redline_html
    context = mission_context(request, mission, None, tab="compare")
    context.update({"editions": editions, "old": old, "new": new, "comparison": comparison, "rows": rows})
    return render(request, "web/compare.html", context)


@page
def review_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The review report as a file: ``?format=pdf|docx|html&public=1``."""
    from icsplan.errors import InputError
    from icsplan.publishing.report import report_format
    from icsplan.reviews.report import render_review_report, review_report_filename

    mission = access.mission_for(request.user, slug)
    row = _review_in(request.user, mission, pk)
    try:
        spec = report_format(request.GET.get("format") or "pdf")
    except InputError as exc:
        return render(request, "web/error.html", {"heading": "Cannot make this report", "text": exc.message},
                      status=400)
    # People who may not read SBU text get the public version whatever they ask (the content is
    # narrowed again by the service).
    public = request.GET.get("public") == "1" or redaction.audience_for(request.user).public_only(mission)
    data = render_review_report(row, who=request.user, fmt=spec.name, public=public)
    response = HttpResponse(data, content_type=spec.media_type)
    response["Content-Disposition"] = f'attachment; filename="{review_report_filename(row, spec.name, public=public)}"'
    response["Cache-Control"] = "private, no-store"
    return response
