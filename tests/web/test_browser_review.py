"""One review cycle in a real browser (Chromium), on a served app of its own (a fresh Mali demo):
the coordinator opens the FY2019 annual review, the objective's owner sees it waiting on the
dashboard and rates it, the coordinator rates the rest and sends it on, and the approver, told on
the dashboard, approves it. Every page is checked with axe-core (see tests/web/test_browser.py)."""

from __future__ import annotations

import pytest

# The fixtures of the browser tests, imported so this module gets a served app (and database) of its own.
from . import test_browser as tb
from .test_browser import shot, sign_in, sign_out

server = tb.server
browser = tb.browser
page = tb.page

pytestmark = pytest.mark.browser


def rate_open_forms(page, rating: str, narrative: str) -> list[str]:
    """Rate every objective on the review page that the signed-in person may assess and that is
    not rated yet; returns the headings rated."""
    rated = []
    while True:
        todo = page.locator("section.card", has=page.locator("details")).filter(has_text="Not rated yet").all()
        if not todo:
            return rated
        card = todo[0]
        heading = card.locator("h2").inner_text()
        card.locator("summary").click()
        card.get_by_label("Rating").select_option(label=rating)
        card.locator("textarea[name$='-narrative']").fill(narrative)
        card.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        rated.append(heading)
        if len(rated) > 40:  # a bounded loop: Mali has a dozen objectives
            raise AssertionError(f"rating does not stick: {rated}")


def test_coordinator_opens_owner_rates_approver_approves(page):
    sign_in(page, "mali-editor")
    page.goto("/missions/mali/reviews/")
    page.get_by_label("Kind").select_option(label="Annual review")
    page.get_by_label("Fiscal year").fill("2019")
    page.get_by_role("button", name="Open the review").click()
    page.wait_for_load_state()
    page.get_by_text("opened: each objective's owner can now rate it").wait_for()
    review_url = page.url
    shot(page, "rv-01-opened")
    sign_out(page)

    # The owner of the first goal's objectives finds them waiting on the dashboard, and rates them.
    sign_in(page, "mali-reporter")
    page.goto("/missions/mali/")
    waiting = page.locator("section.worklist").inner_text()
    assert "Rate Objective 1.1 in the Annual review FY2019" in waiting
    page.get_by_role("link", name="Rate Objective 1.1 in the Annual review FY2019").click()
    page.wait_for_load_state()
    mine = rate_open_forms(page, "Some concerns", "Training slipped a quarter.")
    assert mine and all(h.startswith("Objective 1.") for h in mine), mine
    page.goto("/missions/mali/")
    assert "Rate Objective" not in page.locator("section.worklist").inner_text()
    sign_out(page, button=True)

    sign_in(page, "mali-editor")
    page.goto(review_url)
    rate_open_forms(page, "On track", "As planned.")
    page.get_by_role("button", name="Send to the approver").click()
    page.wait_for_load_state()
    assert "Submitted for approval" in page.locator("p.lead").inner_text()
    sign_out(page)

    sign_in(page, "mali-approver")
    page.goto("/missions/mali/")
    page.get_by_role("link", name="Annual review FY2019 awaiting your approval").click()
    page.wait_for_load_state()
    page.get_by_label("Comment").fill("Agreed with the owners")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    lead = page.locator("p.lead").inner_text()
    assert "Approved" in lead and "frozen" in lead
    assert "Some concerns" in page.content() and "mali-reporter" in page.content()
    shot(page, "rv-02-approved", full=True)
