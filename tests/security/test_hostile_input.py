"""Hostile input: markup and template syntax in every text a person can write, SQL-ish and oversized
values, and fuzzed input to the edit services and the results importer.

* Script, HTML and template syntax planted in every narrative, title, risk, linkages text and
  indicator name is escaped on every page of the matrix (and in SVG charts), and carried as literal
  text in the HTML, DOCX and PDF exports.
* SQL-ish values are stored as text, verbatim (queries are parameterised); oversized values (a 1 MB
  title, a 10 MB upload) are refused with a clear 4xx / ValidationError naming the field, and
  nothing is written — through the pages, the API and the services.
* Property-based tests: whatever the input, the edit services and the importer raise only
  ``icsplan.errors.IcsplanError`` subclasses (and write nothing when they do).
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import IcsplanError, ValidationError

from . import matrix, world as world_module
from .routes import all_routes, url_for
from .world import build_world

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}} {% debug %}"
HOSTILE = f"{SCRIPT} {IMG} {TEMPLATE}"
#: what must never reach a page unescaped
RAW = (b"<script>alert(", b"<img src=x onerror", b"onerror=alert(1)>")
#: the escaped form Django's autoescape produces
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
#: the text fields that people write (and importers read); numbers, codes and periods stay valid
TEXT_FIELDS = {"title", "framework_title", "description", "justification", "linkages_text", "statement",
               "mitigation", "name", "definition", "priorities", "text", "comment", "data_source", "note"}
SQLISH = "'; DROP TABLE strategies_goal; --"


def _hostile(model):
    """Append the hostile payload to every text field of a document model, recursively."""
    from pydantic import BaseModel

    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, str) and name in TEXT_FIELDS:
            setattr(model, name, f"{value} {HOSTILE}")
        elif isinstance(value, BaseModel):
            _hostile(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    _hostile(item)
    return model


@pytest.fixture()
def hostile_world(db, monkeypatch):
    original = world_module.canary_document
    monkeypatch.setattr(world_module, "canary_document", lambda *a, **kw: _hostile(original(*a, **kw)))
    return build_world()


def _page_cells():
    routes = {(r.method, r.name): r for r in all_routes()}
    for key in matrix.MATRIX:
        if key[0] == "GET" and key[1].startswith("web:") and (key[0], key[1]) in routes:
            yield key, routes[(key[0], key[1])]


def _args(w, key):
    factory = matrix.ARGS.get((key[1], key[2])) if len(key) > 2 else matrix.ARGS.get(key[1])
    return factory(w) if factory else {}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_markup_in_every_text_is_escaped_on_every_page(hostile_world):
    """Every page of the matrix, as the public, a reader of SBU and an editor (whose forms echo
    the raw text back in textareas): never the raw markup, always its escaped form somewhere."""
    w = hostile_world
    leaks, escaped_seen, template_seen, pages = [], set(), set(), 0
    for persona in ("anonymous", "reader", "editor"):
        client = Client()
        if w.user(persona) is not None:
            client.force_login(w.user(persona))
        for key, route in _page_cells():
            url = url_for(route, _args(w, key))
            response = client.get(url)
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or not kind.startswith(("text/html", "image/svg")):
                continue
            pages += 1
            body = _body(response)
            for raw in RAW:
                if raw in body:
                    at = body.index(raw)
                    leaks.append(f"{url} as {persona}: {body[max(0, at - 80):at + 60]!r}")
            text = body.decode("utf-8", "replace")
            if ESCAPED in text:
                escaped_seen.add(key[1])
            if "{{7*7}}" in text and "{% debug %}" in text:
                template_seen.add(key[1])
            # Template syntax in data is never evaluated: no debug dump of the context.
            assert "'DEFAULT_MESSAGE_LEVELS'" not in text and "sql_queries" not in text, url
    assert not leaks, "unescaped markup:\n  " + "\n  ".join(leaks)
    assert pages >= 20, f"only {pages} pages were checked"
    for name in ("web:strategy", "web:dashboard", "web:edit-element"):
        assert name in escaped_seen, f"{name} never showed the planted text (escaped): the check proves nothing"
        assert name in template_seen, f"{name}: template syntax in data was not shown literally"


def test_exports_carry_markup_as_literal_text(hostile_world):
    from icsplan.publishing import render
    from icsplan.strategies.services import load_strategy
    from tests.publishing.helpers import docx_text, pdf_text

    document = load_strategy(hostile_world.strategy)
    html = render(document, "html").decode()
    for raw in RAW:
        assert raw.decode() not in html
    assert ESCAPED in html or "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html

    docx = render(document, "docx")
    assert SCRIPT in docx_text(docx) and IMG in docx_text(docx) and TEMPLATE in docx_text(docx)
    import io
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    assert b"<script>" not in xml and b"&lt;script&gt;" in xml

    text = re.sub(r"\s+", "", pdf_text(render(document, "pdf")))
    assert re.sub(r"\s+", "", SCRIPT) in text and re.sub(r"\s+", "", IMG) in text and "{{7*7}}" in text


# -- SQL-ish and oversized values ------------------------------------------------------------------

def _snapshot():
    from icsplan.indicators.models import Indicator, Result
    from icsplan.strategies.models import Goal, Objective, Strategy

    return [list(m.objects.order_by("pk").values_list()) for m in (Strategy, Goal, Objective, Indicator, Result)]


def _api(world, persona="editor"):
    from icsplan.accounts.services import create_token

    token = create_token(world.user(persona), scope="write", actor=SYSTEM)[1]

    def call(method, path, body=None, if_match=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if if_match:
            headers["HTTP_IF_MATCH"] = if_match
        client = Client()
        if body is None:
            return getattr(client, method)(path, **headers, **extra)
        return client.generic(method.upper(), path, json.dumps(body), content_type="application/json", **headers)

    return call


def test_sql_ish_values_are_stored_verbatim(world):
    from icsplan.strategies.models import Goal, Objective

    api = _api(world)
    objective = world.draft.objectives.get(number="1.2")  # a draft: edited directly
    url = f"/api/v1/objectives/{objective.pk}"
    tag = api("get", url)["ETag"]
    goals = Goal.objects.count()
    response = api("patch", url, {"title": SQLISH, "justification": SQLISH + " /* */ OR 1=1"}, if_match=tag)
    assert response.status_code == 200, response.content
    assert Objective.objects.get(pk=objective.pk).title == SQLISH and Goal.objects.count() == goals
    found = api("get", "/api/v1/search", QUERY_STRING="q=" + "DROP TABLE")
    assert found.status_code == 200
    listed = api("get", "/api/v1/objectives", QUERY_STRING="q=%27%3B%20DROP")
    assert listed.status_code == 200 and listed.json()["count"] >= 1


MEGA = "x" * 1_000_000


def test_oversized_title_is_refused_by_the_api(world):
    api = _api(world)
    objective = world.draft.objectives.get(number="1.2")  # a draft: edited directly
    url = f"/api/v1/objectives/{objective.pk}"
    tag = api("get", url)["ETag"]
    before = _snapshot()
    response = api("patch", url, {"title": MEGA}, if_match=tag)
    assert response.status_code == 422, response.status_code
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert "title" in json.dumps(problem.get("errors")) or problem.get("field") == "title"
    created = api("post", "/api/v1/goals", {"strategy": world.draft.pk, "number": "9", "title": MEGA})
    assert created.status_code == 422 and "title" in created.content.decode()[:2000]
    # Narratives have no schema limit: the service's limit names the field.
    long_text = api("patch", url, {"justification": "y" * 1_000_001}, if_match=tag)
    assert long_text.status_code == 422 and "justification" in long_text.content.decode()[:2000]
    assert _snapshot() == before


def test_oversized_title_is_refused_by_the_services(world):
    from icsplan.indicators import services as isv
    from icsplan.strategies import services
    from icsplan.strategies.models import Objective

    objective = world.draft.objectives.get(number="1.2")  # a draft: edited directly
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        services.update_element(objective, {"title": MEGA}, expected_version=objective.version,
                                actor=world.user("editor"))
    assert caught.value.problems[0].where.field == "title"
    indicator = world.strategy.indicators.filter(sensitivity="public").order_by("pk").first()
    with pytest.raises(ValidationError) as caught:
        isv.submit_result(indicator, "FY2026", MEGA, expected_version=0, actor=world.user("editor"))
    assert caught.value.problems[0].where.field == "value"
    assert _snapshot() == before
    assert Objective.objects.get(pk=objective.pk).version == objective.version


def test_oversized_values_are_refused_by_the_web_forms(world):
    from icsplan.strategies.models import Objective

    objective = world.strategy.objectives.get(number="1.2")
    client = Client()
    client.force_login(world.user("editor"))
    url = f"/missions/{world.mission.slug}/strategy/2022/objective/{objective.pk}/edit/"
    before = _snapshot()
    response = client.post(url, {"version": objective.version, "number": "1.2", "title": MEGA,
                                 "narrative_sensitivity": "public", "linkages_text_sensitivity": "public"})
    assert response.status_code == 422
    assert b"title is too long" in response.content or b"at most" in response.content
    assert _snapshot() == before and Objective.objects.get(pk=objective.pk).title != MEGA


def test_ten_megabyte_upload_is_refused_cleanly(world):
    """10 MB of text (a strategy, a results CSV): refused before any parser sees it, with one
    sentence naming the file and the limit, through the services, the API and the pages."""
    from icsplan.imports.models import StagedImport
    from icsplan.ingest.uploads import check_upload
    from icsplan.strategies.models import Strategy

    big_text = b"Mission Goal 1: " + b"x" * (10 * 1024 * 1024)
    big_csv = b"Mission,Edition\n" + b"a,b\n" * (10 * 1024 * 1024 // 4)
    for name, data, kinds in (("strategy.txt", big_text, {"text"}), ("results.csv", big_csv, {"csv", "xlsx"})):
        with pytest.raises(IcsplanError) as caught:
            check_upload(name, data, allowed=kinds)
        assert caught.value.code == "too-large" and name in str(caught.value) and "MB" in str(caught.value)
    strategies = Strategy.objects.count()

    response = Client().post("/api/v1/imports", {"file": SimpleUploadedFile("strategy.txt", big_text),
                                                 "mission": str(world.mission.pk)},
                             HTTP_AUTHORIZATION=f"Bearer {_token(world)}")
    assert response.status_code == 413 and response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "too-large" and "at most 5 MB" in response.json()["detail"]

    client = Client()
    client.force_login(world.user("editor"))
    page = client.post(f"/missions/{world.mission.slug}/import/",
                       {"file": SimpleUploadedFile("strategy.txt", big_text)})
    assert page.status_code == 422 and b"at most 5 MB" in page.content
    results = client.post(f"/missions/{world.mission.slug}/import/results/",
                          {"file": SimpleUploadedFile("results.csv", big_csv)}, follow=True)
    assert results.status_code == 200 and b"at most 5 MB" in results.content
    assert StagedImport.objects.count() == 0
    assert Strategy.objects.count() == strategies


def _token(world, persona="editor"):
    from icsplan.accounts.services import create_token

    return create_token(world.user(persona), scope="write", actor=SYSTEM)[1]


# -- property-based: only icsplan errors -----------------------------------------------------------

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
texts = st.one_of(st.none(), st.text(max_size=300), st.sampled_from([SQLISH, HOSTILE, "\x00", " ", "1.2", "FY2024"]),
                  st.integers(), st.floats(allow_nan=True), st.booleans(), st.lists(st.integers(), max_size=2))
FIELDS = ["number", "title", "framework_title", "justification", "justification_sensitivity", "linkages_text",
          "linkages_text_sensitivity", "description", "status", "version", "pk", "strategy"]


def _rolled_back(fn):
    from django.db import transaction

    class Rollback(Exception):
        pass

    outcome = {}
    try:
        with transaction.atomic():
            try:
                outcome["value"] = fn()
            except IcsplanError as exc:
                outcome["error"] = exc
            raise Rollback
    except Rollback:
        pass
    return outcome


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(FIELDS), texts, max_size=4),
       version=st.one_of(st.integers(-2, 3), st.none(), st.text(max_size=3)))
def test_update_element_raises_only_icsplan_errors(world, changes, version):
    from icsplan.strategies import services
    from icsplan.strategies.models import Objective

    # One world for every example; each example runs in a savepoint rolled back after it.
    objective = Objective.objects.get(strategy=world.draft, number="1.2")  # a draft: edited directly
    _rolled_back(lambda: services.update_element(objective, changes, expected_version=version,
                                                 actor=world.user("editor")))


values = st.one_of(st.none(), st.text(max_size=60), st.sampled_from(["12", "45%", "1e400", "-0", "NaN", "inf", "yes",
                                                                     SQLISH, "1" * 400, "12.5.6", "$1,000"]))
periods = st.one_of(st.sampled_from(["FY2024", "FY2026Q1", "FY2025H2", "FY1900", "FY9999Q9", "2024", "", "fy2024"]),
                    st.text(max_size=12))
numbers = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20))


@FUZZ
@given(value=values, period=periods, numerator=numbers, denominator=numbers,
       category=st.one_of(st.none(), st.text(max_size=20), st.just("sex")),
       category_value=st.one_of(st.none(), st.text(max_size=20)),
       comment=st.one_of(st.none(), st.text(max_size=50)),
       sensitivity=st.one_of(st.sampled_from(["public", "sbu"]), st.text(max_size=5)),
       expected=st.one_of(st.none(), st.integers(-1, 3)),
       service=st.sampled_from(["save_result", "set_target"]))
def test_result_and_target_services_raise_only_icsplan_errors(world, value, period, numerator,
                                                               denominator, category, category_value, comment,
                                                               sensitivity, expected, service):
    from icsplan.indicators import services as isv
    from icsplan.indicators.models import Indicator

    # One world for every example; each example runs in a savepoint rolled back after it.
    indicator = Indicator.objects.filter(strategy=world.strategy).order_by("pk").first()
    kwargs = dict(numerator=numerator, denominator=denominator, category=category, category_value=category_value,
                  comment=comment, sensitivity=sensitivity, expected_version=expected,
                  actor=world.user("editor"))
    _rolled_back(lambda: getattr(isv, service)(indicator, period, value, **kwargs))


def _csv_bytes(rows) -> bytes:
    import csv
    import io

    from icsplan.indicators.excel import COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    writer.writerows(rows)
    return buffer.getvalue().encode()


cells = st.one_of(st.text(max_size=15), st.sampled_from(["Testland", "2022", "1.1-P", "FY2024", "FY2026", "12", "yes",
                                                          "no", "", SQLISH, HOSTILE]))


def _import(world, data: bytes, name: str = "fuzz.csv"):
    from icsplan.indicators.excel import import_results

    return _rolled_back(lambda: import_results(name, actor=world.user("editor"), data=data, file_label=name))


@FUZZ
@given(data=st.one_of(
    st.lists(st.lists(cells, min_size=0, max_size=20), max_size=4).map(_csv_bytes),
    st.text(max_size=300).map(lambda t: t.encode()),
    st.builds(lambda head, tail: head + tail.encode(), st.sampled_from([b"\xef\xbb\xbf", b"", b"Mission,Edition\n"]),
              st.text(max_size=200)),
))
def test_results_import_of_fuzzed_csv_raises_only_icsplan_errors(world, data):
    """Any UTF-8 text as a results CSV: a report or an icsplan error, never anything else."""
    _import(world, data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=400),
                      st.builds(lambda head, tail: head + tail, st.sampled_from([b"\xef\xbb\xbf", b"PK\x03\x04", b""]),
                                st.binary(max_size=200))))
def test_results_import_of_fuzzed_csv_bytes_raises_only_icsplan_errors(world, data):
    """Any bytes, as the CLI hands them over (no upload check before it)."""
    _import(world, data)
