"""The edition life cycle in a real browser (Chromium), on a served app of its own (a fresh Mali demo).

The full cycle of issue 10: an editor imports a draft 2022 edition beside the approved 2018 one:
every other persona (reporter, approver, bureau analyst, anonymous visitor) still lands on 2018. A
new sub-objective of 2018 is proposed, rejected, proposed again and approved. The FY2019 annual
review is opened, every Mali objective rated, and approved; the strategy changes afterwards (a
reworded objective, through an approved revision) and the frozen review still reads as it was. The
editor sends 2022 into clearance, the approver approves it, 2018 is archived, and the two editions
are compared.
"""

from __future__ import annotations

import pytest

# The fixtures of the browser tests, imported so this module gets a served app (and database) of its own.
from . import test_browser as tb
from .test_browser import REPO, shot, sign_in, sign_out
from .test_browser_review import rate_open_forms

server = tb.server
browser = tb.browser
page = tb.page

pytestmark = pytest.mark.browser


def dashboard_edition(pg) -> str:
    return pg.locator("p.meta").first.inner_text()


def test_a_draft_edition_does_not_take_over_and_approving_it_archives_the_old_one(page):
    sign_in(page, "mali-editor")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Strategy document").set_input_files(str(REPO / "src" / "icsplan" / "demo" / "mali-2018.txt"))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Structure found").wait_for()
    page.get_by_label("Edition label").fill("2022")
    page.get_by_role("button", name="Create the edition").click()
    page.wait_for_load_state()
    assert page.url.endswith("/strategy/2022/")
    page.goto("/missions/mali/")
    assert "edition 2018" in dashboard_edition(page)  # the editor lands on the edition in force too
    assert "2022" in page.locator("nav.editions").inner_text()  # …and may switch to the draft
    shot(page, "lc-01-editor-dashboard-switcher")
    sign_out(page)

    for persona in ("mali-reporter", "mali-approver", "af-analyst"):
        sign_in(page, persona)
        page.goto("/missions/mali/")
        assert "edition 2018" in dashboard_edition(page), persona
        assert page.goto("/missions/mali/strategy/2022/").status == 404 or persona == "mali-approver", persona
        sign_out(page)
    page.goto("/missions/mali/")
    assert "edition 2018" in dashboard_edition(page)
    assert page.goto("/missions/mali/strategy/2022/").status in (302, 404) or "/accounts/login/" in page.url

    # A new sub-objective of the edition in force is a proposal: rejected once, proposed again, approved.
    for attempt, (title, decision) in enumerate([("Border posts staffed, first try", "Reject revision"),
                                                 ("Border posts staffed around the clock", "Approve revision")]):
        sign_in(page, "mali-editor")
        page.goto("/missions/mali/strategy/2018/")
        page.get_by_role("link", name="Add sub-objective under Mission Objective 1.1").click()
        page.get_by_text("Edition 2018 is in force: this form proposes the change as a revision").wait_for()
        page.get_by_role("textbox", name="Number").fill("1.1.1")
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Reason (the edition is in force: this proposes a revision)").fill(
            f"mid-course review {attempt + 1}")
        page.get_by_role("button", name="Propose adding this sub-objective").click()
        page.wait_for_load_state()
        page.get_by_text("Revision proposed (New Sub-Objective 1.1.1)").wait_for()
        assert title in page.locator("section.revision").first.locator("ins").all_inner_texts()  # the redline
        assert page.get_by_role("button", name="Approve revision").count() == 0  # not the proposer's to decide
        sign_out(page)
        page.goto("/missions/mali/strategy/2018/")
        assert title not in page.content()  # the public text changes only when approved
        sign_in(page, "mali-approver")
        page.goto("/missions/mali/strategy/2018/revisions/")
        card = page.locator("section.revision").first
        card.get_by_label("Why (required to reject)").fill("too vague" if attempt == 0 else "agreed")
        shot(page, f"lc-revision-{attempt + 1}")
        card.get_by_role("button", name=decision).click()
        page.wait_for_load_state()
        sign_out(page)
    page.goto("/missions/mali/strategy/2018/")
    assert "Border posts staffed around the clock" in page.content() and "first try" not in page.content()
    sign_in(page, "mali-reader")
    page.goto("/missions/mali/strategy/2018/revisions/")
    cards = page.locator("section.revision").all_inner_texts()
    assert "Approved" in cards[0] and "mali-editor" in cards[0] and "mali-approver" in cards[0]
    assert "Rejected" in cards[1] and "too vague" in cards[1]
    sign_out(page)

    # The FY2019 annual review: opened, every Mali objective rated, sent on and approved (frozen).
    sign_in(page, "mali-editor")
    page.goto("/missions/mali/reviews/")
    page.get_by_label("Kind").select_option(label="Annual review")
    page.get_by_label("Fiscal year").fill("2019")
    page.get_by_role("button", name="Open the review").click()
    page.wait_for_load_state()
    page.get_by_text("opened: each objective's owner can now rate it").wait_for()
    review_url = page.url
    rated = rate_open_forms(page, "On track", "As planned.")
    assert "Objective 1.1" in " ".join(rated) and "Not rated yet" not in page.content(), rated
    page.get_by_role("button", name="Send to the approver").click()
    page.wait_for_load_state()
    sign_out(page)
    sign_in(page, "mali-approver")
    page.goto(review_url)
    page.get_by_label("Comment").fill("Agreed with the owners")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "frozen" in page.locator("p.lead").inner_text()
    frozen_heading = page.locator("section[id='objective-1.1'] h2").inner_text()
    sign_out(page)

    # The strategy changes afterwards (objective 1.1 reworded through an approved revision) …
    sign_in(page, "mali-editor")
    page.goto("/missions/mali/strategy/2018/")
    page.get_by_role("link", name="Edit Mission Objective 1.1").click()
    title = page.get_by_label("Title", exact=True)
    title.fill(title.input_value() + " — revised after the FY2019 review")
    page.locator("#id_reason").fill("review decisions")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    page.get_by_text("Revision of Mission Objective 1.1 proposed").wait_for()
    sign_out(page)
    sign_in(page, "mali-approver")
    page.goto("/missions/mali/strategy/2018/revisions/")
    page.locator("section.revision").first.get_by_role("button", name="Approve revision").click()
    page.wait_for_load_state()
    page.goto("/missions/mali/strategy/2018/")
    assert "revised after the FY2019 review" in page.content()
    # … and the approved review still reads as it was frozen.
    page.goto(review_url)
    assert page.locator("section[id='objective-1.1'] h2").inner_text() == frozen_heading
    assert "revised after the FY2019 review" not in page.content()
    shot(page, "lc-review-frozen")
    sign_out(page)

    sign_in(page, "mali-editor")
    page.goto("/missions/mali/strategy/2022/life-cycle/")
    page.get_by_label("Why (kept in the record)").fill("Ready for the Ambassador")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    page.get_by_text("Edition 2022 sent into clearance.").wait_for()
    assert page.get_by_role("button", name="Approve").count() == 0  # not the editor's step
    shot(page, "lc-02-in-clearance")
    sign_out(page)

    sign_in(page, "mali-approver")
    page.goto("/missions/mali/strategy/2022/life-cycle/")
    page.get_by_label("Why (kept in the record)").fill("Signed by the Ambassador")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    page.get_by_text("Edition 2022 approved; it is now in force.").wait_for()
    steps = page.locator("tr.step").all_inner_texts()
    assert any("mali-editor" in s and "Ready for the Ambassador" in s for s in steps)
    assert any("mali-approver" in s and "Signed by the Ambassador" in s for s in steps)
    shot(page, "lc-03-approved", full=True)
    page.goto("/missions/mali/strategy/2018/life-cycle/")
    assert "Archived" in page.locator("h1").inner_text()
    assert "replaced by edition 2022" in page.locator("tr.step").last.inner_text()
    page.goto("/missions/mali/")
    assert "edition 2022" in dashboard_edition(page)
    sign_out(page)
    page.goto("/missions/mali/")
    assert "edition 2022" in dashboard_edition(page)  # the public now reads 2022
    shot(page, "lc-04-public-dashboard")

    # Compare 2018 (as revised) with 2022 (imported from the original text).
    sign_in(page, "mali-editor")
    page.goto("/missions/mali/compare/?from=2018&to=2022")
    rows = page.locator("table.compare tbody tr").all_inner_texts()
    assert any("reworded" in r and "revised after the FY2019 review" in r for r in rows), rows
    assert any("Border posts staffed around the clock" in r for r in rows), rows  # not in 2022
    shot(page, "lc-05-compare", full=True)
    sign_out(page, button=True)
