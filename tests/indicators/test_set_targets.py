"""``set_targets``: several periods of one indicator in one transaction, all or nothing."""

from __future__ import annotations

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import ConflictError, ValidationError
from icsplan.indicators import models as m
from icsplan.indicators import services as svc

pytestmark = pytest.mark.django_db


def targets(indicator) -> dict[str, str]:
    return dict(m.Target.objects.filter(indicator=indicator, category="").values_list("period", "value"))


def test_sets_changes_and_removes_in_one_call(trainees):
    before = {t.period: t.version for t in m.Target.objects.filter(indicator=trainees)}
    written = svc.set_targets(trainees, {"FY2022": "120", "FY2023": "", "FY2025": "300"},
                              expected_versions={"FY2022": before["FY2022"], "FY2023": before["FY2023"]}, actor=SYSTEM)
    assert {t.period for t in written} == {"FY2022", "FY2025"}
    assert targets(trainees) == {"FY2022": "120", "FY2024": "100", "FY2025": "300"}
    assert m.Target.objects.get(indicator=trainees, period="FY2022").version == before["FY2022"] + 1
    # History keeps the removed target.
    assert m.Target.history.filter(indicator_id=trainees.pk, period="FY2023", history_type="-").exists()


def test_one_bad_row_writes_nothing_and_names_every_bad_period(trainees):
    before = targets(trainees)
    with pytest.raises(ValidationError) as caught:
        svc.set_targets(trainees, {"FY2022": "150", "FY2023": "lots", "FY2040": "5"}, expected_versions={},
                        actor=SYSTEM)
    fields = {p.where.field for p in caught.value.problems}
    assert fields == {"FY2023", "FY2040"}
    assert targets(trainees) == before


def test_stale_version_is_a_conflict_and_nothing_changes(trainees):
    before = targets(trainees)
    target = m.Target.objects.get(indicator=trainees, period="FY2022")
    with pytest.raises(ConflictError):
        svc.set_targets(trainees, {"FY2024": "999", "FY2022": "1"},
                        expected_versions={"FY2022": target.version - 1}, actor=SYSTEM)
    assert targets(trainees) == before


def test_breakdown_sums_are_checked(trainees):
    svc.set_target(trainees, "FY2022", "60", category="sex", category_value="female", expected_version=0, actor=SYSTEM)
    svc.set_target(trainees, "FY2022", "40", category="sex", category_value="male", expected_version=0, actor=SYSTEM)
    with pytest.raises(ValidationError) as caught:
        svc.set_targets(trainees, {"FY2022": "90"}, expected_versions={"FY2022": 1}, actor=SYSTEM)
    assert caught.value.problems[0].where.field == "FY2022"
    assert targets(trainees)["FY2022"] == "100"


def test_editors_only(trainees, strategy):
    from .test_services import user_with

    reader = user_with("reader", strategy.mission)
    with pytest.raises(Exception) as caught:
        svc.set_targets(trainees, {"FY2022": "1"}, expected_versions={"FY2022": 1}, actor=reader)
    assert type(caught.value).__name__ in ("PermissionDenied", "NotFoundError")
    editor = user_with("editor", strategy.mission, name="ed")
    svc.set_targets(trainees, {"FY2022": "1"}, expected_versions={"FY2022": 1}, actor=editor)
    assert targets(trainees)["FY2022"] == "1"


def test_remove_disaggregation_refused_while_used(trainees):
    breakdown = m.Disaggregation.objects.get(indicator=trainees, category="sex")
    svc.set_target(trainees, "FY2022", "60", category="sex", category_value="female", expected_version=0, actor=SYSTEM)
    with pytest.raises(ValidationError):
        svc.remove_disaggregation(breakdown, expected_version=breakdown.version, actor=SYSTEM)
    m.Target.objects.filter(indicator=trainees, category="sex").delete()
    with pytest.raises(ConflictError):
        svc.remove_disaggregation(breakdown, expected_version=breakdown.version + 1, actor=SYSTEM)
    svc.remove_disaggregation(breakdown, expected_version=breakdown.version, actor=SYSTEM)
    assert not m.Disaggregation.objects.filter(indicator=trainees).exists()
