"""Narrative helpers: paragraphs to text, risk sentences inside a justification."""

from __future__ import annotations

import re

from ..document import Risk, Sensitivity
from .paragraphs import Unit

# The sentence with which the 2018 layout states risks inside the justification.
_RISK_START = re.compile(
    r"\b(?:(?:the|key|main|primary|principal)[ \t]+)?risks?[ \t]+(?:associated[ \t]+with|of|from|in)[ \t]+"
    r"(?:not|failing[ \t]+to|failure[ \t]+to)[ \t]+(?:achieving|achieve|meeting|meet|accomplishing|accomplish)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=[ \t\n]+|$)")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){1,3}$|\b(?:Mr|Mrs|Ms|Dr|St|No|Gen|Col|Amb|vs|e\.g|i\.e|approx)\.$")
_WINDOW = 24
_MAX_SENTENCE = 3000


def narrative(units: list[Unit]) -> str | None:
    """Paragraphs joined by a blank line; bullets keep a bullet mark so lists stay lists."""
    parts = [f"• {u.text}" if u.bullet else u.text for u in units if u.text]
    return "\n\n".join(parts) or None


def sensitivity(units: list[Unit], document_sbu: bool) -> Sensitivity:
    """SBU when the document or any paragraph is marked so; public otherwise."""
    return Sensitivity.SBU if document_sbu or any(u.sbu for u in units) else Sensitivity.PUBLIC


def risk_sentences(text: str | None) -> list[str]:
    """Every sentence of *text* that begins "Risks associated with not achieving..." (or alike)."""
    if not text:
        return []
    found = []
    for match in _RISK_START.finditer(text):
        # Bounded windows keep this linear however many matches a paragraph holds.
        before = text[max(0, match.start() - _WINDOW): match.start()].rstrip(" \t")
        if before and not (before.endswith("\n") or _ends_sentence_at(before)):
            continue  # mid-sentence mention, not a risk statement
        found.append(text[match.start(): _sentence_end(text, match.end())].strip())
    return found


def _ends_sentence_at(text: str) -> bool:
    stripped = text.rstrip("\"'”’)]")
    return bool(stripped) and stripped[-1] in ".!?" and not _ABBREVIATION.search(stripped)


def _sentence_end(text: str, start: int) -> int:
    """Index just past the sentence that runs from *start*: a full stop before a capital or the end.

    A risk sentence longer than ``_MAX_SENTENCE`` is cut there: no real one is, and the bound keeps
    the search linear on hostile input.
    """
    limit = min(len(text), start + _MAX_SENTENCE)
    for match in _SENTENCE_END.finditer(text, start, limit):
        following = text[match.end(): match.end() + 8].lstrip(" \t")
        if following.startswith("\n") or not following:
            return match.end()
        stop = text[max(0, match.end() - _WINDOW): match.end()].rstrip("\"'”’)]")
        if (following[0].isupper() or following[0] in "\"“‘(") and not _ABBREVIATION.search(stop):
            return match.end()
    paragraph_end = text.find("\n\n", start, limit)
    return limit if paragraph_end < 0 else paragraph_end


def risks_block(units: list[Unit], document_sbu: bool) -> list[Risk]:
    """A separate Risks block: one risk per bullet or paragraph, without a lead-in ending in ":"."""
    texts = [u for u in units if u.text]
    if len(texts) > 1 and texts[0].text.rstrip().endswith(":"):
        texts = texts[1:]
    return [Risk(statement=u.text, sensitivity=sensitivity([u], document_sbu)) for u in texts]


def narrative_risks(text: str | None, level: Sensitivity) -> list[Risk]:
    """Risks quoted from a justification (the 2018 layout); the narrative keeps its full text."""
    return [Risk(statement=s, in_narrative=True, sensitivity=level) for s in risk_sentences(text)]
