"""The one permission layer: web pages, the API, exports and the CLI all ask it.

Querysets are narrowed by user and action *before* anything is read (``restrict``), so a forgotten
check fails closed. Single objects are fetched through ``get_restricted``, which answers
``NotFoundError`` both when the object is missing and when it is forbidden.

Every mission-scoped model says how to reach its mission with a class attribute
``mission_lookup`` ("strategy__mission", or "" for Mission itself) and, when it belongs to a
strategy edition, ``strategy_lookup`` ("strategy", or "" for Strategy itself). Anyone, anonymous
included, may ``view_public`` an *approved* edition; everything else needs a membership.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from icsplan.errors import NotFoundError, PermissionDenied

from .models import Mission
from .roles import ROLE_ACTIONS, Action, Role

ALL = None  # marker: every mission


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


def mission_ids(user, action: Action | str) -> set[int] | None:
    """Ids of the missions where ``user`` may take ``action``; ``None`` means every mission."""
    action = Action(action)
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


def restrict(queryset: QuerySet, user, action: Action | str) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may ``action``."""
    action = Action(action)
    model = queryset.model
    mission_lookup = getattr(model, "mission_lookup", None)
    if mission_lookup is None:
        raise TypeError(f"{model.__name__} declares no mission_lookup; it cannot be restricted")
    allowed = mission_ids(user, action)
    if allowed is ALL:
        return queryset
    condition = Q(**{_join(mission_lookup, "pk__in"): allowed})
    if action == Action.VIEW_PUBLIC:
        strategy_lookup = getattr(model, "strategy_lookup", None)
        if strategy_lookup is not None:
            # The public sees approved editions of every mission.
            condition |= Q(**{_join(strategy_lookup, "status"): "approved"})
        else:
            # A mission is public once it has an approved edition.
            from icsplan.strategies.models import Strategy

            approved = Strategy.objects.filter(status="approved").values("mission_id")
            condition |= Q(**{_join(mission_lookup, "pk__in"): approved})
    return queryset.filter(condition)


def get_restricted(queryset: QuerySet, user, action: Action | str, **lookup) -> Model:
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
    """Whether ``user`` may ``action`` on ``obj`` (a Mission or any mission-scoped object)."""
    action = Action(action)
    allowed = mission_ids(user, action)
    mission = obj if isinstance(obj, Mission) else mission_of(obj)
    if allowed is ALL or mission.pk in allowed:
        return True
    if action == Action.VIEW_PUBLIC:
        strategy_lookup = getattr(type(obj), "strategy_lookup", None)
        if strategy_lookup is not None:
            strategy = obj
            for part in [p for p in strategy_lookup.split("__") if p]:
                strategy = getattr(strategy, part)
            return strategy.status == "approved"
        return mission.strategies.filter(status="approved").exists()
    return False


def can_view_sbu(user, obj) -> bool:
    """Whether SBU text of this mission may be shown to ``user``."""
    return can(user, Action.VIEW, obj)


def require(user, action: Action | str, obj) -> None:
    """Refuse an action: ``NotFoundError`` when the user may not even see the object,
    ``PermissionDenied`` when they may see it but not do this."""
    if can(user, action, obj):
        return
    if can(user, Action.VIEW_PUBLIC, obj):
        raise PermissionDenied(f"You may not {Action(action).value} this.")
    raise NotFoundError("Not found.")
