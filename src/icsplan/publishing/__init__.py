"""Documents out: renderers for every output format, and the public-release redaction.

    from icsplan.publishing import get_renderer, available_formats, public_copy
    data = get_renderer("pdf").render(strategy, public=True)

Every module of this package that defines a module-level ``RENDERER`` (an instance of
:class:`~icsplan.publishing.base.Renderer`) is a format: adding a format is adding one module.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from icsplan.errors import InputError

from .base import Renderer
from .redaction import public_copy

__all__ = ["Renderer", "available_formats", "get_renderer", "public_copy", "render"]

# Helper modules that are not formats; skipping them keeps discovery cheap.
_NOT_FORMATS = {"base", "content", "countries", "outline", "periods", "redaction", "report"}


@lru_cache(maxsize=1)
def _registry() -> dict[str, Renderer]:
    renderers: dict[str, Renderer] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_FORMATS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        renderer = getattr(module, "RENDERER", None)
        if isinstance(renderer, Renderer):
            renderers[renderer.format] = renderer
    return renderers


def available_formats() -> list[str]:
    """The format names ``get_renderer`` accepts, sorted."""
    return sorted(_registry())


def get_renderer(fmt: str) -> Renderer:
    """The renderer of one format ("md", "html", "pdf", "docx", "json", "iati", "xlsx")."""
    key = (fmt or "").strip().lower().lstrip(".")
    renderers = _registry()
    if key not in renderers:
        raise InputError(
            f"Unknown document format {fmt!r}; known formats are {', '.join(sorted(renderers))}.",
            code="unknown-format",
        )
    return renderers[key]


def render(strategy, fmt: str, *, public: bool = False) -> bytes:
    """Shortcut for ``get_renderer(fmt).render(strategy, public=public)``."""
    return get_renderer(fmt).render(strategy, public=public)
