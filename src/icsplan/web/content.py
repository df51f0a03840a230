"""The strategy content a person may read: always through the access layer's redaction."""

from __future__ import annotations

from icsplan.accounts.redaction import document_for, is_public_copy_for, redact_history_diff

__all__ = ["document_for", "is_public_copy_for", "redact_history_diff"]
