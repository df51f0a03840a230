"""The strategy browser and the framework catalogue."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from icsplan.strategies import models as sm
from icsplan.web import access, content, monitoring, tree
from icsplan.web.errors import page

from .common import mission_context


@page
def strategy_latest(request: HttpRequest, slug: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission)
    return redirect("web:strategy", mission.slug, strategy.edition)


@page
def strategy(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    row = access.strategy_for(request.user, mission, edition)
    allowed = access.allowed_in(request.user, mission)
    document = content.document_for(request.user, row, shared=True)
    facts = monitoring.for_strategy(request.user, row, allowed, request.GET.get("period"), queue=False)
    goals, management = tree.build(document, row, facts.element_status)
    context = mission_context(request, mission, row, tab="strategy", allowed=allowed)
    context.update({
        "doc": document, "goals": goals, "management": management, "facts": facts,
        "public_copy": content.is_public_copy_for(request.user, row),
        "editions": access.strategies_of(request.user, mission),
        "sample_data": facts.sample,
    })
    return render(request, "web/strategy.html", context)


def frameworks(request: HttpRequest) -> HttpResponse:
    """The catalogue of frameworks that linkages point to (public reference data)."""
    rows = sm.Framework.objects.order_by("code")
    return render(request, "web/frameworks.html", {"frameworks": rows})
