"""List pages show a bounded number of items however large the data (issue 14): the dashboard
counts the approval queue in SQL and lists a few; history and results entry are paged."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from icsplan.indicators import models as im
from icsplan.web import monitoring
from icsplan.web.views import history, results

pytestmark = pytest.mark.django_db


def _submit_many(site, period: str = "FY2024") -> int:
    rows = [im.Result(strategy=site, indicator=indicator, period=period, value="1", number=1, status="submitted",
                      submitted_at=timezone.now()) for indicator in site.indicators.all()]
    im.Result.objects.bulk_create(rows)
    return len(rows)


def test_the_dashboard_counts_the_queue_and_lists_a_few(site, login):
    waiting = _submit_many(site)
    assert waiting > monitoring.AWAITING_SHOWN
    page = login("mali-approver").get(reverse("web:dashboard", args=[site.mission.slug])).content.decode()
    assert f'<span class="n">{waiting}</span><span class="l">results awaiting approval' in page
    section = page[page.index('id="wait-h"'):]
    section = section[:section.index("</section>")]
    assert section.count("<li>") == monitoring.AWAITING_SHOWN
    assert f'<span class="count">{waiting}</span>' in page  # the menu's badge, from the same count


def test_the_awaiting_summary_reads_a_bounded_slice(site):
    from django.contrib.auth import get_user_model

    waiting = _submit_many(site)
    approver = get_user_model().objects.get(username="mali-approver")
    count, first = monitoring.awaiting_summary(approver, site, shown=3)
    assert count == waiting and len(first) == 3


def test_history_is_paged(site, login, monkeypatch):
    monkeypatch.setattr(history, "PER_PAGE", 2)
    objective = site.objectives.order_by("position").first()
    url = reverse("web:element-history", args=[site.mission.slug, site.edition, "objective", objective.pk])
    client = login("mali-reader")
    first = client.get(url).content.decode()
    assert first.count('<li>\n    <p><strong>') == 2
    total = int(re.search(r"Showing 1–2 of (\d+)", first).group(1))
    assert total > 2 and 'rel="next"' in first
    last = client.get(url + f"?page={(total + 1) // 2}").content.decode()
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get(url + "?page=not-a-number").status_code == 200


def test_results_entry_is_paged(site, login, monkeypatch):
    monkeypatch.setattr(results, "ENTRY_PER_PAGE", 1)
    url = reverse("web:results", args=[site.mission.slug]) + "?period=FY2023"
    client = login("mali-reporter")
    first = client.get(url).content.decode()
    assert first.count('class="card rrow"') == 1
    total = int(re.search(r"Showing 1–1 of (\d+)", first).group(1))
    assert total > 1 and "period=FY2023" in re.search(r'href="([^"]*)" rel="next"', first).group(1)
    second = client.get(url + "&page=2").content.decode()
    assert second.count('class="card rrow"') == 1
    assert re.search(r'id="result-(\d+)"', first).group(1) != re.search(r'id="result-(\d+)"', second).group(1)


def test_the_approvers_overview_is_paged(site, login, monkeypatch):
    monkeypatch.setattr(results, "OVERVIEW_PER_PAGE", 3)
    url = reverse("web:results", args=[site.mission.slug]) + "?period=FY2023"
    page = login("mali-approver").get(url).content.decode()
    overview = page[page.index('id="overview-h"'):]
    assert overview.count('<tr><th scope="row">') == 3
    assert re.search(r"Showing 1–3 of (\d+)", overview)


def _entry_pages(client, url: str) -> list[str]:
    """Every page of a results entry, reached as without JavaScript: by the pager's plain links."""
    pages = [client.get(url).content.decode()]
    while (link := re.search(r'href="([^"]*)" rel="next"', pages[-1])) is not None:
        assert len(pages) < 50, "the pager does not end"
        response = client.get(url.split("?")[0] + html.unescape(link.group(1)))
        assert response.status_code == 200
        pages.append(response.content.decode())
    return pages


def test_a_reporter_sees_only_their_indicators_on_every_page(site, login, monkeypatch):
    from django.contrib.auth import get_user_model

    from icsplan.accounts.permissions import can_report

    monkeypatch.setattr(results, "ENTRY_PER_PAGE", 2)
    reporter = get_user_model().objects.get(username="mali-reporter")
    annual = list(site.indicators.filter(frequency="annual").order_by("position", "pk"))
    assigned = [i.pk for i in annual if can_report(reporter, i)]
    assert 2 < len(assigned) < len(annual)  # several pages, and something the reporter may not touch
    pages = _entry_pages(login("mali-reporter"), reverse("web:results", args=[site.mission.slug]) + "?period=FY2023")
    assert len(pages) == (len(assigned) + 1) // 2
    shown = [int(pk) for page in pages for pk in re.findall(r'id="result-(\d+)"', page)]
    assert all(page.count('class="card rrow"') <= 2 for page in pages)
    assert shown == assigned  # each assigned indicator once, in order, and nothing else on any page
    others = [i.code for i in annual if i.pk not in assigned]
    for page in pages:
        assert not [code for code in others if f'<span class="fw-num">{code}</span>' in page]

def test_an_editor_pages_through_every_indicator(site, login, monkeypatch):
    monkeypatch.setattr(results, "ENTRY_PER_PAGE", 3)
    annual = [i.pk for i in site.indicators.filter(frequency="annual").order_by("position", "pk")]
    pages = _entry_pages(login("mali-editor"), reverse("web:results", args=[site.mission.slug]) + "?period=FY2023")
    assert [int(pk) for page in pages for pk in re.findall(r'id="result-(\d+)"', page)] == annual
