"""A reporter's and an approver's day: what is due, entering results, the approval queue,
notifications (issue 15 items 2-4, issue 10 item 7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.models import Notification
from icsplan.errors import ValidationError
from icsplan.indicators import services
from icsplan.indicators.due import send_due_notices, work_for
from icsplan.indicators.models import Indicator, Result
from icsplan.strategies.services.gate import applying_revision

pytestmark = pytest.mark.django_db


def _user(name):
    return get_user_model().objects.get(username=name)


def _submit(site, code, period="FY2024", value="170", actor=None):
    indicator = Indicator.objects.get(strategy=site, code=code)
    current = indicator.results.filter(period=period, category="").first()
    return services.submit_result(indicator, period, value, expected_version=current.version if current else 0,
                                  actor=actor or _user("mali-reporter"))


def test_the_reporter_sees_what_is_due_overdue_and_returned(site, login):
    editor = login("mali-editor")
    response = editor.post(reverse("web:reporting-calendar", args=[site.mission.slug]),
                           {"period": "FY2024", "due_date": "2024-10-31"})
    assert response.status_code == 302
    editor.post(reverse("web:reporting-calendar", args=[site.mission.slug]), {"period": "FY2025", "due_date": "2099-01-31"})
    assert "31 October 2024" in editor.get(reverse("web:reporting-calendar", args=[site.mission.slug])).content.decode()
    result = _submit(site, "1.1-A")
    services.return_result(result, "The source is missing.", actor=_user("mali-approver"), expected_version=result.version)

    work = work_for(_user("mali-reporter"), site, today=dt.date(2025, 3, 1))
    overdue = {(i.indicator.code, i.period) for i in work.overdue}
    assert ("1.1-B", "FY2024") in overdue and ("1.1-A", "FY2024") not in overdue
    assert [(i.indicator.code, i.reason) for i in work.returned] == [("1.1-A", "The source is missing.")]
    assert {(i.indicator.code, i.period, i.due_date) for i in work.due} >= {("1.1-B", "FY2025", dt.date(2099, 1, 31))}
    assert all(i.indicator.code[:3] in ("1.1", "2.1") for i in work.overdue)  # only what the reporter reports on

    page = login("mali-reporter").get(reverse("web:results", args=[site.mission.slug])).content.decode()
    assert "Your work" in page and "Overdue" in page and "The source is missing." in page
    assert 'datetime="2024-10-31"' in page
    dashboard = login("mali-reporter").get(reverse("web:dashboard", args=[site.mission.slug])).content.decode()
    assert "Waiting for you" in dashboard and "returned to you" in dashboard



def test_the_work_list_reads_returned_results_of_any_period_and_drafts_of_due_ones(site):
    """Only the due periods' results and the returned ones are read, and that is all the list
    needs: a result returned in a period with no deadline still comes back to the reporter, a
    draft of a due period is shown as such, and a draft of another period is not listed."""
    reporter = _user("mali-reporter")
    returned = _submit(site, "1.1-A", period="FY2025")
    services.return_result(returned, "Wrong unit.", actor=_user("mali-approver"), expected_version=returned.version)
    draft = services.save_result(Indicator.objects.get(strategy=site, code="1.1-B"), "FY2024", "12",
                                 expected_version=0, actor=reporter)
    services.save_result(Indicator.objects.get(strategy=site, code="2.1-A"), "FY2025", "3", expected_version=0,
                         actor=reporter)
    work = work_for(reporter, site, today=dt.date(2024, 6, 1))  # no calendar: FY2024 is the period due
    assert [(i.indicator.code, i.period, i.reason) for i in work.returned] == [("1.1-A", "FY2025", "Wrong unit.")]
    due = {(i.indicator.code, i.period): i.result for i in work.due}
    assert due[("1.1-B", "FY2024")] == draft
    assert due[("2.1-A", "FY2024")] is None and not any(period == "FY2025" for _, period in due)

def test_the_calendar_is_refused_in_sentences(site):
    with pytest.raises(ValidationError, match="cannot fall before the period starts"):
        services.set_due_date(site, "FY2024", dt.date(2023, 1, 1), actor=_user("mali-editor"))
    from icsplan.errors import NotFoundError, PermissionDenied

    with pytest.raises((PermissionDenied, NotFoundError)):
        services.set_due_date(site, "FY2024", dt.date(2024, 11, 1), actor=_user("mali-reporter"))


def test_an_empty_value_is_refused_and_an_approved_one_needs_a_reason(site, login):
    reporter = login("mali-reporter")
    indicator = Indicator.objects.get(strategy=site, code="1.1-A")
    approved = indicator.results.get(period="FY2023", category="")
    assert approved.status == "approved"
    url = reverse("web:result-save", args=[site.mission.slug, indicator.pk])
    form = {f"i{indicator.pk}-period": "FY2023", f"i{indicator.pk}-version": approved.version, "action": "submit"}
    response = reporter.post(url, {**form, f"i{indicator.pk}-value": ""}, HTTP_HX_REQUEST="true")
    assert "an empty result is not saved" in response.content.decode()
    response = reporter.post(url, {**form, f"i{indicator.pk}-value": "160"}, HTTP_HX_REQUEST="true")
    assert "already approved; give a reason to change it" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == "approved" and approved.value == "150"
    response = reporter.post(url, {**form, f"i{indicator.pk}-value": "160",
                                   f"i{indicator.pk}-reason": "The survey was corrected."}, HTTP_HX_REQUEST="true")
    approved.refresh_from_db()
    assert approved.status == "submitted" and approved.value == "160"


def test_a_percent_indicators_approved_value_is_shown(site, login):
    objective = site.objectives.get(number="1.1")
    from icsplan.strategies.services import applying_revision

    with applying_revision():  # as an approved revision applies it (the edition is in force)
        indicator = services.create_indicator(objective, code="1.1-P", name="Share of schools", value_type="percent",
                                              responsible="POL/ECON", actor=SYSTEM)
    result = services.submit_result(indicator, "FY2023", "31", expected_version=0, actor=SYSTEM)
    services.approve_result(result, actor=SYSTEM, expected_version=result.version)
    page = login("mali-reporter").get(reverse("web:results", args=[site.mission.slug]) + "?period=FY2023").content.decode()
    start = page.index('id="result-%d"' % indicator.pk)
    row = page[start:page.index("</article>", start)]
    assert "Approved FY2023" in row and 'value="31"' in row


def test_the_approver_batch_approves_all_or_nothing_and_returns_one(site, login):
    for code in ("1.1-A", "1.1-B", "2.1-A"):
        _submit(site, code)
    approver = login("mali-approver")
    page = approver.get(reverse("web:approvals", args=[site.mission.slug])).content.decode()
    assert '<span id="queue-count">3</span>' in page
    assert "Target" in page
    rows = {r.indicator.code: r for r in Result.objects.filter(strategy=site, status="submitted")}
    a, b, c = rows["1.1-A"], rows["1.1-B"], rows["2.1-A"]
    # A stale version in the batch: nothing is approved, and the message names the result.
    response = approver.post(reverse("web:approvals", args=[site.mission.slug]),
                             {"pick": [f"{a.pk}:{a.version}", f"{b.pk}:{b.version + 5}"], "edition": site.edition},
                             follow=True)
    text = response.content.decode()
    assert "Nothing was approved." in text and "1.1-B FY2024 changed since the queue was shown" in text
    assert Result.objects.filter(pk__in=[a.pk, b.pk], status="approved").count() == 0
    response = approver.post(reverse("web:approvals", args=[site.mission.slug]),
                             {"pick": [f"{a.pk}:{a.version}", f"{b.pk}:{b.version}"], "edition": site.edition},
                             follow=True)
    assert "2 results approved." in response.content.decode()
    assert Result.objects.filter(pk__in=[a.pk, b.pk], status="approved").count() == 2
    # Returning without a reason: a sentence, not "field reason: …".
    decide = reverse("web:approval-decide", args=[site.mission.slug, c.pk])
    response = approver.post(decide, {"action": "return", "version": c.version, "reason": ""}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "Say why the result is returned" in text and "field reason" not in text
    reporter = _user("mali-reporter")
    reporter.email = "reporter@example.org"
    reporter.save()
    mail.outbox.clear()
    with pytest.MonkeyPatch.context():
        response = approver.post(decide, {"action": "return", "version": c.version, "reason": "Wrong year."},
                                 HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'id="queue-count" hx-swap-oob="true">0<' in text  # the count goes down in place
    notice = Notification.objects.get(user=reporter, kind="returned")
    assert "2.1-A FY2024 was returned: Wrong year." == notice.text
    # The reporter sees the notification count in the header and the notice itself.
    page = login("mali-reporter").get(reverse("web:notifications")).content.decode()
    assert 'id="notices-count">1' in page and "Wrong year." in page


def test_approvers_are_notified_once_per_edition_and_mail_goes_out(site, django_capture_on_commit_callbacks):
    approver = _user("mali-approver")
    approver.email = "approver@example.org"
    approver.save()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(site, "1.1-A")
        _submit(site, "1.1-B")
    assert Notification.objects.filter(user=approver, kind="awaiting").count() == 1
    assert [m.to for m in mail.outbox] == [["approver@example.org"]]
    assert "await your approval" in mail.outbox[0].subject


def test_due_and_overdue_notices(site):
    services.set_due_date(site, "FY2024", dt.date(2024, 10, 31), actor=SYSTEM)
    sent = send_due_notices(today=dt.date(2025, 1, 10))
    assert sent == 1
    notice = Notification.objects.get(user=_user("mali-reporter"))
    assert notice.kind == "overdue" and "FY2024" in notice.text and "were due on 31 October 2024" in notice.text
    assert send_due_notices(today=dt.date(2025, 1, 11)) == 0  # not repeated while unread


def test_the_queue_is_paginated_and_light(db, login):
    from tests.web.conftest import build_site

    site = build_site(goals=4, objectives=5, indicators=4)  # 80 indicators
    for indicator in Indicator.objects.filter(strategy=site):
        services.submit_result(indicator, "FY2024", "120", expected_version=0, actor=SYSTEM)
    approver = login("mali-approver")
    response = approver.get(reverse("web:approvals", args=[site.mission.slug]))
    page = response.content.decode()
    assert '<span id="queue-count">80</span>' in page and "page 1 of 4" in page
    assert page.count('name="pick"') == 25
    assert len(response.content) < 100_000
    last = approver.get(reverse("web:approvals", args=[site.mission.slug]) + "?page=4").content.decode()
    assert last.count('name="pick"') == 5


def test_breakdowns_are_entered_with_the_result_and_their_sum_is_checked(site, login):
    indicator = Indicator.objects.get(strategy=site, code="1.1-B")
    with applying_revision():  # the edition in force: as an approved revision would define it
        breakdown = services.define_disaggregation(indicator, "sex", ["female", "male"], expected_version=0,
                                                    actor=SYSTEM)
    reporter = login("mali-reporter")
    page = reporter.get(reverse("web:results", args=[site.mission.slug]) + "?period=FY2024").content.decode()
    assert "By sex" in page and f'name="i{indicator.pk}-bd-{breakdown.pk}-0"' in page
    url = reverse("web:result-save", args=[site.mission.slug, indicator.pk])
    form = {f"i{indicator.pk}-period": "FY2024", f"i{indicator.pk}-version": 0, "action": "submit",
            f"i{indicator.pk}-value": "100",
            f"i{indicator.pk}-bd-{breakdown.pk}-0": "60", f"i{indicator.pk}-bd-{breakdown.pk}-0-version": 0,
            f"i{indicator.pk}-bd-{breakdown.pk}-1": "30", f"i{indicator.pk}-bd-{breakdown.pk}-1-version": 0}
    text = reporter.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert "1.1-B by sex" in text and not indicator.results.filter(period="FY2024").exists()  # all or nothing
    # The refused row keeps the figures as typed: emptied fields, re-entered in part, would save an
    # incomplete breakdown (which the sum check cannot judge).
    assert f'name="i{indicator.pk}-bd-{breakdown.pk}-0" value="60"' in text
    assert f'name="i{indicator.pk}-bd-{breakdown.pk}-1" value="30"' in text
    form[f"i{indicator.pk}-bd-{breakdown.pk}-1"] = "40"
    text = reporter.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert "submitted for approval" in text
    stored = {(r.category_value, r.value, r.status) for r in indicator.results.filter(period="FY2024")}
    assert stored == {("", "100", "submitted"), ("female", "60", "submitted"), ("male", "40", "submitted")}
    # The approver's queue shows the result with its breakdowns as one group.
    page = login("mali-approver").get(reverse("web:approvals", args=[site.mission.slug])).content.decode()
    assert "Select 1.1-B FY2024 and its 2 breakdowns" in page


def test_the_workbook_preview_lists_the_rows_it_will_write(site, login):
    """Before a results workbook is imported, its preview shows each row to be written (file row,
    indicator, period, breakdown, new figure and the figure it replaces), not only counts."""
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from icsplan.indicators import excel

    blank = {c.header: "" for c in excel.COLUMNS}
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(blank.keys())
    for code, period, value in (("1.1-A", "FY2024", "170"), ("1.1-B", "FY2023", "95")):
        writer.writerow({**blank, "Mission": site.mission.country, "Edition": site.edition, "Indicator code": code,
                         "Period": period, "Result": value}.values())
    reporter = login("mali-reporter")
    upload = SimpleUploadedFile("results.csv", lines.getvalue().encode(), content_type="text/csv")
    response = reporter.post(reverse("web:import-results", args=[site.mission.slug]), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "Every row is valid" in page and "The 2 results the import writes" in page
    rows = re.findall(r"<tr><td>(\d+)</td><th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>"
                      r"<td>([^<]+)</td><td>(.*?)</td></tr>", page)
    assert rows == [("2", "1.1-A", "FY2024", "total", "170", '<span class="muted">new</span>'),
                    ("3", "1.1-B", "FY2023", "total", "95", "90")]
    assert not Result.objects.filter(indicator__code="1.1-A", period="FY2024").exists()  # nothing written yet


def test_the_work_list_on_results_entry_shows_a_bounded_number_of_items(site, login, monkeypatch):
    """However many indicators a reporter has, each list shows WORK_LIST_ITEMS and counts the rest."""
    from icsplan.web.views import results as results_view

    work = work_for(_user("mali-reporter"), site)
    assert len(work.due) > 1
    monkeypatch.setattr(results_view, "WORK_LIST_ITEMS", 1)
    page = login("mali-reporter").get(reverse("web:results", args=[site.mission.slug])).content.decode()
    section = page[page.index('class="card worklist"'):]
    section = section[:section.index("</section>")]
    due = section[section.index("<h3>Due</h3>"):]
    assert due.count("#result-") == 1
    assert f"and {len(work.due) - 1} more" in due
    assert f'<span class="count">{work.count}</span>' in section  # the count is of everything
