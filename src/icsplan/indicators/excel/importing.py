"""Importing results: every row checked first, then all written in one transaction (or none)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.roles import Action
from icsplan.core.choices import Sensitivity
from icsplan.errors import ConflictError, Location, Problem, ValidationError
from icsplan.ingest.workbooks import FormulaCell
from icsplan.strategies.models import Strategy

from .. import models as m
from ..choices import ResultStatus
from ..periods import Period
from ..services import clean_entry_text, default_marking, load_context, user_or_none
from ..validation import EntryProblem, check_category, check_period, check_value, sum_problems
from ..values import Parsed
from .layout import BATCH, ImportedRow, ImportReport
from .layout import BY_HEADER as _BY_HEADER
from .layout import NO as _NO
from .layout import YES as _YES
from .reading import (
    Row as _Row,
)
from .reading import (
    may_report as _may_report,
)
from .reading import (
    number_cells as _number_cells,
)
from .reading import (
    read as _read,
)
from .reading import (
    same as _same,
)


def import_results(path: Path | str, *, actor, submit: bool = True, data: bytes | None = None,
                   file_label: str | None = None, decimal: str | None = None) -> ImportReport:
    """Import results from an xlsx or csv file: every row checked first, then all written or none.

    ``data`` passes the file's bytes directly (a web upload), ``path`` then only names it.
    ``actor`` is the person importing (their missions and assignments bound what they may
    report), or ``accounts.actors.SYSTEM`` for the CLI; ``None`` is refused.
    ``decimal`` ("." or ",") is the importer's decimal separator for numbers typed as text; by
    default the file's (a ";" CSV has decimal commas), else a comma that could be either is refused.
    A formula cell without a usable cached value is refused with the cell named.
    Raises ``ValidationError`` listing every problem (file, sheet, row, column, reason).
    """
    require_actor(actor)
    path = Path(path)
    label = file_label or path.name
    sheet, letters, rows, file_decimal = _read(path, data)
    decimal = decimal or file_decimal
    problems: list[Problem] = []

    def problem(row_number: int, key: str, message: str, code: str = "invalid"):
        column = letters.get(key) or letters.get("value")
        problems.append(Problem(message, Location(file=label, sheet=sheet, row=row_number,
                                                  column=f"{column} ({_BY_HEADER[key].header})", field=key),
                                code=code))

    report = ImportReport()
    strategies: dict[tuple, Strategy | None] = {}
    per_strategy: dict[int, dict] = {}
    parsed_rows: list[_Row] = []
    seen: dict[tuple, int] = {}
    for number, cells in rows:
        if all(cells.get(k) is None for k in ("value", "numerator", "denominator", "comment", "evidence_url")):
            report.blank += 1
            continue
        formulas = [k for k, v in cells.items() if isinstance(v, FormulaCell)]
        for key in formulas:
            formula = cells[key]
            got = f" (it shows {formula.cached})" if formula.cached else " and no value saved with it"
            problem(number, key, f"this cell holds the formula {formula.formula!r}{got}; type the value itself, "
                    "or save the workbook in Excel so the computed value is stored", "formula")
        if formulas:
            continue
        row = _Row(number, cells)
        ident = (str(cells.get("mission") or ""), str(cells.get("edition") or "").removesuffix(".0"))
        if ident not in strategies:
            found = (Strategy.objects.select_related("mission")
                     .filter(mission__country__iexact=ident[0], edition=ident[1]).first())
            # One answer for "does not exist" and "not yours": the refusal must not tell
            # whether another mission's edition exists.
            strategies[ident] = found if found is not None and _may_view(actor, found) else None
        strategy = strategies[ident]
        if strategy is None:
            problem(number, "mission", f"no strategy {ident[0]!r} edition {ident[1]!r} that you may report on",
                    "unknown-strategy")
            continue
        if strategy.pk not in per_strategy:
            per_strategy[strategy.pk] = {
                "context": load_context(strategy),
                "indicators": {i.code: i for i in m.Indicator.objects.filter(strategy=strategy)},
                "results": None,
            }
        state = per_strategy[strategy.pk]
        indicator = state["indicators"].get(str(cells.get("code") or "").strip())
        if indicator is None:
            problem(number, "code", f"unknown indicator {cells.get('code')!r} in {strategy}", "unknown-indicator")
            continue
        if not _may_report(actor, indicator, state):
            problem(number, "code", f"you may not report on indicator {indicator.code}", "forbidden")
            continue
        row.strategy, row.indicator = strategy, indicator
        try:
            _number_cells(indicator, cells, decimal)
            row.period = check_period(state["context"], indicator, cells.get("period")).id
            row.key = check_category(state["context"], indicator, cells.get("category"), cells.get("category_value"))
            row.parsed = check_value(indicator, cells.get("value"), cells.get("numerator"), cells.get("denominator"))
        except EntryProblem as exc:
            problem(number, exc.field, exc.message, {"period": "period", "value": "wrong-value"}.get(exc.field, "invalid"))
            continue
        sbu = str(cells.get("sensitive") or "").strip().lower()
        if sbu and sbu not in _YES | _NO:
            problem(number, "sensitive", f"SBU is yes or no, got {cells.get('sensitive')!r}")
            continue
        # An empty SBU cell keeps the result's marking: sensitivity is never lowered implicitly.
        row.sensitivity = None if not sbu else (Sensitivity.SBU if sbu in _YES else Sensitivity.PUBLIC)
        try:
            _, row.comment, row.evidence_url = clean_entry_text(
                indicator, value=cells.get("value") if isinstance(cells.get("value"), str) else None,
                comment=None if cells.get("comment") is None else str(cells["comment"]),
                evidence_url=None if cells.get("evidence_url") is None else str(cells["evidence_url"]))
        except ValidationError as exc:
            for p in exc.problems:
                problem(number, p.where.field or "value", p.message, p.code)
            continue
        full_key = (strategy.pk, indicator.pk, row.period, *row.key)
        if full_key in seen:
            problem(number, "period", f"the same result is given on row {seen[full_key]}", "duplicate")
            continue
        seen[full_key] = number
        parsed_rows.append(row)

    # Stored results of the touched indicators, in one query per strategy.
    existing: dict[tuple, m.Result] = {}
    for pk, state in per_strategy.items():
        touched = {r.indicator.pk for r in parsed_rows if r.strategy.pk == pk}
        for r in m.Result.objects.filter(strategy_id=pk, indicator_id__in=touched):
            existing[(r.indicator_id, r.period, r.category, r.category_value)] = r

    changes: list[_Row] = []
    for row in parsed_rows:
        stored = existing.get((row.indicator.pk, row.period, *row.key))
        if stored is not None and _same(row.indicator, stored, row):
            report.unchanged += 1
            continue
        if stored is not None and stored.sensitivity == Sensitivity.SBU and row.sensitivity == Sensitivity.PUBLIC:
            problem(row.number, "sensitive", "an SBU result is made public only as a change of its own, with a reason "
                    "(on the result's page or through the API), not by import", "lowering-forbidden")
            continue
        lock = per_strategy[row.strategy.pk]["context"].locked(Period.parse(row.period))
        if lock is not None:
            problem(row.number, "period", f"{row.period} is locked (period {lock.id} is closed); "
                    "its results can no longer change", "locked")
            continue
        changes.append(row)

    # Breakdowns must add up: stored figures overlaid with the file's, per indicator and period.
    groups: dict[tuple, dict] = defaultdict(dict)
    for key, r in existing.items():
        groups[(key[0], key[1])][(key[2], key[3])] = Parsed(r.value, r.number, r.numerator, r.denominator)
    first_row: dict[tuple, _Row] = {}
    for row in parsed_rows:
        group = (row.indicator.pk, row.period)
        groups[group][row.key] = row.parsed
        if group not in first_row or row.key == ("", ""):
            first_row[group] = row
    for group, row in first_row.items():
        context = per_strategy[row.strategy.pk]["context"]
        for message in sum_problems(context, row.indicator, groups[group]):
            problem(row.number, "value", f"{row.period}: {message}", "sum")

    if problems:
        problems.sort(key=lambda p: (p.where.row or 0))
        raise ValidationError(problems)
    _write(changes, existing, actor, submit, report)
    report.strategies = sorted({str(s) for s in strategies.values() if s is not None})
    return report


def _may_view(actor, strategy) -> bool:
    if is_system(actor):
        return True
    from icsplan.accounts.permissions import can

    return can(actor, Action.VIEW, strategy)


def _lock_versions(updated: list[m.Result]) -> None:
    """Lock the rows about to be updated and refuse the import if one changed (or went) since it
    was read: the file was checked against what was read, and must not overwrite a newer save."""
    read = {r.pk: r.version - 1 for r in updated}  # versions were bumped for the write
    seen = 0
    for start in range(0, len(updated), BATCH):
        chunk = [r.pk for r in updated[start:start + BATCH]]
        for pk, version in m.Result.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version"):
            seen += 1
            if version != read[pk]:
                raise ConflictError("A result in the file was changed by someone else during the import; "
                                    "nothing was imported. Import the file again.",
                                    current_version=version, given_version=read[pk])
    if seen != len(read):
        raise ConflictError("A result in the file was removed during the import; nothing was imported.")


def _write(changes: list[_Row], existing: dict, actor, submit: bool, report: ImportReport) -> None:
    user, now = user_or_none(actor), timezone.now()
    status = ResultStatus.SUBMITTED if submit else ResultStatus.DRAFT
    created, updated = [], []
    for row in changes:
        stored = existing.get((row.indicator.pk, row.period, *row.key))
        report.rows.append(ImportedRow(row.number, row.indicator.code, row.period,
                                       f"{row.key[0]}: {row.key[1]}" if row.key[0] else "", row.parsed.value or "",
                                       None if stored is None else (stored.value or "")))
        result = stored or m.Result(strategy=row.strategy, indicator=row.indicator, period=row.period,
                                    category=row.key[0], category_value=row.key[1])
        p = row.parsed
        result.value, result.number, result.numerator, result.denominator = p.value, p.number, p.numerator, p.denominator
        result.comment, result.evidence_url = row.comment, row.evidence_url
        if row.sensitivity is not None:
            result.sensitivity = row.sensitivity
        elif stored is None:
            result.sensitivity = default_marking(row.indicator)
        result.status, result.return_reason, result.decided_by, result.decided_at = status, "", None, None
        result.submitted_by, result.submitted_at = (user, now) if submit else (None, None)
        result.updated_at = now
        if stored is None:
            created.append(result)
        else:
            result.version += 1
            updated.append(result)
    try:
        with transaction.atomic():
            _write_rows(created, updated, user)
    except IntegrityError:
        raise ConflictError("A result in the file was entered by someone else during the import; nothing was "
                            "imported. Import the file again.") from None
    report.created, report.updated = len(created), len(updated)


def _write_rows(created: list[m.Result], updated: list[m.Result], user) -> None:
    if updated:
        _lock_versions(updated)
    if created:
        bulk_create_with_history(created, m.Result, batch_size=BATCH, default_user=user)
    if updated:
        bulk_update_with_history(updated, m.Result, [
            "value", "number", "numerator", "denominator", "comment", "evidence_url", "sensitivity", "status",
            "return_reason", "decided_by", "decided_at", "submitted_by", "submitted_at", "updated_at", "version",
        ], batch_size=BATCH, default_user=user)
