"""History of one framework element: who changed what and when, with a readable diff.

SBU text is withheld from people who may not read it (``accounts.redaction``), judged by the
reader's visibility *now*: a text marked SBU today is withheld from every past version too, and a
risk the public may not read today (SBU, or quoted from an SBU narrative) has no history for them.
The page runs a constant number of queries: the element's records, its linkages' and its risks'.
It shows ``PER_PAGE`` events, newest first; the word-level diffs are built for those only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from icsplan.strategies import models as sm
from icsplan.web import access, content, diffs
from icsplan.web.errors import page
from icsplan.web.paging import page_of

from .common import mission_context

_FK = {"goal": "goal_id", "objective": "objective_id", "sub-objective": "sub_objective_id",
       "management-objective": "management_objective_id"}
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
PER_PAGE = 25


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _events(user, mission, model, records, what: str, current: dict) -> list[dict]:
    """One event per history record, each with its redacted field changes; ``current`` maps row
    ids to the rows as they are now (their markings govern every past version)."""
    fields = _fields(model)
    previous: dict[int, dict] = {}
    events = []
    for record in records:
        now = current.get(record.id)
        after = diffs.snapshot(record, fields)
        before = previous.get(record.id)
        changes = diffs.changed_fields(before if record.history_type != "+" else None, after)
        if record.history_type == "-":
            changes = []
        changes = content.redact_history_diff(user, mission, changes, before=before or {}, after=after, current=now)
        previous[record.id] = after
        shown = content.redact_history_diff(user, mission, {"before": None, "after": after}, current=now)["after"]
        for change in changes:
            change["label"] = diffs.label(change["field"])
        events.append({
            "when": record.history_date, "who": record.history_user, "action": _ACTIONS.get(record.history_type, "changed"),
            "what": what, "name": str(shown.get("tag") or shown.get("statement") or "")[:100],
            "changes": changes, "reason": record.history_change_reason or "", "version": after.get("version"),
        })
    return events


@page
def element_history(request: HttpRequest, slug: str, edition: str, kind: str, pk: int) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    element = access.element_for(request.user, strategy, kind, pk)
    model = type(element)
    records = model.history.filter(id=element.pk).select_related("history_user").order_by("history_date", "history_id")
    events = _events(request.user, mission, model, records, "element", {element.pk: element})
    fk = {_FK[kind]: element.pk}
    for attached, what in ((sm.Linkage, "linkage"), (sm.Risk, "risk")):
        rows = list(attached.history.filter(**fk).select_related("history_user").order_by("history_date", "history_id"))
        hidden = content.hidden_history_rows(request.user, mission, attached, rows, element=element)
        rows = [row for row in rows if row.id not in hidden]
        current = {row.pk: row for row in attached.objects.filter(pk__in={r.id for r in rows})}
        events += _events(request.user, mission, attached, rows, what, current)
    events.sort(key=lambda e: e["when"], reverse=True)
    pager = page_of(request, events, per_page=PER_PAGE)
    for event in pager.items:
        for change in event["changes"]:
            change["html"] = diffs.inline_diff(change["old"], change["new"])
    context = mission_context(request, mission, strategy, tab="strategy")
    context.update({"element": element, "kind": kind, "events": pager.items, "pager": pager,
                    "public_copy": content.is_public_copy_for(request.user, strategy)})
    return render(request, "web/history.html", context)
