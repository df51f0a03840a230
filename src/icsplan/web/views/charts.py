"""Charts as SVG images (the indicators app draws them; pages embed them with their alt text).

Images come from ``indicators.chart_cache``: drawn once per change of the figures the reader may
see. The cache key is the ETag, so a browser that already holds the image gets a 304 without any
drawing (the figures are still read, narrowed to the reader, to know the key).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from icsplan.errors import NotFoundError
from icsplan.indicators import chart_cache, charts
from icsplan.indicators.progress import IndicatorProgress, indicator_rows, series_of, shared_progress
from icsplan.web import access
from icsplan.web.errors import page

# matplotlib writes style attributes into its SVG; the image gets a policy of its own that allows
# them and nothing else (an SVG shown through <img> never runs scripts anyway).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _svg(request: HttpRequest, key: str, draw: Callable[[], bytes]) -> HttpResponse:
    etag = f'"chart-{key}"'
    held = {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in held or "*" in held:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(chart_cache.cached(key, draw), content_type="image/svg+xml")
        response["Content-Security-Policy"] = SVG_POLICY
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@page
def status_matrix(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    progress = shared_progress(strategy, audience=request.user)
    return _svg(request, chart_cache.status_matrix_key(progress, "svg"),
                lambda: charts.status_matrix_chart(progress, "svg"))


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
    data = charts.indicator_chart_data(item)
    return _svg(request, chart_cache.indicator_key(data, "svg"), lambda: charts.indicator_chart(data, "svg"))
