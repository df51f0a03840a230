"""Results entry for reporters (a period's form for their indicators, targets shown; save a draft
or submit) and the approval queue for approvers (approve, or return with a reason).

Every change goes through ``indicators.services``; each row carries the version it was read at,
so a result changed meanwhile is refused (``ConflictError``) and reported, never overwritten.
With JavaScript, htmx posts one row and swaps it in place; without, the form posts and the page
reloads with a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from icsplan.accounts.permissions import get_restricted, reportable, restrict
from icsplan.accounts.redaction import visible
from icsplan.core import inputs
from icsplan.errors import ConflictError, IcsplanError, NotFoundError, ValidationError
from icsplan.indicators import models as im
from icsplan.indicators import services as isv
from icsplan.indicators.periods import Period, periods_between
from icsplan.indicators.validation import strategy_years
from icsplan.web import access, monitoring
from icsplan.web.errors import page
from icsplan.web.paging import page_of
from icsplan.web.widgets import FAST_RENDERER

from .common import mission_context

#: result forms per page of results entry (reporters): a page shows the same few forms whatever
#: the size of the edition (one form, with its breakdowns, costs far more than a table row)
ENTRY_PER_PAGE = 20
#: rows per page of the approver's overview of a period (a table: one line per indicator)
OVERVIEW_PER_PAGE = 50
#: items per list of the reporter's work list (overdue, returned, due) on the results entry page:
#: the rest are counted, so that the page stays the same size however many indicators they have
WORK_LIST_ITEMS = 10


class ResultForm(forms.Form):
    """One indicator's result for one period.

    ``version`` is the version of the result the page showed, ``NEW_ROW`` (0) when there was
    none: the service refuses a save based on anything else, first entries included. There is
    no sensitivity field: the service keeps the stored marking.
    """

    # A page shows ENTRY_PER_PAGE of these forms: their inputs are written without the template engine.
    default_renderer = FAST_RENDERER

    period = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                 error_messages={"required": "The page is out of date; reload it and enter again."})
    value = forms.CharField(label="Result", required=False, max_length=inputs.VALUE_MAX)
    numerator = forms.FloatField(required=False)
    denominator = forms.FloatField(required=False)
    comment = forms.CharField(label="Comment", required=False, max_length=inputs.COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(label="Evidence link", required=False, max_length=inputs.EVIDENCE_URL_MAX,
                                  assume_scheme="https")
    reason = forms.CharField(label="Reason for changing the approved figure", required=False,
                             max_length=inputs.COMMENT_MAX)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:  # a hidden field: show its problem at the top of the row
            self.add_error(None, self.errors.pop("version"))
        return data


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _periods(strategy, indicators) -> list[str]:
    """Annual periods of the strategy, with halves and quarters when some indicator uses them."""
    years = strategy_years(strategy)
    if not years:
        return []
    frequencies = {i.frequency for i in indicators} | {"annual"}
    out = []
    for year in range(years[0], years[1] + 1):
        for frequency in ("annual", "semiannual", "quarterly"):
            if frequency in frequencies:
                out += [p.id for p in periods_between(year, year, frequency)]
    return out


#: what the whole list of a person's indicators is read with: the permission check
#: (``can_report``: the element keys and the responsible section), the periods and the pager
#: (frequency, order) and the work list (code); the page's own rows are read in full afterwards
LIGHT_FIELDS = ("id", "code", "frequency", "position", "responsible", "strategy", "objective",
                "management_objective", "sub_objective", "sub_objective__objective",
                "sub_objective__management_objective")


def _my_indicators(user, mission, strategy) -> list:
    """The indicators of an edition the person may report on (assignments for reporters), as
    light rows: enough to check the permission, count, order and page them, nothing to render.

    Each row passes the same check as a full one would (``reportable``: ``can_report`` with the
    person's scope read once); the edition (and its mission) are the ones already read, so the
    check costs no query per row."""
    rows = list(visible(restrict(im.Indicator.objects.filter(strategy=strategy), user, "report"), user)
                .select_related("sub_objective").only(*LIGHT_FIELDS).order_by("position", "pk"))
    for row in rows:
        row.strategy = strategy  # the rows are of this edition: share its (and its mission's) instance
    return reportable(user, rows)


def _full_rows(shown: list, strategy) -> list:
    """The full rows (with what a result form shows) of the indicators of one page, in its order."""
    if not shown:
        return []
    rows = im.Indicator.objects.filter(strategy=strategy, pk__in=[i.pk for i in shown])
    rows = rows.select_related("strategy__mission", "sub_objective", "objective", "management_objective", "baseline")
    by_pk = {i.pk: i for i in rows.prefetch_related("disaggregations")}
    return [by_pk[i.pk] for i in shown if i.pk in by_pk]


def _row(indicator, period: str | None, targets: dict, results: dict, form=None, note: str = "", ok: bool = True,
         posted: dict | None = None) -> dict:
    result = results.get((indicator.pk, period))
    if form is None:
        form = ResultForm(prefix=f"i{indicator.pk}", initial={
            "period": period, "version": result.version if result else isv.NEW_ROW,
            "value": result.value if result else "", "numerator": result.numerator if result else None,
            "denominator": result.denominator if result else None, "comment": result.comment if result else "",
            "evidence_url": result.evidence_url if result else "",
        })
    return {"indicator": indicator, "target": targets.get((indicator.pk, period)), "result": result, "form": form,
            "note": note, "ok": ok, "period": period, "breakdowns": _breakdowns(indicator, period, posted)}


def _breakdowns(indicator, period: str | None, posted: dict | None = None) -> list[dict]:
    """The breakdown fields of one row: each category's values with the stored figure and target.

    ``posted`` (a refused save: see ``_posted_breakdowns``) puts back the figures the person typed
    and the versions they read: a refusal must not empty the fields, or a breakdown re-entered in
    part would be saved incomplete (and so escape the sum check).

    (One query per indicator that has breakdowns; the page shows one period's few rows.)"""
    categories = list(indicator.disaggregations.all())
    if not categories or not period:
        return []
    stored = {(r.category, r.category_value): r for r in
              im.Result.objects.filter(indicator=indicator, period=period).exclude(category="")}
    targets = {(t.category, t.category_value): t for t in
               im.Target.objects.filter(indicator=indicator, period=period).exclude(category="")}
    out = []
    for d in categories:
        fields = []
        for position, value in enumerate(d.values):
            row = stored.get((d.category, value))
            shown, version = (row.value or "") if row else "", row.version if row else 0
            if posted is not None and (d.category, value) in posted:
                shown, version = posted[(d.category, value)]
            fields.append({"value": value, "name": f"i{indicator.pk}-bd-{d.pk}-{position}", "result": row,
                           "shown": shown, "target": targets.get((d.category, value)), "version": version})
        out.append({"category": d.category, "exhaustive": d.exhaustive, "fields": fields})
    return out


def _posted_breakdowns(request, indicator) -> dict[tuple[str, str], tuple[str, int]]:
    """The breakdown figures of a posted row: (category, value) -> (figure, version read)."""
    out = {}
    for d in indicator.disaggregations.all():
        for position, value in enumerate(d.values):
            name = f"i{indicator.pk}-bd-{d.pk}-{position}"
            if name in request.POST:
                try:
                    version = int(request.POST.get(name + "-version") or 0)
                except ValueError:
                    version = 0
                out[(d.category, value)] = ((request.POST.get(name) or "").strip()[:inputs.VALUE_MAX], version)
    return out


def _tables(indicators, period):
    ids = [i.pk for i in indicators]
    targets = {(t.indicator_id, t.period): t for t in
               im.Target.objects.filter(indicator_id__in=ids, period=period, category="")}
    results = {(r.indicator_id, r.period): r for r in
               im.Result.objects.filter(indicator_id__in=ids, period=period, category="").select_related("decided_by")}
    return targets, results


def _overview(request, strategy, period: str | None):
    """One page of the indicators of the period's frequency with their target and result (for
    approvers), and its pager; the indicators are counted and sliced in SQL."""
    if not period:
        return [], None
    rows = visible(restrict(im.Indicator.objects.filter(strategy=strategy, frequency=Period.parse(period).frequency),
                            request.user, "view"), request.user)
    pager = page_of(request, rows.order_by("position", "pk"), per_page=OVERVIEW_PER_PAGE)
    targets, results = _tables(pager.items, period)
    return [{"indicator": i, "target": targets.get((i.pk, period)), "result": results.get((i.pk, period))}
            for i in pager.items], pager


def _lock_of(strategy, period: str | None):
    """The lock that freezes ``period`` (its own, or one of a period that overlaps it), or None."""
    if not period:
        return None
    lock = isv.load_context(strategy).locked(Period.parse(period))
    if lock is None:
        return None
    return im.PeriodLock.objects.filter(strategy=strategy, period=lock.id).select_related("locked_by").first()


@page
def results_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """Reporters enter results; approvers see the period's figures and lock or reopen it."""
    mission = access.mission_for(request.user, slug, "view")
    allowed = access.allowed_in(request.user, mission)
    if not (allowed.report or allowed.approve):
        raise NotFoundError("No such page.")
    strategy = access.strategy_for(request.user, mission, request.GET.get("edition"),
                                   "report" if allowed.report else "approve")
    indicators = _my_indicators(request.user, mission, strategy) if allowed.report else []
    every = indicators if allowed.report else list(
        restrict(im.Indicator.objects.filter(strategy=strategy), request.user, "view").only("frequency"))
    periods = _periods(strategy, every)
    period = request.GET.get("period") or next((p for p in reversed(periods) if Period.parse(p).frequency == "annual"), None)
    if period not in periods:
        period = periods[-1] if periods else None
    due = [i for i in indicators if period and i.frequency == Period.parse(period).frequency]
    # One page of forms at a time: each row saves on its own, so paging loses nothing.
    pager = page_of(request, due, per_page=ENTRY_PER_PAGE)
    shown = _full_rows(pager.items, strategy)
    targets, results = _tables(shown, period)
    context = mission_context(request, mission, strategy, tab="results", allowed=allowed)
    lock = _lock_of(strategy, period)
    overview, overview_pager = _overview(request, strategy, period) if allowed.approve and not allowed.report else ([], None)
    if allowed.report:
        from icsplan.indicators.due import work_for

        work = context["work"] = work_for(request.user, strategy, indicators=indicators)
        context["work_limit"] = f":{WORK_LIST_ITEMS}"  # a |slice argument
        context["work_more"] = {name: max(0, len(getattr(work, name)) - WORK_LIST_ITEMS)
                                for name in ("overdue", "returned", "due")}
    context.update({"periods": periods, "period": period, "rows": [_row(i, period, targets, results) for i in shown],
                    "other_frequency": len(indicators) - len(due), "upload_form": _upload_form(),
                    "locked": lock is not None, "lock": lock, "overview": overview,
                    "pager": overview_pager or pager})
    return render(request, "web/results.html", context)


@page
def results_template(request: HttpRequest, slug: str) -> HttpResponse:
    """The results workbook of one period, for the indicators the person reports on."""
    from icsplan.indicators import excel

    mission = access.mission_for(request.user, slug, "report")
    strategy = access.strategy_for(request.user, mission, request.GET.get("edition"), "report")
    indicators = _my_indicators(request.user, mission, strategy)
    periods = _periods(strategy, indicators)
    period = request.GET.get("period") or next((p for p in reversed(periods) if Period.parse(p).frequency == "annual"), None)
    if period not in periods:
        raise NotFoundError("No such reporting period.")
    mine = {i.pk for i in indicators}
    title = f"{strategy} — results for {period}"
    rows = [r for r in excel.template_rows(strategy, period) if r["_indicator"].pk in mine]
    data = excel.write_xlsx(rows, title=title)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="results-{mission.slug}-{strategy.edition}-{period}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@page
def period_lock(request: HttpRequest, slug: str) -> HttpResponse:
    """Lock (close) or reopen a reporting period: approvers only, POST only."""
    mission = access.mission_for(request.user, slug, "approve")
    strategy = access.strategy_for(request.user, mission, request.POST.get("edition") or request.GET.get("edition"),
                                   "approve")
    period = (request.POST.get("period") or "").strip()
    back = reverse("web:results", args=[mission.slug]) + f"?edition={strategy.edition}"
    if request.method != "POST":
        return redirect(back)
    back += f"&period={request.POST.get('shown') or period}"
    try:
        if request.POST.get("action") == "unlock":
            isv.unlock_period(strategy, period, actor=request.user)
            messages.success(request, f"{period} reopened: its results can change again.")
        else:
            isv.lock_period(strategy, period, reason=(request.POST.get("reason") or "").strip(), actor=request.user)
            messages.success(request, f"{period} locked: its results can no longer change.")
    except (IcsplanError, ValueError) as exc:
        messages.error(request, f"Not changed: {getattr(exc, 'message', str(exc))}")
    return redirect(back)


def _upload_form():
    from .imports import ResultsUploadForm

    return ResultsUploadForm()


@page
def result_save(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    mission = access.mission_for(request.user, slug, "report")
    indicator = get_restricted(im.Indicator.objects.select_related("strategy__mission", "sub_objective", "baseline"),
                               request.user, "report", pk=pk, strategy__mission=mission)
    strategy = indicator.strategy
    back = reverse("web:results", args=[mission.slug]) + f"?period={request.POST.get(f'i{pk}-period', '')}&edition={strategy.edition}"
    if request.method != "POST":
        return redirect(back)
    form: ResultForm | None  # None once saved: the row then shows the stored figures
    form = ResultForm(request.POST, prefix=f"i{pk}")
    submit = request.POST.get("action") == "submit"
    note = ""
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            isv.save_with_breakdowns(
                indicator, data["period"], data["value"] or None, numerator=data["numerator"],
                denominator=data["denominator"], comment=data["comment"] or None,
                evidence_url=data["evidence_url"] or None, reason=data["reason"] or "",
                breakdowns=_posted_breakdowns(request, indicator), submit=submit,
                expected_version=data["version"], actor=request.user)
        except ConflictError as exc:
            note = (f"Not saved: this result was changed by someone else meanwhile (you had version {exc.given_version}, "
                    f"it is now version {exc.current_version}). The current figures are shown; enter yours again if needed.")
            form = None
            status = 409
        except ValidationError as exc:
            for problem in exc.problems:
                field = problem.where.field if problem.where.field in form.fields else None
                form.add_error(field if field not in ("period", "version") else None, problem.message)
            status = 422
        except IcsplanError as exc:
            form.add_error(None, exc.message)
            status = 422
        else:
            note = f"{indicator.code} {data['period']}: " + ("submitted for approval." if submit else "draft saved.")
            form = None
    else:
        status = 422
    if not _is_htmx(request):
        if status == 200:
            messages.success(request, note)
        elif status == 409:
            messages.error(request, note)
        else:
            assert form is not None  # 422: the form was kept for its errors
            errors = "; ".join(f"{e}" for errs in form.errors.values() for e in errs)
            messages.error(request, f"{indicator.code}: not saved — {errors}")
        return redirect(back)
    period = request.POST.get(f"i{pk}-period", "")
    targets, results = _tables([indicator], period)
    # A refused save (422) shows the breakdown figures as typed; a saved or conflicting one, as stored.
    posted = _posted_breakdowns(request, indicator) if form is not None else None
    row = _row(indicator, period, targets, results, form=form, note=note, ok=status == 200, posted=posted)
    # htmx swaps 2xx answers only: the row (with its messages) always comes back as 200.
    return render(request, "web/partials/result_row.html", {"row": row, "mission": mission})


#: groups (a result and its breakdowns) per page of the queue: a 10,000-row queue stays light
QUEUE_PAGE_SIZE = 25


def _queue_groups(user, strategy) -> list[list[int]]:
    """The queue as groups of result ids (the total first, then its breakdowns), oldest first.

    Only ids are read for the whole queue; the page's rows are loaded afterwards."""
    rows = monitoring.awaiting_approval_ids(user, strategy)
    groups: dict[tuple[int, str], list[tuple[str, int]]] = {}
    for pk, indicator_id, period, category in rows:
        groups.setdefault((indicator_id, period), []).append((category, pk))
    return [[pk for _, pk in sorted(members, key=lambda m: (m[0] != "", m[0], m[1]))] for members in groups.values()]


def _queue_page(user, strategy, number) -> tuple[list[dict], object, int]:
    from django.core.paginator import Paginator

    groups = _queue_groups(user, strategy)
    paginator = Paginator(groups, QUEUE_PAGE_SIZE)
    page_obj = paginator.get_page(number)
    ids = [pk for group in page_obj.object_list for pk in group]
    rows = {r.pk: r for r in im.Result.objects.filter(pk__in=ids).select_related("indicator", "submitted_by")}
    indicator_ids = {r.indicator_id for r in rows.values()}
    targets = {(t.indicator_id, t.period, t.category, t.category_value): t for t in
               im.Target.objects.filter(indicator_id__in=indicator_ids)} if indicator_ids else {}
    out = []
    for group in page_obj.object_list:
        members = [rows[pk] for pk in group if pk in rows]
        if not members:
            continue
        items = [{"result": r, "target": targets.get((r.indicator_id, r.period, r.category, r.category_value))}
                 for r in members]
        out.append({"head": items[0], "breakdowns": items[1:], "key": ",".join(f"{r.pk}:{r.version}" for r in members)})
    return out, page_obj, len(groups)


@page
def approvals(request: HttpRequest, slug: str) -> HttpResponse:
    """The approval queue: each result with its breakdowns and targets, paginated; approve a
    selected batch (all or nothing) or decide one group at a time."""
    mission = access.mission_for(request.user, slug, "approve")
    strategy = access.strategy_for(request.user, mission, request.GET.get("edition") or request.POST.get("edition"))
    allowed = access.allowed_in(request.user, mission)
    if request.method == "POST":
        return _approve_batch(request, mission, strategy)
    groups, page_obj, total = _queue_page(request.user, strategy, request.GET.get("page"))
    context = mission_context(request, mission, strategy, tab="approvals", allowed=allowed)
    context.update({"groups": groups, "page_obj": page_obj, "pending_count": total})
    return render(request, "web/approvals.html", context)


def _picked(request, strategy) -> list[tuple[im.Result, int]]:
    """The results of the selected groups, each with the version the approver saw."""
    pairs: dict[int, int] = {}
    for key in request.POST.getlist("pick"):
        for part in key.split(","):
            pk, _, version = part.partition(":")
            if pk.isdigit() and version.isdigit():
                pairs[int(pk)] = int(version)
    if not pairs:
        return []
    from icsplan.accounts.redaction import visible

    rows = visible(restrict(im.Result.objects.filter(pk__in=list(pairs), strategy=strategy), request.user, "approve"),
                   request.user).select_related("indicator", "strategy")
    return [(r, pairs[r.pk]) for r in rows.order_by("indicator__position", "period", "category", "pk")]


def _approve_batch(request, mission, strategy) -> HttpResponse:
    back = reverse("web:approvals", args=[mission.slug]) + f"?edition={strategy.edition}"
    if request.POST.get("page"):
        back += f"&page={request.POST.get('page')}"
    try:
        done = isv.approve_results(_picked(request, strategy), actor=request.user)
    except ValidationError as exc:
        messages.error(request, f"Nothing was approved. {exc.sentences()}")
    except IcsplanError as exc:
        messages.error(request, f"Nothing was approved: {exc.message}")
    else:
        messages.success(request, f"{len(done)} result{'s' if len(done) != 1 else ''} approved.")
    return redirect(back)


@page
def approval_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    mission = access.mission_for(request.user, slug, "approve")
    result = get_restricted(im.Result.objects.select_related("indicator", "strategy", "submitted_by"),
                            request.user, "approve", pk=pk, strategy__mission=mission)
    back = reverse("web:approvals", args=[mission.slug]) + f"?edition={result.strategy.edition}"
    if request.method != "POST":
        return redirect(back)
    action = request.POST.get("action")
    reason = (request.POST.get("reason") or "").strip()
    try:
        version: int | None = int(request.POST.get("version") or "")
    except ValueError:
        version = None
    ok, text = False, ""
    try:
        if version is None:
            # Every decision names the version the approver saw: no blind approvals.
            text = "This decision came without the version you saw; reload the queue and decide again."
        elif action == "approve":
            isv.approve_result(result, actor=request.user, expected_version=version)
            ok, text = True, f"{result.indicator.code} {result.period} approved."
        elif action == "return":
            isv.return_result(result, reason, actor=request.user, expected_version=version)
            ok, text = True, f"{result.indicator.code} {result.period} returned to the reporter."
        else:
            text = "Choose approve or return."
    except ConflictError as exc:
        text = (f"{result.indicator.code} {result.period} changed meanwhile (version {exc.given_version} → "
                f"{exc.current_version}); reload the queue to see the current figures.")
    except ValidationError as exc:
        text = f"{result.indicator.code} {result.period} not {'returned' if action == 'return' else 'approved'}: " \
               f"{exc.sentences()}"
    except IcsplanError as exc:
        text = f"{result.indicator.code} {result.period}: {exc.message}"
    if _is_htmx(request):
        result.refresh_from_db()
        target = im.Target.objects.filter(indicator_id=result.indicator_id, period=result.period,
                                          category=result.category, category_value=result.category_value).first()
        pending = len({(i, p) for _, i, p, _ in monitoring.awaiting_approval_ids(request.user, result.strategy)})
        return render(request, "web/partials/approval_row.html",
                      {"item": {"result": result, "target": target}, "mission": mission, "decided": ok, "note": text,
                       "oob_count": pending})
    (messages.success if ok else messages.error)(request, text)
    return redirect(back)
