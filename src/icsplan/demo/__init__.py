"""The built-in demo data set: the public Mali ICS (2018), a U.S. government document.

Monitoring data added to it is sample data, labelled as such wherever it appears.
"""

from __future__ import annotations

from pathlib import Path

MALI_TEXT = Path(__file__).resolve().parent / "mali-2018.txt"



def demo_stages() -> list:
    """The stages run on the loaded strategy row, in order: fn(strategy_row). The demo sits above
    every app, so it names their stages itself (the apps do not register with it): the demo people
    (accounts), then the sample indicators and results (indicators)."""
    from icsplan.accounts.demo import create_demo_users
    from icsplan.indicators.demo import demo_stage

    return [create_demo_users, demo_stage]


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
    for stage in demo_stages():
        stage(row)
    return row
