"""Indicators in and out of the canonical document (``icsplan.document.Strategy``).

``import_stage`` and ``load_stage`` plug into ``icsplan.strategies.services`` (IMPORT_STAGES,
LOAD_STAGES), so a whole strategy with its monitoring data round-trips through JSON. The writer
validates every indicator, target and result first (the same checks as a single edit) and
reports all problems with the element and field at fault; it then writes in bulk, with history.

A result without a ``status`` in a document is a draft: nothing reaches the public or counts as
cleared unless the document says it was approved (icsplan's own exports always say so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from simple_history.utils import bulk_create_with_history

from icsplan import document as doc
from icsplan.errors import Location, Problem, ValidationError

from . import models as m
from .choices import ResultStatus
from .validation import Context, EntryProblem, check_category, check_period, check_value, strategy_years, sum_problems
from .values import Parsed, parse_value

BATCH = 1000
# Off only for synthetic data (``portfolio.synth``): its million figures need no audit trail.
_HISTORY: ContextVar[bool] = ContextVar("indicator_history", default=True)


@contextmanager
def history_off() -> Iterator[None]:
    """Write indicators, targets and results in bulk without history rows inside this block."""
    token = _HISTORY.set(False)
    try:
        yield
    finally:
        _HISTORY.reset(token)


def _bulk_create(rows, model, *, user) -> None:
    if _HISTORY.get():
        bulk_create_with_history(rows, model, batch_size=BATCH, default_user=user)
    else:
        model.objects.bulk_create(rows, batch_size=BATCH)

_IND_FIELDS = ("code", "name", "definition", "unit", "value_type", "direction", "cumulative", "data_source",
               "collection_method", "frequency", "responsible", "standard_code", "sample")


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _insert_plain(model, rows: list[dict]) -> None:
    """Insert ``rows`` (field name -> value) with one ``executemany`` per batch: no model instance,
    signal or history row (``history_off`` only; a million synthetic figures would take minutes
    through model instances). Fields a row leaves out take their default; timestamps are now."""
    from django.db import connection
    from django.utils import timezone

    if not rows:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Per column: ("const", value), ("fk", key), ("prep", (key, field)) or ("raw", key).
    plan: list[tuple[str, Any]] = []
    for f in fields:
        name = f.name if f.name in rows[0] else f.attname
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            plan.append(("const", f.get_db_prep_save(now, connection)))
        elif name not in rows[0]:
            plan.append(("const", f.get_db_prep_save(f.get_default(), connection)))
        elif f.is_relation:
            plan.append(("fk", name))
        elif f.get_internal_type() in ("DecimalField", "JSONField", "DateField", "DateTimeField"):
            plan.append(("prep", (name, f)))
        else:
            plan.append(("raw", name))

    def values(row: dict) -> tuple:
        out: list[Any] = []
        for kind, arg in plan:
            if kind == "const":
                out.append(arg)
            elif kind == "fk":
                out.append(getattr(row[arg], "pk", row[arg]))
            elif kind == "prep":
                out.append(arg[1].get_db_prep_save(row[arg[0]], connection))
            else:
                out.append(row[arg])
        return tuple(out)

    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 10):
            cursor.executemany(sql, [values(row) for row in rows[start:start + BATCH * 10]])


def write_indicators(strategy, items, actor=None) -> list[m.Indicator]:
    """Validate and save document indicators: ``items`` is a list of (owner field, owner row,
    [doc.Indicator]). All or nothing: any problem raises ``ValidationError`` before a write."""
    context = Context(strategy=strategy, years=strategy_years(strategy))
    problems: list[Problem] = []
    indicators, baselines, disaggs, values = [], [], [], []  # values: (model, indicator, PeriodValue, parsed)
    seen_codes = set(m.Indicator.objects.filter(strategy=strategy).values_list("code", flat=True))
    position = len(seen_codes)
    for owner_field, owner, doc_indicators in items:
        for i, d in enumerate(doc_indicators):
            where = f"{owner.number} indicators[{i}]"

            def problem(message, field, code="invalid"):
                problems.append(Problem(message, Location(element=where, field=field), code=code))

            if d.code in seen_codes:
                problem(f"indicator code {d.code} is used twice", "code", "duplicate")
            seen_codes.add(d.code)
            row = m.Indicator(strategy=strategy, position=position, sensitivity=d.sensitivity.value,
                              **{owner_field: owner}, **{f: getattr(d, f) for f in _IND_FIELDS})
            position += 1
            indicators.append(row)
            context.disaggregations[id(row)] = {x.category: (list(x.values), x.exhaustive) for x in d.disaggregations}
            row.pk = id(row)  # a stand-in key for the validation context until the row is saved
            if d.baseline is not None:
                try:
                    parsed = parse_value(d.value_type, d.baseline.value)
                except ValueError as exc:
                    problem(str(exc), "baseline.value")
                    parsed = None
                baselines.append((row, d.baseline, parsed))
            for j, x in enumerate(d.disaggregations):
                disaggs.append((row, j, x))
            for kind, model in (("targets", m.Target), ("results", m.Result)):
                groups: defaultdict[str, dict[tuple[str, str], Parsed]] = defaultdict(dict)
                for k, pv in enumerate(getattr(d, kind)):
                    field = f"{kind}[{k}]"
                    try:
                        period = check_period(context, row, pv.period)
                        key = check_category(context, row, pv.category, pv.category_value)
                        parsed = check_value(row, pv.value, pv.numerator, pv.denominator)
                    except EntryProblem as exc:
                        problem(exc.message, f"{field}.{exc.field}")
                        continue
                    if key in groups[period.id]:
                        problem(f"{period.id} {'/'.join(key) or 'total'} is given twice", field, "duplicate")
                        continue
                    if model is m.Result and pv.status == "returned" and not (pv.return_reason or "").strip():
                        problem("a returned result needs a return_reason", f"{field}.return_reason")
                    groups[period.id][key] = parsed
                    values.append((model, row, pv, period.id, key, parsed))
                for period_id, entries in groups.items():
                    for message in sum_problems(context, row, entries):
                        problem(f"{period_id}: {message}", kind, "sum")
    if problems:
        raise ValidationError(problems)
    for row in indicators:
        row.pk = None
    user = _user(actor)
    _bulk_create(indicators, m.Indicator, user=user)
    _bulk_create(
        [m.Baseline(indicator=row, value=b.value, number=p.number if p else None, date=b.date, note=b.note)
         for row, b, p in baselines], m.Baseline, user=user)
    _bulk_create(
        [m.Disaggregation(indicator=row, position=j, category=x.category, values=list(x.values), exhaustive=x.exhaustive)
         for row, j, x in disaggs], m.Disaggregation, user=user)
    targets, results = [], []
    for model, row, pv, period_id, (cat, cat_value), parsed in values:
        common = dict(strategy_id=strategy.pk, indicator_id=row.pk, period=period_id, category=cat,
                      category_value=cat_value, value=pv.value, number=parsed.number, numerator=pv.numerator,
                      denominator=pv.denominator, comment=pv.comment, evidence_url=pv.evidence_url,
                      sensitivity=pv.sensitivity.value)
        if model is m.Target:
            targets.append(common)
        else:
            status = pv.status or ResultStatus.DRAFT
            common.update(status=status, return_reason=pv.return_reason or "",
                          submitted_by=None if status == ResultStatus.DRAFT else user,
                          decided_by=user if status in (ResultStatus.APPROVED, ResultStatus.RETURNED) else None)
            results.append(common)
    if _HISTORY.get():
        _bulk_create([m.Target(**fields) for fields in targets], m.Target, user=user)
        _bulk_create([m.Result(**fields) for fields in results], m.Result, user=user)
    else:
        _insert_plain(m.Target, targets)
        _insert_plain(m.Result, results)
    return indicators


def import_stage(strategy, element_hooks, actor) -> None:
    """IMPORT_STAGES hook: save the indicators of every element of an imported document."""
    items = [(field, owner, element.indicators) for field, owner, element in element_hooks if element.indicators]
    if items:
        write_indicators(strategy, items, actor)


def _period_value(row, *, result: bool) -> doc.PeriodValue:
    return doc.PeriodValue(
        period=row.period, value=row.value, numerator=row.numerator, denominator=row.denominator,
        category=row.category or None, category_value=row.category_value or None, comment=row.comment,
        evidence_url=row.evidence_url, sensitivity=row.sensitivity,
        status=row.status if result else None,
        return_reason=(row.return_reason or None) if result else None,
    )


def to_document(indicator: m.Indicator) -> doc.Indicator:
    """The canonical form of one indicator (its related rows prefetched)."""
    try:
        b = indicator.baseline
    except m.Baseline.DoesNotExist:
        b = None
    return doc.Indicator(
        **{f: getattr(indicator, f) for f in _IND_FIELDS}, sensitivity=indicator.sensitivity,
        baseline=doc.Baseline(value=b.value, date=b.date, note=b.note) if b is not None else None,
        disaggregations=[doc.Disaggregation(category=x.category, values=list(x.values), exhaustive=x.exhaustive)
                         for x in indicator.disaggregations.all()],
        targets=[_period_value(t, result=False) for t in indicator.targets.all()],
        results=[_period_value(r, result=True) for r in indicator.results.all()],
    )


def load_stage(strategy, element_map) -> None:
    """LOAD_STAGES hook: add indicators to the elements of a loaded document (four queries)."""
    from .progress import indicator_rows

    for indicator in indicator_rows(strategy):
        for name in ("goal", "objective", "sub_objective", "management_objective"):
            owner_id = getattr(indicator, f"{name}_id")
            if owner_id is not None and (name, owner_id) in element_map:
                element_map[(name, owner_id)].indicators.append(to_document(indicator))
                break
