"""The four routers of this resource and how they mount on the API."""

from __future__ import annotations

from ninja import Router

indicators = Router(tags=["indicators"])
periods = Router(tags=["periods"])
targets = Router(tags=["targets"])
results = Router(tags=["results"])


def register(api) -> None:
    api.add_router("/indicators", indicators)
    api.add_router("/periods", periods)
    api.add_router("/targets", targets)
    api.add_router("/results", results)
