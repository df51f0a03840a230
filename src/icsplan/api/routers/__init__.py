"""One router per resource; ``register`` mounts them all on the API."""

from __future__ import annotations


def register(api) -> None:
    from . import (attachments, elements, exports, importjobs, imports, indicators, jobs, locks, missions, portfolio, reviews, revisions,
                   search, strategies)

    api.add_router("/missions", missions.router)
    api.add_router("/strategies", strategies.router)
    api.add_router("/revisions", revisions.router)
    for prefix, router in elements.routers():
        api.add_router(prefix, router)
    api.add_router("/linkages", attachments.linkages)
    api.add_router("/risks", attachments.risks)
    indicators.register(api)
    api.add_router("/period-locks", locks.router)
    api.add_router("/exports", exports.router)
    api.add_router("/export-jobs", jobs.router)
    api.add_router("/imports", imports.router)
    api.add_router("/import-jobs", importjobs.router)
    api.add_router("/search", search.router)
    api.add_router("/reviews", reviews.router)
    api.add_router("/portfolio", portfolio.router)
