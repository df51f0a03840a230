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
    return _svg(charts.status_matrix_chart(strategy_progress(strategy, audience=request.user)))


@page
def indicator_chart(request: HttpRequest, slug: str, edition: str, pk: int) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    # Rows (targets and results too) come narrowed to what the reader may see: accounts.redaction.
    rows = indicator_rows(strategy, audience=request.user)
    indicator = access.restrict(rows, request.user, "view_public").filter(pk=pk).first()
    if indicator is None:
        raise NotFoundError("No such indicator.")
    targets, results = list(indicator.targets.all()), list(indicator.results.all())
    item = IndicatorProgress(indicator, series_of(indicator, targets, results, list(indicator.disaggregations.all())),
                             targets=targets, results=results)
    return _svg(charts.indicator_chart(charts.indicator_chart_data(item)))
