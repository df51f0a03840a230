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
