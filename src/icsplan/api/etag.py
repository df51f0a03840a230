"""ETags on reads, ``If-Match`` on writes.

A single resource's ETag names its row and version (``"objective-12-v3.f"``; the suffix tells
the full representation ``f`` from the public one ``p``, so caches never mix them). Lists, trees
and other composite reads get a hash of their body. ``If-None-Match`` on a read answers 304.

Every write to an existing resource must send ``If-Match`` with the ETag the client read
(428 when missing); a tag that no longer matches answers 412. The version read from the tag is
also handed to the service as ``expected_version``, which re-checks it under a row lock, so two
writers racing past this check still cannot both win.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, overload

from django.http import HttpRequest

from .errors import PreconditionFailed, PreconditionRequired

if TYPE_CHECKING:
    from django.db.models import Model

    from icsplan.core.models import VersionedModel

#: ``openapi_extra`` of operations that change an existing resource: documents If-Match
IF_MATCH = {"x-if-match": True}

_TAG = re.compile(r'^(W/)?"([^"]*)"$')


def _version_of(obj) -> str:
    version = getattr(obj, "version", None)
    if version is not None:
        return f"v{version}"
    stamp = getattr(obj, "updated_at", None)
    if stamp is not None:
        return f"t{int(stamp.timestamp() * 1_000_000)}"
    return "v0"


def resource_tag(obj, *, full: bool = True) -> str:
    """The strong ETag of one row as the caller sees it."""
    kind = obj._meta.model_name
    return f'"{kind}-{obj.pk}-{_version_of(obj)}.{"f" if full else "p"}"'


def body_tag(content: bytes) -> str:
    """The strong ETag of a composite body (a list, a tree)."""
    return '"h' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _parse(header: str) -> list[tuple[bool, str]]:
    out = []
    for part in header.split(","):
        part = part.strip()
        if not part:
            continue
        if part == "*":
            out.append((False, "*"))
            continue
        m = _TAG.match(part)
        if m:
            out.append((bool(m.group(1)), m.group(2)))
        else:
            out.append((False, part))  # unquoted: be lenient, compare as is
    return out


def _identity(opaque: str) -> str:
    """Strip the representation suffix: both views of one version match."""
    return opaque.rsplit(".", 1)[0] if opaque.endswith((".f", ".p")) else opaque


def if_match_names(request: HttpRequest, tag: str) -> bool:
    """Whether the request's ``If-Match`` lists ``tag`` as a strong match (either view of a version)."""
    current = _identity(tag.strip('"'))
    return any(not weak and _identity(opaque) == current
               for weak, opaque in _parse(request.headers.get("If-Match") or ""))


@overload
def require_if_match(request: HttpRequest, obj: VersionedModel, *, tag: str | None = None) -> int: ...
@overload
def require_if_match(request: HttpRequest, obj: Model, *, tag: str | None = None) -> int | None: ...
def require_if_match(request: HttpRequest, obj: Model, *, tag: str | None = None) -> int | None:
    """Check ``If-Match`` against ``obj``; returns the version to pass on as ``expected_version``.

    ``tag`` is the ETag ``obj`` is read with when it is not plain :func:`resource_tag` (an indicator's
    also covers its baseline and breakdowns).
    """
    tag = tag or resource_tag(obj)
    header = request.headers.get("If-Match")
    if not header or not header.strip():
        raise PreconditionRequired(
            f"This write needs an If-Match header with the ETag of the {obj._meta.verbose_name} you read "
            f"(currently {tag}).",
            code="precondition-required",
        )
    current = _identity(tag[1:-1])
    for weak, opaque in _parse(header):
        if opaque == "*":
            raise PreconditionRequired("If-Match: * is not accepted; send the ETag you read.",
                                       code="precondition-required")
        if not weak and _identity(opaque) == current:
            return getattr(obj, "version", None)
    raise PreconditionFailed(
        f"The {obj._meta.verbose_name} changed since you read it (it is now {tag}); "
        "read it again and retry.",
        code="precondition-failed",
    )


def none_match(request: HttpRequest, tag: str) -> bool:
    """Whether ``If-None-Match`` matches ``tag`` (weak comparison, as RFC 9110 says for reads)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    target = tag.strip('"')
    for _weak, opaque in _parse(header):
        if opaque == "*" or opaque == target:
            return True
    return False
