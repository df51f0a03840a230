"""The one place that decides how much of a mission's data a person may read.

Three things live here, and nowhere else:

1. **The audience** (``audience_for``): for a user (or the trusted local operator), the missions
   whose SBU text *and* unapproved monitoring data (draft, submitted and returned results, their
   comments and return reasons) they may read. Both follow the ``view`` action: a mission's
   readers, reporters, editors, approvers, its bureau's analysts and admins. Everyone else —
   anonymous callers, viewers, other missions' people — is the public of that mission.
2. **Query narrowing** (``visible``, also ``Model.objects.visible_to(who)``): indicators, targets,
   results, baselines, breakdowns, risks and sections the audience may read, filtered *in the
   query* so nothing hidden is ever loaded into a page, a list or an export.
3. **Document and history redaction**: ``document_for`` gives the canonical document as the
   audience may read it (the public copy of ``document.public.public_copy`` for the public),
   and ``redact_history_diff`` applies the reader's *current* visibility to every past version.

Callers never compare a sensitivity against its value: they ask ``is_sbu`` or use the functions
above, so a change to the rule is a change to this module (a test greps ``src/`` for the literal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from django.db import models
from django.db.models import Q, QuerySet

from icsplan.core.choices import Sensitivity
from icsplan.document import public as public_document
from icsplan.errors import NotFoundError

from .permissions import can, mission_ids
from .roles import Action

WITHHELD = "(withheld: SBU)"
PUBLIC = Sensitivity.PUBLIC.value
SBU = Sensitivity.SBU.value
#: the only result status the public may see (``indicators.choices.ResultStatus.APPROVED``)
APPROVED = "approved"


def is_sbu(value: Any) -> bool:
    """Whether a sensitivity marking (an enum member, its value, or None) is SBU."""
    return str(getattr(value, "value", value) or "").lower() == SBU


# -- the audience --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Audience:
    """Who reads: the missions whose SBU text and unapproved monitoring data they may read.

    ``missions`` is ``None`` for every mission (admins, the trusted local operator).
    """

    missions: frozenset[int] | None

    def _covers(self, mission) -> bool:
        if self.missions is None:
            return True
        mission_id = mission if isinstance(mission, int) else getattr(mission, "pk", None)
        return mission_id in self.missions

    def reads_sbu(self, mission) -> bool:
        """May read SBU text of ``mission`` (a Mission or its id)."""
        return self._covers(mission)

    def reads_unapproved(self, mission) -> bool:
        """May read unapproved results of ``mission``, their comments and return reasons.

        The same people as SBU: a figure not yet cleared by the Chief of Mission is internal,
        exactly like SBU text, and a second rule would be a second place to get wrong.
        """
        return self._covers(mission)

    def public_only(self, mission) -> bool:
        """Gets the public copy of ``mission``'s data (no SBU, approved results only)."""
        return not (self.reads_sbu(mission) and self.reads_unapproved(mission))


#: the trusted local operator (the CLI without ``--public``): everything
OPERATOR = Audience(None)
#: the public: nothing SBU, nothing unapproved, in any mission
PUBLIC_AUDIENCE = Audience(frozenset())


def audience_for(who) -> Audience:
    """The audience of ``who``: an ``Audience`` (returned as is), a user, or ``None``.

    ``None`` is the trusted local operator (the convention of the services and the CLI); an
    anonymous user is the public. API tokens narrow their user (``permissions.attach_token``)
    and so narrow the audience too.
    """
    if isinstance(who, Audience):
        return who
    if who is None:
        return OPERATOR
    ids = mission_ids(who, Action.VIEW)
    return Audience(None if ids is None else frozenset(ids))


# -- queries -------------------------------------------------------------------------------------

def _risk_public_q() -> Q:
    # A risk quoted from a narrative (``in_narrative``) is as sensitive as that narrative.
    public_narrative = (
        Q(in_narrative=False)
        | Q(goal__isnull=False, goal__description_sensitivity=PUBLIC)
        | Q(objective__isnull=False, objective__justification_sensitivity=PUBLIC)
        | Q(sub_objective__isnull=False, sub_objective__justification_sensitivity=PUBLIC)
        | Q(management_objective__isnull=False, management_objective__justification_sensitivity=PUBLIC)
    )
    return Q(sensitivity=PUBLIC) & public_narrative


#: model label -> the condition a row meets to be readable by the public of its mission
_PUBLIC_ROWS = {
    "indicators.indicator": lambda: Q(sensitivity=PUBLIC),
    "indicators.baseline": lambda: Q(indicator__sensitivity=PUBLIC),
    "indicators.disaggregation": lambda: Q(indicator__sensitivity=PUBLIC),
    "indicators.target": lambda: Q(sensitivity=PUBLIC, indicator__sensitivity=PUBLIC),
    "indicators.result": lambda: Q(sensitivity=PUBLIC, indicator__sensitivity=PUBLIC, status=APPROVED),
    "strategies.risk": _risk_public_q,
    "strategies.section": lambda: Q(sensitivity=PUBLIC),
    # Reviews: the public reads approved reviews only; an assessment's narrative and decisions
    # are withheld by ``text_for`` when SBU, an action item is withheld as a whole.
    "reviews.review": lambda: Q(status=APPROVED),
    "reviews.assessment": lambda: Q(review__status=APPROVED),
    "reviews.actionitem": lambda: Q(sensitivity=PUBLIC, assessment__review__status=APPROVED),
}


def visible(queryset: QuerySet, who) -> QuerySet:
    """``queryset`` without the rows ``who`` may not read: SBU rows (or rows of SBU indicators),
    unapproved results, and risks quoted from SBU narratives, except in missions whose SBU the
    audience reads. This narrows by sensitivity and approval only; combine it with
    ``permissions.restrict`` for the edition-level rule (who may see which editions)."""
    label = queryset.model._meta.label_lower
    if label not in _PUBLIC_ROWS:
        # Fail closed: a model nobody taught this module about is not silently shown.
        raise TypeError(f"accounts.redaction does not know how to narrow {label}")
    audience = audience_for(who)
    if audience.missions is None:
        return queryset
    condition = _PUBLIC_ROWS[label]()
    if audience.missions:
        condition |= Q(**{f"{queryset.model.mission_lookup}__pk__in": audience.missions})
    return queryset.filter(condition)


class VisibleQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to a reader (``.visible_to(user)``)."""

    def visible_to(self, who) -> "VisibleQuerySet":
        """The rows ``who`` (a user, an ``Audience`` or ``None`` for the operator) may read."""
        narrowed = visible(self, who)
        assert isinstance(narrowed, VisibleQuerySet)  # filtering keeps the queryset's class
        return narrowed


def text_for(who, mission, value, sensitivity):
    """A narrative as ``who`` may read it: as stored for readers of the mission's SBU; otherwise
    ``None`` both for a withheld SBU narrative and for an empty one, so the public cannot tell
    whether SBU text existed."""
    if audience_for(who).reads_sbu(mission):
        return value
    if is_sbu(sensitivity):
        return None
    return value or None


# -- documents -----------------------------------------------------------------------------------

def wants_public_copy(who, strategy_row, requested: bool = False) -> bool:
    """Whether ``who`` gets the public copy of ``strategy_row``: when asked for it, and always when
    they may not read the mission's SBU text or unapproved results (``?public=false`` is honoured
    for readers of the mission only)."""
    return bool(requested) or audience_for(who).public_only(strategy_row.mission_id)


# The reader of a strategy's canonical document (``strategies.services.load_strategy``). The strategy
# app sits above this one (its models use VisibleQuerySet), so it connects the reader when Django
# starts (``StrategiesConfig.ready``) instead of this module importing it.
_document_loader: Callable[[Any], Any] | None = None


def connect_document_loader(loader: Callable[[Any], Any]) -> None:
    global _document_loader
    _document_loader = loader


def _load_document(strategy_row):
    if _document_loader is None:  # fail closed: never hand out a document read some other way
        raise RuntimeError("no strategy document reader connected: is icsplan.strategies in INSTALLED_APPS?")
    return _document_loader(strategy_row)


def document_for(user, strategy_row, *, public: bool = False, shared: bool = False):
    """The canonical document of ``strategy_row`` as ``user`` may read it.

    ``user=None`` is the trusted local operator (the CLI) and gets everything unless ``public``.
    Raises ``NotFoundError`` when the user may not even read its public copy; returns the public
    copy (every SBU narrative, risk, section, indicator, target and result removed, and every
    unapproved result with its comment and return reason) when ``public`` is asked for or when
    the user may read public text only.

    ``shared=True`` (pages that only read the document) remembers it per version of the edition's
    data and audience (``indicators.stamps``), so the same document object is returned to every
    later caller until the edition changes: such callers must not modify it.
    """
    if user is not None and not isinstance(user, Audience) and not can(user, Action.VIEW_PUBLIC, strategy_row):
        raise NotFoundError("No strategy matches the request.")
    copy = wants_public_copy(user, strategy_row, public)

    def load():
        document = _load_document(strategy_row)
        return public_document.public_copy(document) if copy else document

    if not shared:
        return load()
    from icsplan.core.stamps import edition_stamp, remember

    # The public copy is the same for every public reader; the full one for every full reader.
    return remember(("document", edition_stamp(strategy_row.pk), copy), load)


def frozen_document_for(who, mission, document):
    """A document frozen earlier (a review's snapshot) as ``who`` may read it now: the public copy
    for anyone who may not read ``mission``'s SBU text or unapproved results."""
    if audience_for(who).public_only(mission):
        return public_document.public_copy(document)
    return document


def is_public_copy_for(user, strategy_row) -> bool:
    """Whether ``document_for`` gives ``user`` the public copy (for labels such as "public release")."""
    return user is not None and wants_public_copy(user, strategy_row)


# -- history -------------------------------------------------------------------------------------

# Fields whose text is governed by another field's sensitivity marking.
_GOVERNED = {
    "priorities": "priorities_sensitivity",
    "description": "description_sensitivity",
    "justification": "justification_sensitivity",
    "linkages_text": "linkages_text_sensitivity",
}
# Rows whose whole content is governed by their own ``sensitivity`` (risks, sections, indicators,
# targets, results): every field but the bookkeeping ones is withheld.
_BOOKKEEPING = {"id", "pk", "version", "position", "created_at", "updated_at", "sensitivity"}


def _marking(source, name: str):
    if source is None:
        return None
    if isinstance(source, dict):
        return source.get(name)
    return getattr(source, name, None)


def _withheld_text(field: str, snapshot, current, everything: bool) -> bool:
    """Whether ``field`` of ``snapshot`` is SBU: in that version, or in the row as it is now."""
    if everything:
        return True
    marking = _GOVERNED.get(field)
    if marking is not None:
        return is_sbu(_marking(snapshot, marking)) or is_sbu(_marking(current, marking))
    return is_sbu(_marking(snapshot, "sensitivity")) or is_sbu(_marking(current, "sensitivity"))


def _always_shown(field: str) -> bool:
    return (field in _BOOKKEEPING and field not in _GOVERNED) or field.endswith("_id") or field.endswith("_sensitivity")


def redact_snapshot(snapshot: dict[str, Any] | None, *, current=None, everything: bool = False) -> dict[str, Any] | None:
    """A copy of one before/after snapshot of a row with SBU text replaced by a marker.

    ``current`` is the row as it is now (an instance or a snapshot): text SBU now is withheld from
    every past version too. ``everything`` withholds every field (a row hidden as a whole, such
    as a risk quoted from an SBU narrative)."""
    if snapshot is None:
        return None
    out = dict(snapshot)
    for key in list(out):
        if _always_shown(key):
            continue
        if _withheld_text(key, snapshot, current, everything):
            out[key] = WITHHELD
    return out


def redact_history_diff(
    user,
    mission,
    changes: Iterable[dict[str, Any]] | dict[str, Any],
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    current=None,
    everything: bool = False,
):
    """Hide SBU values in history diffs from people who may not read SBU text of ``mission``.

    ``changes`` is either one diff or a list of them; a diff is a dict with ``field``, ``old``
    and ``new`` (the shape simple-history's ``diff_against`` gives), or a dict with ``before`` and
    ``after`` snapshots. A value is withheld when the version it comes from marked it SBU, or when
    the row as it is *now* (``current``) marks it SBU: text saved while public and marked SBU
    later is withheld from every past version. ``before``/``after`` are the full snapshots of the
    row, used to find the governing markings when the diff itself does not include them;
    ``everything`` withholds every value (a row hidden as a whole).
    """
    single = isinstance(changes, dict)
    items: list[dict[str, Any]] = [changes] if isinstance(changes, dict) else list(changes)
    if audience_for(user).reads_sbu(mission):
        return items[0] if single else items
    before = before or {}
    after = after or {}
    redacted = []
    for change in items:
        new = dict(change)
        if "before" in change or "after" in change:
            new["before"] = redact_snapshot(change.get("before"), current=current, everything=everything)
            new["after"] = redact_snapshot(change.get("after"), current=current, everything=everything)
            redacted.append(new)
            continue
        field = change.get("field", "")
        if _always_shown(field):
            redacted.append(new)
            continue
        if _withheld_text(field, before, current, everything):
            new["old"] = WITHHELD
        if _withheld_text(field, after, current, everything):
            new["new"] = WITHHELD
        redacted.append(new)
    return redacted[0] if single else redacted


def _narrative_sbu(element) -> bool:
    """Whether the narrative a risk of ``element`` may be quoted from is SBU now."""
    marking = "description_sensitivity" if hasattr(element, "description_sensitivity") else "justification_sensitivity"
    return is_sbu(getattr(element, marking, None))


def hidden_history_rows(who, mission, model, records, *, element=None) -> set[int]:
    """Ids of rows of ``model`` whose whole history ``who`` may not read.

    ``records`` are history records of ``model`` (they carry the row id as ``id``). A row is
    hidden when the public may not read it *now* (SBU now, a result not approved, a risk quoted
    from a narrative that is SBU now); a deleted row when any of its versions was SBU, or when it
    was quoted from ``element``'s narrative and that narrative is SBU now. Models whose rows carry
    no marking of their own (elements, linkages) hide nothing here: their SBU fields are
    withheld value by value by ``redact_history_diff``.
    """
    if audience_for(who).reads_sbu(mission) or model._meta.label_lower not in _PUBLIC_ROWS:
        return set()
    records = list(records)
    ids = {record.id for record in records}
    existing = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    readable = set(visible(model.objects.filter(pk__in=existing), PUBLIC_AUDIENCE).values_list("pk", flat=True))
    hidden = existing - readable
    narrative_sbu = element is not None and _narrative_sbu(element)
    for record in records:
        if record.id in existing:
            continue
        if is_sbu(getattr(record, "sensitivity", None)) or (narrative_sbu and getattr(record, "in_narrative", False)):
            hidden.add(record.id)
    return hidden

