"""The life cycle of an edition: its steps (who, when, why) and the buttons for the next ones."""

from __future__ import annotations

from typing import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from icsplan.errors import ConflictError, IcsplanError
from icsplan.strategies import models as sm
from icsplan.strategies import services
from icsplan.web import access, diffs
from icsplan.web.errors import page

from .common import mission_context

#: form action -> (service, the action the button needs, past tense for the message)
STEPS: dict[str, tuple[Callable[..., sm.Strategy], str, str]] = {
    "submit": (services.submit_edition, "edit", "sent into clearance"),
    "return": (services.return_edition, "approve", "returned to draft"),
    "approve": (services.approve_strategy, "approve", "approved; it is now in force"),
    "publish": (services.publish_edition, "approve", "published"),
    "archive": (services.archive_edition, "approve", "archived"),
}
#: status -> the steps that may follow it
NEXT = {"draft": ("submit",), "in_clearance": ("approve", "return"), "approved": ("publish", "archive"),
        "published": ("archive",), "archived": ()}


@page
def edition(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    """An edition's life cycle; POST takes the next step (``action``) or copies it (``copy``)."""
    # A step is looked up with the action it needs, so a person who may not take it gets the same
    # "not found" as for an edition they cannot see.
    need = "view"
    if request.method == "POST":
        action = request.POST.get("action", "")
        need = STEPS[action][1] if action in STEPS else "edit"
    mission = access.mission_for(request.user, slug, need)
    row = access.strategy_for(request.user, mission, edition, need)
    allowed = access.allowed_in(request.user, mission)
    if request.method == "POST":
        return _post(request, mission, row)
    steps = sm.EditionTransition.objects.filter(strategy=row).select_related("actor").order_by("at", "pk")
    proposer = services.proposer_of(row)
    buttons = [name for name in NEXT.get(row.status, ()) if getattr(allowed, STEPS[name][1])]
    context = mission_context(request, mission, row, tab="strategy", allowed=allowed)
    context.update({
        "steps": steps, "buttons": buttons, "own_proposal": proposer is not None and proposer == request.user.pk,
        "editions": access.strategies_of(request.user, mission),
    })
    return render(request, "web/edition.html", context)


def _post(request: HttpRequest, mission, row: sm.Strategy) -> HttpResponse:
    action = request.POST.get("action", "")
    reason = (request.POST.get("reason") or "").strip()
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    target = row.edition
    try:
        if action == "copy":
            new = services.copy_edition(row, edition=(request.POST.get("new_edition") or "").strip(),
                                        actor=request.user, reason=reason)
            messages.success(request, f"Edition {new.edition} started as a draft copy of edition {row.edition}.")
            target = new.edition
        elif action in STEPS:
            service, _, done = STEPS[action]
            service(row, actor=request.user, expected_version=version, reason=reason)
            messages.success(request, f"Edition {row.edition} {done}.")
        else:
            messages.error(request, "Choose a step.")
    except ConflictError:
        messages.error(request, f"Edition {row.edition} changed meanwhile; reload the page and try again.")
    except IcsplanError as exc:
        messages.error(request, exc.message)
    return redirect("web:edition", mission.slug, target)


@page
def revisions(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    """Revisions of an edition, each as a redline with its reason and both names; POST decides one."""
    need = "approve" if request.method == "POST" else "view"
    mission = access.mission_for(request.user, slug, need)
    row = access.strategy_for(request.user, mission, edition, need)
    if request.method == "POST":
        return _decide(request, mission, row)
    allowed = access.allowed_in(request.user, mission)
    rows = access.restrict(sm.Revision.objects.filter(strategy=row), request.user, "view").select_related(
        "proposed_by", "decided_by").order_by("-created_at", "-pk")
    items = [{
        "revision": r,
        "fields": _redline(r),
        "mine": r.proposed_by_id is not None and r.proposed_by_id == request.user.pk,
    } for r in rows]
    context = mission_context(request, mission, row, tab="strategy", allowed=allowed)
    context.update({"items": items, "in_force": services.in_force(row)})
    return render(request, "web/revisions.html", context)


def _redline(revision: sm.Revision) -> list[dict]:
    """A revision as a redline, field by field: a change or a creation shows the proposed values
    against the current ones; a deletion shows everything deleted struck through."""
    if revision.operation == "delete":
        pairs = [(name, old, None) for name, old in revision.before.items()]
    else:
        pairs = [(name, revision.before.get(name), new) for name, new in revision.changes.items()]
    return [{"label": diffs.label(name), "redline": diffs.inline_diff(_shown(old), _shown(new))}
            for name, old, new in pairs if not (old in (None, "") and new in (None, ""))]


def _shown(value):
    """A field's value as words on the redline (a list of breakdown values joined by commas, a
    yes/no field as yes or no)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _decide(request: HttpRequest, mission, row: sm.Strategy) -> HttpResponse:
    revision = access.get_restricted(sm.Revision.objects.filter(strategy=row), request.user, "approve",
                                     pk=_int(request.POST.get("revision")))
    action = request.POST.get("action", "")
    reason = (request.POST.get("reason") or "").strip()
    version = _int(request.POST.get("version"))
    try:
        if action == "approve":
            services.approve_revision(revision, actor=request.user, expected_version=version, reason=reason)
            messages.success(request, f"Revision of {revision.label} approved and applied.")
        elif action == "reject":
            services.reject_revision(revision, actor=request.user, expected_version=version, reason=reason)
            messages.success(request, f"Revision of {revision.label} rejected.")
        else:
            messages.error(request, "Choose approve or reject.")
    except ConflictError:
        messages.error(request, f"Revision of {revision.label} changed meanwhile; reload the page.")
    except IcsplanError as exc:
        messages.error(request, exc.message)
    return redirect("web:revisions", mission.slug, row.edition)


def _int(value) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@page
def findings(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    """The linter's findings about a stored edition; a wording mismatch shows both texts as a redline
    and (for editors) buttons to keep one wording, which clears the finding."""
    need = "edit" if request.method == "POST" else "view"
    mission = access.mission_for(request.user, slug, need)
    row = access.strategy_for(request.user, mission, edition, need)
    if request.method == "POST":
        return _accept(request, mission, row)
    allowed = access.allowed_in(request.user, mission)
    items = services.edition_findings(row, actor=request.user)
    for item in items:
        if item["framework_text"] is not None:
            item["redline"] = diffs.inline_diff(item["framework_text"], item["body_text"])
    context = mission_context(request, mission, row, tab="strategy", allowed=allowed)
    context.update({"items": items, "in_force": services.in_force(row)})
    return render(request, "web/findings.html", context)


def _accept(request: HttpRequest, mission, row: sm.Strategy) -> HttpResponse:
    # Findings name kinds as the services do ("sub_objective"); pages' URLs as "sub-objective".
    model = access.ELEMENT_MODELS.get(request.POST.get("kind", "").replace("_", "-"))
    if model is None:
        messages.error(request, "Choose an element.")
        return redirect("web:findings", mission.slug, row.edition)
    element = access.get_restricted(model.objects.filter(strategy=row), request.user, "edit",
                                    pk=_int(request.POST.get("element")))
    try:
        done = services.accept_framework_wording(element, actor=request.user, expected_version=_int(
            request.POST.get("version")), keep=request.POST.get("keep", "framework"))
        if isinstance(done, sm.Revision):
            messages.success(request, f"Revision of {done.label} proposed; an approver decides on it.")
        else:
            messages.success(request, f"{element} now has one wording.")
    except ConflictError:
        messages.error(request, f"{element} changed meanwhile; reload the page.")
    except IcsplanError as exc:
        messages.error(request, exc.message)
    return redirect("web:findings", mission.slug, row.edition)
