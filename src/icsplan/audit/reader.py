"""One audit trail per mission: audit events merged with the history records that
django-simple-history writes with every model change, each with its before/after diff.

Reading needs ``Action.AUDIT`` on the mission (approvers and admins). SBU values in diffs are
withheld from anyone who may not read SBU text (``accounts.redaction.redact_history_diff``), so
history shown elsewhere (an element's history on a page) goes through ``history_for`` too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from simple_history.models import registered_models

from icsplan.accounts.permissions import require
from icsplan.accounts.redaction import redact_history_diff
from icsplan.accounts.roles import Action
from icsplan.spreadsheets import csv_rows

from .models import AuditEvent

_HISTORY_TYPES = {"+": "create", "~": "update", "-": "delete"}
_SKIP_FIELDS = {"created_at", "updated_at"}


@dataclass
class TrailEntry:
    """One line of the trail."""

    when: dt.datetime
    who: str
    action: str  # "create", "update", "delete" (history) or an audit event code
    object_type: str
    object_id: str
    object_repr: str
    changes: list[dict[str, Any]] = field(default_factory=list)  # [{"field", "old", "new"}]
    reason: str = ""
    request_id: str = ""
    ip: str | None = None
    source: str = "event"  # "event" or "history"

    def as_row(self) -> dict[str, Any]:
        return {
            "when": self.when.isoformat(), "who": self.who, "action": self.action,
            "object_type": self.object_type, "object_id": self.object_id, "object": self.object_repr,
            "changes": "; ".join(f"{c['field']}: {c.get('old')!r} -> {c.get('new')!r}" for c in self.changes),
            "reason": self.reason, "request_id": self.request_id, "ip": self.ip or "", "source": self.source,
        }


def _tracked_fields(history_model) -> list[str]:
    base = history_model.instance_type
    return [f.attname for f in base._meta.concrete_fields if f.attname not in _SKIP_FIELDS]


def _snapshot(record, names: list[str]) -> dict[str, Any]:
    return {name: getattr(record, name, None) for name in names}


def _history_models():
    """Every history model of a mission-scoped model (indicators and others join automatically)."""
    for model in registered_models.values():
        if getattr(model, "mission_lookup", None) is None:
            continue
        yield model, model.history.model


def _history_entries(mission, user, since=None) -> list[TrailEntry]:
    entries: list[TrailEntry] = []
    for model, history_model in _history_models():
        lookup = model.mission_lookup
        condition = Q(**{f"{lookup}__pk" if lookup else "id": mission.pk})
        qs = history_model.objects.filter(condition).select_related("history_user").order_by("history_date", "history_id")
        if since is not None:
            qs = qs.filter(history_date__gte=since)
        names = _tracked_fields(history_model)
        last: dict[Any, dict[str, Any]] = {}
        # Earlier records of changed objects give the "before" side of the first record in range.
        for record in qs:
            after = _snapshot(record, names)
            before = last.get(record.id)
            if before is None and record.history_type == "~":
                prev = record.prev_record
                before = _snapshot(prev, names) if prev is not None else None
            if record.history_type == "-":
                changes = [{"field": n, "old": (before or after).get(n), "new": None} for n in names]
                snap_after = None
            else:
                changes = [
                    {"field": n, "old": (before or {}).get(n), "new": after.get(n)}
                    for n in names
                    if before is None or before.get(n) != after.get(n)
                ]
                snap_after = after
            changes = redact_history_diff(user, mission, changes, before=before or {}, after=snap_after or after)
            last[record.id] = after
            who = record.history_user.get_username() if record.history_user else "system"
            entries.append(TrailEntry(
                when=record.history_date, who=who, action=_HISTORY_TYPES.get(record.history_type, "change"),
                object_type=model._meta.label_lower, object_id=str(record.id),
                object_repr=_repr(model, record), changes=changes,
                reason=record.history_change_reason or "", source="history",
            ))
    return entries


def _repr(model, record) -> str:
    try:
        return str(record.instance)
    except Exception:  # noqa: BLE001 - a repr must never break the trail (deleted parents...)
        return f"{model._meta.verbose_name} {record.id}"


def _event_entries(mission, user, since=None) -> list[TrailEntry]:
    qs = AuditEvent.objects.filter(mission=mission)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    entries = []
    for event in qs:
        changes = []
        if event.before is not None or event.after is not None:
            keys = list(dict.fromkeys([*(event.before or {}), *(event.after or {})]))
            changes = [{"field": k, "old": (event.before or {}).get(k), "new": (event.after or {}).get(k)} for k in keys]
            changes = redact_history_diff(user, mission, changes, before=event.before or {}, after=event.after or {})
        entries.append(TrailEntry(
            when=event.created_at, who=event.actor_name or "system", action=event.action,
            object_type=event.object_type, object_id=event.object_id, object_repr=event.object_repr,
            changes=changes, reason=event.reason, request_id=event.request_id, ip=event.ip, source="event",
        ))
    return entries


def audit_trail(mission, *, user, since: dt.datetime | None = None) -> list[TrailEntry]:
    """The whole trail of ``mission``, newest first. ``user=None`` is the local operator (CLI)."""
    if user is not None:
        require(user, Action.AUDIT, mission)
    entries = _history_entries(mission, user, since) + _event_entries(mission, user, since)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def history_for(user, obj) -> list[TrailEntry]:
    """The change history of one object, oldest first, with SBU values withheld from people who
    may not read them. The caller has already fetched ``obj`` through the permission layer."""
    from icsplan.accounts.permissions import mission_of

    mission = mission_of(obj)
    model = type(obj)
    names = _tracked_fields(model.history.model)
    out: list[TrailEntry] = []
    before: dict[str, Any] | None = None
    for record in obj.history.select_related("history_user").order_by("history_date", "history_id"):
        after = _snapshot(record, names)
        changes = [{"field": n, "old": (before or {}).get(n), "new": after.get(n)}
                   for n in names if before is None or before.get(n) != after.get(n)]
        # The object as it is now governs every past version: text marked SBU since is withheld too.
        changes = redact_history_diff(user, mission, changes, before=before or {}, after=after, current=obj)
        out.append(TrailEntry(
            when=record.history_date, who=record.history_user.get_username() if record.history_user else "system",
            action=_HISTORY_TYPES.get(record.history_type, "change"), object_type=model._meta.label_lower,
            object_id=str(obj.pk), object_repr=str(obj), changes=changes,
            reason=record.history_change_reason or "", source="history",
        ))
        before = after
    return out


CSV_COLUMNS = ["when", "who", "action", "object_type", "object_id", "object", "changes", "reason", "request_id", "ip",
               "source"]


def export_csv(mission, *, user, since: dt.datetime | None = None) -> str:
    """The trail as CSV text; the export itself is recorded."""
    from . import services

    entries = audit_trail(mission, user=user, since=since)
    # csv_rows neutralises cells a spreadsheet would run as formulas (= + - @ tab CR).
    table: list[list[Any]] = [list(CSV_COLUMNS)]
    for entry in entries:
        row = entry.as_row()
        table.append([row.get(name, "") for name in CSV_COLUMNS])
    text = csv_rows(table, lineterminator="\r\n")
    services.record("audit.export", actor=user, mission=mission, object_type="accounts.mission",
                    object_id=mission.pk, object_repr=str(mission), after={"rows": len(entries)},
                    actor_name=None if user is not None else "local operator")
    return text
