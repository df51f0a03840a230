"""Shared fixtures for the whole suite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MALI_TEXT = REPO / "src" / "icsplan" / "demo" / "mali-2018.txt"
MALI_TRUTH = Path(__file__).resolve().parent / "mali-2018.truth.json"


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
