"""Each edition's status summary for the bureau dashboard, computed once per version of its data.

The dashboard shows, for every mission's edition in force, its goals' and objectives' statuses per
period, the periods with an approved actual, and the results due. All of that is a pure function
of three things:

* the edition's data, whose version ``core.stamps.edition_stamps`` gives for every edition in one
  SQL query (any saved change, insert or delete moves it);
* what the reader may see of it, which for one edition is one of two things: everything (a reader
  of the mission's restricted text and unapproved results, ``Audience.public_only`` false) or the
  public copy (``accounts.redaction`` narrows every other reader to the same rows);
* the status thresholds in force (``indicators.status.thresholds``).

``summaries`` keeps each summary under (stamp, public or not, thresholds) at two levels: a
process-local table, and the database (``StoredSummary``, one row per edition and kind of reader,
with the stamp it was computed from), so a process that has just started reads the summaries in one
query instead of computing every edition. It computes only the editions whose key neither level
holds — after a change, just the changed edition — with the same rules as the mission's own
dashboard (``indicators.progress.progress_of``), and stores them. The loading takes a constant
number of queries whatever the number of stale editions (stamps; the stored rows; the computation's
reads; one upsert), and one (the stamps) when nothing changed. What depends on the request (filters,
the period asked for, today's date) is applied by the caller on top of the summary, so the key
needs none of it. A summary is shared by every later request: callers read it, never change it.

Neither level is ever stale (a changed edition has a new stamp: its old entries are not asked for
again and fall out of the table, and its stored row is overwritten the next time it is summarized). A change that lands between the stamps'
query and the reads that follow may be summarized under the older stamp; that entry is then asked
for only by requests that read the older stamp, and the next view reads the new stamp and computes
the edition again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any

from icsplan.accounts.redaction import Audience
from icsplan.core.stamps import edition_stamps
from icsplan.indicators.choices import ResultStatus
from icsplan.indicators.periods import Period
from icsplan.indicators.progress import StrategyProgress, indicator_rows_of, progress_of, status_figures_of
from icsplan.indicators.status import thresholds
from icsplan.strategies import models as sm

from .models import StoredSummary

#: summaries one process keeps: every edition in force of the Department for a few kinds of reader
SIZE = 2048


@dataclass(frozen=True)
class GoalSummary:
    pk: int
    number: str
    title: str
    framework_title: str
    #: period -> (status key, score)
    cells: dict[str, tuple[str, float | None]]


@dataclass(frozen=True)
class ObjectiveSummary:
    pk: int
    number: str
    title: str
    framework_title: str
    goal_id: int
    #: period -> status key
    statuses: dict[str, str]


@dataclass(frozen=True)
class EditionSummary:
    """What the dashboard shows of one edition, for one kind of reader (read-only)."""

    periods: tuple[str, ...]
    #: the edition's periods that have an approved actual of some indicator, in order
    reported: tuple[str, ...]
    goals: tuple[GoalSummary, ...]
    objectives: tuple[ObjectiveSummary, ...]  # mission objectives, in document order
    links: tuple[dict, ...]
    sample: bool
    #: end date of each (indicator, period) target that has no approved result, sorted
    due: tuple[dt.date, ...]

    def overdue(self, today: dt.date) -> int:
        """Targets of periods ended before ``today`` without an approved result."""
        return bisect.bisect_left(self.due, today)

    def period(self, requested: str) -> str | None:
        """``requested`` when the edition covers it; else the latest period with an approved
        actual (the mission dashboard's rule); else the first."""
        if requested and requested in self.periods:
            return requested
        if self.reported:
            return self.reported[-1]
        return self.periods[0] if self.periods else None


_table: OrderedDict[tuple, EditionSummary] = OrderedDict()
_lock = threading.Lock()


def _status_key(status: Any) -> str:
    return str(getattr(status, "value", status) or "no_data")


def _due(progress: StrategyProgress) -> tuple[dt.date, ...]:
    approved = ResultStatus.APPROVED.value
    ends = []
    for item in progress.indicators:
        done = {r.period for r in item.results if not r.category and r.status == approved}
        for target in item.targets:
            if target.category or target.period in done:
                continue
            try:
                ends.append(Period.parse(target.period).end)
            except ValueError:
                continue
    return tuple(sorted(ends))


def summarize(progress: StrategyProgress, goals: list, objectives: list, links: list[dict]) -> EditionSummary:
    """The summary of one edition's progress (``progress_of``) and elements."""
    periods = tuple(progress.periods)
    reported = tuple(p for p in periods
                     if any(item.series.actuals.get(p) is not None for item in progress.indicators))
    goal_rows = tuple(
        GoalSummary(goal.pk, goal.number, goal.title, goal.framework_title or "",
                    {p: (_status_key(g.statuses.get(p)), g.scores.get(p)) for p in periods})
        for goal, g in zip(goals, progress.goals))
    objective_rows = tuple(
        ObjectiveSummary(objective.pk, objective.number, objective.title, objective.framework_title or "",
                         objective.goal_id, {p: _status_key(o.statuses.get(p)) for p in periods})
        for objective, o in zip(objectives, progress.objectives))
    return EditionSummary(periods, reported, goal_rows, objective_rows, tuple(links), progress.sample,
                          _due(progress))


def _compute(editions: list[sm.Strategy], audience: Audience) -> dict[int, EditionSummary]:
    """Summaries of ``editions`` read for ``audience``, in a constant number of queries."""
    ids = [s.pk for s in editions]
    loaded: dict[str, dict[int, list]] = {name: defaultdict(list) for name in
                                          ("goals", "objectives", "subs", "mos", "indicators", "links")}
    for name, model in (("goals", sm.Goal), ("objectives", sm.Objective), ("subs", sm.SubObjective),
                        ("mos", sm.ManagementObjective)):
        for element in model.objects.filter(strategy_id__in=ids).order_by("strategy_id", "position", "pk"):
            loaded[name][element.strategy_id].append(element)
    for indicator in indicator_rows_of(ids, audience=audience, statuses_only=True, with_figures=False):
        loaded["indicators"][indicator.strategy_id].append(indicator)
    # Tens of thousands of targets and results: plain tuples, not model instances.
    figures = status_figures_of(ids, audience=audience)
    for link in sm.Linkage.objects.filter(strategy_id__in=ids).order_by("pk").values(
            "strategy_id", "tag", "framework__code", "goal_id", "objective_id", "sub_objective_id",
            "management_objective_id"):
        loaded["links"][link["strategy_id"]].append(link)
    out = {}
    for strategy in editions:
        goals, objectives = loaded["goals"][strategy.pk], loaded["objectives"][strategy.pk]
        progress = progress_of(strategy, loaded["indicators"][strategy.pk], goals=goals, objectives=objectives,
                               sub_objectives=loaded["subs"][strategy.pk],
                               management_objectives=loaded["mos"][strategy.pk], figures=figures)
        out[strategy.pk] = summarize(progress, goals, objectives, loaded["links"][strategy.pk])
    return out


def to_json(summary: EditionSummary) -> dict[str, Any]:
    """``summary`` as JSON values (lists where order matters: JSONB does not keep a dict's order)."""
    return {
        "periods": list(summary.periods), "reported": list(summary.reported),
        "goals": [[g.pk, g.number, g.title, g.framework_title, [[p, *g.cells[p]] for p in g.cells]]
                  for g in summary.goals],
        "objectives": [[o.pk, o.number, o.title, o.framework_title, o.goal_id, [[p, o.statuses[p]] for p in o.statuses]]
                       for o in summary.objectives],
        "links": list(summary.links), "sample": summary.sample,
        "due": [day.toordinal() for day in summary.due],
    }


def from_json(data: dict[str, Any]) -> EditionSummary:
    """The summary ``to_json`` gave (equal to the one it was given)."""
    return EditionSummary(
        tuple(data["periods"]), tuple(data["reported"]),
        tuple(GoalSummary(pk, number, title, framework, {p: (status, score) for p, status, score in cells})
              for pk, number, title, framework, cells in data["goals"]),
        tuple(ObjectiveSummary(pk, number, title, framework, goal_id, {p: status for p, status in statuses})
              for pk, number, title, framework, goal_id, statuses in data["objectives"]),
        tuple(data["links"]), data["sample"], tuple(dt.date.fromordinal(day) for day in data["due"]))


def _limits_digest(limits: tuple) -> str:
    return hashlib.sha256(repr(limits).encode("utf-8")).hexdigest()[:32]


def _stored(editions: list[sm.Strategy], keys: dict[int, tuple], digest: str) -> dict[int, EditionSummary]:
    """The stored summaries of ``editions`` whose stamp is still the edition's (one query)."""
    wanted = {(pk, keys[pk][1]): keys[pk][0] for pk in (s.pk for s in editions)}
    rows = StoredSummary.objects.filter(strategy_id__in=[pk for pk, _public in wanted], limits=digest).values_list(
        "strategy_id", "public_only", "stamp", "summary")
    return {pk: from_json(data) for pk, public_only, stamp, data in rows
            if (pk, public_only) in wanted and wanted[(pk, public_only)] == stamp}


def _store(fresh: dict[int, EditionSummary], keys: dict[int, tuple], digest: str) -> None:
    """Keep the summaries just computed (one upsert): each replaces its edition's older one."""
    rows = [StoredSummary(strategy_id=pk, public_only=keys[pk][1], limits=digest, stamp=keys[pk][0],
                          summary=to_json(summary))
            for pk, summary in fresh.items() if keys[pk][0] is not None]  # an edition deleted meanwhile: not kept
    if rows:
        StoredSummary.objects.bulk_create(rows, update_conflicts=True, unique_fields=["strategy", "public_only", "limits"],
                                          update_fields=["stamp", "summary"])


def summaries(editions: list[sm.Strategy], audience: Audience) -> dict[int, EditionSummary]:
    """The summary of each edition (by id) as ``audience`` may see it: one query for the stamps,
    then, for the editions this process holds no summary of, one for the stored ones, and a
    constant number more for those that changed since they were last summarized (none when nothing
    changed)."""
    stamps = edition_stamps(s.pk for s in editions)
    limits = tuple(sorted(thresholds().items()))
    keys = {s.pk: (stamps.get(s.pk), audience.public_only(s.mission_id), limits) for s in editions}
    out: dict[int, EditionSummary] = {}
    with _lock:
        for pk, key in keys.items():
            if key in _table:
                _table.move_to_end(key)
                out[pk] = _table[key]
    stale = [s for s in editions if s.pk not in out]
    if stale:
        digest = _limits_digest(limits)
        found = _stored(stale, keys, digest)
        missing = [s for s in stale if s.pk not in found]
        fresh = _compute(missing, audience) if missing else {}
        if fresh:
            _store(fresh, keys, digest)
        found.update(fresh)
        out.update(found)
        with _lock:
            for pk, summary in found.items():
                if keys[pk][0] is not None:  # an edition deleted meanwhile is not kept
                    _table[keys[pk]] = summary
            while len(_table) > SIZE:
                _table.popitem(last=False)
    return out


def forget(*, stored: bool = True) -> None:
    """Drop every summary this process keeps and, unless ``stored`` is false, the stored ones too
    (tests that rewrite rows behind the services' back; ``stored=False``: as after a restart)."""
    with _lock:
        _table.clear()
    if stored:
        StoredSummary.objects.all().delete()


__all__ = ["EditionSummary", "GoalSummary", "ObjectiveSummary", "SIZE", "forget", "from_json", "summaries",
           "summarize", "to_json"]
