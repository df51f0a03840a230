"""The one permission layer: web pages, the API, exports and the CLI all ask it.

Querysets are narrowed by user and action *before* anything is read (``restrict``), so a forgotten
check fails closed. Single objects are fetched through ``get_restricted``, which answers
``NotFoundError`` both when the object is missing and when it is forbidden.

Every mission-scoped model says how to reach its mission with a class attribute
``mission_lookup`` ("strategy__mission", or "" for Mission itself) and, when it belongs to a
strategy edition, ``strategy_lookup`` ("strategy", or "" for Strategy itself). Anyone, anonymous
included, may ``view_public`` the edition *in force* (approved or published); everything else needs
a membership. An edition still in the works (draft, in clearance) is seen only by the mission's
editors and approvers: readers, reporters and analysts keep working on the edition in force.

Reporters report only on what they are assigned (``ReporterAssignment``: an objective, management
objective or sub-objective with what hangs from it, one indicator, or a section): ``can(user, "report",
obj)`` and ``can_report`` check the assignment for any object below a mission; editors and admins report
anywhere in their missions. A request authenticated by an API token is narrowed further by the
token (``attach_token``): a read token allows only reading, a mission token only that mission.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from icsplan.core.choices import Sensitivity
from icsplan.errors import NotFoundError, PermissionDenied

from .models import Mission
from .roles import ROLE_ACTIONS, Action, Role

ALL = None  # marker: every mission

ModelT = TypeVar("ModelT", bound=Model)


def _join(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def is_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return _memberships(user).get("admin", False)


def _memberships(user) -> dict:
    """Per-request cache of the user's memberships: {"admin": bool, "rows": [(role, mission_id, bureau_id)]}."""
    cached = getattr(user, "_icsplan_memberships", None)
    if cached is None:
        rows = list(user.memberships.values_list("role", "mission_id", "bureau_id"))
        cached = {"admin": any(r == Role.ADMIN.value for r, _, _ in rows), "rows": rows}
        user._icsplan_memberships = cached
    return cached


READ_ACTIONS = frozenset({Action.VIEW_PUBLIC, Action.VIEW})

# Edition statuses (strategies.choices, repeated here because accounts may not import strategies):
#: the edition in force, public; at most one per mission
IN_FORCE = ("approved", "published")
#: work in progress, for the mission's editors and approvers only
UNRELEASED = ("draft", "in_clearance")
#: actions whose holders see unreleased editions (everyone else is filtered away from them)
_DRAFT_ACTIONS = (Action.EDIT, Action.APPROVE)


def attach_token(user, token) -> None:
    """Narrow ``user`` (for this request) to what ``token`` allows: its scope and its mission."""
    user._icsplan_token = token


def _token_limits(user, action: Action) -> tuple[bool, int | None]:
    """(allowed at all, only this mission id) for a token-authenticated user."""
    token = getattr(user, "_icsplan_token", None)
    if token is None:
        return True, None
    if action not in READ_ACTIONS and not token.is_write:
        return False, None
    return True, token.mission_id


def mission_ids(user, action: Action | str) -> set[int] | None:
    """Ids of the missions where ``user`` may take ``action``; ``None`` means every mission."""
    action = Action(action)
    allowed, only_mission = _token_limits(user, action)
    if not allowed:
        return set()
    ids = _mission_ids(user, action)
    if only_mission is not None:
        return {only_mission} if ids is ALL or only_mission in ids else set()
    return ids


def _mission_ids(user, action: Action) -> set[int] | None:
    if is_admin(user):
        return ALL
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    ids: set[int] = set()
    bureau_ids: set[int] = set()
    for role, mission_id, bureau_id in _memberships(user)["rows"]:
        if action not in ROLE_ACTIONS[Role(role)]:
            continue
        if mission_id is not None:
            ids.add(mission_id)
        elif bureau_id is not None:
            bureau_ids.add(bureau_id)
    if bureau_ids:
        ids |= set(Mission.objects.filter(bureau_id__in=bureau_ids).values_list("pk", flat=True))
    return ids


def bureau_ids(user) -> set[int] | None:
    """Ids of the bureaus whose whole portfolio ``user`` reads (the bureau's view): those of the
    user's analyst memberships; ``None`` means every bureau (admins). A token limited to one
    mission reads no bureau's view."""
    allowed, only_mission = _token_limits(user, Action.VIEW)
    if not allowed or only_mission is not None:
        return set()
    if is_admin(user):
        return ALL
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {bureau_id for role, _mission_id, bureau_id in _memberships(user)["rows"]
            if role == Role.ANALYST.value and bureau_id is not None}


def draft_mission_ids(user) -> set[int] | None:
    """Missions whose unreleased editions (draft, in clearance) ``user`` may see: those where they
    edit or approve. A read-only API token still shows its holder's drafts (reading is not writing)."""
    if is_admin(user):
        ids: set[int] | None = ALL
    elif not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    else:
        ids = set()
        for action in _DRAFT_ACTIONS:
            more = _mission_ids(user, action)
            if more is ALL:
                ids = ALL
                break
            ids |= more
    token = getattr(user, "_icsplan_token", None)
    if token is not None and token.mission_id is not None:
        return {token.mission_id} if ids is ALL or token.mission_id in ids else set()
    return ids


def _released_q(user, mission_lookup: str, strategy_lookup: str) -> Q | None:
    """A filter hiding unreleased editions' rows from ``user`` (None: the user sees them all)."""
    insiders = draft_mission_ids(user)
    if insiders is ALL:
        return None
    return ~Q(**{_join(strategy_lookup, "status__in"): UNRELEASED}) | Q(**{_join(mission_lookup, "pk__in"): insiders})


def restrict(queryset: QuerySet[ModelT], user, action: Action | str) -> QuerySet[ModelT]:
    """``queryset`` narrowed to what ``user`` may ``action``."""
    action = Action(action)
    model = queryset.model
    mission_lookup = getattr(model, "mission_lookup", None)
    if mission_lookup is None:
        raise TypeError(f"{model.__name__} declares no mission_lookup; it cannot be restricted")
    strategy_lookup = getattr(model, "strategy_lookup", None)
    if strategy_lookup is not None and action not in _DRAFT_ACTIONS and action != Action.ADMIN:
        released = _released_q(user, mission_lookup, strategy_lookup)
        if released is not None:
            queryset = queryset.filter(released)
    if action == Action.VIEW_PUBLIC and strategy_lookup is not None:
        # The public (viewers included) sees the edition in force of every mission; other editions
        # are internal: only people who may ``view`` the mission see them.
        allowed = mission_ids(user, Action.VIEW)
        if allowed is ALL:
            return queryset
        condition = Q(**{_join(mission_lookup, "pk__in"): allowed})
        condition |= Q(**{_join(strategy_lookup, "status__in"): IN_FORCE})
        return queryset.filter(condition)
    allowed = mission_ids(user, action)
    if allowed is ALL:
        return queryset
    condition = Q(**{_join(mission_lookup, "pk__in"): allowed})
    if action == Action.VIEW_PUBLIC:
        # A mission is public once it has an edition in force (through the reverse relation, so
        # this layer does not import the strategy app that sits above it).
        in_force = Mission.objects.filter(strategies__status__in=IN_FORCE).values("pk")
        condition |= Q(**{_join(mission_lookup, "pk__in"): in_force})
    return queryset.filter(condition)


def get_restricted(queryset: QuerySet[ModelT], user, action: Action | str, **lookup) -> ModelT:
    """One object the user may ``action``; missing and forbidden both raise ``NotFoundError``."""
    obj = restrict(queryset, user, action).filter(**lookup).first()
    if obj is None:
        raise NotFoundError(f"No {queryset.model._meta.verbose_name} matches the request.")
    return obj


def mission_of(obj) -> Mission:
    lookup = getattr(type(obj), "mission_lookup")
    target = obj
    for part in [p for p in lookup.split("__") if p]:
        target = getattr(target, part)
    return target


def can(user, action: Action | str, obj) -> bool:
    """Whether ``user`` may ``action`` on ``obj`` (a Mission or any mission-scoped object).

    ``report`` on an object below the mission also checks the reporter's assignments."""
    action = Action(action)
    if action == Action.REPORT and not isinstance(obj, Mission):
        return can_report(user, obj)
    strategy_lookup = None if isinstance(obj, Mission) else getattr(type(obj), "strategy_lookup", None)
    mission = obj if isinstance(obj, Mission) else mission_of(obj)
    if strategy_lookup is not None:
        strategy = obj
        for part in [p for p in strategy_lookup.split("__") if p]:
            strategy = getattr(strategy, part)
        if strategy.status in UNRELEASED and action not in _DRAFT_ACTIONS and action != Action.ADMIN:
            # As in ``restrict``: work in progress is for the mission's editors and approvers.
            insiders = draft_mission_ids(user)
            if insiders is not ALL and mission.pk not in insiders:
                return False
        if action == Action.VIEW_PUBLIC:
            # As in ``restrict``: the edition in force is public; any other needs ``view``.
            return strategy.status in IN_FORCE or can(user, Action.VIEW, obj)
    allowed = mission_ids(user, action)
    if allowed is ALL or mission.pk in allowed:
        return True
    if action == Action.VIEW_PUBLIC:
        return mission.strategies.filter(status__in=IN_FORCE).exists()
    return False


def can_view_sbu(user, obj) -> bool:
    """Whether SBU text of this mission may be shown to ``user`` (output paths ask
    ``accounts.redaction.audience_for`` instead, which applies the same ``view`` rule to SBU
    text and unapproved results at once)."""
    return can(user, Action.VIEW, obj)


def require(user, action: Action | str, obj) -> None:
    """Refuse an action: ``NotFoundError`` when the user may not even see the object,
    ``PermissionDenied`` when they may see it but not do this."""
    if can(user, action, obj):
        return
    if can(user, Action.VIEW_PUBLIC, obj):
        raise PermissionDenied(f"You may not {Action(action).value} this.")
    raise NotFoundError("Not found.")


def visible_sensitivities(user, mission) -> frozenset[str]:
    """The sensitivity markings ``user`` may read in ``mission``: public only, or public and SBU;
    empty when the user may not see the mission at all."""
    if can(user, Action.VIEW, mission):
        return frozenset(Sensitivity.values)
    if can(user, Action.VIEW_PUBLIC, mission):
        return frozenset({Sensitivity.PUBLIC.value})
    return frozenset()


def _unrestricted_reporter(user, mission) -> bool:
    """True when the user reports anywhere in the mission (editor, admin), not by assignment."""
    if is_admin(user):
        return True
    for role, mission_id, bureau_id in _memberships(user)["rows"]:
        if Role(role) == Role.REPORTER:
            continue
        if Action.REPORT not in ROLE_ACTIONS[Role(role)]:
            continue
        if mission_id == mission.pk or (bureau_id is not None and bureau_id == mission.bureau_id):
            return True
    return False


class ReporterScope:
    """What a reporter is assigned in one mission (ids of elements and indicators, section names)."""

    def __init__(self, objective_ids=(), management_objective_ids=(), sub_objective_ids=(), sections=(),
                 indicator_ids=()):
        self.objective_ids = set(objective_ids)
        self.management_objective_ids = set(management_objective_ids)
        self.sub_objective_ids = set(sub_objective_ids)
        self.indicator_ids = set(indicator_ids)
        self.sections = {s.strip().casefold() for s in sections if s and s.strip()}

    def covers_section(self, responsible: str | None) -> bool:
        if not responsible:
            return False
        names = {part.strip().casefold() for part in responsible.replace(";", ",").split(",")}
        names.add(responsible.strip().casefold())
        return bool(names & self.sections)

    def element_q(self, prefix: str = "") -> Q:
        """A filter on a model with ``objective``/``management_objective``/``sub_objective`` keys
        (indicators) matching the assigned elements; ``prefix`` reaches those keys."""
        p = f"{prefix}__" if prefix else ""
        q = Q(pk__in=[])
        if self.objective_ids:
            q |= Q(**{f"{p}objective_id__in": self.objective_ids})
            q |= Q(**{f"{p}sub_objective__objective_id__in": self.objective_ids})
        if self.management_objective_ids:
            q |= Q(**{f"{p}management_objective_id__in": self.management_objective_ids})
            q |= Q(**{f"{p}sub_objective__management_objective_id__in": self.management_objective_ids})
        if self.sub_objective_ids:
            q |= Q(**{f"{p}sub_objective_id__in": self.sub_objective_ids})
        return q


def reporter_scope(user, mission) -> ReporterScope | None:
    """``None`` when ``user`` may report on everything in ``mission`` (editor, admin); otherwise
    the assigned scope (empty when the user may not report at all)."""
    if not can(user, Action.REPORT, mission):
        return ReporterScope()
    if _unrestricted_reporter(user, mission):
        return None
    cached = getattr(user, "_icsplan_reporter_scopes", None)
    if cached is None:
        cached = user._icsplan_reporter_scopes = {}
    if mission.pk not in cached:
        from .models import ReporterAssignment

        query = ReporterAssignment.objects.filter(
            membership__user=user, membership__role=Role.REPORTER.value, membership__mission=mission
        ).values_list("objective_id", "management_objective_id", "sub_objective_id", "responsible_section",
                      "indicator_id")
        rows = list(query)
        cached[mission.pk] = ReporterScope(
            [r[0] for r in rows if r[0]], [r[1] for r in rows if r[1]], [r[2] for r in rows if r[2]],
            [r[3] for r in rows if r[3]], [r[4] for r in rows if r[4]],
        )
    return cached[mission.pk]


def _element_ids(obj) -> tuple[int | None, int | None, int | None]:
    """(objective id, management objective id, sub-objective id) an object hangs from, following
    sub-objectives up to their parent."""
    # By model label: the strategy app sits above this one and may not be imported from here.
    label = obj._meta.label_lower if hasattr(obj, "_meta") else None
    if label == "strategies.objective":
        return obj.pk, None, None
    if label == "strategies.managementobjective":
        return None, obj.pk, None
    if label == "strategies.subobjective":
        return obj.objective_id, obj.management_objective_id, obj.pk
    sub_id = getattr(obj, "sub_objective_id", None)
    if sub_id is not None:
        sub = obj.sub_objective
        return sub.objective_id, sub.management_objective_id, sub_id
    return getattr(obj, "objective_id", None), getattr(obj, "management_objective_id", None), None


def _is_indicator(obj) -> bool:
    # By the model's label: accounts does not import the indicators app.
    meta = getattr(type(obj), "_meta", None)
    return meta is not None and meta.label_lower == "indicators.indicator"


def can_report(user, obj) -> bool:
    """Whether ``user`` may enter results and progress narratives for ``obj``: an objective, a
    management objective, a sub-objective, or an indicator (anything with those foreign keys and a
    ``responsible`` section), or something that belongs to one (``indicator`` attribute)."""
    target = _report_target(obj)
    return _scope_covers(reporter_scope(user, mission_of(target)), target)


def reportable(user, objs) -> list:
    """The objects of ``objs`` that ``user`` may report on, in their order: ``can_report`` for
    each, with the person's scope in each mission read once rather than once per object (a
    list of an edition's indicators)."""
    scopes: dict[int, ReporterScope | None] = {}
    out = []
    for obj in objs:
        target = _report_target(obj)
        mission = mission_of(target)
        if mission.pk not in scopes:
            scopes[mission.pk] = reporter_scope(user, mission)
        if _scope_covers(scopes[mission.pk], target):
            out.append(obj)
    return out


def _report_target(obj):
    """What a report permission is judged on: a result or target belongs to an indicator."""
    target = obj
    while getattr(target, "indicator", None) is not None and not hasattr(target, "responsible"):
        target = target.indicator
    return target


def _scope_covers(scope: ReporterScope | None, target) -> bool:
    if scope is None:
        return True
    objective_id, mo_id, sub_id = _element_ids(target)
    if objective_id is not None and objective_id in scope.objective_ids:
        return True
    if mo_id is not None and mo_id in scope.management_objective_ids:
        return True
    if sub_id is not None and sub_id in scope.sub_objective_ids:
        return True
    if _is_indicator(target) and target.pk in scope.indicator_ids:
        return True
    return scope.covers_section(getattr(target, "responsible", None))
