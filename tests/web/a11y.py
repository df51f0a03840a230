"""Accessibility check for the browser tests: axe-core (vendored, test-only) against WCAG 2.1 A/AA.

``audit(page)`` injects ``vendor/axe.min.js`` into the page as it is now and returns one readable line
per violation (rule id, impact, target selectors, page URL). ``watch(page, found)`` makes every
``page.goto`` of a test audit the page it lands on, so the check covers each page a test visits
without every test having to call it; ``shot()`` helpers call ``audit`` too, which covers pages
reached by clicking or submitting a form.

A page state is audited once: the same page (URL, viewport and markup, once the per-request CSRF
token is set aside) gives the same violations, so ``audit`` remembers them by that state and
answers the next look at it (the sign-in page of every sign-in, a screenshot taken right after a
``goto``) from memory; any change to the markup is a new state and is audited afresh.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the issue (and the U.S. Section 508 refresh) asks for.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# resultTypes: only the violations are read, so axe keeps one example of each rule that passed or did
# not apply instead of every node (less work per page; the violations still list every node).
_RUN = "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}," \
       " resultTypes: ['violations']});" \
       " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help," \
       " targets: v.nodes.map(n => n.target.join(' '))})); }"
# The CSRF token differs on every answer (a masked secret), in each form and in htmx's headers.
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
_audited: dict[tuple[str, str, str], list[str]] = {}  # page state -> its violations (this process)


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _state(page: Any) -> tuple[str, str, str]:
    """What axe's answer depends on: the URL, the viewport and the markup as it is now."""
    markup = _CSRF.sub(r"\1", page.evaluate("document.documentElement.outerHTML"))
    return page.url, repr(page.viewport_size), hashlib.sha256(markup.encode()).hexdigest()


def audit(page: Any) -> list[str]:
    """The WCAG 2.1 A/AA violations on ``page`` as it is now, one readable line each."""
    if page.url.startswith(("about:", "data:")):
        return []
    # A download or a non-HTML answer (JSON, an image) has no document worth checking.
    if not page.evaluate("document.contentType === 'text/html' && !!document.body"):
        return []
    state = _state(page)
    if state not in _audited:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # add_script_tag inserts an inline <script>; the app's CSP refuses inline scripts, so the
            # source goes in through evaluate, which the CSP does not govern (it is the debugger's).
            page.evaluate(_axe_source())
        found = page.evaluate(_RUN, TAGS)
        url = page.url
        _audited[state] = [f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'][:6])}"
                           f"{' …' if len(v['targets']) > 6 else ''} — on {url}" for v in found]
    return list(_audited[state])


def watch(page: Any, found: list[str]) -> None:
    """Audit every page ``page.goto`` lands on, adding the violations to ``found`` (checked at the end)."""
    goto = page.goto

    def checked_goto(url: str, *args: Any, **kwargs: Any) -> Any:
        response = goto(url, *args, **kwargs)
        page.wait_for_load_state()
        record(page, found)
        return response

    page.goto_unaudited = goto  # for moves that stand for a click (tests/web/test_browser.sign_in)
    page.goto = checked_goto


def record(page: Any, found: list[str]) -> None:
    """Add the violations of ``page`` to ``found``, once per distinct line."""
    for line in audit(page):
        if line not in found:
            found.append(line)


def report(found: list[str]) -> str:
    """The violations as a message for a failed assertion."""
    return f"{len(found)} WCAG 2.1 A/AA violation(s) (axe-core):\n" + "\n".join(f"  - {v}" for v in found)
