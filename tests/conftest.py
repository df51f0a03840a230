"""Shared fixtures for the whole suite."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.shared_rows import built_once, fresh_copy

REPO = Path(__file__).resolve().parent.parent
MALI_TEXT = REPO / "src" / "icsplan" / "demo" / "mali-2018.txt"
MALI_TRUTH = Path(__file__).resolve().parent / "mali-2018.truth.json"
# The IATI 2.03 activity schema, shipped with the tests so a plain clone validates the IATI export.
IATI_SCHEMA = Path(__file__).resolve().parent / "data" / "iati-2.03" / "iati-activities-schema.xsd"


def pytest_configure(config):
    """Cheap Argon2 for the tests' own process.

    Production hashes with Argon2 at Django's cost (100 MiB, several passes: about 0.1 s a password
    on these cores) and the settings still name Argon2 first (tests/security/test_settings.py). The
    fixtures create hundreds of accounts with passwords, so in-process tests keep the same algorithm
    and code path at the smallest cost argon2 accepts. Servers the tests start in a subprocess
    (browser, server tests) keep the real cost.
    """
    from django.contrib.auth.hashers import Argon2PasswordHasher

    Argon2PasswordHasher.time_cost = 1
    Argon2PasswordHasher.memory_cost = 8  # KiB; argon2's minimum is 8 x parallelism
    Argon2PasswordHasher.parallelism = 1
    # pytest-xdist's --dist loadfile sends the modules with the most tests first unless told to keep
    # the collection order, which puts the slowest modules first (``SLOW_MODULES`` below).
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    if not hasattr(config, "workerinput"):  # the controlling process; xdist's workers inherit the name
        from tests.served_demo import start_run

        start_run()


def pytest_sessionfinish(session):
    """Drop the run's demo template and its folder (tests/served_demo.py; controlling process only)."""
    if not hasattr(session.config, "workerinput"):
        from tests.served_demo import finish_run

        finish_run()


@pytest.fixture(scope="session")
def mali_text() -> str:
    return MALI_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def mali_truth() -> dict:
    return json.loads(MALI_TRUTH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mali_parsed():
    """The Mali strategy parsed once per test process; tests take copies (``mali_document``).

    Parsing runs in a sandboxed child process (ingest/pipeline.py), so parsing once instead of once
    per test saves a process start and a parse for every test that imports Mali.
    """
    from icsplan.ingest import parse_file

    return parse_file(MALI_TEXT).strategy


@pytest.fixture()
def mali_document(mali_parsed):
    """The Mali strategy parsed from the in-repo demo text (a fresh deep copy per test)."""
    return mali_parsed.model_copy(deep=True)


@pytest.fixture(scope="session")
def iati_schema():
    """The IATI 2.03 activity schema (lxml), read from the copy in tests/data."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(IATI_SCHEMA)))


@pytest.fixture(scope="module")
def world_built(django_db_setup, django_db_blocker):
    """The access-control world (tests/security/world.py), built once per test module."""
    from tests.security.world import build_world

    with built_once(django_db_blocker, build_world) as built:
        yield built


@pytest.fixture()
def world(request, world_built, db):
    """The access-control world: two missions, three editions, one user per persona.

    Built once per module and rolled back after each test (see ``built_once``)."""
    return fresh_copy(request, world_built)


# The suite runs twice (SQLite, then PostgreSQL). A test that never reaches a database gives the same
# answer on both passes, so the PostgreSQL pass selects only the tests marked ``database`` here
# (``pytest -m database``); the others run once, in the SQLite pass. They are deselected, never
# skipped, so the CI rule below (a skip is a failure) still holds.
# A test reaches the database through pytest-django (the marker or one of its database fixtures), or
# by serving the app against ``DATABASE_URL`` itself (the browser tests). The ``server`` tests start
# their own PostgreSQL database whatever the pass, so one run of them is enough.
_DATABASE_FIXTURES = frozenset({
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server",
    "_django_db_helper",
})
_DATABASE_MARKERS = ("django_db", "browser")


def touches_database(item: pytest.Item) -> bool:
    """Whether ``item`` can reach the database of the pass it runs in."""
    if any(item.get_closest_marker(name) for name in _DATABASE_MARKERS):
        return True
    if _DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import SimpleTestCase

        # Django's own test classes declare their databases (pytest-django reads the same attribute).
        return issubclass(cls, SimpleTestCase) and bool(cls.databases)
    return False


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in fixtures or "live_server" in fixtures


#: The modules that take longest (seconds on two busy cores, measured with ``--durations`` on the
#: SQLite pass; approximate, only their order matters). pytest-xdist's ``--dist loadfile`` hands
#: out whole modules in the order they are collected, and the suite's slowest modules (security
#: walks, served apps, browsers) sit at the end of the alphabet: one worker then ran a long module
#: alone while the other had finished. Starting the longest first (and filling in with the short
#: ones) lets the two workers finish together. A module missing here simply keeps its place.
SLOW_MODULES = {
    "tests/security/test_canary_unapproved.py": 175,
    "tests/security/test_matrix.py": 125,
    # The served apps after the demo template (tests/served_demo.py): measured on 1 December 2026
    # with --durations on a machine at a load of about 17 on two cores, divided by 5 to sit beside
    # the figures above (measured on a quieter machine).
    "tests/web/test_browser_day.py": 138,
    "tests/web/test_browser_lifecycle.py": 104,
    "tests/web/test_browser_analyst.py": 69,
    "tests/api/test_contract.py": 67,
    "tests/security/test_server_hostile.py": 59,
    "tests/web/test_browser.py": 54,
    "tests/web/test_browser_review.py": 36,
    "tests/cli/test_cli.py": 35,
    "tests/cli/test_export_formats.py": 30,
    "tests/security/test_reader_limits.py": 28,
    "tests/security/test_server_throttle.py": 22,
    "tests/security/test_server_concurrency.py": 20,
}


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The slowest modules first (``SLOW_MODULES``), and within each test module the tests that use
    rows built once per module (``*_built``) last.

    Such rows stay in the database from the first test that asks for them to the end of the module
    (tests/shared_rows.py), so the module's other tests run before, on a database without them.
    ``trylast``: runs after pytest-django's ordering (and pytest-randomly's shuffle of the modules,
    which the other modules keep) and keeps its rule that transactional tests (which commit, then
    empty the tables) run after all the others.
    """
    first_seen: dict[str, int] = {}
    for item in items:
        first_seen.setdefault(_module(item), len(first_seen))
    items.sort(key=lambda item: (_transactional(item), -SLOW_MODULES.get(_module(item), 0),
                                 first_seen[_module(item)],
                                 any(name.endswith("_built") for name in getattr(item, "fixturenames", ()))))


def pytest_itemcollected(item):
    """Mark the tests that reach a database; ``-m database`` (the PostgreSQL pass) then selects them.

    Marked as each test is collected, so the marks exist before pytest applies ``-m``.
    """
    if touches_database(item):
        item.add_marker(pytest.mark.database)


# Skips that stay skips under CI: a test written for the other database of the two suites (the
# suite runs once on SQLite and once on PostgreSQL, so it runs in the other one).
_CI_ALLOWED_SKIPS = ("needs PostgreSQL",)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skip means a missing dependency (Chromium, PostgreSQL, a schema): fail instead.

    On a developer's laptop a missing piece is a skip with its reason; CI must prove every part.
    """
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("CI") or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
    if any(allowed in reason for allowed in _CI_ALLOWED_SKIPS):
        return
    report.outcome = "failed"
    report.longrepr = f"CI is set, so a skip is a failure: {reason}"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background exports (``icsplan.jobs``) are made at once in every test, on SQLite and on
    PostgreSQL alike, so that a test asking for a PDF finds it ready; the tests of the database
    backend and its worker switch to it themselves."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
