"""Every page runs the same number of SQL queries whatever the size of the strategy."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import build_site

pytestmark = pytest.mark.django_db


def _pages(row) -> list[tuple[str, str]]:
    slug, edition = row.mission.slug, row.edition
    objective = row.objectives.order_by("position").first()
    element = ["objective", objective.pk]
    goal = row.goals.order_by("position").first()
    indicator = row.indicators.order_by("position", "pk").first()
    return [
        ("mali-reader", reverse("web:dashboard", args=[slug])),
        ("mali-reader", reverse("web:strategy", args=[slug, edition])),
        ("mali-viewer", reverse("web:strategy", args=[slug, edition])),
        ("mali-reader", reverse("web:element-history", args=[slug, edition, *element])),
        ("mali-editor", reverse("web:edit-element", args=[slug, edition, *element])),
        ("mali-reporter", reverse("web:results", args=[slug]) + "?period=FY2023"),
        # The second page of the reporter's forms (past the end, so the last one, in the small strategy).
        ("mali-reporter", reverse("web:results", args=[slug]) + "?period=FY2023&page=2"),
        ("mali-editor", reverse("web:results", args=[slug]) + "?period=FY2023"),
        ("mali-approver", reverse("web:approvals", args=[slug])),
        ("mali-reader", reverse("web:exports", args=[slug, edition])),
        ("mali-reader", reverse("web:status-matrix", args=[slug, edition])),
        # Editing pages: indicators, adding and deleting elements; results for approvers, the workbook.
        ("mali-editor", reverse("web:add-indicator", args=[slug, edition, *element])),
        ("mali-editor", reverse("web:edit-indicator", args=[slug, edition, indicator.pk])),
        ("mali-editor", reverse("web:delete-indicator", args=[slug, edition, indicator.pk])),
        ("mali-editor", reverse("web:add-element", args=[slug, edition, "goal"])),
        ("mali-editor", reverse("web:add-child", args=[slug, edition, "goal", goal.pk])),
        ("mali-editor", reverse("web:delete-element", args=[slug, edition, "goal", goal.pk])),
        ("mali-approver", reverse("web:results", args=[slug]) + "?period=FY2023"),
        ("mali-reporter", reverse("web:results-template", args=[slug]) + "?period=FY2023"),
    ]


def _count(client, username: str, url: str) -> int:
    client.force_login(get_user_model().objects.get(username=username))
    client.get(url)  # warm per-process caches (catalogue, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def test_query_count_does_not_grow_with_the_strategy(client):
    small = build_site(goals=1, objectives=2, indicators=1, country="Smallland")
    big = build_site(goals=4, objectives=4, indicators=3, country="Bigland")
    assert big.objectives.count() == 8 * small.objectives.count()
    for (user, small_url), (_, big_url) in zip(_pages(small), _pages(big)):
        n_small, n_big = _count(client, user, small_url), _count(client, user, big_url)
        assert n_big == n_small, f"{big_url} as {user}: {n_small} queries small, {n_big} big"
        assert n_big <= 40, f"{big_url} as {user}: {n_big} queries"
