"""How pages find what a person may see: every lookup goes through the permission layer.

Views never query a model directly: they call these helpers, which narrow with ``restrict`` /
``get_restricted`` first, so a forgotten check fails closed (a 404, never a leak).
"""

from __future__ import annotations

from dataclasses import dataclass

from icsplan.accounts.models import Mission
from icsplan.accounts.permissions import can, get_restricted, mission_ids, restrict  # noqa: F401
from icsplan.accounts.redaction import audience_for
from icsplan.errors import NotFoundError
from icsplan.strategies import models as sm
from icsplan.strategies import services

# URL kind -> model of a framework element.
ELEMENT_MODELS: dict[str, type[sm.Goal] | type[sm.Objective] | type[sm.SubObjective] | type[sm.ManagementObjective]] = {
    "goal": sm.Goal,
    "objective": sm.Objective,
    "sub-objective": sm.SubObjective,
    "management-objective": sm.ManagementObjective,
}
KIND_OF_MODEL = {model: kind for kind, model in ELEMENT_MODELS.items()}


@dataclass(frozen=True)
class Allowed:
    """What the person may do in one mission (drives the navigation and the buttons)."""

    view_sbu: bool = False
    report: bool = False
    edit: bool = False
    approve: bool = False
    audit: bool = False


def allowed_in(user, mission: Mission) -> Allowed:
    return Allowed(
        # SBU text and unapproved results: the redaction point decides (accounts.redaction).
        view_sbu=audience_for(user).reads_sbu(mission),
        report=can(user, "report", mission),
        edit=can(user, "edit", mission),
        approve=can(user, "approve", mission),
        audit=can(user, "audit", mission),
    )


def visible_missions(user) -> list[Mission]:
    return list(restrict(Mission.objects.select_related("bureau"), user, "view_public").order_by("country"))


def own_mission_ids(user) -> set[int] | None:
    """Missions the person belongs to (directly or through a bureau); None for admins (all)."""
    return mission_ids(user, "view_public")


def mission_for(user, slug: str, action: str = "view_public") -> Mission:
    return get_restricted(Mission.objects.select_related("bureau"), user, action, slug=slug)


def strategies_of(user, mission: Mission) -> list[sm.Strategy]:
    """The editions of a mission the person may see, newest first."""
    rows = restrict(sm.Strategy.objects.filter(mission=mission), user, "view_public")
    return list(rows.order_by("-edition", "-created_at"))


def strategy_for(user, mission: Mission, edition: str | None = None, action: str = "view_public") -> sm.Strategy:
    """An edition the person may see (the one in force when ``edition`` is None)."""
    rows = restrict(sm.Strategy.objects.filter(mission=mission), user, action).select_related("mission__bureau")
    if edition:
        row = rows.filter(edition=edition).first()
    else:
        row = services.current_edition(rows)
    if row is None:
        raise NotFoundError("No such edition.")
    return row


def edition_at(user, slug: str, edition: str) -> sm.Strategy:
    """``strategy_for(user, mission_for(user, slug), edition)`` in one query, for requests that
    only need the edition (a chart image: a page embeds one per indicator).

    Seeing an edition implies seeing its mission: ``restrict`` shows an edition for
    ``view_public`` when the person may ``view`` its mission or when it is in force, and either
    makes the mission visible for ``view_public`` (every role that views also views the public
    copy; a mission with an edition in force is public).
    """
    rows = restrict(sm.Strategy.objects.filter(mission__slug=slug, edition=edition), user, "view_public")
    row = rows.select_related("mission__bureau").first()
    if row is None:
        raise NotFoundError("No such edition.")
    return row


def element_for(user, strategy: sm.Strategy, kind: str, pk: int, action: str = "view_public"):
    model = ELEMENT_MODELS.get(kind)
    if model is None:
        raise NotFoundError("No such element.")
    return get_restricted(model.objects.filter(strategy=strategy), user, action, pk=pk)


# -- administration ------------------------------------------------------------------------------

def require_admin(user) -> None:
    """Administration pages answer "not found" to everyone but administrators (nothing leaks)."""
    from icsplan.accounts.permissions import is_admin

    if not is_admin(user):
        raise NotFoundError("No such page.")


def people_for(user):
    """Every person, with memberships, for an administrator."""
    from django.contrib.auth import get_user_model

    require_admin(user)
    return get_user_model().objects.order_by("username").prefetch_related(
        "memberships__mission", "memberships__bureau", "memberships__assignments")


def person_for(user, pk: int):
    """One person, for an administrator (anyone else: not found)."""
    row = people_for(user).filter(pk=pk).first()
    if row is None:
        raise NotFoundError("No such person.")
    return row


def membership_for(user, pk: int):
    """A membership an administrator may remove."""
    from icsplan.accounts.models import Membership

    require_admin(user)
    return get_restricted(Membership.objects.select_related("user", "mission", "bureau"), user, "admin", pk=pk)


def token_for(user, pk: int):
    """An API token: any for an administrator, one's own otherwise."""
    from icsplan.accounts.models import ApiToken
    from icsplan.accounts.permissions import is_admin

    rows = ApiToken.objects.select_related("user", "mission")
    if not is_admin(user):
        if not getattr(user, "is_authenticated", False):
            raise NotFoundError("No such token.")
        rows = rows.filter(user=user)
    row = rows.filter(pk=pk).first()
    if row is None:
        raise NotFoundError("No such token.")
    return row


def reporter_memberships(user, mission: Mission):
    """The reporters of a mission, with their assignments, for people who may edit it."""
    from icsplan.accounts.models import Membership

    rows = restrict(Membership.objects.filter(mission=mission, role="reporter"), user, "edit")
    return rows.select_related("user").prefetch_related(
        "assignments__objective", "assignments__sub_objective", "assignments__management_objective",
        "assignments__indicator")


def assignable_indicators(user, strategy: sm.Strategy):
    """The indicators of an edition that ``user`` may hand to a reporter (editors, admins)."""
    from icsplan.indicators.models import Indicator

    return restrict(Indicator.objects.filter(strategy=strategy), user, "edit").order_by("position", "pk")


def assignable_indicator(user, strategy: sm.Strategy, pk: int):
    """One of ``assignable_indicators``; anything else is not found."""
    from icsplan.indicators.models import Indicator

    return get_restricted(Indicator.objects.filter(strategy=strategy), user, "edit", pk=pk)


def assignment_for(user, mission: Mission, pk: int):
    """A reporter assignment of ``mission`` that ``user`` may withdraw (editors, admins)."""
    from icsplan.accounts.models import ReporterAssignment

    return get_restricted(ReporterAssignment.objects.select_related("membership__mission", "membership__user"),
                          user, "edit", pk=pk, membership__mission=mission)
