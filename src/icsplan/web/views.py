"""Pages for people. Views stay thin: they ask services for data and render it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from icsplan.accounts.models import Mission
from icsplan.errors import NotFoundError
from icsplan.strategies import services


def health(request: HttpRequest) -> JsonResponse:
    """A trivial endpoint for load balancers and as the benchmarks' baseline."""
    return JsonResponse({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    missions = Mission.objects.select_related("bureau").order_by("country")
    return render(request, "web/home.html", {"missions": missions})


def strategy_detail(request: HttpRequest, slug: str, edition: str | None = None) -> HttpResponse:
    try:
        row = services.find_strategy(slug, edition)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    document = services.load_strategy(row)
    return render(request, "web/strategy.html", {"strategy": row, "doc": document})
