"""The text of an objective that similarity may compare, and its digest (shared by TF-IDF and the
sentence embeddings). SBU text never enters it: a similarity score cannot reveal anything about
SBU text to someone who may not read it."""

from __future__ import annotations

import hashlib
from typing import Any

from icsplan.accounts.redaction import PUBLIC
from icsplan.strategies import models as sm


def public_text(objective: sm.Objective | Any) -> str:
    """The text compared: title, framework title, and the justification when it is public."""
    parts = [objective.title or "", objective.framework_title or ""]
    if objective.justification_sensitivity == PUBLIC:
        parts.append(objective.justification or "")
    return "\n".join(parts)


def text_digest(text: str) -> str:
    """SHA-256 of the text: a stored count or embedding is current while the digest matches."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
