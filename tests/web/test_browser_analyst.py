"""The bureau analyst's day in Chromium (issue 11): the AF analyst of the demo opens the bureau
dashboard, searches "security" across missions, opens the crosswalk of a JRS goal and reads the
objectives similar to Mali 1.1 among three missions; nothing of EAP reaches them, not even by a
direct URL.

"Nothing of EAP" as the permission layer has it (accounts/permissions.py): the edition in force of
every mission is public, so the analyst finds Vietnam's public text like any visitor, and no more:
not the EAP bureau (its dashboard is not found, the Department view lists AF only), not Vietnam's
SBU text (canaries, in search and on its pages), not its draft edition.

The served Mali demo of ``test_browser`` (its fixtures, a server of this module's own), plus three
strategies imported through the services before the server starts: Niger (AF) with a near-duplicate
of Mali 1.1 and a security objective, Ghana (AF) with unrelated objectives, and Vietnam (EAP) with a
security objective of its own; and an AF catalogue of the JRS. When the embeddings extra is
installed, ``icsplan embeddings`` computes them first, as an operator would, and the similar
objectives are ranked by them; otherwise by TF-IDF.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from icsplan.portfolio import embeddings

from tests.security.world import canary_prefix

from .test_browser import ICSPLAN, REPO, browser, page, server, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

EAP_CANARY = canary_prefix("Vietnam")  # Vietnam's SBU text; AF's (Niger, Ghana) the AF analyst may read

NEAR_DUPLICATE = ("Niger has strong and effective civilian control over its military and security forces and "
                  "has increased effectiveness in protecting its population against violent extremists.")
VIETNAM_SECURITY = "Vietnam strengthens maritime security in the South China Sea"

SETUP = f"""
import django
django.setup()
from icsplan.accounts.actors import SYSTEM
from icsplan.portfolio import crosswalk
from icsplan.strategies import services
from tests.security.world import canary_document

for country, bureau, titles in (
        ("Niger", "AF", ({NEAR_DUPLICATE!r}, "Border security forces stop arms trafficking")),
        ("Ghana", "AF", ("Maternal health services reach rural women", "Exports of cashew nuts and cocoa grow")),
        ("Vietnam", "EAP", ({VIETNAM_SECURITY!r}, "Clean energy for growing cities"))):
    document = canary_document(country, bureau)
    for objective, title in zip(document.goals[0].objectives, titles):
        objective.title = title
    document.goals[0].objectives[0].linkages = ["JRS 2"]
    services.import_strategy(document, status="approved", actor=SYSTEM)
draft = canary_document("Vietnam", "EAP")
draft.edition = "2026"
draft.goals[0].objectives[0].title = "Draft objective of Vietnam not yet approved"
services.import_strategy(draft, status="draft", actor=SYSTEM)
crosswalk.import_items("JRS", "AF-2022", [
    {{"code": "1", "title": "Peace and security in the Sahel", "description": ""}},
    {{"code": "2", "title": "Civilian control of capable security forces", "description": ""}},
], actor=SYSTEM)
"""


@pytest.fixture(scope="module")
def prepare_served():
    def prepare(env):
        env = {**env, "DJANGO_SETTINGS_MODULE": "icsplan.config.settings", "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=REPO, check=True, capture_output=True,
                       timeout=300)
        if embeddings.enabled():
            subprocess.run([*ICSPLAN, "embeddings"], env=env, check=True, capture_output=True, timeout=600)

    return prepare


def test_the_analysts_day(page):  # noqa: F811 (the fixture)
    sign_in(page, "af-analyst")
    page.get_by_role("link", name="Bureaus").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="AF", exact=True).click()
    page.get_by_role("heading", name="Missions × goals").wait_for()
    matrix = page.locator("section[aria-labelledby=matrix-h]").inner_text()
    assert all(country in matrix for country in ("Mali", "Niger", "Ghana")) and "Vietnam" not in matrix
    shot(page, "analyst-01-bureau-dashboard", full=True)

    page.get_by_role("link", name="Search").first.click()
    page.get_by_label("Words").fill("security")
    page.get_by_role("button", name="Search").click()
    page.locator("#hits-h").wait_for()
    hits = page.locator("section[aria-labelledby=hits-h]")
    text = hits.inner_text()
    assert "Mission Mali" in text and "Mission Niger" in text and EAP_CANARY not in text
    assert hits.locator("mark").first.inner_text().casefold().startswith("secur")
    shot(page, "analyst-02-search-security")

    page.goto("/frameworks/")
    page.get_by_role("link", name="JRS crosswalk").click()
    page.get_by_role("heading", name="Framework items and the objectives that support them").wait_for()
    goal_2 = page.locator("tr", has=page.get_by_role("rowheader", name="JRS 2"))
    supporters = goal_2.inner_text()
    assert "Niger 1.1" in supporters and "Ghana 1.1" in supporters
    assert "Nothing supports this item" in page.locator("tr", has=page.get_by_role("rowheader", name="JRS 1")).inner_text()
    shot(page, "analyst-03-crosswalk-jrs", full=True)

    page.goto("/missions/mali/strategy/2018/")
    page.get_by_role("link", name="Similar objectives to Mission Objective 1.1").click()
    page.get_by_role("heading", name="Objectives similar to 1.1").wait_for()
    method = page.locator("#similarity-method").inner_text()
    assert ("sentence embeddings" if embeddings.enabled() else "TF-IDF") in method
    first = page.locator("main ol li").first.inner_text()
    assert first.startswith("Mission Niger 1.1") and "civilian control" in first
    assert EAP_CANARY not in page.locator("main").inner_text()
    shot(page, "analyst-04-similar-mali-1-1", full=True)

    # Nothing of EAP beyond what the public reads, even by a direct URL.
    page.goto("/bureaus/")
    department = page.locator("main").inner_text()
    assert "AF" in department and "EAP" not in department
    for url in ("/bureaus/EAP/", "/missions/vietnam/strategy/2026/"):
        response = page.goto(url)
        assert response.status == 404, url
        assert "Vietnam" not in page.content() and "Draft objective" not in page.content(), url
    page.goto("/missions/vietnam/strategy/2022/")
    assert VIETNAM_SECURITY in page.locator("main").inner_text()  # public, as for anyone
    assert EAP_CANARY not in page.content()
    page.goto("/search/?q=canary")
    assert any(canary_prefix(c) in page.content() for c in ("Niger", "Ghana"))  # AF SBU text: found...
    assert EAP_CANARY not in page.content() and "Draft objective" not in page.content()  # ...not EAP's
    page.goto("/search/?q=draft+objective+vietnam")
    assert "Draft objective of Vietnam" not in page.locator("main").inner_text()
