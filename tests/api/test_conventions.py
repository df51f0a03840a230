"""Conventions every endpoint shares: problem+json errors, pages, filters, ordering, ETags."""

from __future__ import annotations

import re

from django.test import Client

from .conftest import Api

PROBLEM = "application/problem+json"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert {"type", "title", "detail", "instance", "field", "errors"} <= set(body)
    assert "Traceback" not in response.content.decode()
    return body


def test_unknown_url_and_missing_object_are_problem_404(world):
    api = Api()
    _problem(api.get("/api/v1/no-such-thing"), 404, "not-found")
    _problem(api.get("objectives/999999"), 404, "not-found")
    # A draft edition is invisible to the public: same answer as a missing one.
    _problem(api.get(f"strategies/{world.draft.pk}"), 404, "not-found")


def test_validation_errors_name_the_field(world):
    body = _problem(Api().get("goals", page=0), 422, "validation-failed")
    assert body["field"] == "page" and body["errors"][0]["in"] == "query"
    body = _problem(Api().get("goals", ordering="secret"), 422, "validation-failed")
    assert body["field"] == "ordering"


def test_body_validation_names_the_body_field(world, api_as):
    api = api_as("editor")
    objective = world.draft.objectives.order_by("position").first()  # the edition in force changes by revision
    tag = api.get(f"objectives/{objective.pk}")["ETag"]
    body = _problem(api.patch(f"objectives/{objective.pk}", {"justification_sensitivity": "secret"},
                              headers={"If-Match": tag}), 422, "validation-failed")
    assert body["field"] == "justification_sensitivity" and body["errors"][0]["in"] == "body"


def test_method_not_allowed_is_problem(world):
    _problem(Api().client.put("/api/v1/goals"), 405, "method-not-allowed")


def test_unexpected_errors_never_show_a_traceback(world, monkeypatch):
    from icsplan.api import serialize

    def boom(row):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(serialize, "mission", boom)
    response = Api().get("missions")
    body = _problem(response, 500, "internal-error")
    assert "secret internals" not in response.content.decode() and "request_id" in body


def test_pages_have_totals_and_links(world):
    api = Api()
    first = api.get("objectives", strategy=world.strategy.pk, page_size=3).json()
    assert first["count"] == 4 and first["pages"] == 2 and first["page"] == 1 and len(first["items"]) == 3
    assert first["previous"] is None and first["next"].endswith("page=2")
    second = api.get(first["next"]).json()
    assert len(second["items"]) == 1 and second["next"] is None and second["previous"]
    past = api.get("objectives", strategy=world.strategy.pk, page=9).json()
    assert past["items"] == [] and past["count"] == 4


def test_filters_and_ordering(world):
    api = Api()
    items = api.get("objectives", strategy=world.strategy.pk, ordering="-number").json()["items"]
    assert [o["number"] for o in items] == ["2.2", "2.1", "1.2", "1.1"]
    goal = world.strategy.goals.get(number="2")
    items = api.get("objectives", goal=goal.pk).json()["items"]
    assert {o["number"] for o in items} == {"2.1", "2.2"}
    assert api.get("strategies", country="testland", status="approved").json()["count"] == 1
    assert api.get("linkages", strategy=world.strategy.pk, framework="CDCS").json()["count"] == 4
    assert api.get("missions", bureau="EUR").json()["items"][0]["country"] == "Otherland"


def test_etag_and_if_none_match(world):
    api = Api()
    response = api.get(f"strategies/{world.strategy.pk}")
    tag = response["ETag"]
    assert re.match(r'^"strategy-\d+-v\d+\.p"$', tag)
    assert api.get(f"strategies/{world.strategy.pk}", headers={"If-None-Match": tag}).status_code == 304
    listing = api.get("goals")
    assert listing["ETag"].startswith('"h')
    assert api.get("goals", headers={"If-None-Match": listing["ETag"]}).status_code == 304
    assert "Authorization" in listing["Vary"]


def test_dates_and_periods_are_iso(world):
    api = Api()
    strategy = api.get(f"strategies/{world.strategy.pk}").json()
    assert strategy["approved_date"] == "2022-05-01"
    periods = api.get("periods", strategy=world.strategy.pk, frequency="quarterly").json()
    assert periods[0] == {"id": "FY2022Q1", "fiscal_year": 2022, "frequency": "quarterly",
                          "start": "2021-10-01", "end": "2021-12-31", "locked": False}


def test_openapi_document_and_self_hosted_docs(world):
    api = Api()
    schema = api.get("openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "Problem" in schema["components"]["schemas"]
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    patch = schema["paths"]["/api/v1/objectives/{element_id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
    assert PROBLEM in patch["responses"]["412"]["content"]
    page = api.get("docs")
    html = page.content.decode()
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    assert re.search(r"<script>(?!\s*</script>)", html) is None  # no inline script
    assert re.search(r"<style", html) is None and ' style="' not in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        response = api.client.get(asset)
        assert response.status_code == 200, asset
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(content) > 100


def test_if_match_needs_the_strong_etag(world, api_as):
    """A weak tag (``W/"…"``) names a representation that may differ in bytes; RFC 9110 says
    If-Match compares strongly, so a weak copy of the current tag is refused with 412."""
    api = api_as("editor")
    objective = world.draft.objectives.order_by("position").first()  # the edition in force changes by revision
    tag = api.get(f"objectives/{objective.pk}")["ETag"]
    assert not tag.startswith("W/")
    weak = api.patch(f"objectives/{objective.pk}", {"title": "Weakly matched"}, headers={"If-Match": f"W/{tag}"})
    _problem(weak, 412, "precondition-failed")
    objective.refresh_from_db()
    assert objective.title != "Weakly matched"
    strong = api.patch(f"objectives/{objective.pk}", {"title": "Strongly matched"}, headers={"If-Match": tag})
    assert strong.status_code == 200, strong.content[:300]


def test_refused_csrf_check_is_problem_json_not_a_page(world):
    """A request carrying a session cookie but no CSRF token (as a fuzzer or a stale tab sends it) is
    refused in the API's own format, never with Django's HTML page."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "not-a-session"
    for method, url in (("delete", "/api/v1/goals/null%2Cnull"), ("patch", "/api/v1/goals/1")):
        response = getattr(client, method)(url, HTTP_AUTHORIZATION="Bearer not-a-token", HTTP_IF_MATCH="")
        assert 400 <= response.status_code < 500
        assert response["Content-Type"] == "application/problem+json", (url, response.content[:200])


def test_schema_names_are_unique_so_openapi_components_do_not_collide():
    """The OpenAPI document names each component after its class: two schemas of one name would
    make one response be described by the other's fields (a fuzzer found the tree's baseline
    documented as the baseline endpoint's)."""
    import importlib
    import pkgutil

    from ninja import Schema

    import icsplan.api as api_package

    for info in pkgutil.walk_packages(api_package.__path__, "icsplan.api."):
        importlib.import_module(info.name)
    seen: dict[str, str] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("icsplan."):
                where = f"{sub.__module__}.{sub.__qualname__}"
                assert seen.setdefault(sub.__name__, where) == where, f"{sub.__name__}: {seen[sub.__name__]} and {where}"
            walk(sub)

    walk(Schema)


def test_booleans_in_a_body_are_json_booleans(world, api_as):
    """``"cumulative": 0`` is not a boolean: it is refused naming the field (a fuzzer found it accepted)."""
    api = api_as("editor")
    objective = world.draft.objectives.order_by("position").first()  # the edition in force changes by revision
    body = {"element": {"kind": "objective", "id": objective.pk}, "code": "9.9-Z", "name": "Strict", "cumulative": 0}
    refused = _problem(api.post("indicators", body), 422, "validation-failed")
    assert refused["field"] == "cumulative"
    assert api.post("indicators", {**body, "cumulative": False}).status_code == 201
