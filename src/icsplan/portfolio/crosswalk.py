"""The alignment crosswalk: each item of a higher framework and the mission objectives that link
to it, and the reverse; objectives linked to nothing and items nothing supports.

Framework catalogues are data: ``import_items`` loads one version of a framework's items from CSV
(columns ``code``, ``title``, optionally ``description``) or JSON (a list of such objects, or
``{"items": [...]}``), all or nothing. A linkage tag "CDCS DO2" names item "DO2" of framework CDCS;
codes are compared without case and spaces ("do 2" is "DO2").

Objectives are those of each mission's edition in force that the actor may read (the public: the
approved editions; ``restrict`` first). Titles and linkage tags carry no sensitivity marking.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.models import Mission
from icsplan.accounts.permissions import is_admin, restrict
from icsplan.accounts.roles import Action
from icsplan.errors import Location, NotFoundError, PermissionDenied, Problem, ValidationError
from icsplan.strategies import models as sm
from icsplan.strategies.services import current_editions

from .models import FrameworkItem

MAX_ITEMS = 2000
MAX_BYTES = 2_000_000


def normalize(code: str) -> str:
    """An item code as compared: no case, no spaces ("do 2" -> "do2")."""
    return "".join((code or "").split()).casefold()


# -- the catalogue as data -----------------------------------------------------------------------

def parse_items(data: bytes, name: str) -> list[dict[str, str]]:
    """Rows ``{"code", "title", "description"}`` of a CSV or JSON catalogue; ``ValidationError``
    with the file and row of every problem."""
    if len(data) > MAX_BYTES:
        raise ValidationError(Problem(f"The file is larger than {MAX_BYTES} bytes.", Location(file=name)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(Problem("The file is not UTF-8 text.", Location(file=name))) from None
    rows: Any
    if name.lower().endswith(".json"):
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise ValidationError(Problem(f"Not JSON: {exc}", Location(file=name))) from None
        rows = loaded.get("items") if isinstance(loaded, dict) else loaded
        if not isinstance(rows, list):
            raise ValidationError(Problem('Expected a list of items or {"items": [...]}.', Location(file=name)))
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    problems: list[Problem] = []
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    if len(rows) > MAX_ITEMS:
        problems.append(Problem(f"More than {MAX_ITEMS} items.", Location(file=name)))
    for number, row in enumerate(rows[:MAX_ITEMS], start=1):
        where = Location(file=name, row=number)
        if not isinstance(row, dict):
            problems.append(Problem("An item is an object with a code and a title.", where))
            continue
        code = " ".join(str(row.get("code") or "").split())
        title = " ".join(str(row.get("title") or "").split())
        description = str(row.get("description") or "").strip()
        if not code or len(code) > 80:
            problems.append(Problem("Each item needs a code of at most 80 characters.", where))
        elif normalize(code) in seen:
            problems.append(Problem(f"Item {code} appears twice.", where))
        if not title:
            problems.append(Problem("Each item needs a title.", where))
        seen.add(normalize(code))
        out.append({"code": code, "title": title[:2000], "description": description[:10000]})
    if not out and not problems:
        problems.append(Problem("The catalogue has no items.", Location(file=name)))
    if problems:
        raise ValidationError(problems)
    return out


def import_items(framework_code: str, version: str, items: list[dict[str, str]], *, actor) -> list[FrameworkItem]:
    """Replace the items of one version of a framework's catalogue (admins and the operator)."""
    require_actor(actor)
    if not (is_system(actor) or is_admin(actor)):
        raise PermissionDenied("Only an administrator may change the framework catalogues.")
    version = " ".join((version or "").split())
    if not version or len(version) > 40:
        raise ValidationError(Problem("A catalogue version of at most 40 characters is needed.",
                                      Location(field="version")))
    framework = sm.Framework.objects.filter(code__iexact=(framework_code or "").strip()).first()
    if framework is None:
        known = ", ".join(sm.Framework.objects.values_list("code", flat=True))
        raise ValidationError(Problem(f"No framework {framework_code!r} (known: {known}).", Location(field="framework")))
    from icsplan.audit import services as audit

    with transaction.atomic():
        FrameworkItem.objects.filter(framework=framework, version=version).delete()
        rows = FrameworkItem.objects.bulk_create([
            FrameworkItem(framework=framework, version=version, position=i, **item) for i, item in enumerate(items)])
        audit.record("framework.import", actor=actor, object_type="strategies.framework", object_id=framework.pk,
                     object_repr=f"{framework.code} {version}", after={"items": len(rows)})
    return rows


# -- the crosswalk -------------------------------------------------------------------------------

@dataclass
class LinkedObjective:
    """A mission objective in the crosswalk."""

    pk: int
    mission: Mission
    strategy: sm.Strategy
    number: str
    title: str
    items: list[str] = field(default_factory=list)  # codes of this framework's items it links to

    @property
    def anchor(self) -> str:
        return f"objective-{self.number}".replace(".", "-")


@dataclass
class ItemRow:
    """A framework item and the objectives that support it."""

    item: FrameworkItem
    objectives: list[LinkedObjective] = field(default_factory=list)


@dataclass
class Crosswalk:
    """Both directions of the alignment of the missions' objectives with one framework."""

    framework: sm.Framework
    version: str | None
    versions: list[str]
    items: list[ItemRow]
    objectives: list[LinkedObjective]  # objectives linked to this framework, with their items
    unlinked: list[LinkedObjective]  # objectives linked to no framework at all
    unknown_codes: list[str]  # codes linkages use that the catalogue version does not have

    @property
    def unsupported(self) -> list[ItemRow]:
        return [row for row in self.items if not row.objectives]


def crosswalk(framework_code: str, *, actor, version: str | None = None, bureau: str | None = None) -> Crosswalk:
    """The crosswalk of ``framework_code`` over the editions in force the actor may read."""
    require_actor(actor)
    framework = sm.Framework.objects.filter(code__iexact=(framework_code or "").strip()).first()
    if framework is None:
        raise NotFoundError("No framework matches the request.")
    versions = list(FrameworkItem.objects.filter(framework=framework).order_by("-version")
                    .values_list("version", flat=True).distinct())
    chosen = version if version in versions else (versions[0] if versions else None)
    items = list(FrameworkItem.objects.filter(framework=framework, version=chosen)) if chosen else []

    editions = sm.Strategy.objects.select_related("mission__bureau")
    if bureau:
        editions = editions.filter(mission__bureau__code__iexact=bureau)
    if not is_system(actor):
        editions = restrict(editions, actor, Action.VIEW_PUBLIC)
    current = current_editions(editions)
    by_id = {s.pk: s for s in current.values()}
    objectives = {o.pk: LinkedObjective(o.pk, by_id[o.strategy_id].mission, by_id[o.strategy_id], o.number, o.title)
                  for o in sm.Objective.objects.filter(strategy_id__in=by_id).order_by("strategy__mission__country",
                                                                                       "position")}
    linked_any: set[int] = set()
    codes_of: dict[int, list[str]] = {}
    sub_parent = dict(sm.SubObjective.objects.filter(strategy_id__in=by_id, objective__isnull=False)
                      .values_list("pk", "objective_id"))
    for link in sm.Linkage.objects.filter(strategy_id__in=by_id).values(
            "objective_id", "sub_objective_id", "framework_id", "code"):
        # A sub-objective's linkage counts for its objective.
        objective_id = link["objective_id"] or sub_parent.get(link["sub_objective_id"])
        if objective_id is None or objective_id not in objectives:
            continue
        linked_any.add(objective_id)
        if link["framework_id"] == framework.pk:
            codes = codes_of.setdefault(objective_id, [])
            if link["code"] not in codes:
                codes.append(link["code"])
    by_code = {normalize(item.code): ItemRow(item) for item in items}
    unknown: set[str] = set()
    for objective_id, codes in codes_of.items():
        objective = objectives[objective_id]
        objective.items = codes
        for code in codes:
            row = by_code.get(normalize(code))
            if row is None:
                unknown.add(code or "(no item)")
            elif objective not in row.objectives:
                row.objectives.append(objective)
    return Crosswalk(
        framework=framework, version=chosen, versions=versions, items=list(by_code.values()),
        objectives=[objectives[pk] for pk in objectives if pk in codes_of],
        unlinked=[o for pk, o in objectives.items() if pk not in linked_any],
        unknown_codes=sorted(unknown) if items else [],
    )
