"""The web pages with Django's test client: roles, SBU, edits through services, conflicts,
results workflow, import preview, exports, history, CSP-safe markup and page weight."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .conftest import CANARY

pytestmark = pytest.mark.django_db

DASH = "/missions/testland/"
STRATEGY = "/missions/testland/strategy/2022/"


def _objective(site, number="1.1"):
    return site.objectives.get(number=number)


def test_anonymous_sees_published_missions_and_public_text_only(client, site):
    home = client.get("/")
    assert home.status_code == 200 and b"Mission Testland" in home.content
    page = client.get(STRATEGY)
    assert page.status_code == 200
    assert b"Objective 1.1 title" in page.content
    assert CANARY.encode() not in page.content
    # Pages that need a role send anonymous people to sign in, whatever exists.
    for url in ("/missions/testland/results/", "/missions/testland/approvals/", "/missions/testland/import/",
                "/missions/nowhere/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_sign_in_lands_on_the_only_mission_and_sign_out(client, site):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "mali-reader", "password": "demo-password-2018"})
    assert response.status_code == 302
    assert client.get("/").url == DASH
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/missions/testland/results/").status_code == 302  # signed out
    bad = client.post("/accounts/login/", {"username": "mali-reader", "password": "wrong-password"})
    assert bad.status_code == 200 and b"alert-error" in bad.content


def test_sbu_text_for_readers_only(login, site):
    assert CANARY.encode() in login("mali-reader").get(STRATEGY).content
    viewer = login("mali-viewer").get(STRATEGY)
    assert CANARY.encode() not in viewer.content
    assert b"public-release text" in viewer.content


def test_dashboard_shows_status_as_text_and_icon(login, site):
    page = login("mali-reader").get(DASH)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="status status-' in html
    assert re.search(r'aria-hidden="true">[✓!✕–]</span>(On track|At risk|Off track|No data)', html)
    assert "status-matrix.svg" in html


def test_dashboard_offers_the_status_matrix_as_a_table(login, site):
    html = login("mali-reader").get(DASH).content.decode()
    table = re.search(r'<details class="matrix-table">.*?</details>', html, re.S)
    assert table, "the status matrix has an HTML table beside its image"
    assert "{#" not in html  # a template comment spread over two lines would show as text
    table_html = table.group(0)
    assert re.search(r'<th scope="col">FY\d{4}</th>', table_html)
    assert re.search(r'<th scope="row">Objective \d+\.\d+</th>', table_html)
    assert re.search(r'<td><span class="status status-(on_track|at_risk|off_track|no_data)"', table_html)


def test_charts_are_svg_with_alt_text(login, site):
    client = login("mali-reader")
    html = client.get(STRATEGY).content.decode()
    src = re.search(r'<img src="([^"]+/charts/indicators/\d+\.svg\?v=[0-9a-f]+)" alt="([^"]+)"', html)
    assert src and "Chart of indicator" in src.group(2)
    chart = client.get(src.group(1))
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert client.get(f"{STRATEGY}charts/status-matrix.svg").status_code == 200


def test_editor_edits_an_objective_through_the_service_and_history_shows_it(login, site):
    objective = _objective(site)
    url = reverse("web:edit-element", args=["testland", "2022", "objective", objective.pk])
    client = login("mali-editor")
    form = client.get(url)
    assert form.status_code == 200 and b'name="version"' in form.content
    data = {"version": objective.version, "number": "1.1", "title": "A sharper objective title",
            "framework_title": "", "narrative": "Why it matters now.", "narrative_sensitivity": "public",
            "linkages_text": "", "linkages_text_sensitivity": "public", "reason": "clarity"}
    response = client.post(url, data)
    # Edition 2022 is in force: the edit form proposes a revision, an approver decides on it.
    revisions = reverse("web:revisions", args=["testland", "2022"])
    assert response.status_code == 302 and response["Location"] == revisions
    objective.refresh_from_db()
    assert objective.title != "A sharper objective title" and objective.version == 1
    listed = client.get(revisions)
    assert listed.status_code == 200 and b"<ins>" in listed.content and b"clarity" in listed.content
    assert b"Approve revision" not in listed.content  # not the editor's decision
    from icsplan.strategies.models import Revision

    revision = Revision.objects.get(element_id=objective.pk, kind="objective")
    approver = login("mali-approver")
    decided = approver.post(revisions, {"revision": revision.pk, "version": revision.version, "action": "approve"})
    assert decided.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "A sharper objective title" and objective.version == 2
    history = client.get(reverse("web:element-history", args=["testland", "2022", "objective", objective.pk]))
    assert history.status_code == 200
    assert b"<ins>" in history.content and b"sharper" in history.content and b"mali-approver" in history.content
    assert b"mali-editor" in history.content  # the reason names the proposer
    # A stale form is a conflict: nothing is overwritten and both versions are shown.
    client = login("mali-editor")
    stale = client.post(url, {**data, "title": "Someone else's title"})
    assert stale.status_code == 409
    assert b"Saved version 2" in stale.content and b"Someone else&#x27;s title" in stale.content
    objective.refresh_from_db()
    assert objective.title == "A sharper objective title"


def test_validation_message_next_to_the_field(login, site):
    objective = _objective(site)
    url = reverse("web:edit-element", args=["testland", "2022", "objective", objective.pk])
    response = login("mali-editor").post(url, {"version": objective.version, "number": "1.1", "title": "",
                                                "narrative_sensitivity": "public", "linkages_text_sensitivity": "public"})
    assert response.status_code == 422
    assert re.search(rb'field-error.*?id_title', response.content, re.S)


def test_only_editors_may_edit(login, site):
    url = reverse("web:edit-element", args=["testland", "2022", "objective", _objective(site).pk])
    for username in ("mali-viewer", "mali-reader", "mali-reporter", "mali-approver"):
        assert login(username).get(url).status_code == 404


def test_linkage_and_risk_changes(login, site):
    from icsplan.strategies import models as sm

    # A draft is edited directly (on the edition in force these forms propose revisions).
    sm.Strategy.objects.filter(pk=site.pk).update(status="draft")
    objective = _objective(site)
    client = login("mali-editor")
    add = reverse("web:add-linkage", args=["testland", "2022", "objective", objective.pk])
    assert client.post(add, {"tag": "NSS Pillar 2", "element_version": objective.version}).status_code == 302
    assert objective.linkages.filter(tag="NSS Pillar 2").exists()
    objective.refresh_from_db()
    add_risk = reverse("web:add-risk", args=["testland", "2022", "objective", objective.pk])
    client.post(add_risk, {"new-statement": "Elections slip.", "new-sensitivity": "sbu", "element_version": objective.version})
    assert objective.risks.filter(statement="Elections slip.", sensitivity="sbu").exists()
    history = reverse("web:element-history", args=["testland", "2022", "objective", objective.pk])
    assert b"Elections slip." in client.get(history).content
    assert b"Elections slip." not in login("mali-viewer").get(history).content


def test_results_workflow_submit_approve_changes_status(login, site):
    from icsplan.indicators.models import Indicator, Result

    indicator = Indicator.objects.get(strategy=site, code="1.1-B")
    reporter = login("mali-reporter")
    page = reporter.get("/missions/testland/results/?period=FY2024")
    assert page.status_code == 200 and b"1.1-B" in page.content
    save = reverse("web:result-save", args=["testland", indicator.pk])
    prefix = f"i{indicator.pk}-"
    response = reporter.post(save, {prefix + "period": "FY2024", prefix + "version": "0", prefix + "value": "160",
                                    "action": "submit"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"submitted for approval" in response.content
    result = Result.objects.get(indicator=indicator, period="FY2024")
    assert result.status == "submitted"
    # The reporter cannot approve; the approver sees it in the queue and approves it.
    decide = reverse("web:approval-decide", args=["testland", result.pk])
    assert login("mali-reporter").post(decide, {"action": "approve"}).status_code == 404
    approver = login("mali-approver")
    queue = approver.get("/missions/testland/approvals/")
    assert b"1.1-B" in queue.content
    assert approver.post(decide, {"action": "return", "version": result.version}, HTTP_HX_REQUEST="true").status_code == 200
    result.refresh_from_db()
    assert result.status == "submitted"  # a return needs a reason
    before = approver.get(DASH + "?period=FY2024").content.decode()
    assert approver.post(decide, {"action": "approve", "version": result.version}).status_code == 302
    result.refresh_from_db()
    assert result.status == "approved"
    after = approver.get(DASH + "?period=FY2024").content.decode()
    assert before != after


def test_stale_result_is_a_conflict(login, site):
    from icsplan.indicators.models import Indicator

    indicator = Indicator.objects.get(strategy=site, code="1.1-A")
    prefix = f"i{indicator.pk}-"
    save = reverse("web:result-save", args=["testland", indicator.pk])
    client = login("mali-reporter")
    # FY2023 already has an approved result at version 1: a form read at version 0 is stale.
    response = client.post(save, {prefix + "period": "FY2023", prefix + "version": "0", prefix + "value": "1",
                                  "action": "draft"}, HTTP_HX_REQUEST="true")
    assert b"changed by someone else" in response.content


def test_import_preview_then_confirm(login, site, mali_text):
    from django.core.files.uploadedfile import SimpleUploadedFile


    client = login("mali-editor")
    upload = SimpleUploadedFile("mali-2018.txt", mali_text.encode(), content_type="text/plain")
    response = client.post("/missions/testland/import/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and b"Structure found" in preview.content and b"Findings" in preview.content
    # The upload is kept on the server and tied to this session: another session cannot use it.
    assert login("mali-reader").get(response["Location"]).status_code == 404
    client = login("mali-editor")
    session = client.session
    assert not any(v for k, v in session.items() if isinstance(v, (bytes, str)) and len(v) > 1000)


def test_import_confirm_creates_the_edition(login, site, mali_text, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from icsplan.strategies.models import Strategy

    login("mali-editor")
    response = client.post("/missions/testland/import/",
                           {"file": SimpleUploadedFile("mali.txt", mali_text.encode(), content_type="text/plain")})
    preview_url = response["Location"]
    done = client.post(preview_url, {"edition": "2018"})
    assert done.status_code == 302, done.content[:2000]
    assert Strategy.objects.filter(mission__slug="testland", edition="2018").exists()
    assert client.get(preview_url).status_code == 302  # the pending upload is gone


def test_bad_upload_message_next_to_the_field(login, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login("mali-editor").post("/missions/testland/import/",
                                         {"file": SimpleUploadedFile("notes.txt", b"just a shopping list", content_type="text/plain")})
    assert response.status_code == 422 and b"errorlist" in response.content


def test_exports_public_copy_for_viewers(login, site):
    url = reverse("web:export-download", args=["testland", "2022", "md"])
    full = login("mali-reader").get(url)
    assert full.status_code == 200 and CANARY.encode() in full.content
    assert CANARY.encode() not in login("mali-reader").get(url + "?public=1").content
    assert CANARY.encode() not in login("mali-viewer").get(url).content
    menu = login("mali-reader").get(reverse("web:exports", args=["testland", "2022"]))
    assert b'name="format"' in menu.content and b'name="public"' in menu.content


def test_frameworks_catalogue_is_linked(client, site):
    page = client.get(STRATEGY)
    assert b'href="/frameworks/#fw-CDCS"' in page.content
    assert b'id="fw-CDCS"' in client.get("/frameworks/").content


INLINE = [re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>"), re.compile(rb"\sstyle\s*="), re.compile(rb"\son[a-z]+\s*=")]


@pytest.mark.parametrize("username", ["mali-editor", "mali-approver", "mali-viewer"])
def test_markup_is_csp_safe_accessible_and_light(login, site, username):
    client = login(username)
    urls = [DASH, STRATEGY, "/frameworks/", reverse("web:exports", args=["testland", "2022"]),
            reverse("web:element-history", args=["testland", "2022", "objective", _objective(site).pk])]
    if username == "mali-editor":
        urls += ["/missions/testland/results/", "/missions/testland/import/",
                 reverse("web:edit-element", args=["testland", "2022", "objective", _objective(site).pk])]
    if username == "mali-approver":
        urls += ["/missions/testland/approvals/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content
        for pattern in INLINE:
            assert not pattern.search(html), (url, pattern.pattern)
        assert b'<main id="main"' in html and b"<header" in html and b"<h1" in html
        assert len(html) < 150_000, (url, len(html))
        # every visible input has a label
        for tag, field_id in re.findall(rb'<((?:input|select|textarea)[^>]*)\bid="([^"]+)"', html):
            if b'type="hidden"' in tag:
                continue
            assert b'for="' + field_id + b'"' in html, (url, field_id)


def test_admin_for_admins_only(login, site, client):
    assert login("mali-editor").get("/admin/").status_code == 302
    assert login("admin").get("/admin/").status_code == 200


def test_results_workbook_preview_then_confirm(login, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from icsplan.indicators.excel import export_results
    from icsplan.indicators.models import Result

    client = login("mali-editor")
    before = Result.objects.count()
    bad = SimpleUploadedFile("results.csv", b"indicator,period,value\nNOPE-1,FY2023,12\n", content_type="text/csv")
    preview = client.post("/missions/testland/import/results/", {"file": bad}, follow=True)
    assert b"nothing can be imported" in preview.content
    assert Result.objects.count() == before
    good = SimpleUploadedFile("results.xlsx", export_results(site, "xlsx"))
    response = client.post("/missions/testland/import/results/", {"file": good})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Every row is valid" in page.content
    assert client.post(response["Location"]).status_code == 302
    assert Result.objects.count() == before
