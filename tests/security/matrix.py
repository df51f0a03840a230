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

Write operations (POST/PATCH/DELETE) need a valid body to reach the permission check; until a
``BODIES`` factory exists for one, it is listed in ``WRITES_WITHOUT_BODY`` with its owner — the
coverage test accepts it there, and the cell-by-cell test skips it. Move it into MATRIX with a body.
"""

from __future__ import annotations

from typing import Callable

LOGIN = "login"  # a 302 to settings.LOGIN_URL (a plain 302 means any other redirect)
PERSONAS = ("anonymous", "viewer", "reader", "reporter", "editor", "approver",
            "analyst", "other_analyst", "other_member", "admin")
MEMBERS = ("reader", "reporter", "editor", "approver", "analyst", "admin")  # may view Testland


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


ARGS: dict[object, Callable] = {
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
    "web:results": lambda w: {"slug": w.mission.slug},
    "web:approvals": lambda w: {"slug": w.mission.slug},
    "web:import": lambda w: {"slug": w.mission.slug},
    # API operations: path parameters by name.
    "api:get_mission": lambda w: {"mission_id": w.mission.pk},
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
    "api:search": lambda w: {"?q": "Objective"},
    "api:list_periods": lambda w: {"?strategy": w.strategy.pk},
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
    ('GET', 'web:results'): only(('reporter', 'editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:result-save'): only(('reporter', 'editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:approvals'): only(('approver', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:approval-decide'): only(('approver', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:import'): only(('editor', 'admin'), ok=200, refused=404, anonymous=LOGIN),
    ('GET', 'web:import-preview'): only(('editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:import-results'): only(('reporter', 'editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'web:import-results-preview'): only(('reporter', 'editor', 'admin'), ok=302, refused=404, anonymous=LOGIN),
    ('GET', 'api:list_missions'): everyone(200),
    ('GET', 'api:get_mission'): everyone(200),
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
    ('GET', 'api:list_targets'): everyone(200),
    ('GET', 'api:get_target'): everyone(200),
    ('GET', 'api:list_results'): everyone(200),
    ('GET', 'api:get_result'): everyone(200),
    ('GET', 'api:list_formats'): everyone(200),
    ('GET', 'api:export_strategy'): everyone(200),
    ('GET', 'api:get_preview'): {**everyone(404), "anonymous": 401},  # a preview nobody owns
    ('GET', 'api:search'): everyone(200),
    ('GET', 'web:strategy', 'draft'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:element-history', 'draft'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'web:export-download', 'json'): everyone(200),
    ('GET', 'web:export-download', 'draft'): only(MEMBERS, anonymous=LOGIN),
    ('GET', 'api:get_strategy', 'draft'): only(MEMBERS, anonymous=404),
    ('GET', 'api:strategy_document', 'draft'): only(MEMBERS, anonymous=404),
    ('GET', 'api:get_objective', 'draft'): only(MEMBERS, anonymous=404),
    ('GET', 'api:get_risk', 'sbu'): only(MEMBERS, anonymous=404),
    ('GET', 'api:export_strategy', 'draft'): only(MEMBERS, anonymous=404),
}

API_WRITES = [
    ("DELETE", "delete_goal"), ("DELETE", "delete_objective"), ("DELETE", "delete_sub_objective"),
    ("DELETE", "delete_management_objective"), ("DELETE", "delete_linkage"), ("DELETE", "delete_risk"),
    ("DELETE", "delete_indicator"),
    ("PATCH", "update_goal"), ("PATCH", "update_objective"), ("PATCH", "update_sub_objective"),
    ("PATCH", "update_management_objective"), ("PATCH", "update_risk"), ("PATCH", "update_strategy"),
    ("PATCH", "update_indicator"),
    ("POST", "approve_strategy"), ("POST", "approve_result"), ("POST", "return_result"), ("POST", "confirm_preview"),
    ("POST", "create_goal"), ("POST", "create_objective"), ("POST", "create_sub_objective"),
    ("POST", "create_management_objective"), ("POST", "create_linkage"), ("POST", "create_risk"),
    ("POST", "create_indicator"), ("POST", "create_preview"), ("POST", "set_target"), ("POST", "submit_result"),
]
WRITES_WITHOUT_BODY: dict[tuple[str, str], str] = {
    (method, f"api:{name}"): "api engineer: add a BODIES factory and move to MATRIX" for method, name in API_WRITES
}
