"""Fixtures of the document import tests; the strategy factory is shared with tests/publishing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_FACTORY = Path(__file__).resolve().parents[1] / "publishing" / "factory.py"
_spec = importlib.util.spec_from_file_location("icsplan_test_factory", _FACTORY)
factory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(factory)

MALI = Path(__file__).resolve().parents[2] / "src" / "icsplan" / "demo" / "mali-2018.txt"


@pytest.fixture(scope="session")
def build_strategy():
    """The factory function itself, for module-scoped fixtures."""
    return factory.build_strategy


@pytest.fixture
def strategy():
    return factory.build_strategy()


@pytest.fixture
def public_strategy():
    return factory.build_strategy(sbu=False)


@pytest.fixture(scope="session")
def parse_text():
    """The text parser."""
    from icsplan.ingest import parse_text

    return parse_text


@pytest.fixture(scope="session")
def mali(parse_text):
    return parse_text(MALI.read_text(encoding="utf-8"), source=MALI.name).strategy
