"""Approving a batch of results, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from icsplan.errors import (
    ConflictError,
    InputError,
    Location,
    PermissionDenied,
    Problem,
    ValidationError,
)

from .. import models as m
from .common import invalid as _invalid
from .entries import approve_result


def approve_results(decisions: Iterable[tuple[m.Result, int]], *, actor) -> list[m.Result]:
    """Approve a batch of submitted results, all or nothing.

    ``decisions`` pairs each result with the version the approver saw. Each goes through
    ``approve_result`` (the same checks as a single approval); if any is refused, none is approved
    and the ``ValidationError`` names every refused result with its reason, one sentence each.
    """
    decisions = list(decisions)
    if not decisions:
        raise _invalid("select at least one result to approve", field="selection", code="nothing-selected")
    problems: list[Problem] = []
    approved: list[m.Result] = []
    with transaction.atomic():
        for result, version in decisions:
            label = f"{result.indicator.code} {result.period}" + (
                f" ({result.category}: {result.category_value})" if result.category else "")
            try:
                with transaction.atomic():  # a savepoint: the next result is still tried on PostgreSQL
                    approved.append(approve_result(result, actor=actor, expected_version=version))
            except ConflictError:
                problems.append(Problem(f"{label} changed since the queue was shown; reload it",
                                        Location(element=result.indicator.code), code="conflict"))
            except ValidationError as exc:
                problems += [Problem(f"{label}: {p.message}", p.where, code=p.code) for p in exc.problems]
            except (InputError, PermissionDenied) as exc:
                problems.append(Problem(f"{label}: {exc.message}", Location(element=result.indicator.code),
                                        code=exc.code))
        if problems:
            # Roll back the approvals made so far: a batch is approved whole or not at all.
            transaction.set_rollback(True)
    if problems:
        raise ValidationError(problems, code="batch-refused")
    return approved
