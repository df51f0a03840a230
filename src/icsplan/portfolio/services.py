"""The bureau's view of its missions, and the Department's view of its bureaus.

For every mission of a bureau the dashboard takes the edition in force
(``strategies.services.current_editions``, the same rule as the mission's own dashboard), computes
its goals' and objectives' statuses with the same rule as that dashboard
(``indicators.progress.progress_of``), and lists the off-track objectives and the results overdue.

Who sees what
-------------
* A bureau's view is for the bureau's analysts and for admins (``accounts.permissions.bureau_ids``);
  anyone else gets ``NotFoundError`` — a bureau they may not read looks like one that does not exist.
* Missions are narrowed by ``restrict`` to those the actor may ``view``, and every indicator,
  target and result by ``accounts.redaction`` (``visible_to``) *in the query*, so a figure is never
  computed from a row the actor may not read.

Cost
----
A constant number of queries whatever the number of missions: the editions, then every edition's
figures from its summary (``portfolio.summaries``), kept per version of its data in the process
and in the database: one query for all the stamps, one for the stored summaries of the editions the
process does not hold (after a restart), and goals, objectives, sub-objectives, management
objectives, linkages, indicators, targets and results read once for all the editions that changed
since (none when nothing did). Tests hold it: 2 vs 6 missions, on a first view, a later one, after a
restart and after a change.

Overdue
-------
A result is *overdue* when a period has ended (before ``today``), the indicator has a target for
it, and no approved result exists for it. Only approved results count, so every reader of the
dashboard sees the same figure whatever their access to unapproved results.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable

from django.db import transaction
from django.db.models import QuerySet

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.models import Bureau, Mission
from icsplan.accounts.permissions import bureau_ids, is_admin, restrict
from icsplan.accounts.redaction import audience_for
from icsplan.accounts.roles import Action
from icsplan.errors import NotFoundError, PermissionDenied, Problem, ValidationError
from icsplan.indicators.periods import fiscal_year_of, sort_key
from icsplan.strategies import models as sm
from icsplan.strategies.services import current_editions

from . import summaries

#: the Department's regional bureaus (an admin may add others through the admin site)
BUREAUS: dict[str, str] = {
    "AF": "Bureau of African Affairs",
    "EAP": "Bureau of East Asian and Pacific Affairs",
    "EUR": "Bureau of European and Eurasian Affairs",
    "NEA": "Bureau of Near Eastern Affairs",
    "SCA": "Bureau of South and Central Asian Affairs",
    "WHA": "Bureau of Western Hemisphere Affairs",
}
BUREAU_CODE = re.compile(r"^[A-Z]{2,10}$")
STATUS_KEYS = ("on_track", "at_risk", "off_track", "no_data")


# -- who may read which bureau -------------------------------------------------------------------

def visible_bureaus(actor) -> QuerySet[Bureau]:
    """The bureaus whose view ``actor`` may read (analysts: theirs; admins and the operator: all)."""
    require_actor(actor)
    if is_system(actor):
        return Bureau.objects.all()
    ids = bureau_ids(actor)
    qs = Bureau.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def bureau_for(code: str, *, actor) -> Bureau:
    """The bureau with ``code`` if ``actor`` may read its view; ``NotFoundError`` otherwise (the
    same answer whether the bureau exists or not)."""
    bureau = visible_bureaus(actor).filter(code__iexact=(code or "").strip()).first()
    if bureau is None:
        raise NotFoundError("No bureau matches the request.")
    return bureau


def _missions(actor, bureaus: Iterable[Bureau] | None) -> list[Mission]:
    """Missions of ``bureaus`` (``None``: every mission) that ``actor`` may ``view``."""
    qs = Mission.objects.select_related("bureau").order_by("country")
    if bureaus is not None:
        qs = qs.filter(bureau__in=list(bureaus))
    if not is_system(actor):
        qs = restrict(qs, actor, Action.VIEW)
    return list(qs)


def _audience(actor):
    # ``accounts.redaction`` calls the trusted operator ``None``.
    return None if is_system(actor) else actor


# -- the dashboard -------------------------------------------------------------------------------

@dataclass
class GoalCell:
    """One goal of one mission in the status matrix."""

    number: str
    title: str
    status: str
    score: float | None


@dataclass
class ObjectiveLine:
    """An objective in a list (off-track objectives)."""

    mission: Mission
    strategy: sm.Strategy
    pk: int
    number: str
    title: str
    status: str
    period: str | None

    @property
    def anchor(self) -> str:
        """The objective's anchor on the strategy page."""
        return f"objective-{self.number}".replace(".", "-")


@dataclass
class MissionRow:
    """One mission on the bureau dashboard: its edition in force and how it is doing."""

    mission: Mission
    strategy: sm.Strategy | None
    period: str | None = None
    goals: dict[str, GoalCell] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # objective status -> number
    off_track: list[ObjectiveLine] = field(default_factory=list)
    overdue: int = 0
    sample: bool = False


@dataclass
class Dashboard:
    """The bureau dashboard (``bureau`` is None for every bureau the actor reads)."""

    bureau: Bureau | None
    goal_numbers: list[str]
    rows: list[MissionRow]
    theme: str = ""
    framework: str = ""
    period: str = ""
    frameworks: list[str] = field(default_factory=list)  # framework codes the filters offer

    @property
    def off_track(self) -> list[ObjectiveLine]:
        return [line for row in self.rows for line in row.off_track]

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {key: 0 for key in STATUS_KEYS}
        for row in self.rows:
            for key, n in row.counts.items():
                total[key] = total.get(key, 0) + n
        return total


def _number_key(number: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in str(number).split(".")) + (str(number),)


def _linked(linkages: list[dict], framework: str) -> set[tuple[str, int]]:
    """(element kind, id) of the elements linked to ``framework`` (a code such as "JRS", or a
    whole tag such as "SDG 4")."""
    wanted = framework.strip().casefold()
    out = set()
    for link in linkages:
        tag = (link["tag"] or "").casefold()
        code = (link["framework__code"] or "").casefold()
        if wanted in (tag, code) or tag.startswith(wanted + " "):
            for kind in ("goal", "objective", "sub_objective", "management_objective"):
                if link[f"{kind}_id"]:
                    out.add((kind, link[f"{kind}_id"]))
    return out


def _rows(actor, missions: list[Mission], *, theme: str = "", framework: str = "", period: str = "",
          today: dt.date | None = None) -> tuple[list[MissionRow], list[str]]:
    """The dashboard rows of ``missions`` and the goal numbers shown, in a constant number of
    queries; each edition's figures come from its summary (``summaries``), recomputed only when
    its data changed."""
    today = today or dt.date.today()
    editions = sm.Strategy.objects.filter(mission__in=missions)
    if not is_system(actor):
        editions = restrict(editions, actor, Action.VIEW_PUBLIC)
    current = current_editions(editions)
    by_edition = summaries.summaries(list(current.values()), audience_for(_audience(actor)))

    theme_cf = theme.strip().casefold()
    rows: list[MissionRow] = []
    numbers: set[str] = set()
    for mission in missions:
        strategy = current.get(mission.pk)
        if strategy is None:
            if not (theme_cf or framework):
                rows.append(MissionRow(mission, None))
            continue
        strategy.mission = mission  # already loaded: no query per row
        summary = by_edition[strategy.pk]
        shown_period = summary.period(period)
        linked = _linked(list(summary.links), framework) if framework else set()

        def objective_kept(objective: summaries.ObjectiveSummary) -> bool:
            if theme_cf and theme_cf not in f"{objective.title} {objective.framework_title}".casefold():
                return False
            return not framework or ("objective", objective.pk) in linked

        def goal_matches(goal: summaries.GoalSummary) -> bool:
            theme_ok = not theme_cf or theme_cf in f"{goal.title} {goal.framework_title}".casefold()
            return theme_ok and (not framework or ("goal", goal.pk) in linked)

        objectives = summary.objectives
        matching_goals = {g.pk for g in summary.goals if goal_matches(g)}
        # A goal matching the filters keeps all its objectives; otherwise only the matching ones.
        kept_objectives = {o.pk for o in objectives if o.goal_id in matching_goals or objective_kept(o)}
        kept_goal_ids = matching_goals | {o.goal_id for o in objectives if o.pk in kept_objectives}
        row = MissionRow(mission, strategy, period=shown_period, sample=summary.sample)
        for goal in summary.goals:
            if goal.pk not in kept_goal_ids:
                continue
            goal_status, score = goal.cells[shown_period] if shown_period else ("no_data", None)
            row.goals[goal.number] = GoalCell(goal.number, goal.title, goal_status, score)
            numbers.add(goal.number)
        counts: dict[str, int] = {key: 0 for key in STATUS_KEYS}
        for objective in objectives:
            if objective.pk not in kept_objectives:
                continue
            status = objective.statuses[shown_period] if shown_period else "no_data"
            counts[status] = counts.get(status, 0) + 1
            if status == "off_track":
                row.off_track.append(ObjectiveLine(mission, strategy, objective.pk, objective.number, objective.title,
                                                   status, shown_period))
        row.counts = counts
        row.overdue = summary.overdue(today)
        if (theme_cf or framework) and not row.goals:
            continue
        rows.append(row)
    return rows, sorted(numbers, key=_number_key)


def bureau_dashboard(code: str, *, actor, theme: str = "", framework: str = "", period: str = "",
                     today: dt.date | None = None) -> Dashboard:
    """The status matrix, off-track objectives and overdue results of a bureau's missions.

    ``theme`` keeps goals and objectives whose title mentions it; ``framework`` those linked to a
    framework ("JRS") or to one of its items ("SDG 4"); ``period`` ("FY2024") shows that period
    for every edition that covers it (otherwise each mission's latest reported period)."""
    bureau = bureau_for(code, actor=actor)
    missions = _missions(actor, [bureau])
    rows, numbers = _rows(actor, missions, theme=theme, framework=framework, period=period, today=today)
    return Dashboard(bureau, numbers, rows, theme=theme, framework=framework, period=period,
                     frameworks=list(sm.Framework.objects.order_by("code").values_list("code", flat=True)))


@dataclass
class BureauSummary:
    """One bureau on the Department's view."""

    bureau: Bureau | None
    missions: int = 0
    with_edition: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    off_track_missions: int = 0


def department_overview(*, actor, today: dt.date | None = None) -> list[BureauSummary]:
    """Every bureau the actor reads (admins: all, with missions of no bureau last), each with its
    missions' objectives by status and its overdue results; ``NotFoundError`` for an actor who
    reads no bureau's view."""
    bureaus = list(visible_bureaus(actor))
    everything = is_system(actor) or is_admin(actor)
    if not bureaus and not everything:
        raise NotFoundError("No bureau matches the request.")
    missions = _missions(actor, None if everything else bureaus)
    rows, _numbers = _rows(actor, missions, today=today)
    summaries: dict[int | None, BureauSummary] = {b.pk: BureauSummary(b, counts={k: 0 for k in STATUS_KEYS})
                                                  for b in bureaus}
    for row in rows:
        summary = summaries.setdefault(row.mission.bureau_id,
                                       BureauSummary(None, counts={k: 0 for k in STATUS_KEYS}))
        summary.missions += 1
        summary.with_edition += row.strategy is not None
        summary.overdue += row.overdue
        summary.off_track_missions += bool(row.off_track)
        for key, n in row.counts.items():
            summary.counts[key] = summary.counts.get(key, 0) + n
    return sorted(summaries.values(), key=lambda s: (s.bureau is None, s.bureau.code if s.bureau else ""))


def current_fiscal_year(today: dt.date | None = None) -> str:
    """The fiscal year of ``today`` as a period id ("FY2027" from October 2026)."""
    return f"FY{fiscal_year_of(today or dt.date.today())}"


def period_choices(dashboard: Dashboard) -> list[str]:
    """The periods the dashboard's editions cover, for the period filter."""
    from icsplan.indicators.progress import strategy_periods

    periods: set[str] = set()
    for row in dashboard.rows:
        if row.strategy is not None:
            periods.update(strategy_periods(row.strategy))
    return sorted(periods, key=sort_key)


# -- mission metadata ----------------------------------------------------------------------------

def _clean(value: str | None, limit: int, name: str, problems: list[Problem]) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    if len(value) > limit:
        from icsplan.errors import Location

        problems.append(Problem(f"{name} is longer than {limit} characters.", Location(field=name)))
    return value


def set_mission_metadata(mission: Mission, *, actor, bureau: str | None = None, post: str | None = None,
                         region: str | None = None) -> Mission:
    """Set a mission's bureau (a code such as "AF"; "" for none), post ("Embassy Bamako") and
    region. Admins and the trusted operator only; ``None`` leaves a field as it is. A bureau code
    not known yet is created (named after the Department's bureau when it is one)."""
    require_actor(actor)
    if not (is_system(actor) or is_admin(actor)):
        if restrict(Mission.objects.filter(pk=mission.pk), actor, Action.VIEW_PUBLIC).exists():
            raise PermissionDenied("Only an administrator may change a mission's bureau, post or region.")
        raise NotFoundError("No mission matches the request.")
    from icsplan.errors import Location

    problems: list[Problem] = []
    code = None if bureau is None else bureau.strip().upper()
    if code and not BUREAU_CODE.match(code):
        problems.append(Problem("A bureau code is 2 to 10 letters, such as AF or EAP.", Location(field="bureau")))
    post = _clean(post, 200, "post", problems)
    region = _clean(region, 100, "region", problems)
    if problems:
        raise ValidationError(problems)
    from icsplan.audit import services as audit

    with transaction.atomic():
        # Lock the mission row only (PostgreSQL refuses FOR UPDATE across the nullable bureau join).
        row = Mission.objects.select_for_update(of=("self",)).select_related("bureau").get(pk=mission.pk)
        before = {"bureau": row.bureau.code if row.bureau else "", "post": row.post, "region": row.region}
        if code is not None:
            row.bureau = None if not code else Bureau.objects.get_or_create(
                code=code, defaults={"name": BUREAUS.get(code, code)})[0]
        if post is not None:
            row.post = post
        if region is not None:
            row.region = region
        after = {"bureau": row.bureau.code if row.bureau else "", "post": row.post, "region": row.region}
        if after != before:
            row.save()
            audit.record("mission.update", actor=actor, obj=row, mission=row,
                         before=before, after=after)
    return row
