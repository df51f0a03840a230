"""Charts as SVG images (the indicators app draws them; pages embed them with their alt text)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from icsplan.errors import NotFoundError
from icsplan.indicators import charts
from icsplan.indicators.progress import IndicatorProgress, indicator_rows, series_of, strategy_progress
from icsplan.web import access
from icsplan.web.errors import page

# matplotlib writes style attributes into its SVG; the image gets a policy of its own that allows
# them and nothing else (an SVG shown through <img> never runs scripts anyway).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _svg(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_POLICY
    response["Cache-Control"] = "private, no-cache"
    return response


@page
def status_matrix(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    view_sbu = access.allowed_in(request.user, mission).view_sbu
    return _svg(charts.status_matrix_chart(strategy_progress(strategy, include_sbu=view_sbu)))


@page
def indicator_chart(request: HttpRequest, slug: str, edition: str, pk: int) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    view_sbu = access.allowed_in(request.user, mission).view_sbu
    indicator = access.restrict(indicator_rows(strategy, include_sbu=view_sbu), request.user, "view_public").filter(pk=pk).first()
    if indicator is None:
        raise NotFoundError("No such indicator.")
    targets = [t for t in indicator.targets.all() if view_sbu or t.sensitivity != "sbu"]
    results = [r for r in indicator.results.all() if view_sbu or r.sensitivity != "sbu"]
    item = IndicatorProgress(indicator, series_of(indicator, targets, results, list(indicator.disaggregations.all())),
                             targets=targets, results=results)
    return _svg(charts.indicator_chart(charts.indicator_chart_data(item)))
