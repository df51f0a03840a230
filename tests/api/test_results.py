"""The results workflow through the API: submit, approve, return, resubmit."""

from __future__ import annotations

from icsplan.indicators.models import Indicator


def _indicator(world):
    return Indicator.objects.get(strategy=world.strategy, code="1.1-P")


def test_submit_approve_return(world, api_as):
    indicator = _indicator(world)
    reporter, approver = api_as("reporter"), api_as("approver")
    submitted = reporter.post("results", {"indicator": indicator.pk, "period": "FY2025", "value": "12",
                                          "comment": "From the field office."})
    assert submitted.status_code == 201, submitted.content
    result = submitted.json()
    assert result["status"] == "submitted" and result["period"] == "FY2025"
    url = f"results/{result['id']}"
    # A reporter cannot approve; an approver needs the current ETag.
    assert reporter.post(f"{url}/approve", headers={"If-Match": submitted["ETag"]}).status_code == 403
    assert approver.post(f"{url}/approve").status_code == 428
    approved = approver.post(f"{url}/approve", headers={"If-Match": submitted["ETag"]})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    # Changing it sends it back through clearance; the old ETag is stale.
    stale = reporter.post("results", {"indicator": indicator.pk, "period": "FY2025", "value": "13"},
                          headers={"If-Match": submitted["ETag"]})
    assert stale.status_code == 412
    # Changing an approved figure needs a reason.
    unexplained = reporter.post("results", {"indicator": indicator.pk, "period": "FY2025", "value": "13"},
                                headers={"If-Match": approved["ETag"]})
    assert unexplained.status_code == 422 and unexplained.json()["field"] == "reason"
    resubmitted = reporter.post("results", {"indicator": indicator.pk, "period": "FY2025", "value": "13",
                                            "reason": "Corrected field count."},
                                headers={"If-Match": approved["ETag"]})
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "submitted"
    no_reason = approver.post(f"{url}/return", {"reason": ""}, headers={"If-Match": resubmitted["ETag"]})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    returned = approver.post(f"{url}/return", {"reason": "Source missing."}, headers={"If-Match": resubmitted["ETag"]})
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned" and returned.json()["return_reason"] == "Source missing."
    listed = approver.get("results", indicator=indicator.pk, status="returned").json()
    assert [r["id"] for r in listed["items"]] == [result["id"]]


def test_submit_validates_period_and_scope(world, api_as):
    indicator = _indicator(world)
    bad = api_as("reporter").post("results", {"indicator": indicator.pk, "period": "2025", "value": "1"})
    assert bad.status_code == 422 and bad.json()["field"] == "period"
    viewer = api_as("viewer").post("results", {"indicator": indicator.pk, "period": "FY2025", "value": "1"})
    assert viewer.status_code in (403, 404)


def test_public_sees_only_approved_public_results(world, api_as):
    indicator = _indicator(world)
    api_as("reporter").post("results", {"indicator": indicator.pk, "period": "FY2026", "value": "5"})
    from .conftest import Api

    public = Api().get("results", indicator=indicator.pk).json()["items"]
    assert public and all(r["status"] == "approved" and r["sensitivity"] == "public" for r in public)
    member = api_as("reader").get("results", indicator=indicator.pk).json()["items"]
    assert {r["status"] for r in member} >= {"submitted"}


def test_set_target(world, api_as):
    from icsplan.indicators.models import Indicator

    # A draft's target is set directly (the edition in force answers 409 revision-required).
    indicator = Indicator.objects.get(strategy=world.draft, code="1.1-P")
    editor = api_as("editor")
    created = editor.post("targets", {"indicator": indicator.pk, "period": "FY2026", "value": "20"})
    assert created.status_code == 201, created.content
    assert editor.post("targets", {"indicator": indicator.pk, "period": "FY2026", "value": "21"}).status_code == 428
    replaced = editor.post("targets", {"indicator": indicator.pk, "period": "FY2026", "value": "21"},
                           headers={"If-Match": created["ETag"]})
    assert replaced.status_code == 200 and replaced.json()["value"] == "21"


def test_deciding_a_result_twice_is_a_conflict(world, api_as):
    indicator = _indicator(world)
    approver = api_as("approver")
    submitted = api_as("reporter").post("results", {"indicator": indicator.pk, "period": "FY2026", "value": "4"})
    approved = approver.post(f"results/{submitted.json()['id']}/approve", headers={"If-Match": submitted["ETag"]})
    assert approved.status_code == 200
    twice = approver.post(f"results/{submitted.json()['id']}/approve", headers={"If-Match": approved["ETag"]})
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "wrong-state"
