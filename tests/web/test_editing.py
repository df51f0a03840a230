"""Editing pages for editors: indicators (definition, baseline, targets, breakdowns, delete),
adding and deleting framework elements, and the results page's workbook and period locks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from icsplan.accounts.actors import SYSTEM
from icsplan.indicators import models as im

from .test_pages import INLINE, STRATEGY

pytestmark = pytest.mark.django_db

E = ("testland", "2022")


@pytest.fixture()
def as_draft(site):
    """The generated edition as a draft: drafts are edited directly, while the edition in force
    changes only through approved revisions (tests/strategies/test_revision_gate.py)."""
    from icsplan.strategies import models as sm

    sm.Strategy.objects.filter(pk=site.pk).update(status="draft")
    site.refresh_from_db()
    return site

DEFINITION = {"d-code": "1.1-N", "d-name": "Radio stations trained", "d-definition": "Stations with a trained editor.",
              "d-unit": "stations", "d-value_type": "number", "d-direction": "increase", "d-frequency": "annual",
              "d-data_source": "", "d-collection_method": "", "d-responsible": "PAS", "d-standard_code": "",
              "d-sensitivity": "public"}


def _new_indicator(client, site, **changes):
    objective = site.objectives.get(number="1.1")
    url = reverse("web:add-indicator", args=[*E, "objective", objective.pk])
    return client.post(url, {**DEFINITION, **changes})


@pytest.mark.usefixtures("as_draft")
def test_editor_creates_an_indicator_with_baseline_and_targets(login, site):
    client = login("mali-editor")
    objective = site.objectives.get(number="1.1")
    form = client.get(reverse("web:add-indicator", args=[*E, "objective", objective.pk]))
    assert form.status_code == 200 and b'value="1.1-C"' in form.content  # a free code is suggested
    response = _new_indicator(client, site)
    indicator = im.Indicator.objects.get(strategy=site, code="1.1-N")
    edit = reverse("web:edit-indicator", args=[*E, indicator.pk])
    assert response.status_code == 302 and response["Location"] == edit
    assert indicator.objective_id == objective.pk and indicator.responsible == "PAS"
    page = client.get(edit)
    assert page.status_code == 200
    for period in ("FY2023", "FY2024", "FY2025"):  # a row per fiscal period of the edition
        assert f'name="t-{period}"'.encode() in page.content
    assert client.post(reverse("web:indicator-baseline", args=[*E, indicator.pk]),
                       {"b-value": "4", "b-date": "2022-09-30", "b-note": "Survey", "b-version": "0"}).status_code == 302
    assert im.Baseline.objects.get(indicator=indicator).value == "4"
    targets = reverse("web:indicator-targets", args=[*E, indicator.pk])
    assert client.post(targets, {"t-FY2023": "10", "t-FY2024": "", "t-FY2025": "30"}).status_code == 302
    saved = dict(im.Target.objects.filter(indicator=indicator).values_list("period", "value"))
    assert saved == {"FY2023": "10", "FY2025": "30"}
    strategy_page = client.get(STRATEGY).content.decode()
    assert "1.1-N" in strategy_page and "Radio stations trained" in strategy_page
    assert edit in strategy_page  # the strategy page links to the indicator's edit page


@pytest.mark.usefixtures("as_draft")
def test_only_changed_target_rows_are_saved_and_errors_sit_next_to_the_row(login, site):
    client = login("mali-editor")
    indicator = im.Indicator.objects.get(strategy=site, code="1.1-A")
    versions = {t.period: t for t in im.Target.objects.filter(indicator=indicator)}
    url = reverse("web:indicator-targets", args=[*E, indicator.pk])
    data = {f"t-{p}": t.value for p, t in versions.items()} | {f"t-v-{p}": t.version for p, t in versions.items()}
    response = client.post(url, {**data, "t-FY2024": "lots", "t-FY2025": "999"})
    assert response.status_code == 422
    assert re.search(rb'field-error">.*?id_t-FY2024.*?errorlist', response.content, re.S)
    assert im.Target.objects.get(indicator=indicator, period="FY2025").value == versions["FY2025"].value
    assert client.post(url, {**data, "t-FY2025": "999"}).status_code == 302
    after = {t.period: t for t in im.Target.objects.filter(indicator=indicator)}
    assert after["FY2025"].value == "999" and after["FY2025"].version == versions["FY2025"].version + 1
    assert after["FY2023"].version == versions["FY2023"].version  # untouched rows are not rewritten
    # A row read before someone else's change is a conflict: nothing written, both figures shown.
    stale = client.post(url, {**data, "t-FY2025": "1000"})
    assert stale.status_code == 409 and b"Targets not saved" in stale.content and b"999" in stale.content
    assert im.Target.objects.get(indicator=indicator, period="FY2025").value == "999"


@pytest.mark.usefixtures("as_draft")
def test_definition_conflict_shows_both_versions(login, site):
    client = login("mali-editor")
    indicator = im.Indicator.objects.get(strategy=site, code="1.1-A")
    url = reverse("web:edit-indicator", args=[*E, indicator.pk])
    base = {**DEFINITION, "d-code": "1.1-A", "d-version": indicator.version}
    assert client.post(url, {**base, "d-name": "First rename"}).status_code == 302
    stale = client.post(url, {**base, "d-name": "Second rename"})
    assert stale.status_code == 409
    assert b"Saved version 2" in stale.content and b"First rename" in stale.content and b"Second rename" in stale.content
    indicator.refresh_from_db()
    assert indicator.name == "First rename"


@pytest.mark.usefixtures("as_draft")
def test_service_problems_land_next_to_the_field(login, site):
    client = login("mali-editor")
    duplicate = _new_indicator(client, site, **{"d-code": "1.1-A"})
    assert duplicate.status_code == 422
    assert re.search(rb'field-error">\s*<label for="id_d-code".*?already has an indicator', duplicate.content, re.S)
    indicator = im.Indicator.objects.get(strategy=site, code="1.1-A")
    # The value type cannot change once targets exist: the service says so next to the field.
    url = reverse("web:edit-indicator", args=[*E, indicator.pk])
    bad = client.post(url, {**DEFINITION, "d-code": "1.1-A", "d-version": indicator.version, "d-value_type": "percent"})
    assert bad.status_code == 422
    assert re.search(rb'field-error">\s*<label for="id_d-value_type".*?cannot change', bad.content, re.S)
    baseline = client.post(reverse("web:indicator-baseline", args=[*E, indicator.pk]), {"b-value": "many", "b-version": "0"})
    assert baseline.status_code == 422 and re.search(rb'field-error">\s*<label for="id_b-value"', baseline.content)


@pytest.mark.usefixtures("as_draft")
def test_breakdowns_add_and_remove(login, site):
    client = login("mali-editor")
    indicator = im.Indicator.objects.get(strategy=site, code="1.1-A")
    url = reverse("web:indicator-breakdowns", args=[*E, indicator.pk])
    assert client.post(url, {"c-category": "sex", "c-values": "female, male", "c-exhaustive": "on"}).status_code == 302
    row = im.Disaggregation.objects.get(indicator=indicator)
    assert row.values == ["female", "male"] and row.exhaustive
    repeated = client.post(url, {"c-category": "age", "c-values": "young, young"})
    assert repeated.status_code == 422 and b"repeat" in repeated.content
    remove = reverse("web:remove-breakdown", args=[*E, indicator.pk, row.pk])
    assert client.post(remove, {"version": row.version + 1}).status_code == 302  # changed meanwhile: kept
    assert im.Disaggregation.objects.filter(indicator=indicator).exists()
    assert client.post(remove, {"version": row.version}).status_code == 302
    assert not im.Disaggregation.objects.filter(indicator=indicator).exists()


@pytest.mark.usefixtures("as_draft")
def test_delete_indicator_confirms_and_checks_the_version(login, site):
    client = login("mali-editor")
    indicator = im.Indicator.objects.get(strategy=site, code="1.2-B")
    url = reverse("web:delete-indicator", args=[*E, indicator.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and b"3 targets and 1 result" in confirm.content
    assert im.Indicator.objects.filter(pk=indicator.pk).exists()  # GET never deletes
    stale = client.post(url, {"version": indicator.version - 1})
    assert stale.status_code == 409 and im.Indicator.objects.filter(pk=indicator.pk).exists()
    assert client.post(url, {"version": indicator.version}).status_code == 302
    assert not im.Indicator.objects.filter(pk=indicator.pk).exists()


@pytest.mark.usefixtures("as_draft")
def test_add_goal_objective_sub_objective_and_management_objective(login, site):
    client = login("mali-editor")
    goal_form = client.get(reverse("web:add-element", args=[*E, "goal"]))
    assert goal_form.status_code == 200 and b'value="3"' in goal_form.content  # next free number
    fields = {"narrative": "", "narrative_sensitivity": "public", "linkages_text": "",
              "linkages_text_sensitivity": "public", "reason": ""}
    response = client.post(reverse("web:add-element", args=[*E, "goal"]),
                           {**fields, "number": "3", "title": "A third goal", "narrative": "Why."})
    assert response.status_code == 302 and response["Location"].endswith("#goal-3")
    goal = site.goals.get(number="3")
    assert goal.description == "Why."
    child = reverse("web:add-child", args=[*E, "goal", goal.pk])
    assert b'value="3.1"' in client.get(child).content
    assert client.post(child, {**fields, "number": "3.1", "title": "An objective"}).status_code == 302
    objective = site.objectives.get(number="3.1")
    assert objective.goal_id == goal.pk
    sub = reverse("web:add-child", args=[*E, "objective", objective.pk])
    assert client.post(sub, {**fields, "number": "3.1.1", "title": "A sub-objective"}).status_code == 302
    assert site.sub_objectives.get(number="3.1.1").objective_id == objective.pk
    mo = reverse("web:add-element", args=[*E, "management-objective"])
    assert client.post(mo, {**fields, "number": "2", "title": "Facilities"}).status_code == 302
    assert site.management_objectives.filter(number="2").exists()
    # A number already in use: the message sits next to the number field.
    duplicate = client.post(child, {**fields, "number": "3.1", "title": "Again"})
    assert duplicate.status_code == 422
    assert re.search(rb'field-error">\s*<label for="id_number".*?already exists', duplicate.content, re.S)
    # Sub-objectives take no children; goals and management objectives only are added at the top.
    assert client.get(reverse("web:add-child", args=[*E, "sub-objective", site.sub_objectives.first().pk])).status_code == 404
    assert client.get(reverse("web:add-element", args=[*E, "objective"])).status_code == 404


@pytest.mark.usefixtures("as_draft")
def test_delete_element_confirms_posts_and_checks_the_version(login, site):
    client = login("mali-editor")
    objective = site.objectives.get(number="2.2")
    url = reverse("web:delete-element", args=[*E, "objective", objective.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert b"1 sub-objective" in confirm.content and b"2 indicators with their baselines and targets" in confirm.content
    stale = client.post(url, {"version": objective.version + 5})
    assert stale.status_code == 409 and b"Not deleted" in stale.content
    assert site.objectives.filter(pk=objective.pk).exists()
    done = client.post(url, {"version": objective.version, "reason": "merged into 2.1"})
    assert done.status_code == 302
    assert not site.objectives.filter(pk=objective.pk).exists()
    assert not im.Indicator.objects.filter(strategy=site, code__startswith="2.2-").exists()


def test_editing_pages_are_for_editors_only(login, site, client):
    indicator = im.Indicator.objects.get(strategy=site, code="1.1-A")
    objective = site.objectives.get(number="1.1")
    urls = [reverse("web:add-indicator", args=[*E, "objective", objective.pk]),
            reverse("web:edit-indicator", args=[*E, indicator.pk]),
            reverse("web:delete-indicator", args=[*E, indicator.pk]),
            reverse("web:add-element", args=[*E, "goal"]),
            reverse("web:add-child", args=[*E, "goal", site.goals.first().pk]),
            reverse("web:delete-element", args=[*E, "objective", objective.pk])]
    for username in ("mali-viewer", "mali-reader", "mali-reporter", "mali-approver"):
        c = login(username)
        for url in urls:
            assert c.get(url).status_code == 404, (username, url)
        assert c.post(urls[-1], {"version": objective.version}).status_code == 404
    assert site.objectives.filter(pk=objective.pk).exists()


def test_approver_locks_and_reopens_a_period_on_the_results_page(login, site):
    from icsplan.indicators import services as isv

    approver = login("mali-approver")
    page = approver.get("/missions/testland/results/?period=FY2023")
    assert page.status_code == 200 and b"Lock FY2023" in page.content and b"1.1-A" in page.content
    lock = reverse("web:period-lock", args=["testland"])
    assert approver.post(lock, {"edition": "2022", "period": "FY2023", "action": "lock", "reason": "final"}).status_code == 302
    assert isv.is_locked(site, "FY2023")
    locked = approver.get("/missions/testland/results/?period=FY2023")
    assert b"FY2023 is locked" in locked.content and b"Reopen FY2023" in locked.content
    assert b"FY2023 is locked" in login("mali-reporter").get("/missions/testland/results/?period=FY2023").content
    assert login("mali-reporter").post(lock, {"edition": "2022", "period": "FY2023", "action": "unlock"}).status_code == 404
    assert isv.is_locked(site, "FY2023")
    approver = login("mali-approver")
    assert approver.post(lock, {"edition": "2022", "period": "FY2023", "action": "unlock"}).status_code == 302
    assert not isv.is_locked(site, "FY2023")


def test_results_workbook_for_the_period_holds_the_reporters_indicators(login, site):
    import io

    from openpyxl import load_workbook

    reporter = login("mali-reporter")
    page = reporter.get("/missions/testland/results/?period=FY2024")
    url = reverse("web:results-template", args=["testland"]) + "?period=FY2024&edition=2022"
    assert url.replace("&", "&amp;").encode() in page.content
    response = reporter.get(url)
    assert response.status_code == 200 and "FY2024" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Results"]
    header = [c.value for c in sheet[1]]
    codes = {row[header.index("Indicator code")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {"1.1-A", "1.1-B", "2.1-A", "2.1-B"}  # POL/ECON's and objective 1.1's, not USAID's
    assert reporter.get(reverse("web:results-template", args=["testland"]) + "?period=FY1999").status_code == 404


@pytest.mark.usefixtures("as_draft")
def test_sub_objective_status_rolls_up_every_indicator(site):
    from icsplan.indicators import services as isv
    from icsplan.web import access, monitoring

    sub = site.sub_objectives.get(number="1.1.1")
    good = isv.create_indicator(sub, code="S-1", name="Good", actor=SYSTEM)
    bad = isv.create_indicator(sub, code="S-2", name="Bad", actor=SYSTEM)
    for indicator, value in ((bad, "0"), (good, "100")):  # the off-track one first
        isv.set_target(indicator, "FY2023", "100", expected_version=0, actor=SYSTEM)
        isv.approve_result(isv.submit_result(indicator, "FY2023", value, expected_version=0, actor=SYSTEM),
                           expected_version=1, actor=SYSTEM)
    facts = monitoring.for_strategy(None, site, access.Allowed(view_sbu=True), "FY2023", queue=False)
    assert facts.indicator_status["S-2"] == "off_track" and facts.indicator_status["S-1"] == "on_track"
    assert facts.element_status[("sub-objective", sub.pk)] == "at_risk"  # one on track, one off: the mean


def test_new_pages_are_csp_safe_labelled_and_light(login, site):
    indicator = im.Indicator.objects.get(strategy=site, code="1.1-A")
    objective = site.objectives.get(number="1.1")
    urls = [reverse("web:add-indicator", args=[*E, "objective", objective.pk]),
            reverse("web:edit-indicator", args=[*E, indicator.pk]),
            reverse("web:delete-indicator", args=[*E, indicator.pk]),
            reverse("web:add-element", args=[*E, "goal"]),
            reverse("web:add-child", args=[*E, "objective", objective.pk]),
            reverse("web:delete-element", args=[*E, "goal", site.goals.first().pk])]
    pages = [("mali-editor", u) for u in urls] + [("mali-approver", "/missions/testland/results/?period=FY2023")]
    for username, url in pages:
        response = login(username).get(url)
        assert response.status_code == 200, url
        html = response.content
        for pattern in INLINE:
            assert not pattern.search(html), (url, pattern.pattern)
        assert b'<main id="main"' in html and b"<h1" in html
        assert len(html) < 150_000, (url, len(html))
        for tag, field_id in re.findall(rb'<((?:input|select|textarea)[^>]*)\bid="([^"]+)"', html):
            if b'type="hidden"' in tag:
                continue
            assert b'for="' + field_id + b'"' in html, (url, field_id)
