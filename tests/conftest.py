"""Shared fixtures for the whole suite."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MALI_TEXT = REPO / "src" / "icsplan" / "demo" / "mali-2018.txt"
MALI_TRUTH = Path(__file__).resolve().parent / "mali-2018.truth.json"
# The IATI 2.03 activity schema, shipped with the tests so a plain clone validates the IATI export.
IATI_SCHEMA = Path(__file__).resolve().parent / "data" / "iati-2.03" / "iati-activities-schema.xsd"


@pytest.fixture(scope="session")
def mali_text() -> str:
    return MALI_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def mali_truth() -> dict:
    return json.loads(MALI_TRUTH.read_text(encoding="utf-8"))


@pytest.fixture()
def mali_document():
    """The Mali strategy parsed from the in-repo demo text (a fresh copy per test)."""
    from icsplan.ingest import parse_file

    return parse_file(MALI_TEXT).strategy


@pytest.fixture(scope="session")
def iati_schema():
    """The IATI 2.03 activity schema (lxml), read from the copy in tests/data."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(IATI_SCHEMA)))


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
