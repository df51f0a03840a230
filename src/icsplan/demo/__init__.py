"""The built-in demo data set: the public Mali ICS (2018), a U.S. government document.

Monitoring data added to it is sample data, labelled as such wherever it appears.
"""

from __future__ import annotations

from pathlib import Path

MALI_TEXT = Path(__file__).resolve().parent / "mali-2018.txt"

# Later stages (sample indicators, demo users...) register here: fn(strategy_row).
DEMO_STAGES: list = []


def build_demo():
    """Load the Mali strategy as edition 2018 of Mission Mali (Embassy Bamako, AF)."""
    from icsplan.ingest import parse_file
    from icsplan.accounts.actors import SYSTEM
    from icsplan.strategies import services

    document = parse_file(MALI_TEXT).strategy
    document.mission.post = document.mission.post or "Embassy Bamako"
    document.mission.bureau = document.mission.bureau or "AF"
    row = services.import_strategy(
        document, edition="2018", source_name=MALI_TEXT.name, status="approved", actor=SYSTEM
    )
    for stage in DEMO_STAGES:
        stage(row)
    return row
