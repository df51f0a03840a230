"""Editing the framework for editors: every save goes through ``strategies.services``.

Each form carries the version it was read at; a save based on a stale version is refused by the
service (``ConflictError``) and the page shows both versions side by side, never overwriting.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from icsplan.errors import ConflictError, InputError, TransitionError, ValidationError
from icsplan.strategies import models as sm
from icsplan.strategies import services
from icsplan.web import access, diffs
from icsplan.web.errors import page
from icsplan.web.forms import ElementForm, LinkageForm, RiskForm, apply_problems

from .common import mission_context


def _element_url(mission, strategy, kind, element) -> str:
    return reverse("web:strategy", args=[mission.slug, strategy.edition]) + f"#{kind}-{element.number}".replace(".", "-")


def _load(request, slug, edition, kind, pk):
    mission = access.mission_for(request.user, slug, "edit")
    strategy = access.strategy_for(request.user, mission, edition, "edit")
    element = access.element_for(request.user, strategy, kind, pk, "edit")
    return mission, strategy, element


def _attached(kind: str, element):
    fk = {"goal": "goal", "objective": "objective", "sub-objective": "sub_objective",
          "management-objective": "management_objective"}[kind]
    linkages = list(sm.Linkage.objects.filter(**{fk: element}).select_related("framework").order_by("position", "pk"))
    risks = list(sm.Risk.objects.filter(**{fk: element}).order_by("position", "pk"))
    return linkages, risks


def _render(request, mission, strategy, kind, element, form, *, conflict=None, status=200):
    linkages, risks = _attached(kind, element)
    context = mission_context(request, mission, strategy, tab="strategy")
    context.update({
        "element": element, "kind": kind, "form": form, "conflict": conflict,
        "linkages": linkages, "risks": [(r, RiskForm(initial=_risk_initial(r), prefix=f"risk{r.pk}")) for r in risks],
        "linkage_form": LinkageForm(), "proposing": services.in_force(strategy), "risk_form": RiskForm(prefix="new"),
        "back": _element_url(mission, strategy, kind, element),
    })
    return render(request, "web/edit_element.html", context, status=status)


def _risk_initial(risk) -> dict:
    return {"version": getattr(risk, "version", None), "statement": risk.statement, "likelihood": risk.likelihood or "",
            "impact": risk.impact or "", "mitigation": risk.mitigation or "", "owner": risk.owner or "",
            "sensitivity": risk.sensitivity}


@page
def edit_element(request: HttpRequest, slug: str, edition: str, kind: str, pk: int) -> HttpResponse:
    mission, strategy, element = _load(request, slug, edition, kind, pk)
    if request.method != "POST":
        form = ElementForm(initial=ElementForm.initial_for(kind, element), kind=kind)
        return _render(request, mission, strategy, kind, element, form)
    form = ElementForm(request.POST, kind=kind)
    if not form.is_valid():
        return _render(request, mission, strategy, kind, element, form, status=422)
    proposing = services.in_force(strategy)
    try:
        if proposing:
            # The edition in force changes only through an approved revision: the form proposes.
            revision = services.propose_revision(element, form.changes(), expected_version=form.cleaned_data["version"],
                                                 actor=request.user, reason=form.cleaned_data["reason"])
        else:
            services.update_element(element, form.changes(), expected_version=form.cleaned_data["version"],
                                    actor=request.user, reason=form.cleaned_data["reason"])
    except ConflictError as exc:
        element.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(element.version)  # saving again now is a deliberate overwrite
        theirs = ElementForm.initial_for(kind, element)
        yours = form.cleaned_data
        fields = ["number", "title", "framework_title", "narrative", "narrative_sensitivity", "linkages_text",
                  "linkages_text_sensitivity"]
        rows = [{"label": ElementForm(kind=kind).fields[f].label or diffs.label(f),
                 "theirs": theirs.get(f), "yours": yours.get(f), "differs": str(theirs.get(f) or "") != str(yours.get(f) or "")}
                for f in fields]
        conflict = {"current": exc.current_version, "given": exc.given_version, "rows": rows,
                    "who": element.history.select_related("history_user").first()}
        return _render(request, mission, strategy, kind, element, ElementForm(data, kind=kind), conflict=conflict, status=409)
    except ValidationError as exc:
        apply_problems(form, exc, form.field_for)
        return _render(request, mission, strategy, kind, element, form, status=422)
    except InputError as exc:
        form.add_error(None, exc.message)
        return _render(request, mission, strategy, kind, element, form, status=422)
    if proposing:
        messages.success(request, f"Revision of {revision.label} proposed; an approver decides on it.")
        return redirect("web:revisions", mission.slug, strategy.edition)
    messages.success(request, f"{element.kind_label} {form.cleaned_data['number']} saved.")
    return redirect(_element_url(mission, strategy, kind, element))


def _version(request) -> int | None:
    try:
        return int(request.POST.get("element_version", ""))
    except ValueError:
        return None


def _attachment_action(request, slug, edition, kind, pk, action):
    """Add or remove a linkage, add, change or remove a risk: then back to the edit page."""
    mission, strategy, element = _load(request, slug, edition, kind, pk)
    edit_url = reverse("web:edit-element", args=[slug, edition, kind, pk])
    if request.method != "POST":
        return redirect(edit_url)
    try:
        action(mission, strategy, element)
    except ConflictError as exc:
        messages.error(request, f"Not saved: someone else changed this in the meantime (you edited version "
                                f"{exc.given_version}, the current one is {exc.current_version}). "
                                "The page now shows the current version; make your change again.")
    except (ValidationError, InputError, TransitionError) as exc:
        messages.error(request, f"Not saved: {exc.message}")
    return redirect(edit_url)


def _propose(request, kind: str, operation: str, *, row=None, parent=None, changes=None, reason=None) -> None:
    """On the edition in force a change to a linkage or risk is a revision proposal (with its reason)."""
    revision = services.propose_change(kind, operation, row=row, parent=parent, changes=changes,
                                       expected_version=_version(request) or 0, actor=request.user,
                                       reason=reason if reason is not None else request.POST.get("reason", ""))
    messages.success(request, f"Revision proposed ({revision.label}); an approver decides on it.")


@page
def add_linkage(request, slug, edition, kind, pk):
    def act(mission, strategy, element):
        form = LinkageForm(request.POST)
        if not form.is_valid():
            raise InputError("give the framework item, e.g. CDCS DO2")
        if services.in_force(strategy):
            return _propose(request, "linkage", "create", parent=element, changes={"tag": form.cleaned_data["tag"].strip()})
        services.add_linkage(element, form.cleaned_data["tag"].strip(), expected_version=_version(request),
                             actor=request.user)
        messages.success(request, f"Linkage {form.cleaned_data['tag'].strip()} added.")
    return _attachment_action(request, slug, edition, kind, pk, act)


@page
def remove_linkage(request, slug, edition, kind, pk, linkage_pk):
    def act(mission, strategy, element):
        linkage = access.get_restricted(sm.Linkage.objects.filter(strategy=strategy), request.user, "edit", pk=linkage_pk)
        if services.in_force(strategy):
            return _propose(request, "linkage", "delete", row=linkage)
        services.remove_linkage(linkage, expected_version=_version(request), actor=request.user)
        messages.success(request, f"Linkage {linkage.tag} removed.")
    return _attachment_action(request, slug, edition, kind, pk, act)


@page
def add_risk(request, slug, edition, kind, pk):
    def act(mission, strategy, element):
        form = RiskForm(request.POST, prefix="new")
        if not form.is_valid():
            raise InputError("a risk needs a statement")
        if services.in_force(strategy):
            return _propose(request, "risk", "create", parent=element, changes=form.values(),
                            reason=form.cleaned_data.get("reason") or "")
        services.add_risk(element, form.values(), expected_version=_version(request), actor=request.user)
        messages.success(request, "Risk added.")
    return _attachment_action(request, slug, edition, kind, pk, act)


@page
def update_risk(request, slug, edition, kind, pk, risk_pk):
    def act(mission, strategy, element):
        risk = access.get_restricted(sm.Risk.objects.filter(strategy=strategy), request.user, "edit", pk=risk_pk)
        form = RiskForm(request.POST, prefix=f"risk{risk.pk}")
        if not form.is_valid():
            raise InputError("a risk needs a statement")
        if services.in_force(strategy):
            removing = bool(request.POST.get("remove"))
            return _propose(request, "risk", "delete" if removing else "update", row=risk,
                            changes=None if removing else form.values(), reason=form.cleaned_data.get("reason") or "")
        if request.POST.get("remove"):
            services.remove_risk(risk, expected_version=_version(request), actor=request.user)
            messages.success(request, "Risk removed.")
            return
        services.update_risk(risk, form.values(), expected_version=_version(request), actor=request.user,
                             reason=form.cleaned_data["reason"])
        messages.success(request, "Risk saved.")
    return _attachment_action(request, slug, edition, kind, pk, act)
