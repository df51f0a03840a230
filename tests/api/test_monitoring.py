"""Baselines, breakdowns (disaggregations) and period locks through the API."""

from __future__ import annotations

from icsplan.accounts.actors import SYSTEM
from icsplan.indicators.models import Indicator

from .conftest import Api


def _indicator(world, code="1.1-P"):
    return Indicator.objects.get(strategy=world.strategy, code=code)


def _draft_indicator(world, code="1.1-P"):
    """An indicator of the draft edition: its baseline and breakdowns are written directly (on the
    edition in force they change through revisions: tests/api/test_revision_gate_indicator_parts.py)."""
    return Indicator.objects.get(strategy=world.draft, code=code)


def test_baseline_read_and_set_with_the_indicator_etag(world, api_as):
    indicator = _draft_indicator(world)
    editor = api_as("editor")
    url = f"indicators/{indicator.pk}/baseline"
    missing = editor.get(url)
    assert missing.status_code == 404 and missing.json()["code"] == "not-found"
    tag = editor.get(f"indicators/{indicator.pk}")["ETag"]
    body = {"value": "12", "date": "2022-09-30", "note": "Field survey."}
    assert editor.put(url, body).status_code == 428
    created = editor.put(url, body, headers={"If-Match": tag})
    assert created.status_code == 201, created.content
    assert created.json() | {"updated_at": None} == {"indicator_id": indicator.pk, "value": "12", "date": "2022-09-30",
                                                     "note": "Field survey.", "version": 1, "updated_at": None}
    # The baseline is part of the indicator: the indicator's old ETag is stale, reads get the new one.
    new_tag = created["ETag"]
    assert new_tag != tag
    assert editor.get(f"indicators/{indicator.pk}")["ETag"] == new_tag == editor.get(url)["ETag"]
    assert editor.get(f"indicators/{indicator.pk}", headers={"If-None-Match": tag}).status_code == 200
    assert editor.get(f"indicators/{indicator.pk}").json()["baseline"]["value"] == "12"
    stale = editor.put(url, {"value": "13"}, headers={"If-Match": tag})
    assert stale.status_code == 412 and stale.json()["code"] == "precondition-failed"
    replaced = editor.put(url, {"value": "13"}, headers={"If-Match": new_tag})
    assert replaced.status_code == 200 and replaced.json()["value"] == "13" and replaced.json()["version"] == 2
    # A PATCH of the indicator must now use the newest tag too.
    assert editor.patch(f"indicators/{indicator.pk}", {"unit": "people"}, headers={"If-Match": new_tag}).status_code == 412
    # With it the precondition holds (and the draft is written directly).
    current = editor.patch(f"indicators/{indicator.pk}", {"unit": "people"}, headers={"If-Match": replaced["ETag"]})
    assert current.status_code == 200, current.content


def test_baseline_validation_and_permissions(world, api_as):
    indicator = _indicator(world)
    url = f"indicators/{indicator.pk}/baseline"
    tag = Api().get(f"indicators/{indicator.pk}")["ETag"]
    bad = api_as("editor").put(url, {"value": "many"}, headers={"If-Match": tag})
    assert bad.status_code == 422 and bad.json()["field"] == "baseline"
    assert Api().put(url, {"value": "1"}, headers={"If-Match": tag}).status_code == 401
    assert api_as("editor", scope="read").put(url, {"value": "1"}, headers={"If-Match": tag}).status_code == 403
    for persona in ("viewer", "reporter", "approver"):
        assert api_as(persona).put(url, {"value": "1"}, headers={"If-Match": tag}).status_code == 403
    assert api_as("other_member").put(url, {"value": "1"}, headers={"If-Match": tag}).status_code == 403
    # An SBU indicator does not exist for those who may not read it.
    sbu = _indicator(world, "1.1-S")
    assert Api().get(f"indicators/{sbu.pk}/baseline").status_code == 404
    assert Api().get(f"indicators/{sbu.pk}/disaggregations").status_code == 404


def test_define_and_redefine_a_breakdown(world, api_as):
    indicator = _draft_indicator(world)
    editor = api_as("editor")
    url = f"indicators/{indicator.pk}/disaggregations"
    listed = editor.get(url)
    assert listed.status_code == 200 and listed.json() == []
    tag = editor.get(url)["ETag"]
    assert editor.post(url, {"category": "sex", "values": ["female", "male"]}).status_code == 428
    created = editor.post(url, {"category": "sex", "values": ["female", "male"]}, headers={"If-Match": tag})
    assert created.status_code == 201, created.content
    assert created.json()["values"] == ["female", "male"] and created.json()["exhaustive"] is True
    again = editor.post(url, {"category": "sex", "values": ["female", "male", "other"], "exhaustive": False},
                        headers={"If-Match": created["ETag"]})
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert again.json()["version"] == 2 and again.json()["exhaustive"] is False
    assert editor.post(url, {"category": "age", "values": ["0-14"]}, headers={"If-Match": created["ETag"]}).status_code == 412
    repeated = editor.post(url, {"category": "age", "values": ["0-14", "0-14"]}, headers={"If-Match": again["ETag"]})
    assert repeated.status_code == 422 and repeated.json()["field"] == "values"
    empty = editor.post(url, {"category": "age", "values": []}, headers={"If-Match": again["ETag"]})
    assert empty.status_code == 422 and empty.json()["field"] == "values"
    assert [d["category"] for d in editor.get(url).json()] == ["sex"]
    assert editor.get(f"indicators/{indicator.pk}").json()["disaggregations"][0]["values"] == ["female", "male", "other"]
    assert api_as("reporter").post(url, {"category": "age", "values": ["0-14"]},  # a draft is hidden from reporters
                                   headers={"If-Match": again["ETag"]}).status_code == 404


def test_lock_and_unlock_a_period(world, api_as):
    indicator = _indicator(world)
    approver, editor, reporter = api_as("approver"), api_as("editor"), api_as("reporter")
    body = {"strategy": world.strategy.pk, "period": "FY2025", "reason": "Annual review closed."}
    assert Api().post("period-locks", body).status_code == 401
    assert editor.post("period-locks", body).status_code == 403
    assert api_as("other_member").post("period-locks", body).status_code == 403
    locked = approver.post("period-locks", body)
    assert locked.status_code == 201, locked.content
    lock = locked.json()
    assert lock["period"] == "FY2025" and lock["reason"] == "Annual review closed." and lock["locked_by"] == "t-approver"
    again = approver.post("period-locks", body)
    assert again.status_code == 200 and again.json()["id"] == lock["id"]
    # Results of the locked year (and of its quarters) are refused.
    refused = reporter.post("results", {"indicator": indicator.pk, "period": "FY2025", "value": "3"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "locked"
    periods = Api().get("periods", strategy=world.strategy.pk, frequency="quarterly").json()
    assert {p["id"]: p["locked"] for p in periods}["FY2025Q2"] is True
    # Everyone who sees the edition sees the lock; only its members see why and by whom.
    public = Api().get("period-locks", strategy=world.strategy.pk).json()
    assert public["count"] == 1 and public["items"][0]["reason"] is None and public["items"][0]["locked_by"] is None
    assert api_as("reader").get(f"period-locks/{lock['id']}").json()["reason"] == "Annual review closed."
    # Unlocking: approvers only, with the lock's ETag.
    url = f"period-locks/{lock['id']}"
    tag = approver.get(url)["ETag"]
    assert editor.delete(url, headers={"If-Match": tag}).status_code == 403
    assert approver.delete(url).status_code == 428
    assert approver.delete(url, headers={"If-Match": '"periodlock-1-t1.f"'}).status_code == 412
    done = approver.delete(url, headers={"If-Match": tag})
    assert done.status_code == 200 and done.json() == {"deleted": True, "id": lock["id"]}
    assert Api().get("period-locks", strategy=world.strategy.pk).json()["count"] == 0
    assert reporter.post("results", {"indicator": indicator.pk, "period": "FY2025", "value": "3"}).status_code == 201


def test_period_locks_of_a_draft_are_for_members(world, api_as):
    from icsplan.indicators import services

    services.lock_period(world.draft, "FY2027", actor=SYSTEM)
    assert Api().get("period-locks", strategy=world.draft.pk).json()["count"] == 0
    # A draft is for the mission's editors and approvers, not its readers.
    assert api_as("reader").get("period-locks", strategy=world.draft.pk).json()["count"] == 0
    assert api_as("editor").get("period-locks", strategy=world.draft.pk).json()["count"] == 1
    bad = api_as("approver").post("period-locks", {"strategy": world.strategy.pk, "period": "2025"})
    assert bad.status_code == 422 and bad.json()["field"] == "period"
