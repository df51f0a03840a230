"""One answer for the same input, whichever way it arrives: the services, the API, the web forms
and the results import all refuse out-of-range numbers, non-web evidence links, control
characters, look-alike identifiers, over-long reasons and version-less writes — with a
ValidationError naming the field (services, import), a 422 problem+json naming the field (API),
a form error (web) — and the database is unchanged afterwards.

Also here: a sensitivity marking is never lowered by omission, lowering it is an explicit,
reasoned, audited action of an editor or approver; nobody approves their own submission; the
results import does not reveal whether another mission's edition exists.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import ConflictError, PermissionDenied, TransitionError, ValidationError
from icsplan.indicators import models as im
from icsplan.indicators import services as isv

from .world import make_user

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["1e309", "3.4028235e38", "1000000000000000000", "1" * 30, "-1e19", "NaN", "Infinity",
               "999999999999999999.9999999"]
BAD_LINKS = ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,<b>x</b>",
             "file:///etc/passwd", "http://", "example.org/report", "https://exa mple.org"]
CONTROL = ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85c1", "c1\x9b"]


def _snapshot():
    """What a refused input must leave untouched."""
    from icsplan.audit.models import AuditEvent
    from icsplan.strategies import models as sm

    return (list(im.Result.objects.order_by("pk").values_list("pk", "value", "sensitivity", "version", "status")),
            list(im.Target.objects.order_by("pk").values_list("pk", "value", "version")),
            list(im.Indicator.objects.order_by("pk").values_list("pk", "code", "name", "sensitivity", "version")),
            list(sm.Objective.objects.order_by("pk").values_list("pk", "number", "title", "version",
                                                                 "justification_sensitivity")),
            AuditEvent.objects.filter(action="sensitivity.lower").count())


def _public(world, strategy=None):
    return im.Indicator.objects.get(strategy=strategy or world.strategy, code="1.1-P")


def _sbu_indicator(world, strategy=None):
    return im.Indicator.objects.get(strategy=strategy or world.strategy, code="1.1-S")


def _token(user, scope="write"):
    from icsplan.accounts.services import create_token

    return create_token(user, scope=scope, actor=SYSTEM)[1]


def _api(token, method, path, body=None, **headers):
    client = Client()
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                                   **headers)


def _problem_field(response, field):
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    body = response.json()
    fields = {body.get("field")} | {e.get("field") for e in body.get("errors", [])}
    assert field in fields, body
    return body


def _csv(rows, columns=("Mission", "Edition", "Indicator code", "Period", "Result", "Comment", "Evidence link",
                        "SBU")) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _import(user, data: bytes):
    from icsplan.indicators.excel import import_results

    return import_results("results.csv", actor=user, data=data, file_label="results.csv")


# -- numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_out_of_range_numbers_are_refused_by_the_services(world, value):
    before = _snapshot()
    for call in (lambda: isv.submit_result(_public(world), "FY2026", value, expected_version=0,
                                           actor=world.user("editor")),
                 lambda: isv.set_target(_public(world, world.draft), "FY2026", value, expected_version=0,
                                        actor=world.user("editor"))):
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.problems[0].where.field == "value"
        assert caught.value.problems[0].where.element == "1.1-P"
    assert _snapshot() == before


def test_the_largest_storable_number_is_stored(world):
    from icsplan.indicators.values import NUMBER_LIMIT

    result = isv.submit_result(_public(world), "FY2026", "999999999999999.123456789", expected_version=0,
                               actor=world.user("editor"))
    result.refresh_from_db()
    assert result.value == "999999999999999.123456789"  # as written
    assert result.number < NUMBER_LIMIT and round(result.number) == 10**15 - 1
    with pytest.raises(ValidationError):
        isv.submit_result(_public(world), "FY2025", str(NUMBER_LIMIT), expected_version=0,
                          actor=world.user("editor"))


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("path", ["/api/v1/results", "/api/v1/targets"])
def test_out_of_range_numbers_are_a_422_naming_the_field(world, value, path):
    before = _snapshot()
    # Targets belong to the edition (the draft is edited directly); results to the edition in force.
    edition = world.draft if path.endswith("targets") else world.strategy
    response = _api(_token(world.user("editor")), "post", path,
                    {"indicator": _public(world, edition).pk, "period": "FY2026", "value": value})
    assert response.status_code == 422, response.content
    _problem_field(response, "value")
    assert _snapshot() == before


def test_out_of_range_numbers_are_a_form_error_on_the_web(world):
    client = Client()
    client.force_login(world.user("editor"))
    indicator = _public(world)
    before = _snapshot()
    for value in BAD_NUMBERS:
        response = client.post(reverse("web:result-save", args=[world.mission.slug, indicator.pk]),
                               {f"i{indicator.pk}-period": "FY2026", f"i{indicator.pk}-version": "0",
                                f"i{indicator.pk}-value": value}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert b"errorlist" in response.content or b"alert-error" in response.content, value
    # numerator/denominator beyond a float are a form error too
    assert _snapshot() == before


@pytest.mark.parametrize("value", ["1e309", "1" * 30])
def test_out_of_range_numbers_are_refused_by_the_import_with_row_and_column(world, value):
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        _import(world.user("editor"), _csv([["Testland", "2022", "1.1-P", "FY2026", value, "", "", ""]]))
    where = caught.value.problems[0].where
    assert (where.row, where.field) == (2, "value") and where.column.startswith("E")
    assert _snapshot() == before


# -- evidence links ------------------------------------------------------------------------------

@pytest.mark.parametrize("link", BAD_LINKS)
def test_evidence_links_are_web_addresses_only_in_the_service(world, link):
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        isv.submit_result(_public(world), "FY2026", "5", evidence_url=link, expected_version=0,
                          actor=world.user("editor"))
    assert caught.value.problems[0].where.field == "evidence_url"
    assert _snapshot() == before


def test_a_javascript_link_is_a_422_in_the_api_and_never_reaches_the_approvals_page(world):
    before = _snapshot()
    response = _api(_token(world.user("editor")), "post", "/api/v1/results",
                    {"indicator": _public(world).pk, "period": "FY2026", "value": "5",
                     "evidence_url": "javascript:alert(document.cookie)"})
    assert response.status_code == 422, response.content
    _problem_field(response, "evidence_url")
    assert _snapshot() == before
    client = Client()
    client.force_login(world.user("approver"))
    assert b"javascript:" not in client.get(reverse("web:approvals", args=[world.mission.slug])).content


def test_a_javascript_link_is_refused_by_the_import(world):
    with pytest.raises(ValidationError) as caught:
        _import(world.user("editor"), _csv([["Testland", "2022", "1.1-P", "FY2026", "5", "",
                                             "javascript:alert(1)", ""]]))
    assert caught.value.problems[0].where.field == "evidence_url"


def test_a_good_link_is_kept(world):
    result = isv.submit_result(_public(world), "FY2026", "5", evidence_url=" https://example.org/r?a=1 ",
                               expected_version=0, actor=world.user("editor"))
    assert result.evidence_url == "https://example.org/r?a=1"


# -- control characters --------------------------------------------------------------------------

@pytest.mark.parametrize("text", CONTROL)
def test_control_characters_are_refused_naming_the_field(world, text):
    from icsplan.strategies import services as ss

    editor = world.user("editor")
    objective = world.draft.objectives.get(number="1.1")  # a draft: edited directly
    before = _snapshot()
    cases = [
        ("comment", lambda: isv.submit_result(_public(world), "FY2026", "5", comment=text, expected_version=0,
                                              actor=editor)),
        ("name", lambda: isv.update_indicator(_public(world, world.draft), {"name": text}, expected_version=1,
                                                    actor=editor)),
        ("title", lambda: ss.update_element(objective, {"title": text}, expected_version=objective.version,
                                            actor=editor)),
        ("justification", lambda: ss.update_element(objective, {"justification": text},
                                                    expected_version=objective.version, actor=editor)),
    ]
    for field, call in cases:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.problems[0].where.field == field, (field, caught.value)
        assert "character" in caught.value.problems[0].message
    assert _snapshot() == before


def test_tabs_and_line_breaks_are_text(world):
    result = isv.submit_result(_public(world), "FY2026", "5", comment="line 1\r\n\tline 2", expected_version=0,
                               actor=world.user("editor"))
    assert result.comment == "line 1\r\n\tline 2"


def test_control_characters_are_a_422_in_the_api(world):
    """A control character reaches the service, which names the field; NUL is refused earlier, by the
    JSON reader, for any field (tests/security/test_request_limits.py)."""
    before = _snapshot()
    response = _api(_token(world.user("editor")), "post", "/api/v1/results",
                    {"indicator": _public(world).pk, "period": "FY2026", "value": "5", "comment": "x\u0007y"})
    assert response.status_code == 422, response.content
    _problem_field(response, "comment")
    nul = _api(_token(world.user("editor")), "post", "/api/v1/results",
               {"indicator": _public(world).pk, "period": "FY2026", "value": "5", "comment": "x\u0000y"})
    assert nul.status_code == 400 and nul.json()["code"] == "invalid-character", nul.content
    assert _snapshot() == before


def test_control_characters_are_refused_by_the_import(world):
    with pytest.raises(ValidationError) as caught:
        _import(world.user("editor"), _csv([["Testland", "2022", "1.1-P", "FY2026", "5", "bell\x07", "", ""]]))
    assert caught.value.problems[0].where.field == "comment"


# -- identifiers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["1.1-P\u200b", "\u200d1.1-P", "１.１-Ｐ", "1.1-P\ufeff", " 1.1-P "])
def test_look_alike_indicator_codes_are_the_same_code(world, code):
    objective = world.draft.objectives.get(number="1.1")  # a draft: edited directly
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        isv.create_indicator(objective, code=code, name="Spoof", actor=world.user("editor"))
    assert caught.value.problems[0].where.field == "code" and "already has" in caught.value.problems[0].message
    response = _api(_token(world.user("editor")), "post", "/api/v1/indicators",
                    {"element": {"kind": "objective", "id": objective.pk}, "code": code, "name": "Spoof"})
    assert response.status_code == 422, response.content
    _problem_field(response, "code")
    assert _snapshot() == before


def test_a_new_code_is_stored_normalised(world):
    objective = world.draft.objectives.get(number="1.1")
    row = isv.create_indicator(objective, code="９.９-Z\u200b", name="New", actor=world.user("editor"))
    assert row.code == "9.9-Z"


@pytest.mark.parametrize("number", ["1.1\u200b", "１.１", "1.1\u2060"])
def test_look_alike_element_numbers_are_the_same_number(world, number):
    from icsplan.strategies import models as sm
    from icsplan.strategies import services as ss

    goal = world.draft.goals.get(number="1")
    before = _snapshot()
    with pytest.raises(ValidationError):
        ss.create_element(sm.Objective, {"number": number, "title": "Spoof"}, strategy=world.draft, parent=goal,
                          actor=world.user("editor"))
    assert _snapshot() == before


# -- one limit per field: change reasons --------------------------------------------------------

def test_a_change_reason_has_one_limit_everywhere_and_history_keeps_it_whole(world):
    from icsplan.core.inputs import CHANGE_REASON_MAX
    from icsplan.strategies import services as ss

    editor = world.user("editor")
    objective = world.draft.objectives.get(number="1.1")
    before = _snapshot()
    too_long = "r" * (CHANGE_REASON_MAX + 1)
    with pytest.raises(ValidationError) as caught:
        ss.update_element(objective, {"title": "New title"}, expected_version=objective.version, actor=editor,
                          reason=too_long)
    assert caught.value.problems[0].where.field == "reason"
    response = _api(_token(editor), "patch", f"/api/v1/objectives/{objective.pk}",
                    {"title": "New title", "reason": too_long}, HTTP_IF_MATCH="*")
    assert response.status_code == 422, response.content
    _problem_field(response, "reason")
    client = Client()
    client.force_login(editor)
    from icsplan.web.forms import ElementForm

    assert ElementForm.base_fields["reason"].max_length == CHANGE_REASON_MAX
    assert _snapshot() == before
    whole = "w" * CHANGE_REASON_MAX
    ss.update_element(objective, {"title": "New title"}, expected_version=objective.version, actor=editor,
                      reason=whole)
    assert objective.history.first().history_change_reason == whole


# -- versions ------------------------------------------------------------------------------------

def test_every_write_needs_the_version_read(world):
    editor = world.user("editor")
    with pytest.raises(TypeError):  # no default: a caller must say which version it read
        isv.submit_result(_public(world), "FY2026", "5", actor=editor)  # type: ignore[call-arg]
    with pytest.raises(ValidationError) as caught:
        isv.submit_result(_public(world), "FY2026", "5", expected_version=None, actor=editor)
    assert caught.value.problems[0].where.field == "version"
    first = isv.submit_result(_public(world), "FY2026", "5", expected_version=0, actor=editor)
    with pytest.raises(ConflictError):  # "there was none" when there is one
        isv.submit_result(_public(world), "FY2026", "6", expected_version=0, actor=editor)
    target = isv.set_target(_public(world, world.draft), "FY2026", "7", expected_version=0, actor=editor)
    with pytest.raises(ConflictError):
        isv.set_target(_public(world, world.draft), "FY2026", "8", expected_version=0, actor=editor)
    with pytest.raises(ConflictError):
        isv.approve_result(first, expected_version=first.version + 1, actor=world.user("approver"))
    assert im.Target.objects.get(pk=target.pk).value == "7"
    assert im.Result.objects.get(pk=first.pk).value == "5"


def test_first_web_entries_have_one_winner_and_a_clean_conflict(world):
    indicator = _public(world)
    url = reverse("web:result-save", args=[world.mission.slug, indicator.pk])
    clients = []
    for _ in range(3):
        client = Client()
        client.force_login(world.user("editor"))
        clients.append(client)
    # Each person opened the empty form (version 0) before anyone saved.
    outcomes = [c.post(url, {f"i{indicator.pk}-period": "FY2026", f"i{indicator.pk}-version": "0",
                             f"i{indicator.pk}-value": str(i)}, HTTP_HX_REQUEST="true")
                for i, c in enumerate(clients)]
    assert all(r.status_code == 200 for r in outcomes)
    assert b"draft saved" in outcomes[0].content
    for response in outcomes[1:]:
        assert b"changed by someone else" in response.content
    assert list(im.Result.objects.filter(indicator=indicator, period="FY2026").values_list("value", flat=True)) == ["0"]


def test_a_web_save_without_a_version_is_refused(world):
    indicator = _public(world)
    client = Client()
    client.force_login(world.user("editor"))
    before = _snapshot()
    response = client.post(reverse("web:result-save", args=[world.mission.slug, indicator.pk]),
                           {f"i{indicator.pk}-period": "FY2026", f"i{indicator.pk}-value": "5"},
                           HTTP_HX_REQUEST="true")
    assert b"out of date" in response.content
    assert _snapshot() == before


def test_an_import_does_not_overwrite_a_save_made_while_it_ran(world, monkeypatch):
    from icsplan.indicators.excel import importing as excel

    editor = world.user("editor")
    stored = isv.submit_result(_public(world), "FY2026", "5", expected_version=0, actor=editor)
    real = excel._write

    def meanwhile(*args, **kwargs):  # another save lands after the file was checked, before it is written
        im.Result.objects.filter(pk=stored.pk).update(version=stored.version + 1, value="by someone else")
        return real(*args, **kwargs)

    monkeypatch.setattr(excel, "_write", meanwhile)
    with pytest.raises(ConflictError):
        _import(editor, _csv([["Testland", "2022", "1.1-P", "FY2026", "9", "", "", ""]]))
    assert im.Result.objects.get(pk=stored.pk).value == "by someone else"


# -- sensitivity is never lowered implicitly ----------------------------------------------------

def _sbu_result(world, period="FY2026"):
    return isv.submit_result(_public(world), period, "5", comment="internal", sensitivity="sbu", expected_version=0,
                             actor=world.user("editor"))


def test_a_resave_without_sensitivity_keeps_sbu_in_every_face(world):
    reporter = world.user("reporter")
    result = _sbu_result(world)
    # service
    result = isv.save_result(_public(world), "FY2026", "6", expected_version=result.version, actor=reporter)
    assert result.sensitivity == "sbu"
    # web (the results form has no sensitivity field)
    client = Client()
    client.force_login(reporter)
    indicator = _public(world)
    client.post(reverse("web:result-save", args=[world.mission.slug, indicator.pk]),
                {f"i{indicator.pk}-period": "FY2026", f"i{indicator.pk}-version": str(result.version),
                 f"i{indicator.pk}-value": "7"}, HTTP_HX_REQUEST="true")
    result.refresh_from_db()
    assert (result.value, result.sensitivity) == ("7", "sbu")
    # API (no sensitivity in the body)
    token = _token(reporter)
    etag = _api(token, "get", f"/api/v1/results/{result.pk}")["ETag"]
    response = _api(token, "post", "/api/v1/results", {"indicator": indicator.pk, "period": "FY2026", "value": "8"},
                    HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    result.refresh_from_db()
    assert (result.value, result.sensitivity) == ("8", "sbu")
    # import without the SBU column, and with a blank SBU cell
    _import(world.user("editor"), _csv([["Testland", "2022", "1.1-P", "FY2026", "9"]],
                                       columns=("Mission", "Edition", "Indicator code", "Period", "Result")))
    result.refresh_from_db()
    assert (result.value, result.sensitivity) == ("9", "sbu")
    _import(world.user("editor"), _csv([["Testland", "2022", "1.1-P", "FY2026", "10", "", "", ""]]))
    result.refresh_from_db()
    assert (result.value, result.sensitivity) == ("10", "sbu")


def test_a_target_resave_without_sensitivity_keeps_sbu(world):
    editor = world.user("editor")
    indicator = _public(world, world.draft)
    target = isv.set_target(indicator, "FY2026", "5", sensitivity="sbu", expected_version=0, actor=editor)
    target = isv.set_target(indicator, "FY2026", "6", expected_version=target.version, actor=editor)
    assert target.sensitivity == "sbu"
    token = _token(editor)
    etag = _api(token, "get", f"/api/v1/targets/{target.pk}")["ETag"]
    response = _api(token, "post", "/api/v1/targets", {"indicator": indicator.pk, "period": "FY2026",
                                                       "value": "7"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["sensitivity"] == "sbu"


def test_new_values_of_an_sbu_indicator_are_sbu(world):
    editor = world.user("editor")
    result = isv.submit_result(_sbu_indicator(world), "FY2026", "5", expected_version=0, actor=editor)
    target = isv.set_target(_sbu_indicator(world, world.draft), "FY2026", "5", expected_version=0, actor=editor)
    assert result.sensitivity == target.sensitivity == "sbu"
    assert isv.submit_result(_public(world), "FY2025", "5", expected_version=0, actor=editor).sensitivity == "public"


def test_lowering_a_result_needs_an_editor_or_approver_and_a_reason_and_is_audited(world):
    from icsplan.audit.models import AuditEvent

    result = _sbu_result(world)
    before = _snapshot()
    with pytest.raises(PermissionDenied):  # reporters may not make SBU public
        isv.save_result(_public(world), "FY2026", "5", sensitivity="public", reason="public now",
                        expected_version=result.version, actor=world.user("reporter"))
    with pytest.raises(ValidationError) as caught:  # editors must say why
        isv.save_result(_public(world), "FY2026", "5", sensitivity="public", expected_version=result.version,
                        actor=world.user("editor"))
    assert caught.value.problems[0].where.field == "reason"
    token = _token(world.user("reporter"))
    etag = _api(token, "get", f"/api/v1/results/{result.pk}")["ETag"]
    response = _api(token, "post", "/api/v1/results", {"indicator": _public(world).pk, "period": "FY2026",
                                                       "value": "5", "sensitivity": "public", "reason": "x"},
                    HTTP_IF_MATCH=etag)
    assert response.status_code == 403, response.content
    assert _snapshot() == before
    with pytest.raises(ValidationError) as caught:  # an import never lowers
        _import(world.user("editor"), _csv([["Testland", "2022", "1.1-P", "FY2026", "5", "", "", "no"]]))
    assert caught.value.problems[0].where.field == "sensitive"
    assert _snapshot() == before
    lowered = isv.save_result(_public(world), "FY2026", "5", sensitivity="public", reason="cleared by PAS",
                              expected_version=result.version, actor=world.user("editor"))
    assert lowered.sensitivity == "public"
    event = AuditEvent.objects.get(action="sensitivity.lower")
    assert (event.reason, event.actor, event.before, event.after) == (
        "cleared by PAS", world.user("editor"), {"sensitivity": "sbu"}, {"sensitivity": "public"})
    assert lowered.history.first().history_change_reason == "cleared by PAS"


def test_lowering_an_indicator_or_a_narrative_needs_a_reason_and_is_audited(world):
    from icsplan.audit.models import AuditEvent
    from icsplan.strategies import services as ss

    editor = world.user("editor")
    # The draft is edited directly (on the edition in force the same lowering is a revision).
    indicator = _sbu_indicator(world, world.draft)
    objective = world.draft.objectives.get(number="1.2")
    assert objective.justification_sensitivity == "sbu"
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        isv.update_indicator(indicator, {"sensitivity": "public"}, expected_version=indicator.version, actor=editor)
    assert caught.value.problems[0].where.field == "reason"
    with pytest.raises(ValidationError) as caught:
        ss.update_element(objective, {"justification_sensitivity": "public"}, expected_version=objective.version,
                          actor=editor)
    assert caught.value.problems[0].where.field == "reason"
    token = _token(editor)
    etag = _api(token, "get", f"/api/v1/objectives/{objective.pk}")["ETag"]
    response = _api(token, "patch", f"/api/v1/objectives/{objective.pk}", {"justification_sensitivity": "public"},
                    HTTP_IF_MATCH=etag)
    assert response.status_code == 422, response.content
    _problem_field(response, "reason")
    assert _snapshot() == before
    # Edits that do not mention the marking keep it.
    indicator = isv.update_indicator(indicator, {"name": "Renamed"}, expected_version=indicator.version, actor=editor)
    assert indicator.sensitivity == "sbu"
    isv.update_indicator(indicator, {"sensitivity": "public"}, expected_version=indicator.version, actor=editor,
                         reason="published in the annual report")
    ss.update_element(objective, {"justification_sensitivity": "public"}, expected_version=objective.version,
                      actor=editor, reason="cleared")
    actions = list(AuditEvent.objects.filter(action="sensitivity.lower").values_list("object_type", "reason"))
    assert ("indicators.indicator", "published in the annual report") in actions
    assert ("strategies.objective", "cleared") in actions


def test_the_web_element_form_asks_for_a_reason_to_lower(world):
    from icsplan.web.forms import ElementForm

    editor = world.user("editor")
    objective = world.strategy.objectives.get(number="1.2")
    client = Client()
    client.force_login(editor)
    url = reverse("web:edit-element", args=[world.mission.slug, world.strategy.edition, "objective", objective.pk])
    data = {k: ("" if v is None else v) for k, v in ElementForm.initial_for("objective", objective).items()}
    data["narrative_sensitivity"] = "public"
    before = _snapshot()
    response = client.post(url, data)
    assert response.status_code == 422
    assert b"reason" in response.content.lower()
    assert _snapshot() == before
    response = client.post(url, {**data, "reason": "cleared for release"})
    assert response.status_code == 302
    # The edition is in force: the lowering is a revision, made only when an approver approves it.
    from icsplan.strategies import services as strategy_services
    from icsplan.strategies.models import Revision

    objective.refresh_from_db()
    assert objective.justification_sensitivity == "sbu"
    revision = Revision.objects.get(strategy=world.strategy, element_id=objective.pk)
    strategy_services.approve_revision(revision, actor=world.user("approver"), expected_version=revision.version)
    objective.refresh_from_db()
    assert objective.justification_sensitivity == "public"


# -- approver rules ------------------------------------------------------------------------------

@pytest.fixture()
def editor_approver(world):
    from icsplan.accounts.services import add_membership

    user = make_user("t-both", "editor", mission=world.mission)
    add_membership(user, "approver", mission=world.mission, actor=SYSTEM)
    return type(user).objects.get(pk=user.pk)


def test_nobody_approves_or_returns_their_own_submission(world, editor_approver):
    result = isv.submit_result(_public(world), "FY2026", "5", expected_version=0, actor=editor_approver)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        isv.approve_result(result, expected_version=result.version, actor=editor_approver)
    with pytest.raises(PermissionDenied):
        isv.return_result(result, "no", expected_version=result.version, actor=editor_approver)
    token = _token(editor_approver)
    etag = _api(token, "get", f"/api/v1/results/{result.pk}")["ETag"]
    response = _api(token, "post", f"/api/v1/results/{result.pk}/approve", HTTP_IF_MATCH=etag)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "own-submission"
    client = Client()
    client.force_login(editor_approver)
    client.post(reverse("web:approval-decide", args=[world.mission.slug, result.pk]),
                {"action": "approve", "version": str(result.version)})
    assert _snapshot() == before
    approved = isv.approve_result(result, expected_version=result.version, actor=world.user("approver"))
    assert approved.status == "approved"


def test_an_imported_submission_is_not_approved_by_its_importer(world, editor_approver):
    _import(editor_approver, _csv([["Testland", "2022", "1.1-P", "FY2026", "5", "", "", ""]]))
    result = im.Result.objects.get(indicator=_public(world), period="FY2026")
    assert result.submitted_by == editor_approver
    with pytest.raises(PermissionDenied):
        isv.approve_result(result, expected_version=result.version, actor=editor_approver)


# -- existence oracle ----------------------------------------------------------------------------

def test_the_results_import_answers_alike_for_a_missing_and_a_foreign_edition(world):
    editor = world.user("editor")

    def message(mission, edition):
        with pytest.raises(ValidationError) as caught:
            _import(editor, _csv([[mission, edition, "1.1-P", "FY2026", "5", "", "", ""]]))
        problem = caught.value.problems[0]
        return problem.message.replace(repr(mission), "M").replace(repr(edition), "E"), problem.code

    foreign = message("Otherland", "2022")  # exists, another mission's
    missing = message("Nowhere", "1999")
    assert foreign == missing
    assert "Not found" not in foreign[0]


# -- fail closed: an explicit actor ------------------------------------------------------------

def test_services_refuse_a_missing_actor_and_take_the_named_system_actor(world):
    from icsplan.audit.models import AuditEvent
    from icsplan.indicators.excel import import_results
    from icsplan.strategies import services as ss

    objective = world.strategy.objectives.get(number="1.2")
    before = _snapshot()
    calls = [
        lambda: isv.submit_result(_public(world), "FY2026", "5", expected_version=0, actor=None),
        lambda: isv.set_target(_public(world), "FY2026", "5", expected_version=0, actor=None),
        lambda: isv.update_indicator(_public(world), {"name": "x"}, expected_version=1, actor=None),
        lambda: isv.lock_period(world.strategy, "FY2026", actor=None),
        lambda: ss.update_element(objective, {"title": "x"}, expected_version=objective.version, actor=None),
        lambda: import_results("r.csv", actor=None,
                               data=_csv([["Testland", "2022", "1.1-P", "FY2026", "5", "", "", ""]])),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="actor is required"):
            call()
    with pytest.raises(TypeError):  # no default either
        import_results("r.csv", data=b"")  # type: ignore[call-arg]
    from icsplan.accounts import services as accounts

    for call in (lambda: accounts.add_membership(world.user("viewer"), "reader", mission=world.mission, actor=None),
                 lambda: accounts.create_token(world.user("viewer"), actor=None),
                 lambda: accounts.create_user("nobody", password=None, actor=None)):
        with pytest.raises(TypeError, match="actor is required"):
            call()
    assert _snapshot() == before
    # The trusted operator is named, and may lower a marking (with a reason), recorded by name; it
    # edits the draft directly (the edition in force changes only through a revision, for it too).
    objective = world.draft.objectives.get(number="1.2")
    ss.update_element(objective, {"justification_sensitivity": "public"}, expected_version=objective.version,
                      actor=SYSTEM, reason="operator clean-up")
    event = AuditEvent.objects.get(action="sensitivity.lower")
    assert event.actor is None and event.actor_name == "local operator"
    in_force = world.strategy.objectives.get(number="1.2")
    with pytest.raises(TransitionError) as refused:
        ss.update_element(in_force, {"justification_sensitivity": "public"}, expected_version=in_force.version,
                          actor=SYSTEM, reason="operator clean-up")
    assert refused.value.code == "revision-required"


def test_the_baseline_is_guarded_like_every_write(world):
    indicator = _public(world, world.draft)  # a draft: its baseline is written directly
    client = Client()
    client.force_login(world.user("editor"))
    url = reverse("web:indicator-baseline", args=[world.mission.slug, world.draft.edition, indicator.pk])
    first = client.post(url, {"b-value": "3", "b-version": "0"})
    assert first.status_code == 302
    late = client.post(url, {"b-value": "4", "b-version": "0"})  # read before the first save
    assert late.status_code == 422 and b"changed by someone else" in late.content
    missing = client.post(url, {"b-value": "5"})
    assert missing.status_code == 422 and b"out of date" in missing.content
    assert im.Baseline.objects.get(indicator=indicator).value == "3"
    with pytest.raises(ValidationError) as caught:
        isv.set_baseline(indicator, "1e309", expected_version=1, actor=world.user("editor"))
    assert caught.value.problems[0].where.field == "baseline"


def _definition_form(indicator, **changes):
    from icsplan.web.forms import IndicatorForm

    data = {f"d-{k}": ("" if v is None else v) for k, v in IndicatorForm.initial_for(indicator).items()}
    data.pop("d-cumulative", None)
    if indicator.cumulative:
        data["d-cumulative"] = "on"
    data.update({f"d-{k}": v for k, v in changes.items()})
    return data


def test_the_web_indicator_form_lowers_only_with_a_reason(world):
    from icsplan.audit.models import AuditEvent

    indicator = _sbu_indicator(world, world.draft)
    client = Client()
    client.force_login(world.user("editor"))
    url = reverse("web:edit-indicator", args=[world.mission.slug, world.draft.edition, indicator.pk])
    before = _snapshot()
    refused = client.post(url, _definition_form(indicator, sensitivity="public"))
    assert refused.status_code == 422 and b"reason" in refused.content
    assert _snapshot() == before
    saved = client.post(url, _definition_form(indicator, sensitivity="public", reason="released"))
    assert saved.status_code == 302, saved.content[:500]
    indicator.refresh_from_db()
    assert indicator.sensitivity == "public"
    assert AuditEvent.objects.filter(action="sensitivity.lower", reason="released").exists()


def test_first_web_targets_have_one_winner(world):
    indicator = _public(world, world.draft)
    url = reverse("web:indicator-targets", args=[world.mission.slug, world.draft.edition, indicator.pk])
    assert not im.Target.objects.filter(indicator=indicator, period="FY2026").exists()
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(world.user("editor"))
    # Both opened the form while FY2026 had no target (its version field is empty).
    assert first.post(url, {"t-FY2026": "10", "t-v-FY2026": ""}).status_code == 302
    late = second.post(url, {"t-FY2026": "20", "t-v-FY2026": ""})
    assert late.status_code == 409
    assert im.Target.objects.get(indicator=indicator, period="FY2026", category="").value == "10"


def test_a_breakdown_defined_meanwhile_is_a_conflict_on_the_web(world):
    indicator = _public(world, world.draft)  # a draft: its breakdowns are written directly
    url = reverse("web:indicator-breakdowns", args=[world.mission.slug, world.draft.edition, indicator.pk])
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(world.user("editor"))
    read = second.get(reverse("web:edit-indicator", args=[world.mission.slug, world.draft.edition, indicator.pk]))
    shown = re.search(rb'name="c-read" value="([^"]*)"', read.content).group(1).decode().replace("&quot;", '"')
    assert first.post(url, {"c-category": "region", "c-values": "north, south", "c-read": shown}).status_code == 302
    late = second.post(url, {"c-category": "region", "c-values": "east, west", "c-read": shown})
    assert late.status_code == 422 and b"someone else" in late.content
    assert im.Disaggregation.objects.get(indicator=indicator, category="region").values == ["north", "south"]
