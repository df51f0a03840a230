"""Administration in the browser: people, roles, reporter assignments and API tokens."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from icsplan.accounts import services
from icsplan.accounts.models import ApiToken, ReporterAssignment
from icsplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_adds_a_reporter_and_an_editor_assigns_what_they_report_on(site, login):
    client = login("admin")
    response = client.post(reverse("web:people"), {"username": "new-reporter", "password": "a sturdy passphrase 42",
                                                  "role": "reporter", "mission": site.mission.pk})
    person = get_user_model().objects.get(username="new-reporter")
    assert response.status_code == 302 and response["Location"] == reverse("web:person", args=[person.pk])
    assert person.check_password("a sturdy passphrase 42")
    membership = person.memberships.get()
    assert membership.role == "reporter" and membership.mission == site.mission
    assert "new-reporter" in client.get(reverse("web:people")).content.decode()

    # Before any assignment, the reporters page says so.
    editor = login("mali-editor")
    page = editor.get(reverse("web:reporters", args=[site.mission.slug])).content.decode()
    assert "new-reporter" in page and "Nothing assigned yet" in page
    objective = site.objectives.get(number="2.1")
    response = editor.post(reverse("web:reporters", args=[site.mission.slug]),
                           {"membership": membership.pk, "target": f"objective:{objective.pk}"})
    assert response.status_code == 302
    assignment = ReporterAssignment.objects.get(membership=membership)
    assert assignment.objective == objective
    assert AuditEvent.objects.filter(action="assignment.add").exists()
    # By section or agency.
    editor.post(reverse("web:reporters", args=[site.mission.slug]), {"membership": membership.pk, "section": "USAID"})
    assert membership.assignments.filter(responsible_section="USAID").exists()

    # The new reporter now has indicators to report on.
    reporter = login("new-reporter")
    page = reporter.get(reverse("web:results", args=[site.mission.slug])).content.decode()
    assert "2.1-A" in page and "no indicators to report on" not in page

    # Withdrawing an assignment goes through the service and is audited.
    editor = login("mali-editor")
    response = editor.post(reverse("web:assignment-remove", args=[site.mission.slug, assignment.pk]))
    assert response.status_code == 302 and not ReporterAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action="assignment.remove").exists()


def test_refusals_are_sentences_and_change_nothing(site, login):
    client = login("admin")
    response = client.post(reverse("web:people"), {"username": "mali-editor", "role": "reader",
                                                  "mission": site.mission.pk}, follow=True)
    assert "already exists" in response.content.decode()
    person = get_user_model().objects.get(username="mali-reader")
    response = client.post(reverse("web:person", args=[person.pk]), {"r-role": "reader"}, follow=True)
    text = response.content.decode()
    # The service's sentence, in words for any face (no command-line flags).
    assert "Role not done: A reader needs a mission (and no bureau)." in text and person.memberships.count() == 1


def test_admin_gives_and_withdraws_roles(site, login):
    client = login("admin")
    person = get_user_model().objects.get(username="mali-viewer")
    client.post(reverse("web:person", args=[person.pk]), {"r-role": "approver", "r-mission": site.mission.pk})
    assert set(person.memberships.values_list("role", flat=True)) == {"viewer", "approver"}
    membership = person.memberships.get(role="viewer")
    client.post(reverse("web:membership-remove", args=[membership.pk]))
    assert set(person.memberships.values_list("role", flat=True)) == {"approver"}
    assert AuditEvent.objects.filter(action="membership.add").exists()


def test_tokens_are_shown_once_listed_and_revoked(site, login):
    client = login("admin")
    person = get_user_model().objects.get(username="mali-reader")
    response = client.post(reverse("web:token-issue", args=[person.pk]),
                           {"t-scope": "read", "t-days": "30", "t-name": "reports", "t-mission": site.mission.pk})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    plaintext = re.search(r'value="(icsp_[^"]+)"', response.content.decode()).group(1)
    user, token = services.authenticate_token(plaintext)
    assert user == person and token.scope == "read" and token.mission == site.mission
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert token.prefix in page and plaintext not in page  # listed by prefix, the secret never again
    response = client.post(reverse("web:token-issue", args=[person.pk]), {"t-scope": "read", "t-days": "999"})
    assert response.status_code == 422 and ApiToken.objects.filter(user=person).count() == 1
    client.post(reverse("web:token-revoke", args=[token.pk]))
    assert services.authenticate_token(plaintext) is None
    assert AuditEvent.objects.filter(action="token.revoke").exists()


def test_administration_is_not_found_for_everyone_else(site, login):
    for username in ("mali-editor", "mali-approver", "af-analyst"):
        client = login(username)
        assert client.get(reverse("web:people")).status_code == 404
        assert "People</a>" not in client.get(reverse("web:dashboard", args=[site.mission.slug])).content.decode()
    assert 'href="/people/"' in login("admin").get(reverse("web:dashboard", args=[site.mission.slug])).content.decode()


def test_an_editor_gives_a_reporter_one_indicator_and_their_work_list_follows(site, login):
    """Item 1 of issue 15: assignment by indicator. The reporter's work list and results page hold
    that indicator and none of its siblings; submitting a sibling is refused."""
    import datetime as dt

    from icsplan.errors import PermissionDenied
    from icsplan.indicators import services as isv
    from icsplan.indicators.due import work_for
    from icsplan.indicators.models import Indicator

    person = services.create_user("one-indicator", password="a sturdy passphrase 42", role="reporter",
                                  mission=site.mission, actor=get_user_model().objects.get(username="admin"))
    membership = person.memberships.get()
    chosen = Indicator.objects.get(strategy=site, code="2.2-B")
    sibling = Indicator.objects.get(strategy=site, code="2.2-A")
    editor = login("mali-editor")
    page = editor.get(reverse("web:reporters", args=[site.mission.slug])).content.decode()
    # Every indicator is offered under its objective, by code.
    assert f'value="indicator:{chosen.pk}"' in page and "Indicator 2.2-B People reached 2.2-B" in page
    response = editor.post(reverse("web:reporters", args=[site.mission.slug]),
                           {"membership": membership.pk, "target": f"indicator:{chosen.pk}"}, follow=True)
    text = response.content.decode()
    assert "one-indicator now reports on 2.2-B" in text
    assert "indicator 2.2-B People reached 2.2-B" in text  # listed on the reporter's card
    assignment = ReporterAssignment.objects.get(membership=membership)
    assert assignment.indicator == chosen and assignment.objective is None
    event = AuditEvent.objects.filter(action="assignment.add").latest("pk")
    assert "2.2-B" in str(event.after)

    # An indicator of another mission cannot be posted in (looked up again through the permission layer).
    from .conftest import build_site

    other = Indicator.objects.filter(strategy=build_site(country="Otherland")).first()
    response = editor.post(reverse("web:reporters", args=[site.mission.slug]),
                           {"membership": membership.pk, "target": f"indicator:{other.pk}"})
    assert response.status_code in (302, 404) and membership.assignments.count() == 1

    reporter = login("one-indicator")
    page = reporter.get(reverse("web:results", args=[site.mission.slug]) + "?period=FY2024").content.decode()
    assert "2.2-B" in page and "2.2-A" not in page and "1.1-A" not in page
    work = work_for(person, site, today=dt.date(2024, 11, 1))
    assert {i.indicator.code for i in work.due + work.overdue} == {"2.2-B"}
    isv.submit_result(chosen, "FY2024", "170", expected_version=0, actor=person)
    with pytest.raises(PermissionDenied):
        isv.submit_result(sibling, "FY2024", "170", expected_version=0, actor=person)
