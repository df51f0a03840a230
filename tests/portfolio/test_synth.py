"""``icsplan synth``: deterministic for a seed, valid under the import's rules, written in bulk
without result history, and marked synthetic wherever it shows (small numbers here; the
200-mission run is bench/synth.py's)."""

from __future__ import annotations

import pytest
from django.test import Client
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.models import Mission
from icsplan.errors import InputError
from icsplan.indicators import models as im
from icsplan.portfolio import synth
from icsplan.strategies import models as sm

from tests.security.world import make_user

pytestmark = pytest.mark.django_db


def test_the_same_seed_writes_the_same_strategy_and_another_seed_another():
    first = synth.synthetic_document(7, 2).model_dump(mode="json")
    assert synth.synthetic_document(7, 2).model_dump(mode="json") == first
    other = synth.synthetic_document(8, 2).model_dump(mode="json")
    assert other["mission"]["country"] != first["mission"]["country"]
    assert other["goals"] != first["goals"]


def test_a_mission_has_the_department_scale_shape():
    document = synth.synthetic_document(0, 0)
    objectives = [o for g in document.goals for o in g.objectives]
    assert len(objectives) == 10
    indicators = [i for o in objectives for i in o.indicators + o.sub_objectives[0].indicators]
    assert len(indicators) == 50
    results = sum(len(i.results) for i in indicators)
    # 200 missions of this size are over a million result values.
    assert 200 * results > 1_000_000, results
    assert all(i.sample for i in indicators)
    assert {d.category for i in indicators for d in i.disaggregations} == {"Sex", "Age", "Location"}


def test_synth_writes_valid_marked_missions_without_result_history():
    summary = synth.synthesize(3, seed=5, actor=SYSTEM)
    assert summary.missions == 3 and summary.objectives == 30 and summary.indicators == 156
    missions = list(Mission.objects.filter(synthetic=True).select_related("bureau"))
    assert len(missions) == 3
    for mission in missions:
        assert mission.country.startswith("Synthetic ") and mission.bureau is not None and mission.region
        edition = mission.strategies.get()
        assert edition.status == sm.StrategyStatus.APPROVED
        assert edition.classification == synth.CLASSIFICATION
    strategies = sm.Strategy.objects.filter(mission__synthetic=True)
    assert im.Result.objects.filter(strategy__in=strategies).count() == summary.results
    assert im.Target.objects.filter(strategy__in=strategies).count() == summary.targets
    assert not im.Indicator.objects.filter(strategy__in=strategies, sample=False).exists()
    # Bulk, without history rows for the figures.
    assert not im.Result.history.filter(strategy_id__in=strategies.values("pk")).exists()
    # Breakdowns add up to their totals (the import's rule, checked here on the stored rows).
    totals = {}
    for row in im.Result.objects.filter(strategy__in=strategies, indicator__value_type="number").values(
            "indicator_id", "period", "category", "number"):
        key = (row["indicator_id"], row["period"], row["category"])
        totals[key] = totals.get(key, 0) + row["number"]
    for (indicator, period, category), value in totals.items():
        if category:
            assert value == totals[(indicator, period, "")]
    with pytest.raises(InputError) as refused:
        synth.synthesize(1, seed=5, actor=SYSTEM)
    assert refused.value.code == "synthetic-exists"


def test_synthetic_missions_say_so_on_their_pages_and_in_exports():
    synth.synthesize(1, seed=9, actor=SYSTEM)
    mission = Mission.objects.get(synthetic=True)
    client = Client(REMOTE_ADDR="10.9.9.7")
    client.force_login(make_user("synth-admin", "admin"))
    page = client.get(f"/missions/{mission.slug}/")
    assert page.status_code == 200
    assert b'id="synthetic-banner"' in page.content and b"Synthetic data." in page.content
    board = client.get(f"/bureaus/{mission.bureau.code}/")
    assert board.status_code == 200 and b"synthetic data" in board.content
    from icsplan.publishing import get_renderer
    from icsplan.strategies import services

    document = services.load_strategy(mission.strategies.get())
    assert synth.CLASSIFICATION in get_renderer("md").render(document).decode()
    public = get_renderer("md").render(document, public=True).decode()
    assert "SYNTHETIC DATA, NOT OFFICIAL" in public and "(synthetic data)" in public


def test_the_synth_command_reports_what_it_wrote():
    from icsplan.cli import app

    result = CliRunner().invoke(app, ["synth", "--missions", "2", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 synthetic missions: 20 objectives, 104 indicators" in result.output
    assert Mission.objects.filter(synthetic=True).count() == 2
    again = CliRunner().invoke(app, ["synth", "--missions", "2", "--seed", "3"])
    assert again.exit_code == 2 and "use another --seed" in again.output


def test_the_dashboard_reads_fewer_rows_and_computes_the_same_statuses():
    """``statuses_only`` (the bureau dashboard's read) against every row, on a synthetic mission
    where one period has only its breakdowns (the sum is its actual)."""
    from icsplan.indicators.progress import indicator_rows_of, progress_of

    synth.synthesize(1, seed=11, actor=SYSTEM)
    strategy = sm.Strategy.objects.get(mission__synthetic=True)
    number = im.Indicator.objects.filter(strategy=strategy, value_type="number").order_by("pk").first()
    im.Result.objects.filter(indicator=number, period__startswith="FY2024", category="").delete()

    def statuses(**options):
        rows = list(indicator_rows_of([strategy.pk], **options))
        progress = progress_of(strategy, rows, goals=list(strategy.goals.order_by("position")),
                               objectives=list(strategy.objectives.order_by("position")),
                               sub_objectives=list(strategy.sub_objectives.all()),
                               management_objectives=list(strategy.management_objectives.order_by("position")))
        read = sum(len(i.results.all()) + len(i.targets.all()) for i in rows)
        return ([(g.statuses, g.scores) for g in progress.goals], [o.statuses for o in progress.objectives],
                [(i.series.actuals, i.series.targets) for i in progress.indicators]), read

    full, full_rows = statuses()
    lean, lean_rows = statuses(statuses_only=True)
    assert lean == full
    assert lean_rows * 4 < full_rows
