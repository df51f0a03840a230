"""Charts drawn once per change of their figures, kept in a cache shared by every worker.

matplotlib takes tens to hundreds of milliseconds per figure; the strategy browser alone asks for
one image per indicator. Each chart is therefore stored under a key derived from *the figures it
shows* (``charts.IndicatorChart``, or the status matrix's rows and periods) plus the format and a
drawing version. That key is also the response's ETag.

Keying by the figures rather than by a stamp that services bump has two consequences on purpose:

- a change of targets, results, approvals or sensitivity changes the figures and therefore the key,
  so no service has to remember to invalidate anything and a stale chart cannot be served;
- the figures are computed from rows already narrowed by ``accounts.redaction`` for the reader, so
  a public reader and an SBU reader of the same indicator get different keys whenever what they
  may see differs, and identical images when it does not (an image is a pure function of its
  figures, so sharing it reveals nothing).

Old entries are never read again and age out (``CACHES["charts"]``: a timeout and a bounded size).

**Indicator charts of the web** are drawn directly as SVG (``svg_chart``, cheaper than a cache
write) and are not stored; their ETag is ``indicator_version_key(edition_version(stamp, public=...),
pk)``, where ``stamp`` is the edition's ``core.stamps.edition_stamp`` (one SQL query; it moves with
every change the services make) and ``public`` whether the reader gets the public copy of the
mission's data. Within one edition every reader is either a reader of the mission's SBU and
unapproved data or its public (see ``accounts.redaction.Audience``), so those two values, the
indicator and the status thresholds determine the image, and a 304 needs no figure at all.
``edition_version`` is also the ``?v=`` of the image URL the pages write: a URL whose version is
the current one may be kept by the browser for good.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches

from . import charts
from .status import thresholds

#: the cache alias (a database cache in settings, so that every worker process shares it)
CACHE_ALIAS = "charts"
#: bump when the drawing code changes, so that cached images of the old look are not served
DRAWING_VERSION = "3"  # 2: status matrix at a fixed width with 12 px text (issue 15); 3: svg_chart


def _digest(*parts: object) -> str:
    text = "\x1f".join(repr(part) for part in (DRAWING_VERSION, *parts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def edition_version(stamp: str, *, public: bool) -> str:
    """The version of an edition's charts as one audience sees them (the image URLs' ``?v=``)."""
    return _digest("edition", stamp, bool(public), tuple(sorted(thresholds().items())))[:20]


def indicator_version_key(version: str, pk: int, fmt: str = "svg") -> str:
    """The cache key (and ETag body) of indicator ``pk``'s chart at ``edition_version`` ``version``."""
    return _digest("indicator-at", version, int(pk), fmt)


def indicator_key(data: charts.IndicatorChart, fmt: str, *, variant: str = "web") -> str:
    """The cache key (and ETag body) of one indicator chart as drawn from ``data``."""
    return _digest("indicator", variant, fmt, data)


def status_matrix_key(progress, fmt: str, *, include_goals: bool = False) -> str:
    """The cache key (and ETag body) of a strategy's status matrix as its reader sees it."""
    rows = list(progress.objectives) + (list(progress.goals) if include_goals else [])
    periods = tuple(progress.periods)
    figures = tuple((row.label, tuple(row.statuses.get(p) for p in periods)) for row in rows)
    return _digest("matrix", fmt, str(progress.strategy), periods, figures, bool(progress.sample))


def cached(key: str, draw: Callable[[], bytes]) -> bytes:
    """The chart stored under ``key``, drawn by ``draw()`` and stored when missing."""
    cache = caches[CACHE_ALIAS]
    body = cache.get(key)
    if body is None:
        body = draw()
        cache.set(key, body)
    return body


def indicator_chart(data: charts.IndicatorChart, fmt: str = "svg") -> bytes:
    """``charts.indicator_chart``, drawn once per change of its figures."""
    return cached(indicator_key(data, fmt), lambda: charts.indicator_chart(data, fmt))


def status_matrix_chart(progress, fmt: str = "svg", *, include_goals: bool = False) -> bytes:
    """``charts.status_matrix_chart``, drawn once per change of the statuses it shows."""
    key = status_matrix_key(progress, fmt, include_goals=include_goals)
    return cached(key, lambda: charts.status_matrix_chart(progress, fmt, include_goals=include_goals))


__all__ = ["CACHE_ALIAS", "cached", "edition_version", "indicator_chart", "indicator_key", "indicator_version_key", "status_matrix_chart", "status_matrix_key"]
