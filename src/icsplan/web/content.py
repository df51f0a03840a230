"""The strategy content a person may read: always through the access layer's redaction."""

from __future__ import annotations

from icsplan.accounts.redaction import (
    document_for,
    hidden_history_rows,
    is_public_copy_for,
    redact_history_diff,
    redact_snapshot,
    visible,
    wants_public_copy,
)

__all__ = ["document_for", "hidden_history_rows", "is_public_copy_for", "redact_history_diff", "redact_snapshot", "visible",
           "wants_public_copy"]
