"""End to end in a real browser: Debian's Chromium driven by Playwright, against the app served by
the production server (``icsplan serve``, granian) on 127.0.0.1 with a fresh database.

Flows: sign in, the Mali dashboard, a reporter enters and submits a result, an approver approves
it and the dashboard changes, an editor imports a strategy document through the preview and edits
an objective, and the change shows in its history; an editor adds an indicator with a baseline and
targets and finds it in the strategy; an approver locks and reopens a period; an editor adds a goal
and deletes it after the confirmation page. On PostgreSQL (``DATABASE_URL`` set) the served app gets
a throwaway database of its own, dropped afterwards. Screenshots of every step are saved under
``artifacts/screenshots/``. Every page a test visits (each ``goto`` and each screenshot) is checked
with axe-core for WCAG 2.1 A/AA violations (tests/web/a11y.py); the test fails listing them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests import served_demo

from .a11y import record, report, watch

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-gpu"]
PASSWORD = served_demo.PASSWORD
ICSPLAN = served_demo.ICSPLAN


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, prepare_served):  # prepare_served: tests/web/conftest.py
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    data = tmp_path_factory.mktemp("browser-data")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(ICSPLAN_DATA_DIR=str(data), ICSPLAN_DEMO_PASSWORD=PASSWORD, PYTHONUNBUFFERED="1")
    drop = None
    # A copy of the demo loaded once per run (tests/served_demo.py): a database of this module's own.
    if env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"], drop = served_demo.postgres_demo(data, env, env["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
        served_demo.sqlite_demo(data, env)
    try:
        if prepare_served is not None:
            prepare_served(env)
        port = _free_port()
        with open(data / "serve.log", "wb") as log:
            proc = subprocess.Popen([*ICSPLAN, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 180
                while True:
                    try:
                        urllib.request.urlopen(base + "/healthz", timeout=5)
                        break
                    except OSError:
                        if proc.poll() is not None:
                            raise RuntimeError((data / "serve.log").read_text()[-2000:])
                        if time.monotonic() > deadline:  # fail here, not in the first test's page load
                            raise RuntimeError("icsplan serve did not answer /healthz within 180 s:\n"
                                               + (data / "serve.log").read_text()[-2000:])
                        time.sleep(0.2)
                yield base
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    finally:
        if drop is not None:
            drop()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.problems = problems
    # Every page the test visits is checked with axe-core (WCAG 2.1 A/AA); see tests/web/a11y.py.
    pg.a11y = []
    watch(pg, pg.a11y)
    yield pg
    context.close()
    csp = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
    assert not csp, csp
    assert not pg.a11y, report(pg.a11y)


def shot(page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)
    if hasattr(page, "a11y"):
        record(page, page.a11y)


def _sessions(page) -> dict[str, list]:
    """The sessions signed in through the form with this module's browser (and so its server):
    username -> the cookies the browser was given."""
    browser = page.context.browser
    if not hasattr(browser, "signed_in"):
        browser.signed_in = {}
    return browser.signed_in


def sign_in(page, username: str) -> None:
    """Sign in as ``username`` and land where signing in lands (``/``, which sends a person of one
    mission on to its dashboard).

    Through the form the first time in a module; afterwards by giving the browser that session's
    cookies again, as a browser that stayed signed in would, which spares the sign-in page, the
    password hash at production cost and the landing page drawn once more (a dozen switches of
    person in the life-cycle test). ``sign_out`` keeps the session alive for that reason, unless it
    clicks the button.
    """
    sessions = _sessions(page)
    if username in sessions:
        page.context.clear_cookies()
        page.context.add_cookies(sessions[username])
        # Where the form's answer redirects; not audited, as the form's landing page is not either.
        getattr(page, "goto_unaudited", page.goto)("/")
        page.signed_in_as = username
        return
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():  # the answer (and its redirects) in, so its cookies are set
        page.get_by_role("button", name="Sign in").click()
    if "/accounts/login/" not in page.url:  # signed in, not refused
        sessions[username] = page.context.cookies()
        page.signed_in_as = username


def sign_out(page, *, button: bool = False) -> None:
    """Leave the session: with ``button``, through the Sign out button (which ends the session on
    the server, so the next ``sign_in`` as that person uses the form again); otherwise by
    forgetting the cookies, as a closed browser would, which keeps the session for ``sign_in``.
    Every module that signs out does so through the button at least once."""
    if button:
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        # Signed out (the anonymous page is in) before any later sign-in sets cookies again.
        page.get_by_role("button", name="Sign out").wait_for(state="detached")
        _sessions(page).pop(getattr(page, "signed_in_as", ""), None)
    else:
        page.context.clear_cookies()
    page.signed_in_as = ""


def draft_copy(page, edition: str) -> str:
    """A draft copy of Mali 2018 (made once, by the signed-in editor on the life-cycle page): the
    edition in force changes only through approved revisions, a draft is edited directly."""
    if page.goto(f"/missions/mali/strategy/{edition}/").status != 200:
        page.goto("/missions/mali/strategy/2018/life-cycle/")
        page.get_by_label("New edition (usually its year)").fill(edition)
        page.get_by_role("button", name="Copy").click()
        page.wait_for_load_state()
        page.get_by_text(f"Edition {edition} started as a draft copy of edition 2018.").wait_for()
    page.goto(f"/missions/mali/strategy/{edition}/")
    return edition


def off_track_list(page) -> str:
    return page.locator("section[aria-labelledby=off-h]").inner_text()


def test_report_approve_and_dashboard_changes(page):
    page.goto("/accounts/login/")
    shot(page, "01-sign-in")
    sign_in(page, "mali-reporter")
    # One mission: the reporter lands on the Mali dashboard.
    assert page.url.endswith("/missions/mali/")
    page.get_by_role("heading", name="Goals and objectives").wait_for()
    shot(page, "02-dashboard-reporter")
    assert "1.1-B" not in off_track_list(page)

    page.get_by_role("link", name="Results entry").first.click()
    page.get_by_label("Reporting period").select_option("FY2022")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    row = page.locator("article", has=page.get_by_role("heading", name="1.1-B"))
    row.get_by_label("Result").fill("9")
    row.get_by_label("Comment").fill("Provisional figure from the sample data set.")
    row.get_by_role("button", name="Submit 1.1-B for approval").click()
    page.locator("#" + row.get_attribute("id")).get_by_text("submitted for approval").wait_for()
    shot(page, "03-result-submitted")
    sign_out(page, button=True)

    sign_in(page, "mali-approver")
    page.get_by_role("link", name="Approvals").click()
    page.wait_for_load_state()
    shot(page, "04-approval-queue")
    item = page.locator("article", has=page.get_by_role("heading", name="1.1-B"))
    item.get_by_role("button", name="Approve 1.1-B FY2022").click()
    page.get_by_text("1.1-B FY2022 approved.").wait_for()
    shot(page, "05-approved")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_load_state()
    assert "1.1-B" in off_track_list(page)
    shot(page, "06-dashboard-after-approval")
    shutil.copy(SHOTS / "06-dashboard-after-approval.png", SHOTS / "dashboard.png")


def test_import_through_preview_then_edit_and_history(page):
    sign_in(page, "mali-editor")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Strategy document").set_input_files(str(REPO / "src" / "icsplan" / "demo" / "mali-2018.txt"))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Structure found").wait_for()
    assert "/import/" in page.url
    shot(page, "07-import-preview")
    page.get_by_label("Edition label").fill("2019")
    page.get_by_role("button", name="Create the edition").click()
    page.wait_for_load_state()
    assert page.url.endswith("/strategy/2019/")
    page.get_by_text("Edition 2019 of Mission Mali created").wait_for()
    shot(page, "08-imported-edition")

    page.get_by_role("link", name="Edit Mission Objective 1.1").click()
    page.wait_for_load_state()
    title = page.get_by_label("Title", exact=True)
    title.fill(title.input_value() + " — revised after the 2019 review")
    page.get_by_label("Reason for the change (optional)").fill("annual review")
    shot(page, "09-edit-objective")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    page.get_by_text("Mission Objective 1.1 saved.").wait_for()
    page.get_by_role("link", name="History of Mission Objective 1.1").click()
    page.wait_for_load_state()
    assert "revised after the 2019 review" in page.locator("ol.history tbody ins").first.inner_text()
    assert "mali-editor" in page.locator("ol.history").inner_text()
    shot(page, "10-history", full=True)


def test_editor_adds_an_indicator_with_a_target_and_sees_it_in_the_strategy(page):
    sign_in(page, "mali-editor")
    draft_copy(page, "2024")
    page.get_by_role("link", name="Add indicator to Mission Objective 1.2").click()
    page.wait_for_load_state()
    page.get_by_role("heading", name="Add an indicator").wait_for()
    code = page.get_by_label("Code", exact=True).input_value()
    assert code.startswith("1.2-")
    page.get_by_label("Name", exact=True).fill("Journalists completing the conflict-sensitive reporting course")
    page.get_by_label("Unit").fill("journalists")
    page.get_by_label("Responsible section").fill("PAS")
    page.get_by_role("textbox", name="Definition").fill("Journalists who finish all modules of the course in the fiscal year.")
    shot(page, "12-add-indicator", full=True)
    page.get_by_role("button", name="Create indicator").click()
    page.wait_for_load_state()
    page.get_by_text(f"Indicator {code} created").wait_for()
    page.get_by_label("Baseline value").fill("12")
    page.get_by_role("button", name="Save baseline").click()
    page.wait_for_load_state()
    page.get_by_text(f"Baseline of {code} saved.").wait_for()
    page.get_by_label("Target FY2020").fill("40")
    page.get_by_label("Target FY2021").fill("60")
    page.get_by_role("button", name="Save targets").click()
    page.wait_for_load_state()
    page.get_by_text(f"Targets of {code} saved").wait_for()
    shot(page, "13-indicator-targets", full=True)
    page.get_by_role("link", name="See it in the strategy").click()
    page.wait_for_load_state()
    card = page.locator("div.indicator", has=page.get_by_text(code, exact=True))
    card.wait_for()
    assert "Journalists completing" in card.inner_text()
    assert "FY2020" in card.inner_text() and "40" in card.inner_text() and "baseline 12" in card.inner_text()
    card.scroll_into_view_if_needed()
    chart = card.locator("img")
    chart.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    shot(page, "14-indicator-in-strategy")


def test_approver_locks_a_period_on_the_results_page(page):
    sign_in(page, "mali-approver")
    page.get_by_role("link", name="Results", exact=True).click()
    page.wait_for_load_state()
    # An editor imported edition 2019 above (a draft, no indicators yet): look at 2018's figures.
    page.goto("/missions/mali/results/?edition=2018&period=FY2021")
    page.get_by_role("heading", name="Indicators reporting for FY2021").wait_for()
    assert "1.1-B" in page.locator("section[aria-labelledby=overview-h]").inner_text()
    page.get_by_role("button", name="Lock FY2021").click()
    page.wait_for_load_state()
    page.get_by_text("FY2021 locked: its results can no longer change.").wait_for()
    shot(page, "15-results-period-locked", full=True)
    page.get_by_role("button", name="Reopen FY2021").click()
    page.wait_for_load_state()
    page.get_by_text("FY2021 reopened").wait_for()


def test_editor_adds_a_goal_and_deletes_it_after_confirming(page):
    sign_in(page, "mali-editor")
    draft_copy(page, "2024")
    page.get_by_role("link", name="Add mission goal").click()
    page.wait_for_load_state()
    number = page.get_by_role("textbox", name="Number").input_value()
    page.get_by_label("Title", exact=True).fill("Expand economic ties between Mali and the United States")
    page.get_by_role("button", name="Add mission goal").click()
    page.wait_for_load_state()
    page.get_by_text(f"Mission Goal {number} added.").wait_for()
    page.get_by_role("link", name=f"Edit Mission Goal {number}").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=f"Delete mission goal {number}").click()
    page.wait_for_load_state()
    shot(page, "16-delete-confirmation")
    page.get_by_role("button", name=f"Delete mission goal {number}").click()
    page.wait_for_load_state()
    page.get_by_text(f"Mission Goal {number} deleted.").wait_for()


def test_pages_work_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, base_url=server, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    sign_in(pg, "mali-reader")
    assert pg.url.endswith("/missions/mali/")
    pg.goto("/missions/mali/strategy/2018/")
    assert pg.get_by_role("heading", name="Chief of Mission Priorities").is_visible()
    shot(pg, "11-strategy-no-javascript")
    context.close()
