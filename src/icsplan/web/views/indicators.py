"""Editing indicators for editors: the definition, the baseline, the targets of every period (one
form, saved in one transaction by ``set_targets``), the breakdowns, and deleting an indicator.

Every save goes through ``indicators.services``. The definition form and each target row carry the
version they were read at: a change made meanwhile is refused (``ConflictError``) and the page
shows both versions, never overwriting silently. A service's problems land next to their field.
On the edition in force every one of these forms proposes its change as a revision instead
(``strategies.services.propose_change``, the path of the API's ``POST /api/revisions``; the reason
is required then) and lands on the revisions page; drafts are edited directly.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from icsplan.errors import ConflictError, InputError, NotFoundError, ValidationError
from icsplan.indicators import models as im
from icsplan.indicators import services as isv
from icsplan.indicators.periods import periods_between
from icsplan.indicators.validation import strategy_years
from icsplan.strategies import services as strategy_services
from icsplan.web import access
from icsplan.web.errors import page
from icsplan.web.forms import (
    INDICATOR_FIELDS,
    BaselineForm,
    DisaggregationForm,
    IndicatorForm,
    TargetsForm,
    apply_problems,
    proposal_reason,
)

from .common import mission_context
from .framework import proposed

#: element kinds an indicator may be added to from the web
INDICATOR_OWNERS = ("objective", "sub-objective", "management-objective")
_OWNER_FIELDS = (("objective", "Mission Objective"), ("sub_objective", "Sub-Objective"),
                 ("management_objective", "Management Objective"), ("goal", "Mission Goal"))


def _strategy_url(mission, strategy, anchor: str = "") -> str:
    return reverse("web:strategy", args=[mission.slug, strategy.edition]) + (f"#{anchor}" if anchor else "")


def _edit_url(mission, strategy, indicator) -> str:
    return reverse("web:edit-indicator", args=[mission.slug, strategy.edition, indicator.pk])


def _owner(indicator) -> str:
    for name, label in _OWNER_FIELDS:
        row = getattr(indicator, name)
        if row is not None:
            return f"{label} {row.number}"
    return ""


def _load(request, slug: str, edition: str, pk: int):
    mission = access.mission_for(request.user, slug, "edit")
    strategy = access.strategy_for(request.user, mission, edition, "edit")
    rows = im.Indicator.objects.filter(strategy=strategy).select_related(
        "baseline", "objective", "sub_objective", "management_objective", "goal")
    indicator = access.get_restricted(rows, request.user, "edit", pk=pk)
    return mission, strategy, indicator


def _baseline(indicator):
    try:
        return indicator.baseline
    except im.Baseline.DoesNotExist:
        return None


def _periods(strategy, indicator) -> list[str]:
    """Every period of the indicator's frequency in the years of the strategy."""
    years = strategy_years(strategy)
    return [p.id for p in periods_between(years[0], years[1], indicator.frequency)] if years else []


def _targets(indicator) -> dict:
    return {t.period: t for t in im.Target.objects.filter(indicator=indicator, category="", category_value="")}


def _targets_form(strategy, indicator, data=None, current=None) -> TargetsForm:
    return TargetsForm(data, periods=_periods(strategy, indicator), current=current or _targets(indicator),
                       prefix="t")


def _reason_if(proposing: bool, form):
    """The form, its reason required when it proposes a revision (on the edition in force)."""
    return proposal_reason(form) if proposing else form


def _proposed_targets(request, indicator, revisions) -> HttpResponse:
    """After proposing targets: to the revisions page (the first of them) — one revision per period."""
    if len(revisions) == 1:
        return proposed(request, revisions[0])
    first = revisions[0]
    periods = ", ".join(r.changes.get("period", "") for r in revisions)
    messages.success(request, f"{len(revisions)} revisions proposed (targets {periods} of {indicator.code}); "
                              "an approver decides on each.")
    return redirect(reverse("web:revisions", args=[first.strategy.mission.slug, first.strategy.edition])
                    + f"#revision-{first.pk}")


def _page(request, mission, strategy, indicator, *, definition=None, baseline=None, targets=None, breakdown=None,
          conflict=None, status=200) -> HttpResponse:
    base = _baseline(indicator)
    proposing = strategy_services.in_force(strategy)
    context = mission_context(request, mission, strategy, tab="strategy")
    breakdowns = list(im.Disaggregation.objects.filter(indicator=indicator).order_by("position", "pk"))
    extra = sorted({t.period for t in im.Target.objects.filter(indicator=indicator, category="")}
                   - set(_periods(strategy, indicator)))
    context.update({
        "indicator": indicator, "owner": _owner(indicator), "conflict": conflict, "proposing": proposing,
        "form": definition or _reason_if(proposing, IndicatorForm(initial=IndicatorForm.initial_for(indicator),
                                                                  prefix="d")),
        "baseline_form": baseline or _reason_if(proposing, BaselineForm(prefix="b", initial={
            "version": base.version if base else isv.NEW_ROW,
            "value": base.value if base else "", "date": base.date if base else None,
            "note": base.note if base else ""})),
        "baseline": base,
        "targets_form": targets or _reason_if(proposing, _targets_form(strategy, indicator)),
        "other_periods": extra,
        "breakdowns": breakdowns, "breakdown_form": breakdown or _reason_if(proposing, DisaggregationForm(
            prefix="c", initial={"read": DisaggregationForm.read_value(breakdowns)})),
        "back": _strategy_url(mission, strategy, f"indicator-{indicator.pk}"),
    })
    return render(request, "web/edit_indicator.html", context, status=status)


def _suggested_code(strategy, element) -> str:
    codes = {c.upper() for c in im.Indicator.objects.filter(strategy=strategy).values_list("code", flat=True)}
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":  # the style of the demo and of most ICS annexes: 1.1-A
        code = f"{element.number}-{letter}"
        if code not in codes:
            return code
    return f"{element.number}-"


@page
def add_indicator(request: HttpRequest, slug: str, edition: str, kind: str, pk: int) -> HttpResponse:
    """A new indicator on an objective, sub-objective or management objective."""
    mission = access.mission_for(request.user, slug, "edit")
    strategy = access.strategy_for(request.user, mission, edition, "edit")
    if kind not in INDICATOR_OWNERS:
        raise NotFoundError("Indicators attach to objectives, sub-objectives and management objectives.")
    element = access.element_for(request.user, strategy, kind, pk, "edit")
    status = 200
    proposing = strategy_services.in_force(strategy)
    if request.method == "POST":
        form = IndicatorForm(request.POST, prefix="d")
        if proposing:
            proposal_reason(form)
        if form.is_valid():
            values = form.values()
            try:
                if proposing:
                    return proposed(request, strategy_services.propose_change(
                        "indicator", "create", parent=element, changes=values, expected_version=0,
                        actor=request.user, reason=form.cleaned_data["reason"]))
                indicator = isv.create_indicator(element, code=values.pop("code"), name=values.pop("name"),
                                                 actor=request.user, **values)
            except ValidationError as exc:
                apply_problems(form, exc, form.field_for)
            except InputError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Indicator {indicator.code} created. Add its baseline and targets below.")
                return redirect(_edit_url(mission, strategy, indicator))
        status = 422
    else:
        form = IndicatorForm(prefix="d", initial={
            "code": _suggested_code(strategy, element), "value_type": "number", "direction": "increase",
            "frequency": "annual", "sensitivity": "public"})
        if proposing:
            proposal_reason(form)
    context = mission_context(request, mission, strategy, tab="strategy")
    context.update({"form": form, "element": element, "kind": kind, "proposing": proposing,
                    "back": _strategy_url(mission, strategy, f"{kind}-{element.number}".replace(".", "-"))})
    return render(request, "web/add_indicator.html", context, status=status)


@page
def edit_indicator(request: HttpRequest, slug: str, edition: str, pk: int) -> HttpResponse:
    """The indicator page (GET) and saving its definition (POST)."""
    mission, strategy, indicator = _load(request, slug, edition, pk)
    if request.method != "POST":
        return _page(request, mission, strategy, indicator)
    proposing = strategy_services.in_force(strategy)
    form = _reason_if(proposing, IndicatorForm(request.POST, prefix="d"))
    if not form.is_valid() or form.cleaned_data["version"] is None:
        if form.is_valid():
            form.add_error(None, "The form lost its version; reload the page and make your change again.")
        return _page(request, mission, strategy, indicator, definition=form, status=422)
    try:
        if proposing:
            values = form.values()  # the redline shows the fields changed (all of them when none is)
            changed = {k: v for k, v in values.items() if getattr(indicator, k) != v}
            return proposed(request, strategy_services.propose_change(
                "indicator", "update", row=indicator, changes=changed or values,
                expected_version=form.cleaned_data["version"], actor=request.user, reason=form.cleaned_data["reason"]))
        isv.update_indicator(indicator, form.values(), expected_version=form.cleaned_data["version"],
                             actor=request.user, reason=form.cleaned_data["reason"])
    except ConflictError as exc:
        indicator.refresh_from_db()
        data = request.POST.copy()
        data["d-version"] = str(indicator.version)  # saving again now is a deliberate overwrite
        theirs, yours = IndicatorForm.initial_for(indicator), form.cleaned_data
        labels = IndicatorForm().fields
        rows = [{"label": labels[f].label or f.replace("_", " ").capitalize(), "theirs": theirs.get(f),
                 "yours": yours.get(f), "differs": str(theirs.get(f) or "") != str(yours.get(f) or "")}
                for f in INDICATOR_FIELDS]
        conflict = {"current": exc.current_version, "given": exc.given_version, "rows": rows,
                    "who": indicator.history.select_related("history_user").first()}
        return _page(request, mission, strategy, indicator,
                     definition=_reason_if(proposing, IndicatorForm(data, prefix="d")), conflict=conflict, status=409)
    except ValidationError as exc:
        apply_problems(form, exc, form.field_for)
        return _page(request, mission, strategy, indicator, definition=form, status=422)
    except InputError as exc:
        form.add_error(None, exc.message)
        return _page(request, mission, strategy, indicator, definition=form, status=422)
    messages.success(request, f"Indicator {form.cleaned_data['code']} saved.")
    return redirect(_edit_url(mission, strategy, indicator))


@page
def indicator_baseline(request: HttpRequest, slug: str, edition: str, pk: int) -> HttpResponse:
    mission, strategy, indicator = _load(request, slug, edition, pk)
    if request.method != "POST":
        return redirect(_edit_url(mission, strategy, indicator))
    proposing = strategy_services.in_force(strategy)
    form = _reason_if(proposing, BaselineForm(request.POST, prefix="b"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if proposing:
                return proposed(request, strategy_services.propose_change(
                    "baseline", "update", parent=indicator, changes=form.changes(), expected_version=data["version"],
                    actor=request.user, reason=data["reason"]))
            isv.set_baseline(indicator, data["value"].strip() or None, date=data["date"],
                             note=data["note"].strip() or None, expected_version=data["version"],
                             actor=request.user)
        except ConflictError:
            form.add_error(None, "Not saved: the baseline was changed by someone else meanwhile. "
                                 "Reload the page to see it, then enter yours again if needed.")
        except ValidationError as exc:
            apply_problems(form, exc, form.field_for)
        except InputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Baseline of {indicator.code} saved.")
            return redirect(_edit_url(mission, strategy, indicator) + "#baseline-h")
    return _page(request, mission, strategy, indicator, baseline=form, status=422)


@page
def indicator_targets(request: HttpRequest, slug: str, edition: str, pk: int) -> HttpResponse:
    """Save the changed rows of the targets form, all in one transaction."""
    mission, strategy, indicator = _load(request, slug, edition, pk)
    if request.method != "POST":
        return redirect(_edit_url(mission, strategy, indicator))
    current = _targets(indicator)
    proposing = strategy_services.in_force(strategy)
    form = _reason_if(proposing, _targets_form(strategy, indicator, request.POST, current))
    if not form.is_valid():
        return _page(request, mission, strategy, indicator, targets=form, status=422)
    values, versions = form.changed_rows()
    if not values:
        messages.info(request, f"No target of {indicator.code} changed.")
        return redirect(_edit_url(mission, strategy, indicator) + "#targets-h")
    try:
        if proposing:
            return _proposed_targets(request, indicator, isv.propose_targets(
                indicator, values, expected_versions=versions, actor=request.user, reason=form.cleaned_data["reason"]))
        isv.set_targets(indicator, values, expected_versions=versions, actor=request.user)
    except ConflictError:
        fresh = _targets(indicator)
        data = request.POST.copy()
        changed = []
        for period in form.periods:
            target = fresh.get(period)
            data[f"t-v-{period}"] = str(target.version) if target else ""  # saving again overwrites deliberately
            read = form.cleaned_data.get(f"v-{period}")
            if period in versions and read != (target.version if target else None):
                changed.append({"period": period, "theirs": target.value if target else None,
                                "yours": (form.cleaned_data.get(period) or "").strip() or None})
        conflict = {"targets": changed}
        return _page(request, mission, strategy, indicator,
                     targets=_reason_if(proposing, _targets_form(strategy, indicator, data, fresh)),
                     conflict=conflict, status=409)
    except ValidationError as exc:
        apply_problems(form, exc, form.field_for)
        return _page(request, mission, strategy, indicator, targets=form, status=422)
    except InputError as exc:
        form.add_error(None, exc.message)
        return _page(request, mission, strategy, indicator, targets=form, status=422)
    messages.success(request, f"Targets of {indicator.code} saved ({', '.join(values)}).")
    return redirect(_edit_url(mission, strategy, indicator) + "#targets-h")


@page
def indicator_breakdowns(request: HttpRequest, slug: str, edition: str, pk: int) -> HttpResponse:
    """Add or redefine a breakdown (disaggregation) of an indicator."""
    mission, strategy, indicator = _load(request, slug, edition, pk)
    if request.method != "POST":
        return redirect(_edit_url(mission, strategy, indicator))
    proposing = strategy_services.in_force(strategy)
    form = _reason_if(proposing, DisaggregationForm(request.POST, prefix="c"))
    if form.is_valid():
        try:
            if proposing:
                return proposed(request, strategy_services.propose_change(
                    "disaggregation", "update", parent=indicator, changes=form.changes(),
                    expected_version=form.expected_version(), actor=request.user, reason=form.cleaned_data["reason"]))
            row = isv.define_disaggregation(indicator, form.cleaned_data["category"], form.value_list(),
                                            exhaustive=form.cleaned_data["exhaustive"],
                                            expected_version=form.expected_version(), actor=request.user)
        except ConflictError:
            form.add_error(None, "Not saved: this breakdown was defined or changed by someone else meanwhile. "
                                 "Reload the page to see it, then make your change again if needed.")
        except ValidationError as exc:
            apply_problems(form, exc, form.field_for)
        except InputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Breakdown {row.category} of {indicator.code} saved.")
            return redirect(_edit_url(mission, strategy, indicator) + "#breakdowns-h")
    return _page(request, mission, strategy, indicator, breakdown=form, status=422)


@page
def remove_breakdown(request: HttpRequest, slug: str, edition: str, pk: int, breakdown_pk: int) -> HttpResponse:
    mission, strategy, indicator = _load(request, slug, edition, pk)
    back = _edit_url(mission, strategy, indicator) + "#breakdowns-h"
    if request.method != "POST":
        return redirect(back)
    row = access.get_restricted(im.Disaggregation.objects.filter(indicator=indicator), request.user, "edit",
                                pk=breakdown_pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None  # the service refuses a removal that does not say which version it saw
    proposing = strategy_services.in_force(strategy)
    try:
        if proposing:
            return proposed(request, strategy_services.propose_change(
                "disaggregation", "delete", parent=indicator, changes={"category": row.category},
                expected_version=-1 if version is None else version, actor=request.user,
                reason=(request.POST.get("reason") or "").strip()))
        isv.remove_disaggregation(row, expected_version=version, actor=request.user)
    except ConflictError:
        messages.error(request, f"Not {'proposed' if proposing else 'removed'}: breakdown {row.category} was "
                                "changed by someone else meanwhile.")
    except (ValidationError, InputError) as exc:
        messages.error(request, f"Not {'proposed' if proposing else 'removed'}: {exc.message}")
    else:
        messages.success(request, f"Breakdown {row.category} of {indicator.code} removed.")
    return redirect(back)


@page
def delete_indicator(request: HttpRequest, slug: str, edition: str, pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST, with the version confirmed) an indicator."""
    mission, strategy, indicator = _load(request, slug, edition, pk)
    conflict = None
    status = 200
    proposing = strategy_services.in_force(strategy)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            if proposing:
                return proposed(request, strategy_services.propose_change(
                    "indicator", "delete", row=indicator, expected_version=version, actor=request.user,
                    reason=(request.POST.get("reason") or "").strip()))
            isv.delete_indicator(indicator, expected_version=version, actor=request.user)
        except (ValidationError, InputError) as exc:
            messages.error(request, f"Not {'proposed' if proposing else 'deleted'}: {exc.message}")
            return redirect(reverse("web:delete-indicator", args=[slug, edition, pk]))
        except ConflictError as exc:
            indicator.refresh_from_db()
            conflict = {"given": exc.given_version, "current": exc.current_version,
                        "who": indicator.history.select_related("history_user").first()}
            status = 409
        else:
            messages.success(request, f"Indicator {indicator.code} deleted.")
            return redirect(_strategy_url(mission, strategy))
    context = mission_context(request, mission, strategy, tab="strategy")
    context.update({
        "indicator": indicator, "owner": _owner(indicator), "conflict": conflict, "proposing": proposing,
        "counts": {"targets": im.Target.objects.filter(indicator=indicator).count(),
                   "results": im.Result.objects.filter(indicator=indicator).count()},
        "back": _edit_url(mission, strategy, indicator),
    })
    return render(request, "web/delete_indicator.html", context, status=status)
