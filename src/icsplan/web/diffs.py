"""Readable before/after diffs of history records (django-simple-history)."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Bookkeeping that means nothing to a reader.
HIDDEN = {"id", "created_at", "updated_at", "version", "position", "strategy_id", "goal_id", "objective_id",
          "sub_objective_id", "management_objective_id", "framework_id", "in_narrative"}
LABELS = {
    "number": "Number", "title": "Title", "framework_title": "Framework wording",
    "description": "Description", "description_sensitivity": "Description sensitivity",
    "justification": "Justification", "justification_sensitivity": "Justification sensitivity",
    "linkages_text": "Linkages narrative", "linkages_text_sensitivity": "Linkages sensitivity",
    "statement": "Risk", "likelihood": "Likelihood", "impact": "Impact", "mitigation": "Mitigation",
    "owner": "Owner", "sensitivity": "Sensitivity", "tag": "Linkage", "code": "Code",
}
_TOKENS = re.compile(r"\s+|[^\s]+")


def snapshot(record, fields: list[str]) -> dict:
    return {name: getattr(record, name, None) for name in fields}


def changed_fields(before: dict | None, after: dict) -> list[dict]:
    """[{field, old, new}] of the fields that differ (all non-empty fields for a creation)."""
    out = []
    for name, new in after.items():
        if name in HIDDEN:
            continue
        old = before.get(name) if before is not None else None
        if before is None and new in (None, ""):
            continue
        if before is not None and old == new:
            continue
        out.append({"field": name, "old": old, "new": new})
    return out


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def inline_diff(old, new) -> str:
    """Word-level diff as HTML: removed words in <del>, added in <ins> (everything escaped)."""
    old_s = "" if old is None else str(old)
    new_s = "" if new is None else str(new)
    a, b = _TOKENS.findall(old_s), _TOKENS.findall(new_s)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))
