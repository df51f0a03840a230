"""Every change to indicators, targets and results goes through these functions.

Each one checks permissions, validates, writes and records history in one transaction, and
raises icsplan errors (``ValidationError`` with every problem, ``ConflictError`` on a stale
``expected_version``, ``NotFoundError``/``PermissionDenied`` from the permission layer). Views,
the API, the importers and the CLI all call them, so every rule about an input lives here (or in
``validation``/``values``/``icsplan.core.inputs``), never only in a form or a schema.

Every write takes the version the caller read, ``expected_version``; for a row that does not
exist yet that is ``NEW_ROW`` (0), so of two people entering the same first result one wins and
the other gets ``ConflictError``, never a silent overwrite. A marking that is not given keeps the
stored one (``accounts.sensitivity``); approvers never decide their own submissions.

``actor`` is the user doing the change, a keyword every function requires: the named
``accounts.actors.SYSTEM`` is the trusted local operator (the CLI, the demo loader, tests) and
skips the permission checks; ``None`` is refused, so a forgotten actor fails closed.

Roles: reporters report results, approvers approve or return them (never their own
submissions) and lock periods, editors edit indicators, baselines, breakdowns and targets.

Modules: ``definitions`` (indicators, baselines, breakdowns), ``entries`` (targets and results),
``calendar`` (period locks, due dates), ``batch`` (batch approval), and ``common`` (what they share:
permission and version checks, stamping, saving). The write functions were moved here unchanged;
the siblings import common's helpers under their former private names (``stamp as _stamp``).
Import from the package: ``from icsplan.indicators import services``.
"""

from __future__ import annotations

from .batch import approve_results
from .calendar import is_locked, lock_period, set_due_date, unlock_period
from .common import INDICATOR_FIELDS, NEW_ROW, load_context, parsed_of, user_or_none
from .definitions import (
    create_indicator,
    define_disaggregation,
    delete_indicator,
    remove_disaggregation,
    set_baseline,
    update_indicator,
)
from .entries import (
    approve_result,
    clean_entry_text,
    default_marking,
    refuse_own_submission,
    return_result,
    save_result,
    propose_targets,
    save_with_breakdowns,
    set_target,
    set_targets,
    submit_result,
)

__all__ = [
    "INDICATOR_FIELDS",
    "NEW_ROW",
    "approve_result",
    "approve_results",
    "clean_entry_text",
    "create_indicator",
    "default_marking",
    "define_disaggregation",
    "delete_indicator",
    "is_locked",
    "load_context",
    "lock_period",
    "parsed_of",
    "propose_targets",
    "refuse_own_submission",
    "remove_disaggregation",
    "return_result",
    "save_result",
    "save_with_breakdowns",
    "set_baseline",
    "set_due_date",
    "set_target",
    "set_targets",
    "submit_result",
    "unlock_period",
    "update_indicator",
    "user_or_none",
]
