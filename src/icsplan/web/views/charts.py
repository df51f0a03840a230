"""Charts as SVG images (the indicators app draws them; pages embed them with their alt text).

Images come from ``indicators.chart_cache``: drawn once per change of the figures the reader may
see. The cache key is the ETag, so a browser that already holds the image gets a 304 without any
drawing.

An indicator chart costs a request little more than its permission checks: after the edition
lookup (``web.access.edition_at``), its ETag comes from the edition's stamp and whether the reader
gets the public copy (``chart_cache.edition_version``), so a 304 reads nothing else. A 200 takes
the indicator's figures from the edition's progress for this audience — computed once per stamp
by each process and shared (``progress.shared_progress``), usually by the strategy page itself —
and draws the chart directly as SVG (``indicators.svg_chart``), which is cheaper than any cache.
Pages write image URLs with ``?v=<edition_version>``: while that is still the current version for
the reader, the image is marked immutable, so a browser that may keep it (the public; responses
to signed-in people stay ``no-store``, ``core.middleware``) does not ask again; any other ``v``
(an old one, or another audience's) gets the reader's current image, revalidated each time.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from icsplan.errors import NotFoundError
from icsplan.indicators import chart_cache, charts
from icsplan.accounts.redaction import audience_for
from icsplan.core.stamps import edition_stamp
from icsplan.indicators.progress import shared_progress
from icsplan.web import access
from icsplan.web.errors import page

# matplotlib writes style attributes into its SVG; the image gets a policy of its own that allows
# them and nothing else (an SVG shown through <img> never runs scripts anyway).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


#: how long a browser keeps an image whose URL names the current version (it never changes)
IMMUTABLE = "private, max-age=31536000, immutable"


def _svg(request: HttpRequest, key: str, draw: Callable[[], bytes], *, immutable: bool = False,
         store: bool = True) -> HttpResponse:
    """The image under ``key`` (its ETag), a 304 when the browser holds it; ``store=False`` draws
    it on every 200 instead of keeping it in the shared chart cache (cheaper than a cache write)."""
    etag = f'"chart-{key}"'
    held = {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in held or "*" in held:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(chart_cache.cached(key, draw) if store else draw(), content_type="image/svg+xml")
        response["Content-Security-Policy"] = SVG_POLICY
    response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE if immutable else "private, no-cache"
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
    strategy = access.edition_at(request.user, slug, edition)
    mission = strategy.mission
    who = audience_for(request.user)
    stamp = edition_stamp(strategy.pk)
    version = chart_cache.edition_version(stamp, public=who.public_only(mission))

    def draw() -> bytes:
        # Figures narrowed to what the reader may see (accounts.redaction), read once per stamp
        # and audience by this process (the strategy page has usually just done it) and shared.
        progress = shared_progress(strategy, audience=who, stamp=stamp)
        item = next((i for i in progress.indicators if i.indicator.pk == pk), None)
        if item is None:  # another edition's, or one this audience may not see
            raise NotFoundError("No such indicator.")
        return charts.indicator_chart(charts.indicator_chart_data(item), "svg")

    # Drawn directly (svg_chart: a twentieth of a millisecond), never stored: writing the shared
    # cache would cost more than drawing again.
    return _svg(request, chart_cache.indicator_version_key(version, pk), draw,
                immutable=request.GET.get("v") == version, store=False)
