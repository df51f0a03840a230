"""Home (the missions a person may see) and the mission dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from icsplan.web import access, monitoring
from icsplan.web.errors import page

from .common import mission_context


def health(request: HttpRequest) -> JsonResponse:
    """A trivial endpoint for load balancers and as the benchmarks' baseline."""
    return JsonResponse({"status": "ok"})


@page
def home(request: HttpRequest) -> HttpResponse:
    missions = access.visible_missions(request.user)
    own = access.own_mission_ids(request.user) if request.user.is_authenticated else set()
    mine = missions if own is None else [m for m in missions if m.pk in own]
    others = [] if own is None else [m for m in missions if m.pk not in own]
    # Most people work for one mission: take them straight to it.
    if request.user.is_authenticated and len(mine) == 1 and not request.GET.get("all"):
        return redirect("web:dashboard", mine[0].slug)
    return render(request, "web/home.html", {"mine": mine, "others": others})


@page
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    allowed = access.allowed_in(request.user, mission)
    editions = access.strategies_of(request.user, mission)
    # The edition in force, unless the person picks another: a draft prepared beside it must not
    # take over everyone's dashboard.
    strategy = access.strategy_for(request.user, mission, request.GET.get("edition") or None) if editions else None
    context = mission_context(request, mission, strategy, tab="dashboard", allowed=allowed)
    if strategy is None:
        return render(request, "web/dashboard.html", context)
    from icsplan.web import content, tree

    document = content.document_for(request.user, strategy, shared=True)
    # The dashboard shows no indicator chart: no alt text to compute for each indicator.
    facts = monitoring.for_strategy(request.user, strategy, allowed, request.GET.get("period"),
                                    indicator_charts=False)
    goals, management = tree.build(document, strategy, facts.element_status)
    if allowed.report or allowed.approve:
        from icsplan.indicators.due import work_for

        # What waits for this person (due, overdue, returned, awaiting their approval); later
        # revisions awaiting their decision, assessments to rate, reviews to approve, action items past due.
        work = work_for(request.user, strategy, approver=allowed.approve, indicators=None if allowed.report else [])
        from icsplan.reviews import services as reviews
        from icsplan.strategies import services as strategies

        work.revisions = strategies.revisions_awaiting(request.user, strategy)
        review_work = reviews.work_for(request.user, strategy)
        work.assessments, work.reviews = review_work["assessments"], review_work["reviews"]
        work.action_items = review_work["action_items"]
        context["work"] = work
    context.update({
        "doc": document, "goals": goals, "management": management, "facts": facts, "editions": editions,
        "pending_count": facts.awaiting_count, "sample_data": facts.sample,
    })
    return render(request, "web/dashboard.html", context)
