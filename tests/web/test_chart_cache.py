"""Charts are drawn once per change of what they show, and a browser holding one gets a 304
(issue 14). No timings: the tests count drawings instead."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django.urls import reverse

from icsplan.core.choices import Sensitivity
from icsplan.core import stamps
from icsplan.indicators import charts, progress
from icsplan.indicators import models as im

pytestmark = pytest.mark.django_db


@pytest.fixture()
def drawings(monkeypatch):
    """Counts matplotlib drawings of indicator charts and status matrices."""
    calls: list[str] = []
    indicator_chart, status_matrix_chart = charts.indicator_chart, charts.status_matrix_chart

    def counted_indicator(data, fmt="svg"):
        calls.append("indicator")
        return indicator_chart(data, fmt)

    def counted_matrix(progress, fmt="svg", **kwargs):
        calls.append("matrix")
        return status_matrix_chart(progress, fmt, **kwargs)

    monkeypatch.setattr(charts, "indicator_chart", counted_indicator)
    monkeypatch.setattr(charts, "status_matrix_chart", counted_matrix)
    return calls


@pytest.fixture()
def figure_reads(monkeypatch):
    """Counts reads of an edition's figures (``progress.strategy_progress``), from a clean slate."""
    stamps.forget()  # rows are shared by the module's tests: start without remembered figures
    calls: list[int] = []
    original = progress.strategy_progress

    def counted(strategy, *args, **kwargs):
        calls.append(strategy.pk)
        return original(strategy, *args, **kwargs)

    monkeypatch.setattr(progress, "strategy_progress", counted)
    yield calls
    stamps.forget()


def _chart_url(site, indicator) -> str:
    return reverse("web:indicator-chart", args=[site.mission.slug, site.edition, indicator.pk])


def test_an_indicator_chart_reads_its_figures_once_and_revalidates_without_drawing(site, login, drawings,
                                                                                    figure_reads):
    indicator = site.indicators.order_by("position", "pk").first()
    client = login("mali-reader")
    first = client.get(_chart_url(site, indicator))
    assert first.status_code == 200 and first["Content-Type"] == "image/svg+xml"
    assert first.content.lstrip().startswith(b"<?xml") or b"<svg" in first.content[:400]
    etag = first["ETag"]
    second = client.get(_chart_url(site, indicator))
    assert second.content == first.content and second["ETag"] == etag
    # Drawn directly each time (cheaper than a cache), from figures read once for this version.
    assert drawings == ["indicator", "indicator"] and len(figure_reads) == 1
    again = client.get(_chart_url(site, indicator), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert drawings == ["indicator", "indicator"] and len(figure_reads) == 1


def test_a_change_of_the_figures_changes_the_chart(site, login, drawings):
    indicator = site.indicators.order_by("position", "pk").first()
    client = login("mali-reader")
    before = client.get(_chart_url(site, indicator))
    # As a service saves a change: the row's version moves, and with it the edition's stamp.
    im.Target.objects.filter(indicator=indicator, period="FY2024", category="").update(
        number=987654, value="987654", version=F("version") + 1)
    after = client.get(_chart_url(site, indicator), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert b"987,654" in after.content or b"987654" in after.content
    assert drawings == ["indicator", "indicator"]


def test_public_and_sbu_readers_never_share_a_chart_that_differs(site, login, drawings):
    indicator = site.indicators.order_by("position", "pk").first()
    im.Result.objects.filter(indicator=indicator, period="FY2023").update(
        sensitivity=Sensitivity.SBU, number=777, value="777", version=F("version") + 1)
    reader = login("mali-reader").get(_chart_url(site, indicator))
    viewer = login("mali-viewer").get(_chart_url(site, indicator))
    assert reader.status_code == viewer.status_code == 200
    assert reader["ETag"] != viewer["ETag"]
    assert b"777" in reader.content and b"777" not in viewer.content
    # The viewer's tag does not unlock the reader's image, nor the other way round.
    assert login("mali-viewer").get(_chart_url(site, indicator), HTTP_IF_NONE_MATCH=reader["ETag"]).status_code == 200


def test_the_status_matrix_is_drawn_once(site, login, drawings):
    url = reverse("web:status-matrix", args=[site.mission.slug, site.edition])
    client = login("mali-reader")
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert drawings == ["matrix"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_chart_images_load_lazily_with_their_alt_text(site, login):
    page = login("mali-reader").get(reverse("web:dashboard", args=[site.mission.slug])).content.decode()
    start = page.rindex("<img", 0, page.index("status-matrix.svg"))
    matrix = page[start:page.index(">", start)]
    assert 'loading="lazy"' in matrix and 'alt="Status matrix of' in matrix


def _as(username: str) -> Client:
    """A client of its own signed in as ``username`` (the ``login`` fixture shares one client)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _page_chart_urls(client, site) -> dict[int, str]:
    page = client.get(reverse("web:strategy", args=[site.mission.slug, site.edition])).content.decode()
    found = re.findall(r'<img src="([^"]+/charts/indicators/(\d+)\.svg\?v=([0-9a-f]+))"[^>]*loading="lazy"', page)
    assert found, "the strategy browser embeds its indicator charts with a version"
    return {int(pk): url for url, pk, _version in found}


def test_page_image_urls_carry_the_version_and_are_immutable_until_it_moves(site, login, figure_reads):
    public = Client()  # anonymous: the public copy, which may be kept by the browser
    indicator = site.indicators.order_by("position", "pk").first()
    url = _page_chart_urls(public, site)[indicator.pk]
    first = public.get(url)
    assert first.status_code == 200 and {"private", "immutable"} <= _directives(first)
    im.Target.objects.filter(indicator=indicator, period="FY2024", category="").update(
        number=987654, value="987654", version=F("version") + 1)
    # The old URL no longer names the current version: the current image, to be revalidated.
    stale = public.get(url)
    assert stale.status_code == 200 and "immutable" not in _directives(stale)
    assert b"987,654" in stale.content and stale["ETag"] != first["ETag"]
    fresh = _page_chart_urls(public, site)[indicator.pk]
    assert fresh != url and "immutable" in _directives(public.get(fresh))
    assert len(figure_reads) == 2  # figures read once per version (the page's own read is shared)
    # Whatever the URL, a signed-in reader's images are never stored (core.middleware: no-store).
    reader = _as("mali-reader")
    assert {"private", "no-store"} <= _directives(reader.get(_page_chart_urls(reader, site)[indicator.pk]))


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",")}


def test_another_audiences_version_gives_only_what_the_reader_may_see(site, login):
    indicator = site.indicators.order_by("position", "pk").first()
    im.Result.objects.filter(indicator=indicator, period="FY2023").update(
        sensitivity=Sensitivity.SBU, number=777, value="777", version=F("version") + 1)
    reader, viewer = _as("mali-reader"), _as("mali-viewer")
    reader_url = _page_chart_urls(reader, site)[indicator.pk]
    viewer_url = _page_chart_urls(viewer, site)[indicator.pk]
    assert reader_url != viewer_url  # the version names the audience too
    assert b"777" in reader.get(reader_url).content
    # The viewer asking with the reader's version (warm cache) gets the public image, not for keeps.
    borrowed = viewer.get(reader_url)
    assert borrowed.status_code == 200 and b"777" not in borrowed.content
    assert "immutable" not in _directives(borrowed)
    assert b"777" not in viewer.get(viewer_url).content


def test_an_indicator_the_reader_may_not_see_is_not_found_even_once_drawn_for_others(site, login):
    indicator = site.indicators.order_by("position", "pk").first()
    im.Indicator.objects.filter(pk=indicator.pk).update(sensitivity=Sensitivity.SBU, version=F("version") + 1)
    reader, viewer = _as("mali-reader"), _as("mali-viewer")
    assert reader.get(_chart_url(site, indicator)).status_code == 200  # drawn and cached for readers
    assert indicator.pk not in _page_chart_urls(viewer, site)
    assert viewer.get(_chart_url(site, indicator)).status_code == 404
    reader_url = _page_chart_urls(reader, site)[indicator.pk]
    assert viewer.get(reader_url).status_code == 404
