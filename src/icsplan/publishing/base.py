"""The one small interface every output format implements.

A renderer turns a canonical :class:`~icsplan.document.model.Strategy` into the bytes of one
file format. Renderers never look at a database or a request: the caller decides who may see
what and passes ``public=True`` when the output must be the public-release copy.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from icsplan.document.model import Strategy


class Renderer(ABC):
    """Base of every output format.

    Subclasses set the three class attributes and implement :meth:`render`. A module in
    ``icsplan.publishing`` that defines a module-level ``RENDERER`` instance is picked up by the
    registry (``icsplan.publishing.get_renderer``) without any other change.
    """

    #: short name used by the API, the CLI and the registry, e.g. ``"docx"``
    format: str = ""
    #: IANA media type of the produced bytes
    media_type: str = "application/octet-stream"
    #: file name extension without the dot
    extension: str = ""

    @abstractmethod
    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        """Render ``strategy``; with ``public=True`` render its public-release copy only."""

    def filename(self, strategy: Strategy, *, public: bool = False) -> str:
        """A sensible download name, e.g. ``ICS-Mali-2018-public.pdf``."""
        country = "".join(ch if ch.isalnum() else "-" for ch in strategy.mission.country).strip("-")
        parts = ["ICS", country or "strategy"]
        if strategy.edition:
            parts.append("".join(ch for ch in strategy.edition if ch.isalnum()))
        if public:
            parts.append("public")
        return "-".join(parts) + "." + self.extension

    def __repr__(self) -> str:
        return f"<{type(self).__name__} format={self.format!r}>"
