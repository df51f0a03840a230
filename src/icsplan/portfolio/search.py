"""Full-text search across every strategy a person may read: titles, narratives, risks, indicators.

One function, ``search``, serves the search page and the API. For each kind of item it builds one
query that holds everything at once, so nothing is filtered after the rows are read:

* the permission layer (``restrict``: the public sees approved editions, members their missions);
* the redaction point (``accounts.redaction``): SBU risks and indicators, and risks quoted from SBU
  narratives, are left out for people who may not read the mission's SBU, and an SBU narrative is
  *searched* only for its readers (so nobody learns that SBU text contains a word);
* the text match: PostgreSQL full-text search (``to_tsvector('english', …) @@ to_tsquery``) on
  PostgreSQL; on SQLite, an FTS5 index (``portfolio_fts``) that triggers on the source tables keep
  up to date on every insert, update and delete — bulk imports included — so no service or signal
  can forget it (created by migration ``portfolio.0001``).

A query is split into words; every word must match, as a word or the start of one ("secur" finds
"security"). Anything but letters and digits is ignored, so a query can never be FTS syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.permissions import restrict
from icsplan.accounts.redaction import PUBLIC, audience_for, visible
from icsplan.accounts.roles import Action
from icsplan.errors import InputError
from icsplan.indicators.models import Indicator
from icsplan.strategies import models as sm

#: kind -> (model, number field or None, [(text field, governing marking field or None)])
TARGETS: dict[str, tuple[Any, str | None, list[tuple[str, str | None]]]] = {
    "strategy": (sm.Strategy, None, [("title", None), ("priorities", "priorities_sensitivity")]),
    "goal": (sm.Goal, "number", [("title", None), ("framework_title", None),
                                 ("description", "description_sensitivity")]),
    "objective": (sm.Objective, "number", [("title", None), ("framework_title", None),
                                           ("justification", "justification_sensitivity")]),
    "sub_objective": (sm.SubObjective, "number", [("title", None), ("justification", "justification_sensitivity")]),
    "management_objective": (sm.ManagementObjective, "number",
                             [("title", None), ("justification", "justification_sensitivity")]),
    # Risks and indicators: the whole row is governed by its own marking (``visible`` below).
    "risk": (sm.Risk, None, [("statement", None)]),
    "indicator": (Indicator, "code", [("name", None), ("definition", None)]),
}
#: the fields a hit's title is taken from, the first one not empty
TITLE_FIELDS = ("title", "name", "statement")
KINDS = tuple(TARGETS)
#: (kind, field) -> its code in the FTS5 index's rowid (object id * FTS_STRIDE + code)
FTS_CODES: dict[tuple[str, str], int] = {
    (kind, name): code for code, (kind, name) in enumerate(
        (kind, name) for kind, (_m, _n, fields) in TARGETS.items() for name, _mark in fields)
}
FTS_STRIDE = 32
PER_KIND_LIMIT = 500
MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Hit:
    """One item found, with a snippet of the field that matched and where the words are in it."""

    kind: str
    id: int
    strategy_id: int
    mission_id: int
    country: str
    slug: str
    bureau: str | None
    edition: str
    number: str | None
    title: str
    field: str
    snippet: str
    highlights: list[tuple[int, int]] = dc_field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The item's anchor on the strategy page (sections of the document have none)."""
        if self.kind in ("strategy", "risk"):
            return ""
        kind = self.kind.replace("_", "-")
        return f"{kind}-{self.number}".replace(".", "-") if self.kind != "indicator" else f"indicator-{self.id}"

    @property
    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is a match) pieces, for templates that mark the matches."""
        out, at = [], 0
        for start, end in self.highlights:
            if start > at:
                out.append((self.snippet[at:start], False))
            out.append((self.snippet[start:end], True))
            at = end
        if at < len(self.snippet):
            out.append((self.snippet[at:], False))
        return out


def words_of(query: str) -> list[str]:
    """The words of a query (letters and digits only, lower case, at most ``MAX_WORDS``)."""
    return [w.casefold() for w in _WORD.findall(query or "")][:MAX_WORDS]


def _fts_match(words: list[str]) -> str:
    # Each word a quoted prefix: FTS5 syntax in the query itself cannot get through.
    return " ".join(f'"{w}"*' for w in words)


def _pg_query(words: list[str]) -> SearchQuery:
    return SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="english")


def _match(kind: str, names: list[str], words: list[str]) -> tuple[Q, dict[str, Any]]:
    """A condition on ``kind`` that one of ``names`` matches every word, and the aliases it needs.

    On SQLite one FTS5 look-up serves all the names (one ``MATCH``, its field codes listed)."""
    if connection.vendor == "postgresql":
        condition, aliases = Q(pk__in=[]), {}
        for name in names:
            alias = f"fts_{name}"
            condition |= Q(**{alias: _pg_query(words)})
            aliases[alias] = SearchVector(name, config="english")
        return condition, aliases
    codes = [FTS_CODES[(kind, name)] for name in names]
    sql = ("SELECT object_id FROM portfolio_fts WHERE portfolio_fts MATCH %s AND field_code IN ("
           + ", ".join(["%s"] * len(codes)) + ")")
    return Q(pk__in=RawSQL(sql, (_fts_match(words), *codes))), {}


def snippet(text: str, words: list[str], width: int = 180, *,
            spans_of=None) -> tuple[str, list[tuple[int, int]]]:
    """A piece of ``text`` around the first matching word, and the spans of the words in it.

    Only the spans up to the end of the piece are looked for (not over the whole text);
    ``spans_of`` is ``_spans_finder(words)``, made once per search."""
    find = spans_of or _spans_finder(words)
    first = find(text, 0, len(text), first=True)
    start = 0
    if first and first[0][0] > width // 3:
        start = first[0][0] - width // 3
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= start - 20 and space >= 0 else start
    piece = text[start:start + width]
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    shift = len(prefix) - start
    spans = find(text, start, start + width) if first else []
    inside = [(a + shift, b + shift) for a, b in spans if a >= start and b <= start + width]
    return prefix + piece + suffix, inside


def _spans_finder(words: list[str]):
    """A function ``(text, lo, hi, first=False)`` giving the spans of the words that start in
    ``text[lo:hi]`` (only the first one when ``first``), the pattern compiled once."""
    # A word matches at the start of a word of the text; stemmed matches (PostgreSQL) are found by
    # their first letters.
    stems = sorted({w if len(w) <= 5 else w[:5] for w in words}, key=len, reverse=True)
    if not stems:
        return lambda text, lo, hi, first=False: []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE | re.UNICODE)

    def find(text: str, lo: int, hi: int, first: bool = False) -> list[tuple[int, int]]:
        if first:
            found = pattern.search(text, lo)
            return [(found.start(), found.end())] if found is not None and found.start() < hi else []
        out = []
        for m in pattern.finditer(text, lo):  # from ``lo``: ``\b`` still sees the character before it
            if m.start() >= hi:
                break
            out.append((m.start(), m.end()))
        return out

    return find


def _base(kind: str, model, actor, audience) -> QuerySet:
    qs = model.objects.all()
    if not is_system(actor):
        qs = restrict(qs, actor, Action.VIEW_PUBLIC)
    if kind in ("risk", "indicator"):
        # SBU rows (and risks quoted from SBU narratives) stay out for those who may not read them.
        qs = visible(qs, audience)
    return qs


def _columns(model, number_field: str | None, fields) -> list[str]:
    """The columns a hit is made of, read as plain values (no model instances, no related rows)."""
    prefix = "" if model is sm.Strategy else "strategy__"
    names = {f.name for f in model._meta.get_fields()}
    out = ["pk", "pk" if not prefix else "strategy_id", f"{prefix}edition", f"{prefix}mission_id",
           f"{prefix}mission__country", f"{prefix}mission__slug", f"{prefix}mission__bureau__code",
           number_field or "pk"]
    out += [name for name in TITLE_FIELDS if name in names]
    for name, marking in fields:
        out.append(name)
        if marking is not None:
            out.append(marking)
    return list(dict.fromkeys(out))


def search(query: str, *, actor, kind: str | None = None, mission: int | None = None, bureau: str | None = None,
           strategy: int | None = None) -> list[Hit]:
    """Items of every edition ``actor`` may read that contain every word of ``query``.

    Filters: ``kind`` (one of ``KINDS``), ``mission`` (id), ``bureau`` (code), ``strategy`` (id).
    Hits come grouped by kind in document order; at most ``PER_KIND_LIMIT`` per kind."""
    require_actor(actor)
    words = words_of(query)
    if not words or sum(len(w) for w in words) < 2:
        raise InputError("Search for at least two letters or digits.", code="query-too-short")
    if kind is not None and kind not in TARGETS:
        raise InputError(f"Unknown kind {kind!r}.", code="invalid-kind")
    # Computed once: the missions whose SBU the caller reads (None: every mission).
    audience = audience_for(None if is_system(actor) else actor)
    sbu_missions = audience.missions
    spans_of = _spans_finder(words)
    hits: list[Hit] = []
    for this_kind, (model, number_field, fields) in TARGETS.items():
        if kind and kind != this_kind:
            continue
        is_strategy = model is sm.Strategy
        prefix = "" if is_strategy else "strategy__"
        qs = _base(this_kind, model, actor, audience)
        if mission:
            qs = qs.filter(**{f"{prefix}mission_id": mission})
        if bureau:
            qs = qs.filter(**{f"{prefix}mission__bureau__code__iexact": bureau})
        if strategy:
            qs = qs.filter(**({"pk": strategy} if is_strategy else {"strategy_id": strategy}))
        # The fields the caller may read wherever they are found share one text match; a marked
        # narrative is searched only where the caller could read it.
        free = [name for name, marking in fields if marking is None or sbu_missions is None]
        condition, aliases = _match(this_kind, free, words)
        for name, marking in fields:
            if marking is None or name in free:
                continue
            match, extra = _match(this_kind, [name], words)
            aliases.update(extra)
            condition |= match & (Q(**{marking: PUBLIC}) | Q(**{f"{prefix}mission_id__in": sbu_missions}))
        if aliases:
            qs = qs.alias(**aliases)
        columns = _columns(model, number_field, fields)
        rows = qs.filter(condition).order_by(f"{prefix}mission__country", "pk").values(*columns)[:PER_KIND_LIMIT]
        for row in rows:
            hit = _hit(this_kind, row, number_field, fields, words, sbu_missions, spans_of)
            if hit is not None:
                hits.append(hit)
    return hits


def _hit(kind: str, row: dict[str, Any], number_field: str | None, fields, words: list[str], sbu_missions,
         spans_of) -> Hit | None:
    prefix = "" if kind == "strategy" else "strategy__"
    mission_id = row[f"{prefix}mission_id"]
    for name, marking in fields:
        value = row[name] or ""
        if marking is not None and sbu_missions is not None and mission_id not in sbu_missions \
                and row[marking] != PUBLIC:
            continue  # never quote a narrative the caller may not read
        text, spans = snippet(value, words, spans_of=spans_of)
        if not spans and not _all_words_in(value, words):
            continue
        title = next((row[t] for t in TITLE_FIELDS if row.get(t)), "")
        return Hit(kind=kind, id=row["pk"], strategy_id=row["pk" if kind == "strategy" else "strategy_id"],
                   mission_id=mission_id, country=row[f"{prefix}mission__country"],
                   slug=row[f"{prefix}mission__slug"], bureau=row[f"{prefix}mission__bureau__code"],
                   edition=row[f"{prefix}edition"], number=row[number_field] if number_field else None,
                   title=title[:300], field=name, snippet=text, highlights=spans)
    return None


def _all_words_in(value: str, words: list[str]) -> bool:
    folded = value.casefold()
    return bool(value) and all(w[:5] in folded for w in words)
