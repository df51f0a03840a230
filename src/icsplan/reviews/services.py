"""Every change to a review goes through these functions, and every read of one too.

Open (the coordinator: ``edit``), assess (the objective's owner: ``report`` on it), submit (the
coordinator), return or approve (``approve``, never the person who submitted). Approval freezes a
snapshot of the edition's canonical document, the year's indicator statuses and the assessments.
Each change checks the actor, validates, writes, and records history and an audit event in one
transaction. ``review_content`` gives the one read shape (web, API, CLI and report use it), with
SBU text and unapproved data left out through ``accounts.redaction``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from icsplan import document as doc
from icsplan.accounts import redaction
from icsplan.accounts import sensitivity as marking
from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.models import Mission
from icsplan.accounts.permissions import can, require, restrict
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from icsplan.strategies import models as sm
from icsplan.strategies.services import current_edition, load_strategy

from .choices import Rating, ReviewKind, ReviewStatus
from .models import ActionItem, Assessment, Review

#: A review's fiscal year must be a plausible one (the ICS began in 2014).
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: Action items per assessment: a review lists a handful, not a backlog.
ACTION_ITEMS_MAX = 50
OWNER_MAX = 200


# -- the edition in force ------------------------------------------------------------------------

def edition_in_force(mission: Mission) -> sm.Strategy | None:
    """The edition of ``mission`` a review is about: the one rule of ``strategies.services``
    (``current_edition``), so a change to what "in force" means changes reviews too."""
    return current_edition(sm.Strategy.objects.filter(mission=mission).select_related("mission"))


# -- helpers -------------------------------------------------------------------------------------

def _audience(who):
    """The trusted operator reads everything (``None`` for ``accounts.redaction``)."""
    return None if who is None or is_system(who) else who


def _user(actor):
    return None if is_system(actor) else actor


def _require(actor, action: Action, obj) -> None:
    require_actor(actor)
    if not is_system(actor):
        require(actor, action, obj)


def _require_visible(actor, row) -> None:
    """Refuse (as not found) a row of a review ``actor`` may not read: an open review is the
    mission's business, however public its edition."""
    if is_system(actor):
        return
    model = type(row)
    qs = redaction.visible(restrict(model.objects.filter(pk=row.pk), actor, Action.VIEW_PUBLIC), actor)
    if not qs.exists():
        raise NotFoundError(f"No {model._meta.verbose_name} matches the request.")


def _stamp(row, actor, reason: str = "") -> None:
    user = _user(actor)
    if user is not None:
        row._history_user = user
    row._change_reason = inputs.check_reason(reason) or None


def _lock(model, row):
    try:
        return model.objects.select_for_update().get(pk=row.pk)
    except model.DoesNotExist:
        raise NotFoundError(f"No {model._meta.verbose_name} matches the request.") from None


def _check_version(row, expected_version: int | None) -> None:
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            f"{row} was changed by someone else (you read version {expected_version}, it is now at version "
            f"{row.version}); reload it and try again.", current_version=row.version, given_version=expected_version)


def _audit(action: str, *, actor, obj, before=None, after=None, reason: str = "") -> None:
    from icsplan.audit import services as audit

    user = _user(actor)
    audit.record(action, actor=user, obj=obj, before=before, after=after, reason=reason,
                 actor_name=None if user is not None else str(actor))


# -- reading -------------------------------------------------------------------------------------

def visible_reviews(who, *, strategy: sm.Strategy | None = None) -> QuerySet[Review]:
    """Reviews ``who`` may read: of editions they may see, and for the public approved ones only."""
    qs: QuerySet[Review] = Review.objects.select_related("strategy__mission")
    if strategy is not None:
        qs = qs.filter(strategy=strategy)
    if who is not None and not is_system(who):
        qs = restrict(qs, who, Action.VIEW_PUBLIC)
    return redaction.visible(qs, _audience(who))


def get_review(who, pk: int) -> Review:
    """One review ``who`` may read; missing and forbidden both raise ``NotFoundError``."""
    review = visible_reviews(who).filter(pk=pk).first()
    if review is None:
        raise NotFoundError("No review matches the request.")
    return review


def _period_results(results, period: str) -> list:
    return [r for r in results if r.period == period or r.period.startswith(period)]


def evidence(review: Review, who) -> dict[str, dict[str, Any]]:
    """What the strategy's monitoring says about each assessed element for the review's year:
    its computed status, its indicators' status, target and actual, the period's results and
    its risks — only what ``who`` may read (``accounts.redaction``). Keyed ``"kind:number"``."""
    from icsplan.indicators.progress import strategy_progress

    audience = _audience(who)
    period = review.period
    progress = strategy_progress(review.strategy, [period], audience=audience)
    by_key: dict[str, dict[str, Any]] = {}
    for element in progress.objectives:
        indicators, results = [], []
        for item in element.indicators:
            ind = item.indicator
            a = item.assessments[period]
            indicators.append({"code": ind.code, "name": ind.name, "status": a.status.value,
                               "status_label": a.status.label,
                               "target": None if a.target is None else str(a.target),
                               "actual": None if a.actual is None else str(a.actual)})
            for r in _period_results(item.results, period):
                results.append({"indicator": ind.code, "period": r.period, "value": r.value,
                                "category": r.category_value or "", "status": r.status})
        status = element.statuses[period]
        by_key[f"{element.kind}:{element.number}"] = {
            "status": status.value, "status_label": status.label, "indicators": indicators,
            "results": results, "risks": []}
    risks = (sm.Risk.objects.filter(strategy=review.strategy).visible_to(audience)
             .select_related("objective", "management_objective").order_by("position", "pk"))
    for risk in risks:
        element = risk.objective or risk.management_objective
        if element is None:
            continue
        kind = "objective" if risk.objective_id else "management_objective"
        entry = by_key.get(f"{kind}:{element.number}")
        if entry is not None:
            entry["risks"].append({"statement": risk.statement, "likelihood": risk.likelihood or "",
                                   "impact": risk.impact or "", "mitigation": risk.mitigation or ""})
    return by_key


@dataclass
class ActionItemView:
    """An action item as a reader sees it."""

    description: str
    owner: str
    due_date: str
    sensitivity: str


@dataclass
class AssessmentView:
    """One assessed element as a reader sees it (narrative ``None`` when withheld or empty)."""

    pk: int | None
    kind: str
    number: str
    title: str
    rating: str
    rating_label: str
    narrative: str | None
    narrative_sensitivity: str
    decisions: str | None
    assessed_by: str
    version: int
    action_items: list[ActionItemView] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReviewContent:
    """A review as a reader may read it: live while open, the frozen snapshot once approved."""

    review: Review
    frozen: bool
    public: bool
    assessments: list[AssessmentView]
    document: doc.Strategy | None

    @property
    def title(self) -> str:
        return f"{self.review} — ICS {self.review.strategy.mission.country} {self.review.strategy.edition}"

    def counts(self) -> dict[str, int]:
        """How many elements got each rating (for the report's chart)."""
        out = {choice.value: 0 for choice in Rating}
        for a in self.assessments:
            if a.rating:
                out[a.rating] += 1
        return out


def _rating_label(value: str) -> str:
    return Rating(value).label if value else "Not rated yet"


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def review_content(review: Review, who) -> ReviewContent:
    """The review as ``who`` may read it. Approved reviews come from their frozen snapshot (the
    strategy may have changed since); SBU narratives, decisions and action items are left out
    for anyone who may not read the mission's SBU text."""
    mission = review.strategy.mission
    audience = redaction.audience_for(_audience(who))
    public = audience.public_only(mission)
    if review.status == ReviewStatus.APPROVED and review.snapshot:
        return _frozen_content(review, who, public)
    ev = evidence(review, who)
    rows = (Assessment.objects.filter(review=review).visible_to(_audience(who))
            .select_related("assessed_by").order_by("position"))
    items_by: dict[int, list[ActionItemView]] = {}
    for item in ActionItem.objects.filter(assessment__review=review).visible_to(_audience(who)).order_by(
            "position", "pk"):
        items_by.setdefault(item.assessment_id, []).append(
            ActionItemView(item.description, item.owner, item.due_date.isoformat(), item.sensitivity))
    views = []
    for row in rows:
        views.append(AssessmentView(
            row.pk, row.kind, row.number, row.title, row.rating, _rating_label(row.rating),
            redaction.text_for(_audience(who), mission, row.narrative, row.narrative_sensitivity),
            row.narrative_sensitivity,
            redaction.text_for(_audience(who), mission, row.decisions, row.narrative_sensitivity),
            _name(row.assessed_by), row.version, items_by.get(row.pk, []), ev.get(f"{row.kind}:{row.number}", {})))
    return ReviewContent(review, False, public, views, None)


def _frozen_content(review: Review, who, public: bool) -> ReviewContent:
    snapshot = review.snapshot or {}
    mission = review.strategy.mission
    document = redaction.frozen_document_for(_audience(who), mission,
                                             doc.Strategy.model_validate(snapshot["document"]))
    statuses = snapshot["evidence"]["public" if public else "internal"]
    views = []
    for a in snapshot["assessments"]:
        sensitivity = a["narrative_sensitivity"]
        items = [ActionItemView(i["description"], i["owner"], i["due_date"], i["sensitivity"])
                 for i in a["action_items"] if not (public and redaction.is_sbu(i["sensitivity"]))]
        views.append(AssessmentView(
            None, a["kind"], a["number"], a["title"], a["rating"], _rating_label(a["rating"]),
            redaction.text_for(_audience(who), mission, a["narrative"], sensitivity), sensitivity,
            redaction.text_for(_audience(who), mission, a["decisions"], sensitivity),
            a["assessed_by"], a["version"], items, statuses.get(f"{a['kind']}:{a['number']}", {})))
    return ReviewContent(review, True, public, views, document)


# -- opening -------------------------------------------------------------------------------------

def _check_year(strategy: sm.Strategy, fiscal_year) -> int:
    try:
        year = int(fiscal_year)
    except (TypeError, ValueError):
        raise inputs.invalid("fiscal_year", "fiscal_year must be a year such as 2019.") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise inputs.invalid("fiscal_year", f"fiscal_year must be between {FIRST_YEAR} and {LAST_YEAR}.")
    start, end = strategy.fiscal_year_start, strategy.fiscal_year_end
    if start and end and not start <= year <= end:
        raise inputs.invalid("fiscal_year", f"{strategy} covers FY{start}–FY{end}; FY{year} is outside it.",
                             code="outside-strategy")
    return year


def open_review(mission: Mission, *, kind: str, fiscal_year, actor) -> Review:
    """Open a review of ``mission``'s edition in force for ``fiscal_year`` (needs ``edit``): one
    assessment per mission objective and management objective, in document order."""
    require_actor(actor)
    strategy = edition_in_force(mission)
    if strategy is None:
        raise NotFoundError(f"Mission {mission.country} has no strategy to review.")
    _require(actor, Action.EDIT, strategy)
    if kind not in ReviewKind.values:
        raise inputs.invalid("kind", f"kind must be one of: {', '.join(ReviewKind.values)}.")
    year = _check_year(strategy, fiscal_year)
    with transaction.atomic():
        if Review.objects.filter(strategy=strategy, kind=kind, fiscal_year=year).exists():
            raise ValidationError(f"A {ReviewKind(kind).label.lower()} of FY{year} is already open for {strategy}.",
                                  code="review-exists")
        review = Review(strategy=strategy, kind=kind, fiscal_year=year, opened_by=_user(actor))
        _stamp(review, actor, "opened")
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            raise ValidationError(f"A review of FY{year} is already open for {strategy}.",
                                  code="review-exists") from None
        position = 0
        rows: list[Assessment] = []
        for objective in strategy.objectives.order_by("position"):
            rows.append(Assessment(review=review, strategy=strategy, objective=objective, kind="objective",
                                   number=objective.number, title=objective.title, position=position))
            position += 1
        for mo in strategy.management_objectives.order_by("position"):
            rows.append(Assessment(review=review, strategy=strategy, management_objective=mo,
                                   kind="management_objective", number=mo.number, title=mo.title,
                                   position=position))
            position += 1
        for row in rows:
            _stamp(row, actor, "opened")
            row.save()
        _audit("review.open", actor=actor, obj=review,
               after={"kind": kind, "fiscal_year": year, "edition": strategy.edition, "assessments": len(rows)})
    return review


# -- assessing -----------------------------------------------------------------------------------

def may_assess(user, assessment: Assessment) -> bool:
    """Whether ``user`` may rate ``assessment``: the element's owner (a reporter assigned to it)
    or anyone who reports everywhere in the mission (editors)."""
    if is_system(user):
        return True
    element = assessment.element
    return can(user, Action.REPORT, element if element is not None else assessment.strategy.mission)


def work_for(user, strategy: sm.Strategy, *, today: dt.date | None = None) -> dict[str, list]:
    """What the reviews of ``strategy`` ask of ``user`` now: the assessments of open reviews they
    may rate and have not rated ("assessments"), submitted reviews awaiting their approval, never
    their own submissions ("reviews"), and action items whose owner names them, past their due
    date, in reviews they may read ("action_items")."""
    out: dict[str, list] = {"assessments": [], "reviews": [], "action_items": []}
    if not getattr(user, "is_authenticated", False) or is_system(user):
        return out
    today = today or timezone.localdate()
    reviews = visible_reviews(user, strategy=strategy)
    open_rows = (Assessment.objects.filter(review__in=reviews.filter(status=ReviewStatus.OPEN), rating="")
                 .select_related("review", "strategy__mission", "objective", "management_objective")
                 .order_by("review", "position"))
    out["assessments"] = [a for a in open_rows if may_assess(user, a)]
    if can(user, Action.APPROVE, strategy.mission):
        out["reviews"] = list(reviews.filter(status=ReviewStatus.SUBMITTED).exclude(submitted_by=user))
    names = {n.strip().lower() for n in (user.get_username(), user.get_full_name()) if n and n.strip()}
    items = (ActionItem.objects.filter(assessment__review__in=reviews, due_date__lt=today)
             .visible_to(_audience(user)).select_related("assessment__review").order_by("due_date", "pk"))
    out["action_items"] = [i for i in items if i.owner.strip().lower() in names]
    return out


def _check_items(items) -> list[dict[str, Any]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise inputs.invalid("action_items", "action_items must be a list.")
    if len(items) > ACTION_ITEMS_MAX:
        raise inputs.invalid("action_items", f"at most {ACTION_ITEMS_MAX} action items per objective.")
    clean = []
    for n, item in enumerate(items, 1):
        where = f"action_items[{n}]"
        if not isinstance(item, dict):
            raise inputs.invalid(where, f"{where} must have a description, an owner and a due date.")
        description = inputs.check_text(item.get("description"), field=f"{where}.description",
                                        max_length=inputs.TITLE_MAX, required=True)
        owner = inputs.check_text(item.get("owner"), field=f"{where}.owner", max_length=OWNER_MAX, required=True)
        due = item.get("due_date")
        if isinstance(due, str):
            try:
                due = dt.date.fromisoformat(due.strip())
            except ValueError:
                raise inputs.invalid(f"{where}.due_date", f"{where}.due_date must be a date (YYYY-MM-DD).") from None
        if not isinstance(due, dt.date):
            raise inputs.invalid(f"{where}.due_date", f"{where}.due_date is required (YYYY-MM-DD).", code="required")
        sensitivity = marking.check_marking(item.get("sensitivity") or marking.PUBLIC, field=f"{where}.sensitivity")
        clean.append({"description": (description or "").strip(), "owner": (owner or "").strip(), "due_date": due,
                      "sensitivity": sensitivity})
    return clean


def record_assessment(assessment: Assessment, *, rating: str, narrative: str | None = None,
                      narrative_sensitivity: str | None = None, decisions: str | None = None,
                      action_items: list[dict[str, Any]] | None = None, expected_version: int | None,
                      actor, reason: str = "") -> Assessment:
    """Record the owner's rating, narrative (with its marking), decisions and action items.

    ``action_items`` replaces the element's list when given (each with ``description``,
    ``owner``, ``due_date`` and optionally ``sensitivity``). The review must be open. A narrative
    marked SBU is made public only on purpose (``accounts.sensitivity``: editors and approvers,
    with a reason)."""
    require_actor(actor)
    with transaction.atomic():
        locked = _lock(Assessment, assessment)
        if not is_system(actor):
            _require_visible(actor, locked)
            if not may_assess(actor, locked):
                raise PermissionDenied(f"Only the owner of {locked} or the coordinator may assess it.",
                                       code="not-owner")
        review = Review.objects.select_for_update().get(pk=locked.review_id)
        if review.status != ReviewStatus.OPEN:
            raise ValidationError(f"{review} is {ReviewStatus(review.status).label.lower()}; it takes no more "
                                  "assessments.", code="review-closed")
        _check_version(locked, expected_version)
        if rating not in Rating.values:
            raise inputs.invalid("rating", f"rating must be one of: {', '.join(Rating.values)}.")
        narrative = inputs.check_text(narrative, field="narrative", max_length=inputs.TEXT_MAX)
        decisions = inputs.check_text(decisions, field="decisions", max_length=inputs.TEXT_MAX)
        resolved = marking.resolve(locked.narrative_sensitivity, narrative_sensitivity, obj=locked, actor=actor,
                                   reason=reason, field="narrative_sensitivity")
        items = _check_items(action_items) if action_items is not None else None
        before = {"rating": locked.rating, "narrative_sensitivity": locked.narrative_sensitivity}
        locked.rating = rating
        if narrative is not None:
            locked.narrative = narrative
        if decisions is not None:
            locked.decisions = decisions
        locked.narrative_sensitivity = resolved.value
        locked.assessed_by = _user(actor)
        locked.assessed_at = timezone.now()
        locked.version += 1
        _stamp(locked, actor, reason)
        locked.save()
        if items is not None:
            for old in ActionItem.objects.filter(assessment=locked):
                _stamp(old, actor, reason)
                old.delete()
            for position, item in enumerate(items):
                row = ActionItem(assessment=locked, strategy_id=locked.strategy_id, position=position, **item)
                _stamp(row, actor, reason)
                row.save()
        if resolved.lowered:
            marking.record_lowering(locked, actor=actor, fields=["narrative_sensitivity"], reason=reason)
        _audit("review.assess", actor=actor, obj=locked, before=before,
               after={"rating": locked.rating, "narrative_sensitivity": locked.narrative_sensitivity,
                      "action_items": len(items) if items is not None else None}, reason=reason)
    return locked


# -- submitting, returning, approving ------------------------------------------------------------

def submit_review(review: Review, *, expected_version: int | None, actor) -> Review:
    """The coordinator (``edit``) sends the review to the approver once every element is rated."""
    require_actor(actor)
    with transaction.atomic():
        locked = _lock(Review, review)
        _require_visible(actor, locked)
        _require(actor, Action.EDIT, locked)
        _check_version(locked, expected_version)
        if locked.status != ReviewStatus.OPEN:
            raise ValidationError(f"{locked} is not open.", code="review-not-open")
        unrated = list(locked.assessments.filter(rating="").values_list("number", flat=True))
        if unrated:
            raise ValidationError(f"Rate every objective first (not rated yet: {', '.join(unrated)}).",
                                  code="review-incomplete")
        locked.status = ReviewStatus.SUBMITTED
        locked.submitted_by = _user(actor)
        locked.submitted_at = timezone.now()
        locked.version += 1
        _stamp(locked, actor, "submitted")
        locked.save()
        _audit("review.submit", actor=actor, obj=locked, before={"status": ReviewStatus.OPEN.value},
               after={"status": locked.status})
    return locked


def _require_approver(actor, review: Review) -> None:
    require_actor(actor)
    _require_visible(actor, review)
    _require(actor, Action.APPROVE, review)
    user = _user(actor)
    if user is not None and review.submitted_by_id is not None and review.submitted_by_id == user.pk:
        raise PermissionDenied("You submitted this review; another approver must decide on it.",
                               code="own-submission")


def return_review(review: Review, *, reason: str, expected_version: int | None, actor) -> Review:
    """The approver sends a submitted review back to the coordinator, saying why."""
    require_actor(actor)
    reason = inputs.check_reason(reason, required=True) or ""
    with transaction.atomic():
        locked = _lock(Review, review)
        _require_approver(actor, locked)
        _check_version(locked, expected_version)
        if locked.status != ReviewStatus.SUBMITTED:
            raise ValidationError(f"{locked} is not waiting for approval.", code="review-not-submitted")
        locked.status = ReviewStatus.OPEN
        locked.version += 1
        _stamp(locked, actor, reason)
        locked.save()
        _audit("review.return", actor=actor, obj=locked, before={"status": ReviewStatus.SUBMITTED.value},
               after={"status": locked.status}, reason=reason)
    return locked


def _freeze(review: Review) -> dict[str, Any]:
    """The snapshot: the edition's canonical document, the year's evidence for the public and for
    the mission, and every assessment with its action items — as they are now."""
    document = load_strategy(review.strategy)
    assessments = []
    for row in review.assessments.select_related("assessed_by").order_by("position"):
        items = [{"description": i.description, "owner": i.owner, "due_date": i.due_date.isoformat(),
                  "sensitivity": i.sensitivity} for i in row.action_items.order_by("position", "pk")]
        assessments.append({"kind": row.kind, "number": row.number, "title": row.title, "rating": row.rating,
                            "narrative": row.narrative, "narrative_sensitivity": row.narrative_sensitivity,
                            "decisions": row.decisions, "assessed_by": _name(row.assessed_by),
                            "version": row.version, "action_items": items})
    return {"document": document.model_dump(mode="json", by_alias=True),
            "evidence": {"internal": evidence(review, None),
                         "public": evidence(review, redaction.PUBLIC_AUDIENCE)},
            "assessments": assessments}


def approve_review(review: Review, *, expected_version: int | None, actor, reason: str = "") -> Review:
    """The approver (never the submitter) approves a submitted review, which freezes it."""
    require_actor(actor)
    with transaction.atomic():
        locked = _lock(Review, review)
        _require_approver(actor, locked)
        _check_version(locked, expected_version)
        if locked.status != ReviewStatus.SUBMITTED:
            raise ValidationError(f"{locked} is not waiting for approval (submit it first).",
                                  code="review-not-submitted")
        locked.snapshot = _freeze(locked)
        locked.status = ReviewStatus.APPROVED
        locked.approved_by = _user(actor)
        locked.approved_at = timezone.now()
        locked.version += 1
        _stamp(locked, actor, reason or "approved")
        locked.save()
        _audit("review.approve", actor=actor, obj=locked, before={"status": ReviewStatus.SUBMITTED.value},
               after={"status": locked.status, "version": locked.version}, reason=reason)
    return locked


# -- comparing editions --------------------------------------------------------------------------

def compare_editions(mission: Mission, old_edition: str, new_edition: str, *, who, public: bool = False):
    """The comparison of two editions of ``mission`` as ``who`` may read them: the public compares
    the public copies of approved editions; a draft is compared only by those who may see it.
    ``public`` asks for the public comparison whoever asks (``icsplan compare --public``)."""
    from icsplan.document.compare import compare

    require_actor(who)
    rows = sm.Strategy.objects.filter(mission=mission).select_related("mission")
    if not is_system(who):
        rows = restrict(rows, who, Action.VIEW_PUBLIC)
    if public:
        rows = rows.filter(status=sm.StrategyStatus.APPROVED)
    documents = []
    for label in (old_edition, new_edition):
        row = rows.filter(edition=str(label)).first()
        if row is None:
            raise NotFoundError(f"Mission {mission.country} has no edition {label} you may read.")
        documents.append(redaction.document_for(_audience(who), row, public=public))
    return compare(documents[0], documents[1])
