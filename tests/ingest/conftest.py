"""Shared paths for the ingest tests (in-repo copies only, never ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MALI = REPO / "src" / "icsplan" / "demo" / "mali-2018.txt"
MALI_TRUTH = REPO / "tests" / "mali-2018.truth.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def mali_truth() -> dict:
    return json.loads(MALI_TRUTH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mali():
    from icsplan.ingest import parse_file

    return parse_file(MALI)


@pytest.fixture(scope="session")
def mali_path() -> Path:
    return MALI


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
