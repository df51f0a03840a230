"""The interchange JSON (``icsplan.strategy/1``); the public render holds the public copy only."""

from __future__ import annotations

from icsplan.document.model import Strategy

from .base import Renderer
from .redaction import public_copy


class JsonRenderer(Renderer):
    """``Strategy.to_json()`` as UTF-8 bytes."""

    format = "json"
    media_type = "application/json"
    extension = "json"

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        source = public_copy(strategy) if public else strategy
        return source.to_json().encode("utf-8")


RENDERER = JsonRenderer()
