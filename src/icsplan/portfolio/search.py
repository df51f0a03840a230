"""Full-text search across every strategy a person may read: titles, narratives, risks, indicators.

One function, ``search``, serves the search page and the API. It makes one SQL statement that holds
everything at once, so nothing is filtered after the rows are read — one part per kind of item
(each limited to ``PER_KIND_LIMIT``, joined by ``UNION ALL``), each part made of:

* the permission layer (``restrict``: the public sees approved editions, members their missions);
* the redaction point (``accounts.redaction``): SBU risks and indicators, and risks quoted from SBU
  narratives, are left out for people who may not read the mission's SBU, and an SBU narrative is
  *searched* only for its readers (so nobody learns that SBU text contains a word);
* the text match: PostgreSQL full-text search (``to_tsvector('english', …) @@ to_tsquery``) on
  PostgreSQL; on SQLite, an FTS5 index (``portfolio_fts``) that triggers on the source tables keep
  up to date on every insert, update and delete — bulk imports included — so no service or signal
  can forget it (created by migration ``portfolio.0001``). On SQLite the words are matched once
  per statement (the ``fts_matches`` CTE) and every part reads that.

The statement also makes the snippets, on the limited rows only: of the first field that matched
among those the caller may read, with the matching words marked — FTS5 ``snippet()`` on SQLite,
``ts_headline`` on PostgreSQL. ``snippet`` (below) is the same idea in Python, for other callers.

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
from django.db.models import Case, F, IntegerField, Q, QuerySet, TextField, Value, When
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
#: FTS code -> the field's name
FIELD_NAMES: dict[int, str] = {code: name for (_kind, name), code in FTS_CODES.items()}
FTS_STRIDE = 32
FTS_TABLE = "portfolio_fts"
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
    # On SQLite, ``fts_matches`` is the one FTS5 look-up of the statement (``_statement``).
    codes = [FTS_CODES[(kind, name)] for name in names]
    sql = "SELECT object_id FROM fts_matches WHERE field_code IN (" + ", ".join(["%s"] * len(codes)) + ")"
    return Q(pk__in=RawSQL(sql, tuple(codes))), {}


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


#: marks around the matching words in the snippets the database makes (control characters: never
#: in a document's text, which the importers normalise)
START, STOP = "\x02", "\x03"
#: the snippet's length in words (FTS5 ``snippet()`` tokens, ``ts_headline``'s MaxWords)
SNIPPET_WORDS = 30
#: the most fields one kind searches (its texts travel in as many columns, on PostgreSQL)
MAX_FIELDS = max(len(fields) for _m, _n, fields in TARGETS.values())
#: the columns every kind's part of the statement gives, in order
COLUMNS = ("h_kind", "h_id", "h_strategy", "h_edition", "h_mission", "h_country", "h_slug", "h_bureau",
           "h_number", "h_title", "h_field") + tuple(f"h_text{i}" for i in range(MAX_FIELDS))
_MARK = re.compile(f"[{START}{STOP}]")


def _kind_query(index: int, kind: str, words: list[str], *, actor, audience, mission, bureau, strategy) -> QuerySet:
    """The items of ``kind`` the caller may read that match ``words``, at most ``PER_KIND_LIMIT``,
    as the ``COLUMNS`` of the statement; ``h_field`` is the FTS code of the first field that
    matches among those the caller may read (the one quoted)."""
    model, number_field, fields = TARGETS[kind]
    prefix = "" if model is sm.Strategy else "strategy__"
    qs = _base(kind, model, actor, audience)
    if mission:
        qs = qs.filter(**{f"{prefix}mission_id": mission})
    if bureau:
        qs = qs.filter(**{f"{prefix}mission__bureau__code__iexact": bureau})
    if strategy:
        qs = qs.filter(**({"pk": strategy} if model is sm.Strategy else {"strategy_id": strategy}))
    sbu_missions = audience.missions
    whens, aliases, anywhere = [], {}, Q(pk__in=[])
    for name, marking in fields:
        match, vectors = _match(kind, [name], words)
        aliases.update(vectors)
        if marking is not None and sbu_missions is not None:
            # A marked narrative is searched only where the caller could read it.
            match &= Q(**{marking: PUBLIC}) | Q(**{f"{prefix}mission_id__in": sbu_missions})
        whens.append(When(match, then=Value(FTS_CODES[(kind, name)])))
        anywhere |= match
    if aliases:
        qs = qs.alias(**aliases)
    names = {f.name for f in model._meta.get_fields()}
    title = next(name for name in TITLE_FIELDS if name in names)
    # Plain columns where there is one (``values`` keeps their order: the statement's ``COLUMNS``);
    # annotations only for what is not a column, which keeps the statement quick to build.
    nothing = Value(None, output_field=TextField())
    extra: dict[str, Any] = {"h_kind": Value(index), "h_field": Case(*whens, default=None, output_field=IntegerField())}
    if model is sm.Strategy:
        extra["h_strategy"] = F("pk")
    if number_field is None:
        extra["h_number"] = nothing
    for i in range(MAX_FIELDS):
        on_postgres = connection.vendor == "postgresql" and i < len(fields)
        extra[f"h_text{i}"] = F(fields[i][0]) if on_postgres else nothing
    paths = {"h_id": "pk", "h_strategy": "h_strategy" if model is sm.Strategy else "strategy_id",
             "h_edition": f"{prefix}edition", "h_mission": f"{prefix}mission_id",
             "h_country": f"{prefix}mission__country", "h_slug": f"{prefix}mission__slug",
             "h_bureau": f"{prefix}mission__bureau__code", "h_number": number_field or "h_number", "h_title": title}
    qs = qs.filter(anywhere).annotate(**extra)
    return qs.order_by(f"{prefix}mission__country", "pk").values(
        *(paths.get(column, column) for column in COLUMNS))[:PER_KIND_LIMIT]


def _statement(parts: list[tuple[str, tuple]], words: list[str]) -> tuple[str, list[Any]]:
    """The one statement: every kind's items (each part limited), and the snippet of the field
    each quotes, made by the database for those rows only."""
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS k{n}" for n, (sql, _p) in enumerate(parts))
    params: list[Any] = [p for _sql, part in parts for p in part]
    columns = ", ".join(f"hits.{c}" for c in COLUMNS[:11])
    order = "ORDER BY hits.h_kind, hits.h_country, hits.h_id"
    if connection.vendor == "postgresql":
        text = "CASE hits.h_field " + " ".join(
            f"WHEN {code} THEN hits.h_text{position}"
            for kind, (_m, _n, fields) in TARGETS.items() for position, (name, _mark) in enumerate(fields)
            for code in [FTS_CODES[(kind, name)]]) + " END"
        options = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}"
        sql = (f"WITH hits ({', '.join(COLUMNS)}) AS ({union}) SELECT {columns}, ts_headline('english'::regconfig, {text}, "
               f"to_tsquery('english'::regconfig, %s), %s) FROM hits {order}")
        return sql, [*params, " & ".join(f"{w}:*" for w in words), options]
    # FTS5: the words matched once (``fts_matches``, read by every part's conditions), and
    # ``snippet()`` on the index row of each hit's field.
    sql = (f"WITH fts_matches AS MATERIALIZED (SELECT object_id, field_code FROM {FTS_TABLE} "
           f"WHERE {FTS_TABLE} MATCH %s), hits ({', '.join(COLUMNS)}) AS ({union}) "
           f"SELECT {columns}, snippet({FTS_TABLE}, 0, char(2), char(3), '…', {SNIPPET_WORDS}) "
           # CROSS JOIN keeps the hits outside (SQLite does not reorder it): one index row read by
           # its rowid per hit, instead of a second full match scanning the hits for every entry.
           f"FROM hits CROSS JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = hits.h_id * {FTS_STRIDE} + hits.h_field "
           f"WHERE {FTS_TABLE} MATCH %s {order}")
    match = _fts_match(words)
    return sql, [match, *params, match]


def marked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet with the database's marks taken out, and the spans they marked."""
    out, spans, at, start = [], [], 0, None
    for piece, mark in zip(_MARK.split(text), [*_MARK.findall(text), ""]):
        out.append(piece)
        at += len(piece)
        if mark == START:
            start = at
        elif mark == STOP and start is not None:
            if at > start:
                spans.append((start, at))
            start = None
    return "".join(out), spans


def search(query: str, *, actor, kind: str | None = None, mission: int | None = None, bureau: str | None = None,
           strategy: int | None = None) -> list[Hit]:
    """Items of every edition ``actor`` may read that contain every word of ``query``.

    Filters: ``kind`` (one of ``KINDS``), ``mission`` (id), ``bureau`` (code), ``strategy`` (id).
    Hits come grouped by kind in document order; at most ``PER_KIND_LIMIT`` per kind. One SQL
    statement makes them, snippets included."""
    require_actor(actor)
    words = words_of(query)
    if not words or sum(len(w) for w in words) < 2:
        raise InputError("Search for at least two letters or digits.", code="query-too-short")
    if kind is not None and kind not in TARGETS:
        raise InputError(f"Unknown kind {kind!r}.", code="invalid-kind")
    # Computed once: the missions whose SBU the caller reads (None: every mission).
    audience = audience_for(None if is_system(actor) else actor)
    parts = []
    for index, this_kind in enumerate(TARGETS):
        if kind and kind != this_kind:
            continue
        qs = _kind_query(index, this_kind, words, actor=actor, audience=audience, mission=mission, bureau=bureau,
                         strategy=strategy)
        parts.append(qs.query.sql_with_params())
    sql, params = _statement(parts, words)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    hits = []
    for (index, pk, strategy_id, edition, mission_id, country, slug, bureau_code, number, title, code,
         headline) in rows:
        this_kind = KINDS[index]
        text, spans = marked(headline or "")
        hits.append(Hit(kind=this_kind, id=pk, strategy_id=strategy_id, mission_id=mission_id, country=country,
                        slug=slug, bureau=bureau_code, edition=edition, number=number, title=(title or "")[:300],
                        field=FIELD_NAMES[code], snippet=text, highlights=spans))
    return hits
