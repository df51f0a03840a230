"""The tree's ETag comes from version stamps, so a 304 does not build the tree (issue 14)."""

from __future__ import annotations

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan.api.routers import strategies as router

from .conftest import Api


def _refuse_to_build(*args, **kwargs):
    raise AssertionError("a 304 must not build the tree")


def test_a_304_does_not_build_the_tree(world, monkeypatch):
    url = f"strategies/{world.strategy.pk}/tree"
    first = Api().get(url)
    assert first.status_code == 200
    monkeypatch.setattr(router, "build_tree", _refuse_to_build)
    again = Api().get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]


def test_the_tag_follows_the_data_and_the_audience(world, api_as):
    from icsplan.indicators import services as indicators
    from icsplan.indicators.models import Indicator
    from icsplan.strategies.services.gate import applying_revision

    url = f"strategies/{world.strategy.pk}/tree"
    public = Api().get(url)
    reader = api_as("reader", scope="read").get(url)
    assert public.status_code == reader.status_code == 200
    assert public["ETag"] != reader["ETag"]  # the reader sees SBU rows the public does not
    # The public's tag does not answer 304 to the reader.
    assert api_as("reader", scope="read").get(url, headers={"If-None-Match": public["ETag"]}).status_code == 200
    indicator = Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    with applying_revision():  # the edition in force: as an approved revision would set it
        indicators.set_baseline(indicator, "7", expected_version=0, actor=SYSTEM)
    changed = Api().get(url, headers={"If-None-Match": public["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != public["ETag"]
    assert Api().get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 304


@pytest.mark.parametrize("persona", ["anonymous", "admin"])
def test_the_tag_is_stable_between_identical_reads(world, api_as, persona):
    url = f"strategies/{world.strategy.pk}/tree"
    assert api_as(persona, scope="read").get(url)["ETag"] == api_as(persona, scope="read").get(url)["ETag"]


def test_a_public_304_follows_the_editions_visibility(world):
    """The public's answer is remembered per stamp: an edition withdrawn from the public (its
    status changes, so its stamp does) is not found again, whatever tag the caller holds."""
    from django.db.models import F

    from icsplan.strategies.models import Strategy

    url = f"strategies/{world.strategy.pk}/tree"
    first = Api().get(url)
    assert first.status_code == 200
    assert Api().get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    Strategy.objects.filter(pk=world.strategy.pk).update(status="draft", version=F("version") + 1)
    assert Api().get(url, headers={"If-None-Match": first["ETag"]}).status_code == 404
    assert Api().get(url, headers={"If-None-Match": "*"}).status_code == 404
    # An unreleased edition is not found by the public either, even with "*".
    assert Api().get(f"strategies/{world.draft.pk}/tree", headers={"If-None-Match": "*"}).status_code == 404
    assert Api().get("strategies/999999/tree", headers={"If-None-Match": "*"}).status_code == 404
