"""Missions and the edition in force of each: finding them, creating them on first use."""

from __future__ import annotations

from icsplan.accounts.models import Bureau, Mission
from icsplan.accounts.services import find_mission  # noqa: F401 (one lookup of a mission, re-exported)
from icsplan.errors import InputError, NotFoundError

from .. import models as m
from ..catalogue import FRAMEWORKS


def get_or_create_mission(country: str, *, post: str | None = None, bureau: str | None = None,
                          region: str | None = None) -> Mission:
    """The mission of a country, created on first use; post, bureau and region are filled in when
    given (a bureau code is 2 to 10 letters, such as AF)."""
    country = (country or "").strip()
    if not country:
        raise InputError("The strategy names no country; pass --mission COUNTRY.", code="missing-country")
    mission = Mission.objects.filter(country__iexact=country).select_related("bureau").first()
    if mission is None:
        mission = Mission(country=country)
    changed = mission.pk is None
    if bureau and not (bureau.isalpha() and 2 <= len(bureau) <= 10):
        raise InputError(f"{bureau!r} is not a bureau code (2 to 10 letters, such as AF or EAP).",
                         code="invalid-bureau")
    if post and mission.post != post:
        mission.post, changed = post, True
    if region and mission.region != region:
        mission.region, changed = region, True
    if bureau and (mission.bureau is None or mission.bureau.code != bureau.upper()):
        mission.bureau, _ = Bureau.objects.get_or_create(code=bureau.upper(), defaults={"name": bureau.upper()})
        changed = True
    if changed:
        mission.save()
    return mission


def current_edition(editions):
    """The edition in force among ``editions`` (a queryset): the approved or published one, or the
    newest of all when none is approved yet. A draft prepared beside the approved strategy must
    not replace it on dashboards and exports until it is approved."""
    newest_first = editions.order_by("-edition", "-created_at")
    return newest_first.filter(status__in=m.IN_FORCE_STATUSES).first() or newest_first.first()


def current_editions(editions) -> dict[int, m.Strategy]:
    """``current_edition`` for every mission among ``editions`` at once (one query): mission id ->
    the edition in force, by the same rule (the newest approved, else the newest of all)."""
    chosen: dict[int, m.Strategy] = {}
    for row in editions.order_by("-edition", "-created_at"):
        held = chosen.get(row.mission_id)
        if held is None or (held.status != "approved" and row.status == "approved"):
            chosen[row.mission_id] = row
    return chosen


def find_strategy(country_or_slug: str, edition: str | None = None) -> m.Strategy:
    """An edition of a mission's strategy; when ``edition`` is None, the newest approved one
    (or the newest of all when none is approved yet)."""
    mission = find_mission(country_or_slug)
    editions = m.Strategy.objects.filter(mission=mission).select_related("mission__bureau")
    if edition:
        strategy = editions.filter(edition=str(edition)).first()
        if strategy is None:
            known = ", ".join(editions.values_list("edition", flat=True)) or "none"
            raise NotFoundError(f"Mission {mission.country} has no edition {edition} (editions: {known}).")
        return strategy
    strategy = current_edition(editions)
    if strategy is None:
        raise NotFoundError(f"Mission {mission.country} has no strategy yet.")
    return strategy


def ensure_framework_catalogue() -> dict[str, m.Framework]:
    """The framework catalogue, with the built-in entries created when missing."""
    existing = {f.code: f for f in m.Framework.objects.all()}
    for code, (name, aliases) in FRAMEWORKS.items():
        if code not in existing:
            existing[code] = m.Framework.objects.create(code=code, name=name, aliases=aliases)
    return existing
