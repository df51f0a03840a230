"""Big strategy-document imports off the request path: the confirmation of a staged document as
an ``ImportJob`` of kind ``strategy``.

The rule is the results workbooks' (``rules.in_background``): a document whose parsed form is
``ICSPLAN_IMPORT_BACKGROUND_BYTES`` or more (``staged_size``: the bytes of its canonical JSON,
what the import writes, whatever the format it was uploaded in) is imported by the task
``import_workbook`` (the import-job task, whatever the file), as the person who confirmed it, whole or
not at all (``imports.services.confirm_strategy``: the lint gate, the permission, the lock on
the staged row). Smaller ones stay in the request. A document for a mission that does not exist
yet (administrators only) is always imported in the request: the job belongs to a mission.

What can be refused at once is refused at once (lint errors, already imported, the permission),
so that a client learns it from the confirmation itself; the rest (the edition meanwhile
changed, a replacement that needs an approver) ends as the job's one sentence.
"""

from __future__ import annotations

import json

from icsplan.errors import ConflictError, InputError

from .models import ImportJob
from .rules import in_background

__all__ = ["confirm_in_background", "run_document", "staged_size"]


def staged_size(row) -> int:
    """The size by which a staged strategy document is judged big: its canonical JSON, in bytes."""
    return len(json.dumps(row.document or {}, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def confirm_in_background(row) -> bool:
    """Whether confirming the staged document ``row`` is left to a task (the one rule, with
    ``rules.in_background``, that the API and the web follow)."""
    return row.mission_id is not None and in_background(staged_size(row))


def run_document(job: ImportJob, user) -> tuple[str, object]:
    """Import the staged document of ``job`` as ``user``: (summary, the new edition). Raises the
    icsplan error that refused it."""
    from icsplan.imports.models import StagedImport
    from icsplan.imports.services import confirm_strategy, expired

    row = StagedImport.objects.filter(pk=job.staged_id).first() if job.staged_id else None
    if row is None or expired(row):
        raise InputError("the upload expired before it could be imported; upload the file again",
                         code="upload-expired")

    def unchanged(existing) -> None:
        # The If-Match the caller sent, checked again under the service's lock.
        if job.expected_version is not None and existing.version != job.expected_version:
            raise ConflictError(f"the edition {existing.edition} changed after the import was asked for (version "
                                f"{job.expected_version}, now {existing.version}); read it again and confirm again",
                                current_version=existing.version, given_version=job.expected_version)

    strategy = confirm_strategy(user, row, edition=job.edition, replace=job.replace, before_replace=unchanged)
    return f"Edition {strategy.edition} of Mission {row.country} created from {job.source_name}.", strategy
