"""The one rule that keeps the edition in force from changing behind its approver's back.

A write to an element, linkage, risk, indicator, target, baseline or breakdown (disaggregation
definition) of an edition in force (approved or published) is refused with ``revision-required`` unless it is the application of an approved
revision. Every write service of those rows calls :func:`revision_gate` first, inside its
transaction; :func:`applying_revision` marks the one path that may pass (``revisions``), and the
dry run that checks a proposal exactly as the direct edit would be checked. Drafts and editions in
clearance are edited directly. Results keep their own workflow and never pass here.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from icsplan.errors import TransitionError

from .. import models as m

# A context variable (not a module flag) so that concurrent requests in threads never see each
# other's "applying" state.
_APPLYING: contextvars.ContextVar[bool] = contextvars.ContextVar("icsplan_applying_revision", default=False)


@contextlib.contextmanager
def applying_revision() -> Iterator[None]:
    """Within this block the services write to the edition in force: used only to apply an
    approved revision (and to try a proposal in a savepoint that is rolled back)."""
    token = _APPLYING.set(True)
    try:
        yield
    finally:
        _APPLYING.reset(token)


def revision_gate(strategy: m.Strategy | int, what: str) -> None:
    """Refuse a direct write to ``what`` when its edition (a row or its id) is in force.

    The status is read from the database, never from the caller's possibly stale instance."""
    pk = strategy.pk if isinstance(strategy, m.Strategy) else strategy
    row = m.Strategy.objects.filter(pk=pk).values("status", "edition").first()
    if row is None:
        return  # the write service itself reports the missing row
    status, label = row["status"], f"Edition {row['edition']}"
    if status in m.IN_FORCE_STATUSES and not _APPLYING.get():
        raise TransitionError(
            f"{label} is in force: a change to {what} takes effect only through a revision approved by an approver. "
            "Propose the change as a revision (with a reason) instead.",
            code="revision-required",
        )
