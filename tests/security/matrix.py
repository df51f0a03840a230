"""The authorization matrix: every page and API operation × every persona → expected status.

HOW TO EXTEND (web and API engineers): when you add a route, add one entry to ``MATRIX`` and, if
its URL takes arguments, one factory to ``ARGS``. ``test_matrix.py`` walks the URL configuration
(``django.urls.get_resolver()``) and the API's OpenAPI schema; a route or operation with no entry
here fails ``test_every_route_is_in_the_matrix``.

Keys
    (METHOD, NAME)            NAME is "namespace:url-name" for pages, "api:<operationId>" for the API
    (METHOD, NAME, VARIANT)   the same route with other arguments (ARGS[(NAME, VARIANT)]), e.g. a draft

Values: {persona: expected HTTP status}. Personas (see ``world.py``): anonymous, viewer, reader,
reporter, editor, approver, analyst (same bureau), other_analyst (another bureau), other_member (an
editor of another mission), admin. The presets below cover the usual policies; spell a dict out
when a route differs. ``LOGIN`` means "redirect to the sign-in page".

The world: Mission Testland (bureau AF) with an approved edition 2022 (``w.strategy``) and a draft
2026 (``w.draft``); Mission Otherland (EUR), approved. SBU canaries sit in every SBU-capable field.

Writes (POST/PATCH/DELETE, and every page's POST) live in ``WRITE_MATRIX``, each with a
``BODIES`` factory that builds a valid request (body, If-Match ETag, any state it needs) for the
persona at hand; see "writes" below. A page that takes no form is listed in ``NON_WRITE_POSTS``:
a POST to it must change nothing. Adding an API write: one BODIES entry and one WRITE_MATRIX line
(``api_write(allowed, ok=201)`` usually says it all); adding a page with a form: the same with
``page_write``; adding a page without a form: one NON_WRITE_POSTS line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from icsplan.accounts.actors import SYSTEM

LOGIN = "login"  # a 302 to settings.LOGIN_URL (a plain 302 means any other redirect)
PERSONAS = ("anonymous", "viewer", "reader", "reporter", "editor", "approver",
            "analyst", "other_analyst", "other_member", "admin")
MEMBERS = ("reader", "reporter", "editor", "approver", "analyst", "admin")  # may view Testland
#: may see Testland's unreleased editions (draft, in clearance): its editors and approvers
DRAFT_SEERS = ("editor", "approver", "admin")


def everyone(status: int = 200) -> dict[str, int]:
    return {p: status for p in PERSONAS}


def only(allowed: tuple[str, ...] | list[str], ok: int = 200, refused: int = 404, anonymous: int | None = None,
         **overrides: int) -> dict[str, int]:
    """``ok`` for ``allowed`` personas, ``refused`` for the others (``anonymous`` apart if given)."""
    cells = {p: (ok if p in allowed else refused) for p in PERSONAS}
    if anonymous is not None and "anonymous" not in allowed:
        cells["anonymous"] = anonymous
    cells.update(overrides)
    return cells


# -- arguments -------------------------------------------------------------------------------------

def _el(w, kind="objective", number="1.2", strategy=None):
    from icsplan.strategies import models as m

    strategy = strategy or w.strategy
    model = {"objective": m.Objective, "goal": m.Goal}[kind]
    row = model.objects.get(strategy=strategy, number=number)
    return {"slug": w.mission.slug, "edition": strategy.edition, "kind": kind, "pk": row.pk}


def _indicator(w, strategy=None):
    from icsplan.indicators.models import Indicator

    return Indicator.objects.filter(strategy=strategy or w.strategy).order_by("pk").first()


def _with_baseline(w):
    """Indicator 1.2-P with a baseline (the writes use 1.1-P, which has none)."""
    from icsplan.indicators import services
    from icsplan.indicators.models import Indicator

    indicator = Indicator.objects.get(strategy=w.strategy, code="1.2-P")
    from icsplan.strategies.services.gate import applying_revision

    baseline = getattr(indicator, "baseline", None)  # RelatedObjectDoesNotExist is an AttributeError
    with applying_revision():  # the edition in force: as an approved revision would set it
        services.set_baseline(indicator, "3", expected_version=baseline.version if baseline else 0, actor=SYSTEM)
    return indicator


def _other_lock(w):
    """A locked period of Otherland (away from everything the Testland cells write)."""
    from icsplan.indicators import services

    return services.lock_period(w.other_strategy, "FY2022Q1", reason="closed", actor=SYSTEM)


# -- reviews (annual and mid-course reviews of the edition in force, compare editions) ------------

REVIEW_YEARS = {"approved": 2023, "open": 2024, "submitted": 2025}


def _review(w, state: str = "approved"):
    """A review of Testland's edition in force in ``state``, every objective rated, with an SBU
    canary in one narrative, its decisions and an action item (made once, by the operator)."""
    from icsplan.reviews import services
    from icsplan.reviews.models import Review
    from .world import canary

    year = REVIEW_YEARS[state]
    row = Review.objects.filter(strategy=w.strategy, kind="annual", fiscal_year=year).first()
    if row is not None:
        return row
    row = services.open_review(w.mission, kind="annual", fiscal_year=year, actor=SYSTEM)
    for a in row.assessments.order_by("position"):
        sbu = a.number == "1.2"
        services.record_assessment(
            a, rating="some_concerns", narrative=canary(f"review-narrative-{state}") if sbu else "Public narrative.",
            narrative_sensitivity="sbu" if sbu else "public",
            decisions=canary(f"review-decisions-{state}") if sbu else "Public decision.",
            action_items=[{"description": canary(f"review-action-{state}"), "owner": "DAO", "due_date": "2026-01-31",
                           "sensitivity": "sbu"},
                          {"description": "Public action item.", "owner": "PAS", "due_date": "2026-02-28"}],
            expected_version=a.version, actor=SYSTEM)
    if state in ("submitted", "approved"):
        row.refresh_from_db()
        row = services.submit_review(row, expected_version=row.version, actor=SYSTEM)
    if state == "approved":
        row = services.approve_review(row, expected_version=row.version, actor=SYSTEM)
    return row


def _assessment(w, state: str = "open", number: str = "1.1"):
    return _review(w, state).assessments.get(kind="objective", number=number)


def _review_args(w, state: str = "approved") -> dict:
    return {"slug": w.mission.slug, "pk": _review(w, state).pk}


def _reader_token(w):
    """A token of the reader (made by the trusted operator) for the revocation page."""
    from icsplan.accounts.services import create_token

    return create_token(w.user("reader"), actor=SYSTEM)[0]


def _notice(user):
    """An unread notification of ``user`` (for marking it read)."""
    from icsplan.accounts.notifications import notify

    return notify([user] if user is not None else [], "due", "FY2026 results are due.", key="matrix")


def _assignment(w):
    """The reporter's first assignment (objective 1.1)."""
    return w.user("reporter").memberships.get().assignments.order_by("pk").first()


def _job(w, *, public: bool = True, strategy=None):
    """A finished DOCX export job of Testland's edition in force (or ``strategy``), as the operator
    starts it: the public copy, or the full one (SBU included) with ``public=False``."""
    from icsplan.jobs import services

    return services.start(SYSTEM, strategy or w.strategy, kind="export", fmt="docx", public=public)


def _import_job(w):
    """A finished, refused results import of Testland started by its reporter; its sentence quotes
    the workbook, here an SBU canary: only the starter and the mission's readers may see it."""
    from django.utils import timezone

    from icsplan.jobs.models import ImportJob

    from .world import canary

    job, _created = ImportJob.objects.get_or_create(token="matrix-import-job-7f3a", defaults=dict(
        mission=w.mission, requested_by=w.user("reporter"), source_name="results.xlsx", state=ImportJob.FAILED,
        finished_at=timezone.now(), error=f"Nothing was saved: results.xlsx, sheet Results, row 7, column L "
                                          f"(Result): {canary('import-error')} is not a number."))
    return job


def _job_args(w, *, public: bool = True, draft: bool = False, api: bool = False) -> dict:
    job = _job(w, public=public, strategy=w.draft if draft else None)
    if api:
        return {"job_id": job.token}
    return {"slug": w.mission.slug, "edition": "2026" if draft else "2022", "token": job.token}


ARGS: dict[object, Callable] = {
    # Background exports (icsplan.jobs): a public job, a full (SBU) one and one of the draft edition.
    "web:export-job": lambda w: _job_args(w),
    ("web:export-job", "full"): lambda w: _job_args(w, public=False),
    ("web:export-job", "draft"): lambda w: _job_args(w, draft=True),
    "web:export-job-file": lambda w: _job_args(w),
    ("web:export-job-file", "full"): lambda w: _job_args(w, public=False),
    ("web:export-job-file", "draft"): lambda w: _job_args(w, draft=True),
    # Results imports recorded as jobs (icsplan.jobs.imports): a refused one quoting an SBU canary.
    "web:import-job": lambda w: {"slug": w.mission.slug, "token": _import_job(w).token},
    "api:get_import_job": lambda w: {"job_id": _import_job(w).token},
    "api:get_export_job": lambda w: _job_args(w, api=True),
    ("api:get_export_job", "full"): lambda w: _job_args(w, public=False, api=True),
    ("api:get_export_job", "draft"): lambda w: _job_args(w, draft=True, api=True),
    "api:get_export_job_file": lambda w: _job_args(w, api=True),
    ("api:get_export_job_file", "full"): lambda w: _job_args(w, public=False, api=True),
    ("api:get_export_job_file", "draft"): lambda w: _job_args(w, draft=True, api=True),
    "web:dashboard": lambda w: {"slug": w.mission.slug},
    "web:strategy-latest": lambda w: {"slug": w.mission.slug},
    "web:strategy": lambda w: {"slug": w.mission.slug, "edition": "2022"},
    ("web:strategy", "draft"): lambda w: {"slug": w.mission.slug, "edition": "2026"},
    "web:element-history": _el,
    ("web:element-history", "draft"): lambda w: _el(w, strategy=w.draft),
    "web:edit-element": _el,
    "web:add-linkage": _el,
    "web:add-risk": _el,
    "web:remove-linkage": lambda w: {**_el(w, number="1.1"),
                                     "linkage_pk": w.strategy.linkages.filter(objective__number="1.1").first().pk},
    "web:update-risk": lambda w: {**_el(w), "risk_pk": w.strategy.risks.filter(objective__number="1.2").first().pk},
    "web:result-save": lambda w: {"slug": w.mission.slug, "pk": _indicator(w).pk},  # an indicator
    "web:approval-decide": lambda w: {"slug": w.mission.slug, "pk": _indicator(w).results.order_by("pk").first().pk},
    "web:import-preview": lambda w: {"slug": w.mission.slug, "token": "no-such-preview"},
    "web:import-results": lambda w: {"slug": w.mission.slug},
    "web:import-results-preview": lambda w: {"slug": w.mission.slug, "token": "no-such-preview"},
    "api:get_preview": lambda w: {"preview_id": 999999},
    "web:status-matrix": lambda w: {"slug": w.mission.slug, "edition": "2022"},
    "web:indicator-chart": lambda w: {"slug": w.mission.slug, "edition": "2022", "pk": _indicator(w).pk},
    "web:exports": lambda w: {"slug": w.mission.slug, "edition": "2022"},
    "web:export-download": lambda w: {"slug": w.mission.slug, "edition": "2022", "fmt": "md"},
    ("web:export-download", "json"): lambda w: {"slug": w.mission.slug, "edition": "2022", "fmt": "json"},
    ("web:export-download", "draft"): lambda w: {"slug": w.mission.slug, "edition": "2026", "fmt": "md"},
    # The progress report as HTML (SVG charts keep their text), for the period holding the SBU results.
    "web:progress-report": lambda w: {"slug": w.mission.slug, "edition": "2022", "?period": "FY2024", "?format": "html"},
    ("web:progress-report", "draft"): lambda w: {"slug": w.mission.slug, "edition": "2026", "?period": "FY2024",
                                                 "?format": "html"},
    "web:results": lambda w: {"slug": w.mission.slug},
    # Editing pages of the web engineer (indicators, adding and deleting elements, results polish).
    "web:add-element": lambda w: {"slug": w.mission.slug, "edition": "2022", "kind": "goal"},
    "web:add-child": lambda w: _el(w, "goal", "1"),
    "web:delete-element": _el,
    "web:add-indicator": _el,
    "web:edit-indicator": lambda w: {"slug": w.mission.slug, "edition": "2022", "pk": _indicator(w).pk},
    "web:indicator-baseline": lambda w: {"slug": w.mission.slug, "edition": "2022", "pk": _indicator(w).pk},
    "web:indicator-targets": lambda w: {"slug": w.mission.slug, "edition": "2022", "pk": _indicator(w).pk},
    "web:indicator-breakdowns": lambda w: {"slug": w.mission.slug, "edition": "2022", "pk": _indicator(w).pk},
    "web:remove-breakdown": lambda w: {"slug": w.mission.slug, "edition": "2022", "pk": _indicator(w).pk,
                                       "breakdown_pk": 999999},  # GET redirects before any lookup
    "web:delete-indicator": lambda w: {"slug": w.mission.slug, "edition": "2022", "pk": _indicator(w).pk},
    "web:results-template": lambda w: {"slug": w.mission.slug},
    "web:period-lock": lambda w: {"slug": w.mission.slug},
    "web:approvals": lambda w: {"slug": w.mission.slug},
    "web:import": lambda w: {"slug": w.mission.slug},
    # Administration (people, roles, tokens) and reporter assignments.
    "web:person": lambda w: {"pk": w.user("viewer").pk},
    "web:token-issue": lambda w: {"pk": w.user("viewer").pk},
    "web:membership-remove": lambda w: {"pk": w.user("viewer").memberships.get().pk},
    "web:token-revoke": lambda w: {"pk": _reader_token(w).pk},
    "web:reporters": lambda w: {"slug": w.mission.slug},
    "web:notifications": lambda w: {},
    "web:reporting-calendar": lambda w: {"slug": w.mission.slug},
    "web:assignment-remove": lambda w: {"slug": w.mission.slug, "pk": _assignment(w).pk},
    # API operations: path parameters by name.
    "api:get_mission": lambda w: {"mission_id": w.mission.pk},
    "api:get_mission_metadata": lambda w: {"mission_id": w.mission.pk},
    "api:update_mission_metadata": lambda w: {"mission_id": w.mission.pk},
    "api:get_strategy": lambda w: {"strategy_id": w.strategy.pk},
    ("api:get_strategy", "draft"): lambda w: {"strategy_id": w.draft.pk},
    "api:strategy_tree": lambda w: {"strategy_id": w.strategy.pk},
    "api:strategy_document": lambda w: {"strategy_id": w.strategy.pk},
    ("api:strategy_document", "draft"): lambda w: {"strategy_id": w.draft.pk},
    "api:get_goal": lambda w: {"element_id": w.strategy.goals.get(number="2").pk},
    "api:get_objective": lambda w: {"element_id": w.strategy.objectives.get(number="1.2").pk},
    ("api:get_objective", "draft"): lambda w: {"element_id": w.draft.objectives.get(number="1.2").pk},
    "api:get_sub_objective": lambda w: {"element_id": w.strategy.sub_objectives.get(number="1.2.1").pk},
    "api:get_management_objective": lambda w: {"element_id": w.strategy.management_objectives.get().pk},
    "api:get_linkage": lambda w: {"linkage_id": w.strategy.linkages.first().pk},
    "api:get_risk": lambda w: {"risk_id": w.strategy.risks.get(sensitivity="public", objective__number="1.1").pk},
    ("api:get_risk", "sbu"): lambda w: {"risk_id": w.strategy.risks.filter(sensitivity="sbu").first().pk},
    "api:get_one_indicator": lambda w: {"indicator_id": _indicator(w).pk},
    "api:get_target": lambda w: {"target_id": _indicator(w).targets.order_by("pk").first().pk},
    "api:get_result": lambda w: {"result_id": _indicator(w).results.order_by("pk").first().pk},
    "api:export_strategy": lambda w: {"strategy_id": w.strategy.pk, "fmt": "json"},
    ("api:export_strategy", "draft"): lambda w: {"strategy_id": w.draft.pk, "fmt": "json"},
    "api:strategy_transitions": lambda w: {"strategy_id": w.strategy.pk},
    "web:edition": lambda w: {"slug": w.mission.slug, "edition": "2022"},
    "web:revisions": lambda w: {"slug": w.mission.slug, "edition": "2022"},
    "web:findings": lambda w: {"slug": w.mission.slug, "edition": "2022"},
    ("web:findings", "draft"): lambda w: {"slug": w.mission.slug, "edition": "2026"},
    "api:strategy_findings": lambda w: {"strategy_id": w.strategy.pk},
    ("api:strategy_findings", "draft"): lambda w: {"strategy_id": w.draft.pk},
    "api:strategy_revisions": lambda w: {"strategy_id": w.strategy.pk},
    "api:get_revision": lambda w: {"revision_id": _revision(w).pk},
    ("web:edition", "draft"): lambda w: {"slug": w.mission.slug, "edition": "2026"},
    ("api:strategy_transitions", "draft"): lambda w: {"strategy_id": w.draft.pk},
    "api:search": lambda w: {"?q": "Objective"},
    "api:list_periods": lambda w: {"?strategy": w.strategy.pk},
    # API engineer: baselines, breakdowns and period locks (the state a read needs is made here).
    "api:get_baseline": lambda w: {"indicator_id": _with_baseline(w).pk},
    "api:list_disaggregations": lambda w: {"indicator_id": _indicator(w).pk},
    "api:list_period_locks": lambda w: {"?strategy": w.strategy.pk},
    "api:get_period_lock": lambda w: {"lock_id": _other_lock(w).pk},
    # Reviews: an approved one (public, SBU canaries inside), an open one (the mission's only).
    "web:reviews": lambda w: {"slug": w.mission.slug},
    "web:review": _review_args,
    ("web:review", "open"): lambda w: _review_args(w, "open"),
    "web:review-decide": lambda w: _review_args(w, "open"),
    "web:review-assess": lambda w: {"slug": w.mission.slug, "pk": _assessment(w).pk},
    "web:compare": lambda w: {"slug": w.mission.slug},
    "web:review-report": lambda w: {**_review_args(w), "?format": "html"},
    ("web:review-report", "open"): lambda w: {**_review_args(w, "open"), "?format": "html"},
    ("web:compare", "draft"): lambda w: {"slug": w.mission.slug, "?from": "2022", "?to": "2026"},
    "api:get_review": lambda w: {"review_id": _review(w).pk},
    "api:get_assessment": lambda w: {"assessment_id": _assessment(w, "approved", "1.2").pk},
    ("api:get_assessment", "open"): lambda w: {"assessment_id": _assessment(w).pk},
    ("api:get_review", "open"): lambda w: {"review_id": _review(w, "open").pk},
    "api:list_reviews": lambda w: {"?strategy": (_review(w), _review(w, "open"))[0].strategy_id},
    "api:compare_editions": lambda w: {"?mission": w.mission.pk, "?from": "2022", "?to": "2022"},
    ("api:compare_editions", "draft"): lambda w: {"?mission": w.mission.pk, "?from": "2022", "?to": "2026"},
    # Portfolio engineer: the bureau's view (Testland is in AF) and the admins' mission settings.
    "portfolio:bureau": lambda w: {"code": w.mission.bureau.code},
    "portfolio:search": lambda w: {"?q": "Objective"},
    "portfolio:crosswalk": lambda w: {"code": "CDCS"},
    "portfolio:similar": lambda w: {"pk": w.strategy.objectives.get(number="1.2").pk},
    ("portfolio:similar", "draft"): lambda w: {"pk": w.draft.objectives.get(number="1.2").pk},
    "api:similar_objectives": lambda w: {"objective_id": w.strategy.objectives.get(number="1.2").pk},
    ("api:similar_objectives", "draft"): lambda w: {"objective_id": w.draft.objectives.get(number="1.2").pk},
    "portfolio:catalogue": lambda w: {"code": "CDCS"},
    "api:framework_crosswalk": lambda w: {"code": "CDCS"},
    "portfolio:mission-settings": lambda w: {"slug": w.mission.slug},
    "api:bureau_dashboard": lambda w: {"code": w.mission.bureau.code},
}

PUBLIC = everyone(200)
SIGNED_IN_MEMBERS = only(MEMBERS, anonymous=LOGIN)

MATRIX: dict[tuple, dict[str, int]] = {
    # Signed-in people with missions are sent on to their mission; the public and admins see the list.
    ('GET', 'web:home'): only(('admin',), ok=200, refused=302, anonymous=200),
    ('GET', 'web:health'): everyone(200),
    ('GET', 'web:login'): {**everyone(302), "anonymous": 200},  # signed-in people are sent on
    ('GET', 'web:logout'): everyone(405),  # sign-out is POST only (CSRF)
    ('GET', 'web:frameworks'): everyone(200),
    ('GET', 'web:dashboard'): everyone(200),
    ('GET', 'web:strategy-latest'): everyone(302),
    ('GET', 'web:strategy'): everyone(200),
    ('GET', 'web:element-history'): everyone(200),
    ('GET', 'web:edit-element'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:add-linkage'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:remove-linkage'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:add-risk'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:update-risk'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:status-matrix'): everyone(200),
    ('GET', 'web:indicator-chart'): everyone(200),
    ('GET', 'web:exports'): everyone(200),
    ('GET', 'web:export-download'): everyone(200),
    ('GET', 'web:progress-report'): everyone(200),
    # A job's page and file: the public copy for all who see the edition; the full copy only for those
    # who may read Testland's SBU (anyone else holding its id finds nothing); a draft's for its insiders.
    ('GET', 'web:export-job'): everyone(200),
    ('GET', 'web:export-job', 'full'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:export-job', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'web:export-job-file'): everyone(200),
    ('GET', 'web:export-job-file', 'full'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:export-job-file', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    # An import job: for the person who started it and those who may read the mission's data.
    ('GET', 'web:import-job'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'api:get_import_job'): only(MEMBERS, anonymous=404),
    ('GET', 'api:get_export_job'): everyone(200),
    ('GET', 'api:get_export_job', 'full'): only(MEMBERS, anonymous=404),
    ('GET', 'api:get_export_job', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('GET', 'api:get_export_job_file'): everyone(200),
    ('GET', 'api:get_export_job_file', 'full'): only(MEMBERS, anonymous=404),
    ('GET', 'api:get_export_job_file', 'draft'): only(DRAFT_SEERS, anonymous=404),
    # Approvers see the period's results there (read only) and lock or reopen the period.
    ('GET', 'web:results'): only(('reporter', 'editor', 'approver', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:results-template'): only(('reporter', 'editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:period-lock'): only(('approver', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:add-element'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:add-child'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:delete-element'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:add-indicator'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:edit-indicator'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:delete-indicator'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:indicator-baseline'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:indicator-targets'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:indicator-breakdowns'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:remove-breakdown'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:result-save'): only(('reporter', 'editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:approvals'): only(('approver', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:approval-decide'): only(('approver', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:import'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:import-preview'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:import-results'): only(('reporter', 'editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:import-results-preview'): only(('reporter', 'editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:notifications'): {**everyone(200), "anonymous": LOGIN},
    ('GET', 'web:people'): only(('admin',), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:person'): only(('admin',), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:token-issue'): only(('admin',), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:membership-remove'): only(('admin',), ok=302, refused=404, anonymous=LOGIN),
    # A token's owner (here the reader) may revoke it too.
    ('GET', 'web:token-revoke'): only(('reader', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:reporters'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:reporting-calendar'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:assignment-remove'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'api:list_missions'): everyone(200),
    ('GET', 'api:get_mission'): everyone(200),
    ('GET', 'api:get_mission_metadata'): everyone(200),
    ('GET', 'api:list_strategies'): everyone(200),
    ('GET', 'api:get_strategy'): everyone(200),
    ('GET', 'api:strategy_tree'): everyone(200),
    ('GET', 'api:strategy_document'): everyone(200),
    ('GET', 'api:list_goals'): everyone(200),
    ('GET', 'api:get_goal'): everyone(200),
    ('GET', 'api:list_objectives'): everyone(200),
    ('GET', 'api:get_objective'): everyone(200),
    ('GET', 'api:list_sub_objectives'): everyone(200),
    ('GET', 'api:get_sub_objective'): everyone(200),
    ('GET', 'api:list_management_objectives'): everyone(200),
    ('GET', 'api:get_management_objective'): everyone(200),
    ('GET', 'api:list_linkages'): everyone(200),
    ('GET', 'api:get_linkage'): everyone(200),
    ('GET', 'api:list_risks'): everyone(200),
    ('GET', 'api:get_risk'): everyone(200),
    ('GET', 'api:list_indicators'): everyone(200),
    ('GET', 'api:get_one_indicator'): everyone(200),
    ('GET', 'api:list_periods'): everyone(200),
    ('GET', 'api:get_baseline'): everyone(200),
    ('GET', 'api:list_disaggregations'): everyone(200),
    ('GET', 'api:list_period_locks'): everyone(200),
    ('GET', 'api:get_period_lock'): everyone(200),
    ('GET', 'api:list_targets'): everyone(200),
    ('GET', 'api:get_target'): everyone(200),
    ('GET', 'api:list_results'): everyone(200),
    ('GET', 'api:get_result'): everyone(200),
    ('GET', 'api:list_formats'): everyone(200),
    ('GET', 'api:export_strategy'): everyone(200),
    ('GET', 'api:get_preview'): {**everyone(404), "anonymous": 401},  # a preview nobody owns
    ('GET', 'api:search'): everyone(200),
    ('GET', 'web:strategy', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'web:element-history', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'web:export-download', 'json'): everyone(200),
    ('GET', 'web:export-download', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'web:progress-report', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'api:get_strategy', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('GET', 'api:strategy_document', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('GET', 'api:get_objective', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('GET', 'api:get_risk', 'sbu'): only(MEMBERS, anonymous=404),
    ('GET', 'api:export_strategy', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('GET', 'api:strategy_transitions'): everyone(200),
    ('GET', 'web:edition'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:revisions'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:findings'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:findings', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'api:strategy_findings'): everyone(200),  # from the document as the caller may read it
    ('GET', 'api:strategy_findings', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('GET', 'api:strategy_revisions'): only(MEMBERS, anonymous=404),  # they quote SBU text
    ('GET', 'api:get_revision'): only(MEMBERS, anonymous=404),
    ('GET', 'web:edition', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'api:strategy_transitions', 'draft'): only(DRAFT_SEERS, anonymous=404),
    # Reviews: an approved review is public (without its SBU text); an open one is the mission's.
    ('GET', 'web:reviews'): everyone(200),
    ('GET', 'web:review'): everyone(200),
    ('GET', 'web:review', 'open'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:review-decide'): only(MEMBERS, ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:review-assess'): only(('reporter', 'editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:compare'): everyone(200),
    ('GET', 'web:review-report'): everyone(200),
    ('GET', 'web:review-report', 'open'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:compare', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'api:list_reviews'): everyone(200),
    ('GET', 'api:get_review'): everyone(200),
    ('GET', 'api:get_review', 'open'): only(MEMBERS, anonymous=404),
    ('GET', 'api:get_assessment'): everyone(200),
    ('GET', 'api:get_assessment', 'open'): only(MEMBERS, anonymous=404),
    ('GET', 'api:compare_editions'): everyone(200),
    ('GET', 'api:compare_editions', 'draft'): only(DRAFT_SEERS, anonymous=404),
    # The bureau's view: its analysts and admins; the Department's view: whoever reads a bureau.
    ('GET', 'portfolio:search'): everyone(200),
    ('GET', 'portfolio:crosswalk'): everyone(200),  # approved editions for the public, as everywhere
    ('GET', 'portfolio:catalogue'): only(('admin',), anonymous=LOGIN),
    ('GET', 'api:framework_crosswalk'): everyone(200),
    ('GET', 'api:standard_rollup'): everyone(200),
    ('GET', 'portfolio:similar'): everyone(200),
    ('GET', 'portfolio:similar', 'draft'): only(DRAFT_SEERS, anonymous=LOGIN),
    ('GET', 'api:similar_objectives'): everyone(200),
    ('GET', 'api:similar_objectives', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('GET', 'portfolio:department'): only(('analyst', 'other_analyst', 'admin'), anonymous=LOGIN),
    ('GET', 'portfolio:bureau'): only(('analyst', 'admin'), anonymous=LOGIN),
    ('GET', 'portfolio:mission-settings'): only(('admin',), anonymous=LOGIN),
    ('GET', 'api:list_bureaus'): everyone(200),  # an empty list for those who read no bureau
    ('GET', 'api:bureau_dashboard'): only(('analyst', 'admin'), anonymous=404),
}



# -- writes ----------------------------------------------------------------------------------------
#
# Every write cell (POST/PATCH/DELETE) runs in its own savepoint that is rolled back afterwards, so
# one persona's success never changes the next persona's precondition. ``BODIES[key](w, user)``
# runs inside that savepoint (it may create what the request needs, e.g. a submitted result to
# approve) and returns a ``Call``. Expectations are statuses as for reads, and additionally:
#   * a 2xx (or, for pages, the 302 that follows a successful form) must have changed the database;
#   * any other answer must have left every row of the framework, indicators, results, imports and
#     pending uploads exactly as it was.
# A POST key without a BODIES entry is sent with an empty body and must change nothing for anyone.

@dataclass
class Call:
    """How to send one write: URL arguments, a body and the row whose ETag goes in If-Match."""

    args: dict = field(default_factory=dict)
    json: dict | None = None  # API: a JSON body
    form: dict | None = None  # a form (pages) or multipart fields (API uploads); files as SimpleUploadedFile
    if_match: object = None  # a row: its current ETag is sent in If-Match
    session: dict | None = None  # pages: keys put in the persona's session first


def api_write(allowed, ok: int = 200, hidden: tuple[str, ...] = ()) -> dict:
    """A write through the API: ``ok`` for ``allowed``; 401 for anonymous; 404 for personas that
    cannot see the target (``hidden``); 403 for those who see it but may not act."""
    cells = {p: (ok if p in allowed else 404 if p in hidden else 403) for p in PERSONAS}
    if "anonymous" not in allowed:
        cells["anonymous"] = 401
    return cells


def page_write(allowed) -> dict:
    """A form post on a page: a 302 on success (and the database changed), 404 for every signed-in
    persona who may not act, the sign-in page for anonymous visitors."""
    return only(allowed, ok=302, refused=404, anonymous=LOGIN)


EDITORS = ("editor", "admin")
#: What an editor's direct write to the edition in force answers: 409, code revision-required, nothing
#: written (the change is proposed with POST /api/revisions instead; the "draft" cells write directly).
IN_FORCE = 409
REPORTERS = ("reporter", "editor", "admin")
APPROVERS = ("approver", "admin")
#: personas who cannot see Testland's draft edition or SBU rows at all
OUTSIDERS = ("viewer", "other_analyst", "other_member")
#: personas who cannot see Testland's unreleased editions (members who neither edit nor approve too)
DRAFT_HIDDEN = OUTSIDERS + ("reader", "reporter", "analyst")


def _row(model_path: str, **lookup):
    from django.apps import apps as django_apps

    return django_apps.get_model(model_path).objects.get(**lookup)


def _obj(w, number="1.2", strategy=None):
    return (strategy or w.strategy).objectives.get(number=number)


def _public_indicator(w, strategy=None):
    from icsplan.indicators.models import Indicator

    return Indicator.objects.get(strategy=strategy or w.strategy, code="1.1-P")


def _sbu_indicator(w):
    from icsplan.indicators.models import Indicator

    return Indicator.objects.get(strategy=w.strategy, code="1.1-S")


def _revision(w):
    """A revision of objective 1.2 of the edition in force, proposed by the trusted operator."""
    from icsplan.strategies import services

    objective = _obj(w)
    return services.propose_revision(objective, {"title": "Proposed title"}, expected_version=objective.version,
                                     actor=SYSTEM, reason="Annual review")


def _two_wordings(w):
    """Objective 1.2 of the edition in force with a second (framework) wording: a linter finding."""
    from icsplan.strategies import services

    objective = _obj(w)
    # The edition is in force: the second wording arrives through an approved revision.
    revision = services.propose_revision(objective, {"framework_title": "Framework wording of 1.2"},
                                         expected_version=objective.version, actor=SYSTEM, reason="Second wording")
    services.approve_revision(revision, actor=SYSTEM, expected_version=revision.version)
    return _obj(w)


def _in_clearance(w):
    """Testland's draft, sent into clearance by the trusted operator (so no persona proposed it)."""
    from icsplan.strategies import services

    return services.submit_edition(w.draft, actor=SYSTEM, expected_version=w.draft.version)


def _submitted_result(w, period="FY2026"):
    """A result waiting for approval (created by the trusted operator inside the cell)."""
    from icsplan.indicators import services

    indicator = _public_indicator(w)
    existing = indicator.results.filter(period=period, category="").first()
    return services.submit_result(indicator, period, "6", expected_version=existing.version if existing else 0,
                                  actor=SYSTEM)


def _document_bytes(w, edition="2030") -> bytes:
    from icsplan.strategies.services import load_strategy

    document = load_strategy(w.strategy)
    document.edition = edition
    return document.model_dump_json(by_alias=True).encode()


def _pending(w, user, kind: str, name: str, file_kind: str, data: bytes):
    import json

    from icsplan.imports.models import StagedImport
    from icsplan.web.uploads import SESSION_KEY

    owner = user or w.user("editor")
    staged = {"document": json.loads(data), "edition": "2030"} if kind == "strategy" else {"data": data}
    row = StagedImport.objects.create(token=f"t-{kind}-{owner.pk}", user=owner, mission=w.mission, kind=kind,
                                      source_name=name, file_kind=file_kind, country=w.mission.country, **staged)
    return row, {SESSION_KEY: [row.token]}


def _results_csv(w, value="7") -> bytes:
    from icsplan.indicators.excel import template_rows, write_csv

    rows = [r for r in template_rows(w.strategy, "FY2026") if r["code"] == "1.1-P" and not r["category"]]
    for r in rows:
        r["value"] = value
    return write_csv(rows)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _element_form(w, element) -> dict:
    return {"version": element.version, "number": element.number, "title": "Retitled by the matrix",
            "framework_title": "", "narrative": "A new justification.", "narrative_sensitivity": "public",
            "linkages_text": "", "linkages_text_sensitivity": "public", "reason": "matrix"}


def _risk_form(risk, prefix) -> dict:
    return {f"{prefix}-statement": "A changed risk.", f"{prefix}-sensitivity": "public",
            f"{prefix}-likelihood": "", f"{prefix}-impact": "", f"{prefix}-mitigation": "", f"{prefix}-owner": ""}


def _indicator_args(indicator) -> dict:
    return {"slug": indicator.strategy.mission.slug, "edition": indicator.strategy.edition, "pk": indicator.pk}


def _indicator_form(code: str) -> dict:
    return {"d-code": code, "d-name": "Indicator from the matrix", "d-definition": "", "d-unit": "people",
            "d-value_type": "number", "d-direction": "increase", "d-frequency": "annual", "d-data_source": "",
            "d-collection_method": "", "d-responsible": "POL/ECON", "d-standard_code": "", "d-sensitivity": "public"}


def _breakdown(indicator):
    """A breakdown to remove (created by the trusted operator inside the cell, through the path an
    approved revision takes when the indicator belongs to the edition in force)."""
    from icsplan.indicators import services
    from icsplan.strategies.services.gate import applying_revision

    with applying_revision():
        return services.define_disaggregation(indicator, "region", ["north", "south"], expected_version=0,
                                              actor=SYSTEM)


def _lock_to_remove(w):
    """A locked quarter of Testland to reopen (made by the trusted operator inside the cell)."""
    from icsplan.indicators import services

    return services.lock_period(w.strategy, "FY2024Q4", actor=SYSTEM)


def _confirm_preview(w, user):
    from icsplan.imports.models import StagedImport
    from icsplan.strategies.services import load_strategy

    document = load_strategy(w.strategy)
    document.edition = "2030"
    owner = user or w.user("editor")
    row = StagedImport.objects.create(token=f"api-{owner.pk}", user=owner, mission=w.mission, kind="strategy",
                                      country=w.mission.country, edition="2030", source_name="matrix.json",
                                      file_kind="json", findings=[],
                                      document=document.model_dump(mode="json", by_alias=True))
    return Call({"preview_id": row.pk}, json={"replace": False})


BODIES: dict[tuple, Callable] = {
    # -- API: background exports (anyone who sees the edition may start one: it is a read) -------
    ("POST", "api:start_export_job"): lambda w, u: Call(
        {}, json={"strategy": w.strategy.pk, "kind": "export", "format": "docx", "public": False}),
    ("POST", "api:start_export_job", "draft"): lambda w, u: Call(
        {}, json={"strategy": w.draft.pk, "kind": "export", "format": "docx", "public": True}),
    # -- API: results workbook imports (small: imported at once, 200 with the finished job) ------
    ("POST", "api:start_import_job"): lambda w, u: Call(
        {}, form={"mission": w.mission.pk, "file": _upload("results.csv", _results_csv(w))}),
    # -- API: the framework --------------------------------------------------------------------
    ("PATCH", "api:update_mission_metadata"): lambda w, u: Call(
        {"mission_id": w.mission.pk}, json={"region": "Sahel", "post": "Embassy Testville"}, if_match=w.mission),
    ("PATCH", "api:update_strategy"): lambda w, u: Call(
        {"strategy_id": w.strategy.pk}, json={"title": "Retitled"}, if_match=w.strategy),
    ("POST", "api:approve_strategy"): lambda w, u: (lambda d: Call(
        {"strategy_id": d.pk}, json={"comment": "Approved."}, if_match=d))(_in_clearance(w)),
    ("POST", "api:submit_strategy"): lambda w, u: Call(
        {"strategy_id": w.draft.pk}, json={"comment": "Ready."}, if_match=w.draft),
    ("POST", "api:return_strategy"): lambda w, u: (lambda d: Call(
        {"strategy_id": d.pk}, json={"comment": "Rework 1.2."}, if_match=d))(_in_clearance(w)),
    ("POST", "api:publish_strategy"): lambda w, u: Call(
        {"strategy_id": w.strategy.pk}, json={"comment": "Released."}, if_match=w.strategy),
    ("POST", "api:archive_strategy"): lambda w, u: Call(
        {"strategy_id": w.strategy.pk}, json={"comment": "Superseded."}, if_match=w.strategy),
    ("POST", "api:copy_strategy"): lambda w, u: Call(
        {"strategy_id": w.strategy.pk}, json={"edition": "2030", "comment": "Next cycle."}),
    ("PATCH", "api:update_goal"): lambda w, u: Call(
        {"element_id": w.strategy.goals.get(number="2").pk}, json={"title": "Retitled"},
        if_match=w.strategy.goals.get(number="2")),
    ("PATCH", "api:update_objective"): lambda w, u: Call(
        {"element_id": _obj(w).pk}, json={"title": "Retitled", "justification": "New."}, if_match=_obj(w)),
    ("PATCH", "api:update_objective", "draft"): lambda w, u: Call(
        {"element_id": _obj(w, strategy=w.draft).pk}, json={"title": "Retitled"},
        if_match=_obj(w, strategy=w.draft)),
    ("PATCH", "api:update_sub_objective"): lambda w, u: Call(
        {"element_id": w.strategy.sub_objectives.get(number="1.2.1").pk}, json={"title": "Retitled"},
        if_match=w.strategy.sub_objectives.get(number="1.2.1")),
    ("PATCH", "api:update_management_objective"): lambda w, u: Call(
        {"element_id": w.strategy.management_objectives.get().pk}, json={"title": "Retitled"},
        if_match=w.strategy.management_objectives.get()),
    ("DELETE", "api:delete_goal"): lambda w, u: Call(
        {"element_id": w.strategy.goals.get(number="2").pk}, if_match=w.strategy.goals.get(number="2")),
    ("DELETE", "api:delete_objective"): lambda w, u: Call({"element_id": _obj(w).pk}, if_match=_obj(w)),
    ("DELETE", "api:delete_sub_objective"): lambda w, u: Call(
        {"element_id": w.strategy.sub_objectives.get(number="1.1.1").pk},
        if_match=w.strategy.sub_objectives.get(number="1.1.1")),
    ("DELETE", "api:delete_management_objective"): lambda w, u: Call(
        {"element_id": w.strategy.management_objectives.get().pk}, if_match=w.strategy.management_objectives.get()),
    ("POST", "api:create_goal"): lambda w, u: Call(
        json={"strategy": w.strategy.pk, "number": "9", "title": "A new goal"}),
    ("POST", "api:create_objective"): lambda w, u: Call(
        json={"goal": w.strategy.goals.get(number="1").pk, "number": "1.9", "title": "A new objective"}),
    ("POST", "api:create_sub_objective"): lambda w, u: Call(
        json={"objective": _obj(w, "1.1").pk, "number": "1.1.9", "title": "A new sub-objective"}),
    ("POST", "api:create_management_objective"): lambda w, u: Call(
        json={"strategy": w.strategy.pk, "number": "9", "title": "A new management objective"}),
    ("POST", "api:create_linkage"): lambda w, u: Call(
        json={"element": {"kind": "objective", "id": _obj(w, "1.1").pk}, "tag": "SDG 4"}, if_match=_obj(w, "1.1")),
    ("POST", "api:create_linkage", "draft"): lambda w, u: Call(
        json={"element": {"kind": "objective", "id": _obj(w, "1.1", strategy=w.draft).pk}, "tag": "SDG 4"},
        if_match=_obj(w, "1.1", strategy=w.draft)),
    ("DELETE", "api:delete_linkage"): lambda w, u: Call(
        {"linkage_id": w.strategy.linkages.filter(objective__number="1.1").first().pk}, if_match=_obj(w, "1.1")),
    ("POST", "api:create_risk"): lambda w, u: Call(
        json={"element": {"kind": "objective", "id": _obj(w, "1.1").pk}, "statement": "A new risk."},
        if_match=_obj(w, "1.1")),
    ("PATCH", "api:update_risk"): lambda w, u: Call(
        {"risk_id": w.strategy.risks.get(sensitivity="public", objective__number="1.1").pk},
        json={"statement": "A changed risk."}, if_match=_obj(w, "1.1")),
    ("DELETE", "api:delete_risk"): lambda w, u: Call(
        {"risk_id": w.strategy.risks.get(sensitivity="public", objective__number="1.1").pk}, if_match=_obj(w, "1.1")),
    # -- API: indicators, targets, results --------------------------------------------------------
    ("POST", "api:create_indicator"): lambda w, u: Call(
        json={"element": {"kind": "objective", "id": _obj(w, "1.1").pk}, "code": "NEW-1", "name": "A new indicator"}),
    ("PATCH", "api:update_indicator"): lambda w, u: Call(
        {"indicator_id": _public_indicator(w).pk}, json={"name": "Renamed"}, if_match=_public_indicator(w)),
    ("DELETE", "api:delete_indicator"): lambda w, u: Call(
        {"indicator_id": _public_indicator(w).pk}, if_match=_public_indicator(w)),
    ("POST", "api:set_target"): lambda w, u: Call(
        json={"indicator": _public_indicator(w).pk, "period": "FY2026", "value": "12"}),
    ("POST", "api:set_target", "draft"): lambda w, u: Call(
        json={"indicator": _public_indicator(w, w.draft).pk, "period": "FY2026", "value": "12"}),
    ("POST", "api:set_target", "sbu"): lambda w, u: Call(
        json={"indicator": _sbu_indicator(w).pk, "period": "FY2026", "value": "12"}),
    ("POST", "api:submit_result"): lambda w, u: Call(
        json={"indicator": _public_indicator(w).pk, "period": "FY2026", "value": "9"}),
    ("POST", "api:submit_result", "replace"): lambda w, u: Call(
        json={"indicator": _public_indicator(w).pk, "period": "FY2026", "value": "9"}, if_match=_submitted_result(w)),
    ("POST", "api:approve_result"): lambda w, u: (lambda r: Call({"result_id": r.pk}, if_match=r))(
        _submitted_result(w)),
    ("POST", "api:return_result"): lambda w, u: (lambda r: Call({"result_id": r.pk}, json={"reason": "No source."},
                                                                  if_match=r))(_submitted_result(w)),
    # API engineer: baselines and breakdowns take the indicator's ETag; locks are for approvers.
    ("PUT", "api:set_baseline"): lambda w, u: Call(
        {"indicator_id": _public_indicator(w).pk}, json={"value": "4", "date": "2021-09-30"},
        if_match=_public_indicator(w)),
    ("POST", "api:define_disaggregation"): lambda w, u: Call(
        {"indicator_id": _public_indicator(w).pk}, json={"category": "sex", "values": ["female", "male"]},
        if_match=_public_indicator(w)),
    ("PUT", "api:set_baseline", "draft"): lambda w, u: Call(
        {"indicator_id": _public_indicator(w, w.draft).pk}, json={"value": "4", "date": "2021-09-30"},
        if_match=_public_indicator(w, w.draft)),
    ("POST", "api:define_disaggregation", "draft"): lambda w, u: Call(
        {"indicator_id": _public_indicator(w, w.draft).pk}, json={"category": "sex", "values": ["female", "male"]},
        if_match=_public_indicator(w, w.draft)),
    ("POST", "api:lock_period"): lambda w, u: Call(
        json={"strategy": w.strategy.pk, "period": "FY2024Q3", "reason": "Quarter closed."}),
    ("DELETE", "api:unlock_period"): lambda w, u: (lambda lock: Call({"lock_id": lock.pk}, if_match=lock))(
        _lock_to_remove(w)),
    # -- API: imports ------------------------------------------------------------------------------
    ("POST", "api:create_preview"): lambda w, u: Call(
        form={"file": _upload("strategy.json", _document_bytes(w)), "mission": str(w.mission.pk)}),
    ("POST", "api:confirm_preview"): _confirm_preview,
    # -- pages ---------------------------------------------------------------------------------------
    ("POST", "web:edit-element"): lambda w, u: Call(_el(w), form=_element_form(w, _obj(w))),
    ("POST", "web:add-linkage"): lambda w, u: Call(_el(w), form={"tag": "SDG 4", "element_version": _obj(w).version,
                                                                  "reason": "Aligns with SDG 4"}),
    ("POST", "web:remove-linkage"): lambda w, u: Call(
        {**_el(w, number="1.1"), "linkage_pk": w.strategy.linkages.filter(objective__number="1.1").first().pk},
        form={"element_version": _obj(w, "1.1").version, "reason": "No longer aligned"}),
    ("POST", "web:add-risk"): lambda w, u: Call(
        _el(w), form={**_risk_form(None, "new"), "new-reason": "New risk", "element_version": _obj(w).version}),
    ("POST", "web:update-risk"): lambda w, u: (lambda risk: Call(
        {**_el(w), "risk_pk": risk.pk}, form={**_risk_form(risk, f"risk{risk.pk}"), f"risk{risk.pk}-reason": "Changed",
                                   "element_version": _obj(w).version}))(
        w.strategy.risks.filter(objective__number="1.2").first()),
    ("POST", "web:result-save"): lambda w, u: (lambda i: Call(
        {"slug": w.mission.slug, "pk": i.pk},
        form={f"i{i.pk}-period": "FY2026", f"i{i.pk}-value": "4", "action": "submit",
              f"i{i.pk}-version": getattr(i.results.filter(period="FY2026", category="").first(), "version", 0)}))(
        _public_indicator(w)),
    ("POST", "web:approval-decide"): lambda w, u: (lambda r: Call(
        {"slug": w.mission.slug, "pk": r.pk}, form={"action": "approve", "version": r.version}))(_submitted_result(w)),
    ("POST", "web:import"): lambda w, u: Call(
        {"slug": w.mission.slug}, form={"file": _upload("strategy.json", _document_bytes(w))}),
    ("POST", "web:import-preview"): lambda w, u: (lambda pending: Call(
        {"slug": w.mission.slug, "token": pending[0].token}, form={"edition": "2030"}, session=pending[1]))(
        _pending(w, u, "strategy", "strategy.json", "json", _document_bytes(w))),
    ("POST", "web:import-results"): lambda w, u: Call(
        {"slug": w.mission.slug}, form={"file": _upload("results.csv", _results_csv(w))}),
    # Editing pages of the web engineer: indicators, adding and deleting elements, period locks.
    ("POST", "web:add-element"): lambda w, u: Call(
        {"slug": w.mission.slug, "edition": "2022", "kind": "goal"},
        form={**_element_form(w, _obj(w)), "number": "9", "title": "A goal added by the matrix"}),
    ("POST", "web:add-child"): lambda w, u: Call(
        _el(w, "goal", "1"), form={**_element_form(w, _obj(w)), "number": "1.9", "title": "An added objective"}),
    ("POST", "web:delete-element"): lambda w, u: Call(_el(w), form={"version": _obj(w).version, "reason": "Merged"}),
    ("POST", "web:add-indicator"): lambda w, u: Call(_el(w), form={**_indicator_form(code="1.2-M"),
                                                                   "d-reason": "A new measure"}),
    ("POST", "web:edit-indicator"): lambda w, u: (lambda i: Call(
        _indicator_args(i), form={**_indicator_form(code=i.code), "d-version": i.version,
                                  "d-reason": "Clearer wording"}))(_public_indicator(w)),
    ("POST", "web:indicator-baseline"): lambda w, u: Call(
        _indicator_args(_public_indicator(w)),
        form={"b-value": "3", "b-date": "2021-09-30", "b-note": "matrix", "b-version": 0, "b-reason": "Measured"}),
    ("POST", "web:indicator-targets"): lambda w, u: Call(_indicator_args(_public_indicator(w)), form={"t-FY2025": "42", "t-reason": "Raised"}),
    ("POST", "web:indicator-breakdowns"): lambda w, u: (lambda i: Call(
        _indicator_args(i), form={"c-category": "sex", "c-values": "female, male", "c-exhaustive": "on",
                                  "c-read": json.dumps({d.category: d.version for d in i.disaggregations.all()}),
                                  "c-reason": "Report by sex"}))(
        _public_indicator(w)),
    ("POST", "web:remove-breakdown"): lambda w, u: (lambda i: Call(
        {**_indicator_args(i), "breakdown_pk": _breakdown(i).pk}, form={"version": 1, "reason": "Not collected"}))(
        _public_indicator(w)),
    ("POST", "web:delete-indicator"): lambda w, u: (lambda i: Call(
        _indicator_args(i), form={"version": i.version, "reason": "Not measurable"}))(_public_indicator(w)),
    ("POST", "web:revisions"): lambda w, u: (lambda r: Call(
        {"slug": w.mission.slug, "edition": "2022"},
        form={"revision": r.pk, "version": r.version, "action": "approve"}))(_revision(w)),
    ("POST", "web:findings"): lambda w, u: (lambda o: Call(
        {"slug": w.mission.slug, "edition": "2022"},
        form={"kind": "objective", "element": o.pk, "version": o.version, "keep": "framework"}))(_two_wordings(w)),
    ("POST", "api:propose_revision"): lambda w, u: Call(
        {}, json={"kind": "objective", "element_id": _obj(w).pk, "changes": {"title": "Proposed"},
                  "reason": "Annual review"}, if_match=_obj(w)),
    ("POST", "api:approve_revision"): lambda w, u: (lambda r: Call(
        {"revision_id": r.pk}, json={"reason": "Agreed"}, if_match=r))(_revision(w)),
    ("POST", "api:reject_revision"): lambda w, u: (lambda r: Call(
        {"revision_id": r.pk}, json={"reason": "Too vague"}, if_match=r))(_revision(w)),
    ("POST", "web:edition"): lambda w, u: Call(
        {"slug": w.mission.slug, "edition": "2022"}, form={"action": "publish", "version": w.strategy.version}),
    ("POST", "web:edition", "draft"): lambda w, u: Call(
        {"slug": w.mission.slug, "edition": "2026"}, form={"action": "submit", "version": w.draft.version}),
    ("POST", "web:period-lock"): lambda w, u: Call(
        {"slug": w.mission.slug}, form={"edition": "2022", "period": "FY2023", "action": "lock"}),
    # -- reviews -------------------------------------------------------------------------------------
    ("POST", "api:open_review"): lambda w, u: Call(json={"mission": w.mission.pk, "kind": "annual",
                                                          "fiscal_year": 2026}),
    ("PUT", "api:assess"): lambda w, u: (lambda a: Call(
        {"assessment_id": a.pk}, json={"rating": "off_track", "narrative": "Changed by the matrix."}, if_match=a))(
        _assessment(w)),
    ("POST", "api:submit_review"): lambda w, u: (lambda r: Call({"review_id": r.pk}, if_match=r))(
        _review(w, "open")),
    ("POST", "api:return_review"): lambda w, u: (lambda r: Call({"review_id": r.pk}, json={"comment": "Redo 1.2."},
                                                                  if_match=r))(_review(w, "submitted")),
    ("POST", "api:approve_review"): lambda w, u: (lambda r: Call({"review_id": r.pk}, json={}, if_match=r))(
        _review(w, "submitted")),
    ("POST", "web:reviews"): lambda w, u: Call({"slug": w.mission.slug}, form={"kind": "annual", "fiscal_year": 2026}),
    ("POST", "web:review-assess"): lambda w, u: (lambda a: Call(
        {"slug": w.mission.slug, "pk": a.pk},
        form={f"a{a.pk}-version": a.version, f"a{a.pk}-rating": "off_track", f"a{a.pk}-narrative": "Matrix.",
              f"a{a.pk}-narrative_sensitivity": "public", f"a{a.pk}-decisions": "",
              f"a{a.pk}-action_items": "Call the ministry | POL | 2026-03-31",
              f"a{a.pk}-action_items_sensitivity": "public", f"a{a.pk}-reason": ""}))(_assessment(w)),
    ("POST", "web:review-decide"): lambda w, u: (lambda r: Call(
        {"slug": w.mission.slug, "pk": r.pk}, form={"action": "submit", "version": r.version}))(_review(w, "open")),
    ("POST", "web:review-decide", "approve"): lambda w, u: (lambda r: Call(
        {"slug": w.mission.slug, "pk": r.pk}, form={"action": "approve", "version": r.version}))(
        _review(w, "submitted")),
    ("POST", "portfolio:catalogue"): lambda w, u: Call(
        {"code": "CDCS"}, form={"version": "2020", "file": _upload("cdcs.csv", b"code,title\nDO2,Governance\n")}),
    ("POST", "portfolio:mission-settings"): lambda w, u: Call(
        {"slug": w.mission.slug}, form={"bureau": "AF", "post": "Embassy Testville", "region": "Sahel"}),
    ("POST", "web:import-results-preview"): lambda w, u: (lambda pending: Call(
        {"slug": w.mission.slug, "token": pending[0].token}, form={}, session=pending[1]))(
        _pending(w, u, "results", "results.csv", "csv", _results_csv(w))),
    # Administration: people, roles and tokens (admins); reporter assignments (editors, admins).
    ("POST", "web:people"): lambda w, u: Call(
        {}, form={"username": "new-by-matrix", "role": "reader", "mission": w.mission.pk}),
    ("POST", "web:person"): lambda w, u: Call(
        {"pk": w.user("viewer").pk}, form={"r-role": "reporter", "r-mission": w.mission.pk}),
    ("POST", "web:membership-remove"): lambda w, u: Call(
        {"pk": w.user("viewer").memberships.get().pk}, form={}),
    ("POST", "web:token-issue"): lambda w, u: Call(
        {"pk": w.user("reader").pk}, form={"t-scope": "read", "t-days": "30", "t-name": "matrix"}),
    ("POST", "web:token-revoke"): lambda w, u: Call({"pk": _reader_token(w).pk}, form={}),
    ("POST", "web:reporters"): lambda w, u: Call(
        {"slug": w.mission.slug},
        form={"membership": w.user("reporter").memberships.get().pk, "target": f"objective:{_obj(w, '1.2').pk}"}),
    ("POST", "web:reporting-calendar"): lambda w, u: Call(
        {"slug": w.mission.slug}, form={"period": "FY2024", "due_date": "2024-10-31"}),
    ("POST", "web:notifications"): lambda w, u: (_notice(u), Call({}, form={}))[1],
    # The queue's form approves the selected batch (here one submitted result).
    ("POST", "web:approvals"): lambda w, u: (lambda r: Call(
        {"slug": w.mission.slug}, form={"pick": f"{r.pk}:{r.version}", "edition": "2022"}))(_submitted_result(w)),
    ("POST", "web:assignment-remove"): lambda w, u: Call(
        {"slug": w.mission.slug, "pk": _assignment(w).pk}, form={}),
}

#: Page writes whose only rows live in tables the write matrix does not fingerprint (API tokens:
#: their "last used" changes with every API call). Their effect is checked in tests/web/test_admin.py.
UNWATCHED_WRITES = {("POST", "web:token-issue"), ("POST", "web:token-revoke")}

WRITE_MATRIX: dict[tuple, dict] = {
    # Made at once in the tests (immediate backend), so the answer is 200 with the finished job.
    ('POST', 'api:start_export_job'): everyone(200),
    ('POST', 'api:start_export_job', 'draft'): only(DRAFT_SEERS, anonymous=404),
    ('POST', 'api:start_import_job'): api_write(REPORTERS),
    ('PATCH', 'api:update_strategy'): api_write(EDITORS, ok=IN_FORCE),
    ('PATCH', 'api:update_mission_metadata'): api_write(("admin",)),
    ('POST', 'api:approve_strategy'): api_write(APPROVERS, hidden=DRAFT_HIDDEN),  # an edition in clearance
    ('POST', 'api:submit_strategy'): api_write(EDITORS, hidden=DRAFT_HIDDEN),  # a draft
    ('POST', 'api:return_strategy'): api_write(APPROVERS, hidden=DRAFT_HIDDEN),
    ('POST', 'api:publish_strategy'): api_write(APPROVERS),  # the edition in force
    ('POST', 'api:archive_strategy'): api_write(APPROVERS),
    ('POST', 'api:copy_strategy'): api_write(EDITORS, ok=201),
    ('PATCH', 'api:update_goal'): api_write(EDITORS, ok=IN_FORCE),
    ('PATCH', 'api:update_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('PATCH', 'api:update_objective', 'draft'): api_write(EDITORS, hidden=DRAFT_HIDDEN),
    ('PATCH', 'api:update_sub_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('PATCH', 'api:update_management_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('DELETE', 'api:delete_goal'): api_write(EDITORS, ok=IN_FORCE),
    ('DELETE', 'api:delete_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('DELETE', 'api:delete_sub_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('DELETE', 'api:delete_management_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_goal'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_sub_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_management_objective'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_linkage'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_linkage', 'draft'): api_write(EDITORS, ok=201, hidden=DRAFT_HIDDEN),
    ('DELETE', 'api:delete_linkage'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_risk'): api_write(EDITORS, ok=IN_FORCE),
    ('PATCH', 'api:update_risk'): api_write(EDITORS, ok=IN_FORCE),
    ('DELETE', 'api:delete_risk'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:create_indicator'): api_write(EDITORS, ok=IN_FORCE),
    ('PATCH', 'api:update_indicator'): api_write(EDITORS, ok=IN_FORCE),
    ('DELETE', 'api:delete_indicator'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:set_target'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:set_target', 'draft'): api_write(EDITORS, ok=201, hidden=DRAFT_HIDDEN),
    ('POST', 'api:set_target', 'sbu'): api_write(EDITORS, ok=IN_FORCE, hidden=OUTSIDERS),
    ('POST', 'api:submit_result'): api_write(REPORTERS, ok=201),
    ('POST', 'api:submit_result', 'replace'): api_write(REPORTERS, ok=200),
    # A submitted result is visible to the mission's members only.
    ('POST', 'api:approve_result'): api_write(APPROVERS, hidden=OUTSIDERS),
    ('POST', 'api:return_result'): api_write(APPROVERS, hidden=OUTSIDERS),
    ('PUT', 'api:set_baseline'): api_write(EDITORS, ok=IN_FORCE),
    ('PUT', 'api:set_baseline', 'draft'): api_write(EDITORS, ok=201, hidden=DRAFT_HIDDEN),
    ('POST', 'api:define_disaggregation'): api_write(EDITORS, ok=IN_FORCE),
    ('POST', 'api:define_disaggregation', 'draft'): api_write(EDITORS, ok=201, hidden=DRAFT_HIDDEN),
    ('POST', 'api:lock_period'): api_write(APPROVERS, ok=201),
    ('DELETE', 'api:unlock_period'): api_write(APPROVERS),
    ('POST', 'api:create_preview'): api_write(EDITORS, ok=201),
    # The preview is the persona's own; importing it into Testland needs ``edit`` there.
    ('POST', 'api:confirm_preview'): api_write(EDITORS, ok=201),
    ('POST', 'web:edit-element'): page_write(EDITORS),
    ('POST', 'web:add-linkage'): page_write(EDITORS),
    ('POST', 'web:remove-linkage'): page_write(EDITORS),
    ('POST', 'web:add-risk'): page_write(EDITORS),
    ('POST', 'web:update-risk'): page_write(EDITORS),
    ('POST', 'web:result-save'): page_write(REPORTERS),
    ('POST', 'web:approval-decide'): page_write(APPROVERS),
    ('POST', 'web:import'): page_write(EDITORS),
    ('POST', 'web:import-preview'): page_write(EDITORS),
    ('POST', 'web:import-results'): page_write(REPORTERS),
    ('POST', 'web:import-results-preview'): page_write(REPORTERS),
    # On the edition in force adding and deleting elements and indicators, and changing an indicator's
    # definition, targets, baseline and breakdowns, propose a revision (302 to the revisions page, a
    # Revision row written; nothing else changes until an approver approves).
    ('POST', 'web:add-element'): page_write(EDITORS),
    ('POST', 'web:add-child'): page_write(EDITORS),
    ('POST', 'web:delete-element'): page_write(EDITORS),
    ('POST', 'web:add-indicator'): page_write(EDITORS),
    ('POST', 'web:edit-indicator'): page_write(EDITORS),
    ('POST', 'web:indicator-baseline'): page_write(EDITORS),
    ('POST', 'web:indicator-targets'): page_write(EDITORS),
    ('POST', 'web:indicator-breakdowns'): page_write(EDITORS),
    ('POST', 'web:remove-breakdown'): page_write(EDITORS),
    ('POST', 'web:delete-indicator'): page_write(EDITORS),
    ('POST', 'web:period-lock'): page_write(APPROVERS),
    # Reviews: personas who cannot see an open review get 404, those who see it but may not act 403.
    ('POST', 'api:open_review'): api_write(EDITORS, ok=201),
    ('PUT', 'api:assess'): api_write(REPORTERS, hidden=OUTSIDERS),
    ('POST', 'api:submit_review'): api_write(EDITORS, hidden=OUTSIDERS),
    ('POST', 'api:return_review'): api_write(APPROVERS, hidden=OUTSIDERS),
    ('POST', 'api:approve_review'): api_write(APPROVERS, hidden=OUTSIDERS),
    ('POST', 'web:reviews'): page_write(EDITORS),
    ('POST', 'web:review-assess'): page_write(REPORTERS),
    ('POST', 'web:review-decide'): page_write(EDITORS),
    ('POST', 'web:review-decide', 'approve'): page_write(APPROVERS),
    ('POST', 'portfolio:mission-settings'): page_write(("admin",)),
    ('POST', 'portfolio:catalogue'): page_write(("admin",)),
    ('POST', 'web:edition'): page_write(APPROVERS),  # publish the edition in force
    ('POST', 'web:revisions'): page_write(APPROVERS),
    ('POST', 'web:findings'): page_write(EDITORS),  # accept a framework wording (a revision: in force)  # approve a revision proposed by the operator
    ('POST', 'api:propose_revision'): api_write(EDITORS, ok=201),
    ('POST', 'api:approve_revision'): api_write(APPROVERS, hidden=OUTSIDERS),  # revisions quote SBU text
    ('POST', 'api:reject_revision'): api_write(APPROVERS, hidden=OUTSIDERS),
    ('POST', 'web:edition', 'draft'): page_write(EDITORS),  # send the draft into clearance
    ('POST', 'web:people'): page_write(("admin",)),
    ('POST', 'web:person'): page_write(("admin",)),
    ('POST', 'web:membership-remove'): page_write(("admin",)),
    # The new secret is shown on the page itself (once), so success is a 200, not a redirect.
    ('POST', 'web:token-issue'): only(("admin",), ok=200, refused=404, anonymous=LOGIN),
    ('POST', 'web:token-revoke'): page_write(("reader", "admin")),
    ('POST', 'web:reporters'): page_write(EDITORS),
    ('POST', 'web:assignment-remove'): page_write(EDITORS),
    ('POST', 'web:reporting-calendar'): page_write(EDITORS),
    ('POST', 'web:approvals'): page_write(APPROVERS),
    # Everyone signed in marks their own notifications read.
    ('POST', 'web:notifications'): {**everyone(302), "anonymous": LOGIN},
}

#: Pages that take no form: a POST (empty body) must answer this and change nothing. These are
#: rendered like their GET (already checked for every persona), so the POST is sent as a sample of
#: personas only: nobody, the public, a member who may write, everybody's admin.
NON_WRITE_PERSONAS = ("anonymous", "viewer", "editor", "admin")
NON_WRITE_POSTS: dict[tuple, dict] = {
    # These views do not look at the method: a POST is answered as a GET (and must change nothing).
    **{("POST", name): MATRIX[("GET", name)] for name in (
        "web:home", "web:health", "web:frameworks", "web:dashboard", "web:strategy-latest", "web:strategy",
        "web:element-history", "web:status-matrix", "web:indicator-chart", "web:exports", "web:export-download",
        "web:progress-report", "web:review", "web:compare", "web:review-report",
        "web:export-job", "web:export-job-file", "web:import-job",
        "portfolio:department", "portfolio:bureau", "portfolio:search",
        "portfolio:crosswalk", "portfolio:similar",
        "web:results", "web:results-template",
        "web:login",  # an empty sign-in form: 200 with its errors; signed-in people are sent on
    )},
    ("POST", "web:logout"): everyone(302),  # signs out (sessions are not watched) and goes home
}
