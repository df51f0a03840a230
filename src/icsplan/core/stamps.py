"""Version stamps of an edition's data, and figures remembered per stamp.

Pages and the API tree need to know whether anything an edition shows has changed, many times per
second and far more cheaply than reading the edition. ``edition_stamp`` answers with one SQL
statement (a UNION ALL of aggregates, written once per process from the models' metadata so that
no ORM query is compiled per request): for every table that holds part of the edition, its row
count, id sum, newest ``updated_at`` and version sum. Services and bulk imports bump ``version``
and ``updated_at`` on every saved change (``core.models.VersionedModel``), and inserts and deletes
move the count and the id sum, so any change the application makes moves the stamp.

What a stamp covers is the *whole* edition, unnarrowed; what a reader sees of it is a pure
function of the edition and of the reader's ``accounts.redaction.Audience``. Figures derived for a
reader are therefore remembered under (stamp, audience) by ``remember``: a process-local table of
the last few results, never shared between processes and never stale (a changed edition has a new
stamp, so its old entries are simply not asked for again and fall out).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.db import connection

T = TypeVar("T")

#: how many derived results one process keeps (a few editions times a few audiences)
MEMO_SIZE = 32

_sql: str | None = None
_n_params = 0
_memo: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


#: the tables that hold part of an edition: by their ``strategy_id``, or by their indicator's
_BY_STRATEGY = ["strategies.Section", "strategies.Goal", "strategies.Objective", "strategies.SubObjective",
                "strategies.ManagementObjective", "strategies.Linkage", "strategies.Risk",
                "indicators.Indicator", "indicators.Target", "indicators.Result", "indicators.PeriodLock"]
_BY_INDICATOR = ["indicators.Baseline", "indicators.Disaggregation"]


def _statement() -> tuple[str, int]:
    """The stamp query and its number of parameters (all the edition's id), built once."""
    global _sql, _n_params
    if _sql is None:
        # By app label, not by import: core sits below the apps that own these tables.
        model = apps.get_model
        qn = connection.ops.quote_name
        strategy_table = qn(model('strategies.Strategy')._meta.db_table)
        indicator_table = qn(model('indicators.Indicator')._meta.db_table)
        parts = [
            # The edition row itself (status, years, title...) and its mission (name, bureau).
            f"SELECT 'strategy', 1, s.{qn('id')}, s.{qn('updated_at')}, s.{qn('version')} FROM {strategy_table} s "
            f"WHERE s.{qn('id')} = %s",
            f"SELECT 'mission', 1, m.{qn('id')}, m.{qn('updated_at')}, 0 FROM {qn(model('accounts.Mission')._meta.db_table)} m "
            f"JOIN {strategy_table} s ON s.{qn('mission_id')} = m.{qn('id')} WHERE s.{qn('id')} = %s",
        ]
        by_strategy, by_indicator = _BY_STRATEGY, _BY_INDICATOR
        for label in by_strategy + by_indicator:
            meta = model(label)._meta
            version = f"SUM({qn('version')})" if "version" in {f.attname for f in meta.concrete_fields} else "0"
            where = (f"{qn('strategy_id')} = %s" if label in by_strategy else
                     f"{qn('indicator_id')} IN (SELECT {qn('id')} FROM {indicator_table} WHERE {qn('strategy_id')} = %s)")
            parts.append(f"SELECT '{meta.label_lower}', COUNT(*), SUM({qn('id')}), MAX({qn('updated_at')}), "
                         f"{version} FROM {qn(meta.db_table)} WHERE {where}")
        # The catalogue of frameworks that linkages name (shared by every edition).
        parts.append(f"SELECT 'framework', COUNT(*), SUM({qn('id')}), MAX({qn('updated_at')}), 0 "
                     f"FROM {qn(model('strategies.Framework')._meta.db_table)}")
        _sql, _n_params = " UNION ALL ".join(parts), len(parts) - 1
    return _sql, _n_params


def _grouped_statement(n_ids: int) -> tuple[str, list[tuple[str, str]]]:
    """The stamp statement for ``n_ids`` editions at once, and every (label, empty-row version) it
    covers: each part grouped by edition, the edition ids given once (a ``VALUES`` list)."""
    model = apps.get_model
    qn = connection.ops.quote_name
    strategy_table = qn(model('strategies.Strategy')._meta.db_table)
    indicator_table = qn(model('indicators.Indicator')._meta.db_table)
    ids = f"SELECT {qn('id')} FROM edition_ids"
    parts = [
        f"SELECT s.{qn('id')}, 'strategy', 1, s.{qn('id')}, s.{qn('updated_at')}, s.{qn('version')} "
        f"FROM {strategy_table} s WHERE s.{qn('id')} IN ({ids})",
        f"SELECT s.{qn('id')}, 'mission', 1, m.{qn('id')}, m.{qn('updated_at')}, 0 "
        f"FROM {qn(model('accounts.Mission')._meta.db_table)} m JOIN {strategy_table} s "
        f"ON s.{qn('mission_id')} = m.{qn('id')} WHERE s.{qn('id')} IN ({ids})",
    ]
    empty: list[tuple[str, str]] = []
    for label in _BY_STRATEGY + _BY_INDICATOR:
        meta = model(label)._meta
        has_version = "version" in {f.attname for f in meta.concrete_fields}
        version = f"SUM(x.{qn('version')})" if has_version else "0"
        empty.append((meta.label_lower, "None" if has_version else "0"))
        if label in _BY_STRATEGY:
            source, edition = f"{qn(meta.db_table)} x", f"x.{qn('strategy_id')}"
        else:
            source = (f"{qn(meta.db_table)} x JOIN {indicator_table} i "
                      f"ON i.{qn('id')} = x.{qn('indicator_id')}")
            edition = f"i.{qn('strategy_id')}"
        parts.append(f"SELECT {edition}, '{meta.label_lower}', COUNT(*), SUM(x.{qn('id')}), "
                     f"MAX(x.{qn('updated_at')}), {version} FROM {source} WHERE {edition} IN ({ids}) "
                     f"GROUP BY {edition}")
    parts.append(f"SELECT NULL, 'framework', COUNT(*), SUM({qn('id')}), MAX({qn('updated_at')}), 0 "
                 f"FROM {qn(model('strategies.Framework')._meta.db_table)}")
    values = ", ".join(["(%s)"] * n_ids)
    return f"WITH edition_ids ({qn('id')}) AS (VALUES {values}) " + " UNION ALL ".join(parts), empty


def edition_stamps(strategy_ids) -> dict[int, str]:
    """``edition_stamp`` of every edition in ``strategy_ids`` (the same digests), in one SQL query
    whatever their number: for pages over many editions (the bureau dashboard)."""
    ids = sorted({int(pk) for pk in strategy_ids})
    if not ids:
        return {}
    sql, empty = _grouped_statement(len(ids))
    rows: dict[int, dict[str, tuple[str, ...]]] = {pk: {} for pk in ids}
    shared: list[tuple[str, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for edition, *values in cursor.fetchall():
            row = tuple(str(value) for value in values)
            if edition is None:
                shared.append(row)
            elif int(edition) in rows:
                rows[int(edition)][row[0]] = row
    out = {}
    for pk, found in rows.items():
        if "strategy" not in found:
            continue  # no such edition
        # A table with no row of this edition aggregates to a count of 0 in ``edition_stamp``.
        for label, version in empty:
            found.setdefault(label, (label, "0", "None", "None", version))
        out[pk] = hashlib.sha256(repr((pk, sorted([*found.values(), *shared]))).encode("utf-8")).hexdigest()[:32]
    return out


def edition_stamp(strategy_id: int) -> str:
    """A short digest that changes whenever the edition's data changes (one SQL query)."""
    sql, n = _statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [strategy_id] * n)
        rows = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    return hashlib.sha256(repr((strategy_id, rows)).encode("utf-8")).hexdigest()[:32]


def remember(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``key`` (which must hold an ``edition_stamp``) for later calls.

    The result is shared by every later caller with the same key, so callers treat it as read-only.
    """
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    value = compute()
    with _lock:
        _memo[key] = value
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def forget() -> None:
    """Drop every remembered result (tests that rewrite rows behind the services' back)."""
    with _lock:
        _memo.clear()


__all__ = ["MEMO_SIZE", "edition_stamp", "edition_stamps", "forget", "remember"]
