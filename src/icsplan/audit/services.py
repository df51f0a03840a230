"""Writing audit events. Every function here only appends; nothing updates or deletes."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from icsplan.core import context

from .models import AuditEvent


def _json_safe(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def _mission_of(obj):
    from icsplan.accounts.models import Mission
    from icsplan.accounts.permissions import mission_of

    if obj is None:
        return None
    if isinstance(obj, Mission):
        return obj
    if getattr(type(obj), "mission_lookup", None) is None:
        return None
    try:
        return mission_of(obj)
    except AttributeError:
        return None


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    mission=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    request=None,
    actor_name: str | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event. Who: ``actor`` (a user, or None for the local operator/system) or just
    ``actor_name``; what: ``obj`` (or ``object_type``/``object_id``) and ``before``/``after``;
    where from: ``request``, else the current request context (request id and IP)."""
    if request is not None:
        request_id = getattr(request, "request_id", "") or context.current().request_id
        ip = context.client_ip(request)
    else:
        ctx = context.current()
        request_id, ip = ctx.request_id, ctx.ip
    if getattr(actor, "is_system", False):  # the named system actor: recorded by name, not as a user
        actor_name = actor_name if actor_name is not None else str(actor)
        actor = None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if mission is None:
        mission = _mission_of(obj)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr if object_repr is not None else str(obj)
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=(actor_name if actor_name is not None else (actor.get_username() if actor else ""))[:150],
        action=action[:50],
        object_type=(object_type or "")[:100],
        object_id="" if object_id is None else str(object_id)[:64],
        object_repr=(object_repr or "")[:300],
        mission=mission,
        before=_json_safe(before),
        after=_json_safe(after),
        reason=reason or "",
        request_id=(request_id or "")[:64],
        ip=ip,
    )


def record_export(user, strategy, fmt: str, public: bool) -> AuditEvent | None:
    """Record an export of ``strategy`` (a Strategy row) in format ``fmt``.

    Exports that contain SBU text (``public=False`` and a user allowed to read SBU) are always
    recorded; public-copy exports are not (anyone may take them), so the trail stays readable.
    """
    from icsplan.accounts.redaction import wants_public_copy

    if wants_public_copy(user, strategy, public):
        return None
    return record(
        "export",
        actor=user,
        obj=strategy,
        after={"format": fmt, "public": False, "edition": strategy.edition},
        actor_name=None if user is not None else "local operator",
    )
