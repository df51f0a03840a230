"""Fixtures of the publishing tests: strategies built by hand, no parser or database needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from factory import build_strategy  # noqa: E402

MALI = Path(__file__).resolve().parents[2] / "src" / "icsplan" / "demo" / "mali-2018.txt"


@pytest.fixture(scope="session")
def mali():
    """The in-repo Mali ICS read by the text parser."""
    from icsplan.ingest import parse_text

    return parse_text(MALI.read_text(encoding="utf-8"), source=MALI.name).strategy


@pytest.fixture
def strategy():
    """A Mali-like strategy with SBU narratives, risks, indicators and results."""
    return build_strategy()


@pytest.fixture
def public_strategy():
    """The same strategy with nothing marked SBU."""
    return build_strategy(sbu=False)
