"""Indicators, fiscal periods, targets and results (submit, approve, return).

Results follow the clearance workflow draft → submitted → approved, or submitted → returned →
submitted again. Those who may not read a mission's SBU see its public indicators and its
approved public results only.

An indicator's baseline and breakdowns (disaggregations) are parts of the indicator: they are
read and written under ``/indicators/{id}/baseline`` and ``/indicators/{id}/disaggregations``,
and every write to them needs the indicator's ETag in ``If-Match``. That ETag covers the
indicator's own version, its baseline's and its breakdowns', so a changed baseline makes an
earlier read of the indicator stale (and ``If-None-Match`` never answers 304 for it).

Modules: ``routes`` (the four routers), ``schemas``, ``common`` (reading rows as their reader may
see them), ``definitions`` (``/indicators``) and ``values`` (``/periods``, ``/targets``,
``/results``). Importing the package registers every handler on its router.
"""

from __future__ import annotations

from . import definitions, values  # noqa: F401 (their decorators add the handlers to the routers)
from .routes import indicators, periods, register, results, targets

__all__ = ["indicators", "periods", "register", "results", "targets"]
