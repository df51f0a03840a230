"""Each role's day in Chromium, at desktop width and on a phone (issue 15).

The admin adds a new reporter, assigns what they report on (objectives, a single indicator), sets
the reporting calendar and proposes a breakdown by region (the edition is in force: the approver
approves the revision); the reporter sees the due list, enters a
result with its breakdown (a breakdown that does not add up is refused in the row) and submits; the
approver approves a selected batch (a result with its breakdowns) and returns one; the reporter
sees the return and its notification. Run at 1280 px and at 390 px (screenshots in
``artifacts/screenshots/``), then every page visited is checked for horizontal scrolling at 360 px.
Uses the served Mali demo of ``test_browser`` (its fixtures, its own server).
"""

from __future__ import annotations

import dataclasses

import pytest

from .a11y import record, report, watch
from .test_browser import PASSWORD, SHOTS, browser, server, sign_in, sign_out  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

VISITED: set[str] = set()


def shot(page, name: str, full: bool = False) -> None:
    # caret="initial": hiding the caret injects a style sheet, which the page's CSP (rightly) refuses.
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full, caret="initial")
    if hasattr(page, "a11y"):
        record(page, page.a11y)


def _context(browser, server, width: int):  # noqa: F811 (fixture names)
    height = 900 if width > 500 else 844
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=server)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text[:90]}") if m.type == "error" else None)
    page.on("load", lambda p: VISITED.add(p.url.split("#")[0].replace(server, "")))
    # Every page visited is checked with axe-core (WCAG 2.1 A/AA); see tests/web/a11y.py.
    page.a11y = []
    watch(page, page.a11y)
    return context, page, problems


def _sign_out(page, *, button: bool = False) -> None:
    """``test_browser.sign_out``; the button is on the home page on a phone."""
    if button and page.viewport_size["width"] < 500:
        page.goto("/")
    sign_out(page, button=button)


@dataclasses.dataclass(frozen=True)
class Day:
    """One run of the day. The served Mali demo is shared by both runs, so each uses its own
    indicators: ``overdue`` has no FY2022 result yet; ``broken_down`` gets a breakdown by region
    (defined by the admin in the browser) and is entered with it, then approved as a group;
    ``returned`` is submitted and sent back. ``reason`` is given when ``broken_down`` already has
    an approved FY2022 figure (changing it needs one)."""

    width: int
    assign: tuple[str, ...]  # the assignment form's options, by the start of their text
    overdue: str
    broken_down: tuple[str, str, tuple[str, str, str]]  # code, total, figures for Bamako, Mopti, Timbuktu
    returned: tuple[str, str]
    reason: str = ""
    approved_before: str = ""  # the approved figure shown before the change


REGIONS = ("Bamako", "Mopti", "Timbuktu")
DAYS = [
    # By objective; 1.2-B was returned in the demo (a count): resubmitted with its breakdown.
    Day(1280, ("Objective 1.1 ", "Objective 1.2 "), overdue="1.1-B", broken_down=("1.2-B", "45", ("20", "15", "10")),
        returned=("1.1-B", "9")),
    # By objective and by a single indicator; 2.2-C's approved figure is changed, with a reason.
    Day(390, ("Objective 2.2 ", "— Indicator 1.2-C "), overdue="1.2-C",
        broken_down=("2.2-C", "96000", ("50000", "30000", "16000")), returned=("2.2-B", "20"),
        reason="Two regions reported late.", approved_before="95000"),
]


def _approved(row) -> str:
    """The approved figure a result row shows."""
    return row.locator("dl.facts > div", has_text="Approved FY2022").locator("dd").inner_text().strip()


def _breakdown_fields(row):
    return [row.get_by_label(region) for region in REGIONS]


@pytest.mark.parametrize("day", DAYS, ids=[str(d.width) for d in DAYS])
def test_a_day_of_every_role(browser, server, day):  # noqa: F811
    width = day.width
    context, page, problems = _context(browser, server, width)
    tag = f"{width}"
    name = f"new-reporter-{width}"
    code, total, figures = day.broken_down
    back = day.returned[0]
    try:
        # -- the admin: a new reporter, what they report on, the calendar, a breakdown ---------
        sign_in(page, "admin")
        page.goto("/people/")
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill("a sturdy passphrase 42")
        page.locator("#id_role").select_option("reporter")
        page.locator("#id_mission").select_option(label="Mission Mali")
        page.get_by_role("button", name="Add the person").click()
        page.get_by_text(f"{name} added.").wait_for()
        shot(page, f"day-{tag}-01-person-added", full=True)
        page.goto("/missions/mali/reporters/")
        for target in day.assign:
            page.get_by_label("Reporter", exact=True).select_option(label=name)
            page.get_by_label("Objective, sub-objective or indicator").select_option(
                label=page.locator("#id_target option", has_text=target).first.inner_text())
            page.get_by_role("button", name="Assign", exact=True).click()
            page.get_by_text(f"{name} now reports on").first.wait_for()
        shot(page, f"day-{tag}-02-reporter-assigned", full=True)
        page.goto("/missions/mali/calendar/")
        page.locator("#id_period").fill("FY2022")
        page.locator("#id_due_date").fill("2022-10-31")
        page.get_by_role("button", name="Set the due date").click()
        page.get_by_text("Results of FY2022 are due on 31 October 2022.").wait_for()
        page.goto("/missions/mali/strategy/")
        page.get_by_role("link", name=f"Edit indicator {code}").click()
        page.get_by_text("Add or redefine a breakdown").click()
        page.get_by_label("Category").fill("region")
        page.get_by_label("Values", exact=True).fill(", ".join(REGIONS))
        # The 2018 edition is in force: the breakdown is proposed as a revision, with a reason, and
        # takes effect once an approver other than the admin approves it.
        breakdown = page.locator("form", has=page.get_by_role("button", name="Propose this breakdown"))
        breakdown.get_by_label("Reason", exact=False).fill("Regional figures asked for by the bureau")
        breakdown.get_by_role("button", name="Propose this breakdown").click()
        page.get_by_role("heading", name="Revisions of edition 2018").wait_for()
        assert page.get_by_role("button", name="Approve revision").count() == 0  # not the proposer's to decide
        _sign_out(page)
        sign_in(page, "mali-approver")
        page.goto("/missions/mali/strategy/2018/revisions/")
        card = page.locator("section.revision").first
        assert "Regional figures asked for by the bureau" in card.inner_text()
        card.get_by_role("button", name="Approve revision").click()
        page.locator("section.revision").first.get_by_text("approved by").wait_for()
        shot(page, f"day-{tag}-03b-breakdown-approved", full=True)
        _sign_out(page)

        # -- the reporter: what is due, a result with its breakdown, another result ------------
        page.goto("/accounts/login/")
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill("a sturdy passphrase 42")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        page.get_by_role("heading", name="Waiting for you").wait_for()
        shot(page, f"day-{tag}-03-reporter-dashboard", full=True)
        page.goto("/missions/mali/results/?period=FY2022")
        work = page.locator("section.worklist")
        assert "Overdue" in work.inner_text() and f"{day.overdue} FY2022" in work.inner_text()
        shot(page, f"day-{tag}-04-due-list", full=True)
        row = page.locator("article", has=page.get_by_role("heading", name=code))
        if day.approved_before:  # the approved figure stays in sight while it is changed
            assert _approved(row) == day.approved_before
        row.locator("input[name$='-value']").fill(total)
        # A breakdown that does not add up is refused in the row, and nothing is stored.
        wrong = str(int(figures[2]) + 1)
        for field, figure in zip(_breakdown_fields(row), (*figures[:2], wrong)):
            field.fill(figure)
        if day.reason:
            row.get_by_label("Reason for changing the approved figure").fill(day.reason)
        row.get_by_role("button", name=f"Submit {code} for approval").click()
        row = page.locator("#" + row.get_attribute("id"))
        adds_up = int(figures[0]) + int(figures[1]) + int(wrong)
        row.get_by_text(f"{code} by region: the breakdown adds up to {adds_up}, not the total {total}").wait_for()
        shot(page, f"day-{tag}-05-breakdown-refused", full=True)
        _breakdown_fields(row)[2].fill(figures[2])
        row.get_by_role("button", name=f"Submit {code} for approval").click()
        row.get_by_text("submitted for approval").wait_for()
        for field, figure in zip(_breakdown_fields(row), figures):
            assert field.input_value() == figure, (field.input_value(), figure)
        other, value = day.returned
        row = page.locator("article", has=page.get_by_role("heading", name=other))
        row.locator("input[name$='-value']").fill(value)
        row.get_by_role("button", name=f"Submit {other} for approval").click()
        page.locator("#" + row.get_attribute("id")).get_by_text("submitted for approval").wait_for()
        shot(page, f"day-{tag}-06-submitted", full=True)
        _sign_out(page)

        # -- the approver: the result with its breakdowns, approved as a batch; return one -----
        sign_in(page, "mali-approver")
        page.goto("/missions/mali/approvals/")
        page.get_by_label(f"Select {code} FY2022 and its 3 breakdowns").check()
        group = page.locator("div.qgroup", has=page.get_by_label(f"Select {code} FY2022"))
        for region, figure in zip(REGIONS, figures):
            assert region in group.inner_text() and figure in group.inner_text()
        shot(page, f"day-{tag}-07-queue", full=True)
        page.get_by_role("button", name="Approve the selected results").click()
        page.get_by_text("4 results approved.").wait_for()
        item = page.locator("article", has=page.get_by_role("heading", name=back))
        item.get_by_role("button", name=f"Return {back} FY2022").click()
        item = page.locator("article", has=page.get_by_role("heading", name=back))
        item.get_by_text("Say why the result is returned").wait_for()
        item.get_by_label(f"Reason for returning {back} FY2022").fill("Give the survey's source.")
        item.get_by_role("button", name=f"Return {back} FY2022").click()
        page.get_by_text(f"{back} FY2022 returned to the reporter.").wait_for()
        shot(page, f"day-{tag}-08-returned", full=True)
        _sign_out(page)

        # -- the reporter again: the return and its notification -------------------------------
        page.goto("/accounts/login/")
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill("a sturdy passphrase 42")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert page.locator("#notices-count").inner_text().startswith("1")
        page.get_by_role("link", name="Notifications").click()
        page.get_by_text(f"{back} FY2022 was returned: Give the survey's source.").wait_for()
        shot(page, f"day-{tag}-09-notification", full=True)
        page.goto("/missions/mali/results/?period=FY2022")
        assert "Give the survey's source." in page.locator("section.worklist").inner_text()
        row = page.locator("article", has=page.get_by_role("heading", name=code))
        assert _approved(row) == total
        shot(page, f"day-{tag}-10-return-seen", full=True)
        _sign_out(page, button=True)
    finally:
        context.close()
    assert not problems, problems
    assert not page.a11y, report(page.a11y)


def test_htmx_error_answers_are_shown_in_the_page(browser, server):  # noqa: F811
    """The one htmx error handler (static/web/icsplan.js), with JavaScript on: a refused upload
    (422) and a refused form (403) show the app's own message in place; a 409 page is shown too;
    a 409 that is not a page and a 500 are announced in the page's alert box. htmx alone would
    show nothing for any of them."""
    context, page, _ = _context(browser, server, 1280)
    crashes: list[str] = []
    page.on("pageerror", lambda e: crashes.append(str(e)))
    upload = "/missions/mali/import/"

    def send(name: str = "strategy.pdf", data: bytes = b"this is not a PDF", expect: int = 0):
        page.get_by_label("Strategy document").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": data}])
        with page.expect_response(lambda r: r.url.endswith(upload) and r.request.method == "POST") as answer:
            page.get_by_role("button", name="Upload and preview").click()
        assert answer.value.status == expect
        assert answer.value.request.headers.get("hx-request") == "true"  # htmx sent it, not the browser

    try:
        sign_in(page, "mali-editor")
        # 422, from the app: the reason names the file, below the field.
        page.goto(upload)
        send(expect=422)
        page.get_by_text("strategy.pdf: no Mission Goal heading found").wait_for()
        shot(page, "htmx-422-upload-refused")
        # 403, from the app: a form whose security token is out of date.
        page.goto(upload)
        page.evaluate("document.querySelector('form[hx-post] input[name=csrfmiddlewaretoken]').value = 'x'.repeat(64)")
        send(expect=403)
        page.get_by_role("heading", name="Form expired").wait_for()
        shot(page, "htmx-403-form-expired")
        # 409 as a page (the app answers conflicts with the page that explains them): shown in place.
        page.goto(upload)
        page.route("**" + upload, lambda route: route.fulfill(
            status=409, content_type="text/html; charset=utf-8",
            body="<main id='main'><h1>Changed meanwhile</h1><p>Someone else changed this edition.</p></main>"))
        send(expect=409)
        page.get_by_text("Someone else changed this edition.").wait_for()
        page.unroute("**" + upload)
        # 409 that is not a page (a problem document): announced, the page stays as it was.
        page.goto(upload)
        page.route("**" + upload, lambda route: route.fulfill(
            status=409, content_type="application/problem+json", body='{"title": "Conflict"}'))
        send(expect=409)
        alert = page.locator("#page-alert[role=alert]")
        alert.get_by_text("The request was refused (error 409).").wait_for()
        assert page.get_by_role("heading", name="Import a strategy document").is_visible()
        page.unroute("**" + upload)
        # 500: never swapped in (a server error page would replace the form); announced instead.
        page.goto(upload)
        page.route("**" + upload, lambda route: route.fulfill(
            status=500, content_type="text/html; charset=utf-8", body="<h1>Server Error (500)</h1>"))
        send(expect=500)
        alert.get_by_text("Something went wrong on the server (error 500). Nothing was changed; try again.").wait_for()
        assert page.get_by_role("heading", name="Import a strategy document").is_visible()
        assert not page.get_by_text("Server Error (500)").count()
        shot(page, "htmx-500-announced")
        page.unroute("**" + upload)
    finally:
        context.close()
    assert not crashes, crashes
    assert not page.a11y, report(page.a11y)


def test_the_status_matrix_is_readable_on_a_phone(browser, server):  # noqa: F811
    """The matrix image has 12 px text at its 640 px and none narrower: at 1280 px it is shown at
    640 px; at 390 px the table takes its place (text of 12 px or more, every status in words) and
    the image is a link."""
    text_px = "el => parseFloat(getComputedStyle(el).fontSize)"
    for width in (1280, 390):
        context, page, _ = _context(browser, server, width)
        try:
            sign_in(page, "mali-reader")
            page.goto("/missions/mali/")
            section = page.locator("section", has=page.get_by_role("heading", name="Status by objective and period"))
            image = section.locator("img")
            if width > 500:
                section.scroll_into_view_if_needed()
                assert image.is_visible() and image.bounding_box()["width"] == 640
                assert not section.locator(".matrix-narrow").is_visible()
            else:
                assert not image.is_visible()
                table = section.locator(".matrix-narrow table")
                assert table.is_visible()
                assert table.get_by_role("rowheader").count() >= 10  # the Mali objectives
                cells = table.locator("td")
                assert "On track" in table.inner_text() or "Off track" in table.inner_text()
                assert min(cell.evaluate(text_px) for cell in cells.all()) >= 12
                assert min(h.evaluate(text_px) for h in table.locator("th").all()) >= 12
                # Each objective's label on one line (a crushed column wrapped it letter by letter).
                assert max(h.bounding_box()["height"] for h in table.get_by_role("rowheader").all()) < 48
                assert section.get_by_role("link", name="The status matrix as an image").is_visible()
                section.scroll_into_view_if_needed()
                shot(page, f"matrix-{width}-table")
        finally:
            context.close()
    assert not page.a11y, report(page.a11y)


PHONE_PAGES = ["/", "/missions/mali/", "/missions/mali/strategy/", "/frameworks/", "/accounts/login/"]
SIGNED_IN_PAGES = {
    "mali-reporter": ["/missions/mali/results/?period=FY2022", "/notifications/"],
    "mali-approver": ["/missions/mali/approvals/"],
    "admin": ["/people/", "/missions/mali/reporters/", "/missions/mali/calendar/"],
}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_no_page_is_wider_than_a_360_px_screen(browser, server):  # noqa: F811
    """No horizontal scrolling on a 360 px phone: every page of the day, signed out and in."""
    wide = {}
    context, page, _ = _context(browser, server, 360)
    try:
        for url in PHONE_PAGES:
            page.goto(url)
            page.wait_for_load_state()
            if _overflow(page) > 0:
                wide[url] = _overflow(page)
        shot(page, "phone-360-login")
        page.goto("/missions/mali/strategy/")
        shot(page, "phone-360-strategy")
        for user, urls in SIGNED_IN_PAGES.items():
            sign_in(page, user)
            for url in urls:
                page.goto(url)
                page.wait_for_load_state()
                if _overflow(page) > 0:
                    wide[f"{url} as {user}"] = _overflow(page)
            _sign_out(page)
    finally:
        context.close()
    assert not wide, f"pages wider than 360 px (extra pixels): {wide}"
    assert not page.a11y, report(page.a11y)
