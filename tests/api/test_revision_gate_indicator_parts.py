"""The API face of the gate on an indicator's baseline and breakdowns: on the edition in force a
direct PUT/POST answers 409 revision-required and writes nothing; the same change proposed through
/revisions and approved by another approver is applied."""

from __future__ import annotations

from icsplan.indicators import models as im


def test_baseline_and_breakdown_writes_answer_revision_required_and_revisions_carry_them(world, api_as):
    editor, approver = api_as("editor"), api_as("approver")
    indicator = im.Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    tag = editor.get(f"indicators/{indicator.pk}")["ETag"]
    for refused in (
        editor.put(f"indicators/{indicator.pk}/baseline", {"value": "4", "date": "2021-09-30"},
                   headers={"If-Match": tag}),
        editor.post(f"indicators/{indicator.pk}/disaggregations", {"category": "sex", "values": ["female", "male"]},
                    headers={"If-Match": tag}),
    ):
        assert refused.status_code == 409, refused.content
        assert refused.json()["errors"][0]["code"] == "revision-required"
    assert not im.Baseline.objects.filter(indicator=indicator).exists()
    assert not indicator.disaggregations.exists()

    for body, check in (
        ({"kind": "baseline", "changes": {"value": "4", "date": "2021-09-30"}},
         lambda: im.Baseline.objects.filter(indicator=indicator, value="4").exists()),
        ({"kind": "disaggregation", "changes": {"category": "sex", "values": ["female", "male"]}},
         lambda: indicator.disaggregations.filter(category="sex").exists()),
        ({"kind": "disaggregation", "operation": "delete", "changes": {"category": "sex"},
          "expected_version": 1},
         lambda: not indicator.disaggregations.exists()),
    ):
        proposed = editor.post("revisions", {"operation": "update", "parent_kind": "indicator",
                                             "parent_id": indicator.pk, "expected_version": 0,
                                             "reason": "After the baseline survey", **body})
        assert proposed.status_code == 201, proposed.content
        assert not check()  # nothing changes before the approval
        done = approver.post(f"revisions/{proposed.json()['id']}/approve", {"reason": "Agreed"},
                             headers={"If-Match": proposed["ETag"]})
        assert done.status_code == 200, done.content
        assert check()
