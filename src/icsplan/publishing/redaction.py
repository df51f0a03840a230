"""The public-release copy of a strategy: ``public_copy`` lives in the Django-free core
(``icsplan.document.public``) so that ``accounts.redaction`` can use it without importing the
publishing app; this name stays for the renderers."""

from __future__ import annotations

from icsplan.document.public import public_copy

__all__ = ["public_copy"]
