"""Adding and deleting framework elements for editors: goals, objectives, sub-objectives and
management objectives. Every change goes through ``strategies.services`` (``create_element``,
``delete_element``); a delete is confirmed on its own page, is POST only, and carries the version
the person confirmed, so an element changed meanwhile is not deleted unseen. On the edition in force
the same forms propose the addition or the deletion as a revision (``propose_change``, with a
required reason); an approver other than the proposer decides on the revisions page.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from icsplan.errors import ConflictError, InputError, NotFoundError, ValidationError
from icsplan.indicators import models as im
from icsplan.strategies import models as sm
from icsplan.strategies import services
from icsplan.web import access
from icsplan.web.errors import page
from icsplan.web.forms import NewElementForm, apply_problems, proposal_reason

from .common import mission_context

# Kinds added at the top of an edition, and the child kind of each parent kind.
TOP_KINDS = ("goal", "management-objective")
CHILD_KIND = {"goal": "objective", "objective": "sub-objective", "management-objective": "sub-objective"}
LABELS = {"goal": "Mission Goal", "objective": "Mission Objective", "sub-objective": "Sub-Objective",
          "management-objective": "Management Objective"}


def element_url(mission, strategy, kind: str, number: str) -> str:
    return reverse("web:strategy", args=[mission.slug, strategy.edition]) + f"#{kind}-{number}".replace(".", "-")


def _next_number(numbers, prefix: str = "") -> str:
    """The number after the highest one in use under ``prefix`` ("1.3" after 1.1 and 1.2)."""
    last = 0
    for number in numbers:
        tail = number[len(prefix):] if number.startswith(prefix) else ""
        if re.fullmatch(r"\d+", tail):
            last = max(last, int(tail))
    return f"{prefix}{last + 1}"


def _suggested_number(strategy, kind: str, parent) -> str:
    if kind == "goal":
        return _next_number(strategy.goals.values_list("number", flat=True))
    if kind == "management-objective":
        return _next_number(strategy.management_objectives.values_list("number", flat=True))
    if kind == "objective":
        return _next_number(parent.objectives.values_list("number", flat=True), f"{parent.number}.")
    numbers = sm.SubObjective.objects.filter(**{"objective" if isinstance(parent, sm.Objective)
                                                else "management_objective": parent}).values_list("number", flat=True)
    return _next_number(numbers, f"{parent.number}.")


def revision_kind(model) -> str:
    """The revision kind of an element model ("sub_objective" for the web's "sub-objective")."""
    return next(kind for kind, row_model in services.REVISION_MODELS.items() if row_model is model)


def proposed(request, revision) -> HttpResponse:
    """After a proposal on the edition in force: to its revisions page, where it shows as a redline."""
    messages.success(request, f"Revision proposed ({revision.label}); an approver decides on it.")
    return redirect(reverse("web:revisions", args=[revision.strategy.mission.slug, revision.strategy.edition])
                    + f"#revision-{revision.pk}")


def _create(request, mission, strategy, kind: str, parent=None) -> HttpResponse:
    model = access.ELEMENT_MODELS[kind]
    back = (element_url(mission, strategy, access.KIND_OF_MODEL[type(parent)], parent.number) if parent is not None
            else reverse("web:strategy", args=[mission.slug, strategy.edition]))
    status = 200
    proposing = services.in_force(strategy)
    if request.method == "POST":
        form = NewElementForm(request.POST, kind=kind)
        if proposing:
            proposal_reason(form)
        if form.is_valid():
            try:
                if proposing:
                    revision = services.propose_change(
                        revision_kind(model), "create", parent=parent if parent is not None else strategy,
                        changes=form.changes(), expected_version=0, actor=request.user,
                        reason=form.cleaned_data["reason"])
                    return proposed(request, revision)
                row = services.create_element(model, form.changes(), strategy=strategy, parent=parent,
                                              actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                if exc.code == "integrity":  # the only unique field a person types is the number
                    form.add_error("number", f"{LABELS[kind]} {form.cleaned_data['number']} already exists in "
                                             f"this edition; choose another number.")
                else:
                    apply_problems(form, exc, form.field_for)
            except InputError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{LABELS[kind]} {row.number} added.")
                return redirect(element_url(mission, strategy, kind, row.number))
        status = 422
    else:
        form = NewElementForm(kind=kind, initial={"number": _suggested_number(strategy, kind, parent),
                                                  "narrative_sensitivity": "public",
                                                  "linkages_text_sensitivity": "public"})
        if proposing:
            proposal_reason(form)
    context = mission_context(request, mission, strategy, tab="strategy")
    context.update({"form": form, "kind": kind, "label": LABELS[kind], "parent": parent, "back": back,
                    "proposing": proposing})
    return render(request, "web/add_element.html", context, status=status)


@page
def add_element(request: HttpRequest, slug: str, edition: str, kind: str) -> HttpResponse:
    """A new goal or management objective."""
    mission = access.mission_for(request.user, slug, "edit")
    strategy = access.strategy_for(request.user, mission, edition, "edit")
    if kind not in TOP_KINDS:
        raise NotFoundError("No such element kind.")
    return _create(request, mission, strategy, kind)


@page
def add_child(request: HttpRequest, slug: str, edition: str, kind: str, pk: int) -> HttpResponse:
    """A new objective under a goal, or a sub-objective under an objective or management objective."""
    mission = access.mission_for(request.user, slug, "edit")
    strategy = access.strategy_for(request.user, mission, edition, "edit")
    if kind not in CHILD_KIND:
        raise NotFoundError("This element takes no children.")
    parent = access.element_for(request.user, strategy, kind, pk, "edit")
    return _create(request, mission, strategy, CHILD_KIND[kind], parent)


def _consequences(kind: str, element) -> list[str]:
    """What goes with an element when it is deleted, in words (a few counting queries)."""
    out = []

    def count(n: int, one: str, many: str) -> None:
        if n:
            out.append(f"{n} {one if n == 1 else many}")

    own = {"goal": "goal", "objective": "objective", "sub-objective": "sub_objective",
           "management-objective": "management_objective"}[kind]
    below = Q(**{own: element})  # indicators of the element and of everything below it
    if kind == "goal":
        count(element.objectives.count(), "objective", "objectives")
        count(sm.SubObjective.objects.filter(objective__goal=element).count(), "sub-objective", "sub-objectives")
        below |= Q(objective__goal=element) | Q(sub_objective__objective__goal=element)
    elif kind in ("objective", "management-objective"):
        count(sm.SubObjective.objects.filter(**{own: element}).count(), "sub-objective", "sub-objectives")
        below |= Q(**{f"sub_objective__{own}": element})
    indicators = im.Indicator.objects.filter(below)
    count(indicators.count(), "indicator with its baseline and targets", "indicators with their baselines and targets")
    count(im.Result.objects.filter(indicator__in=indicators.values("pk")).count(), "result", "results")
    count(sm.Risk.objects.filter(**{own: element}).count(), "risk", "risks")
    count(sm.Linkage.objects.filter(**{own: element}).count(), "linkage", "linkages")
    return out


@page
def delete_element(request: HttpRequest, slug: str, edition: str, kind: str, pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST, with the version confirmed) a framework element."""
    mission = access.mission_for(request.user, slug, "edit")
    strategy = access.strategy_for(request.user, mission, edition, "edit")
    element = access.element_for(request.user, strategy, kind, pk, "edit")
    conflict = None
    status = 200
    proposing = services.in_force(strategy)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        reason = (request.POST.get("reason") or "").strip()
        try:
            if proposing:
                return proposed(request, services.propose_change(
                    revision_kind(type(element)), "delete", row=element, expected_version=version,
                    actor=request.user, reason=reason))
            services.delete_element(element, expected_version=version, actor=request.user, reason=reason)
        except ConflictError as exc:
            element.refresh_from_db()
            conflict = {"given": exc.given_version, "current": exc.current_version,
                        "who": element.history.select_related("history_user").first()}
            status = 409
        except (ValidationError, InputError) as exc:
            messages.error(request, f"Not {'proposed' if proposing else 'deleted'}: {exc.message}")
            return redirect(reverse("web:delete-element", args=[slug, edition, kind, pk]))
        else:
            messages.success(request, f"{element.kind_label} {element.number} deleted.")
            return redirect(reverse("web:strategy", args=[mission.slug, strategy.edition]))
    context = mission_context(request, mission, strategy, tab="strategy")
    context.update({"element": element, "kind": kind, "conflict": conflict, "proposing": proposing,
                    "consequences": _consequences(kind, element),
                    "back": element_url(mission, strategy, kind, element.number)})
    return render(request, "web/delete_element.html", context, status=status)
