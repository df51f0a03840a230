"""The bureau dashboard and the Department's view: who sees what, the same statuses as each
mission's own dashboard, overdue results, filters, a constant number of queries, styled 404s."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.redaction import OPERATOR
from icsplan.errors import NotFoundError, PermissionDenied, ValidationError
from icsplan.core import stamps
from icsplan.indicators import models as im
from icsplan.portfolio import services, summaries

from tests.security.world import CANARY_PREFIX, canary_document, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def _mission(country: str, bureau: str = "AF", status: str = "approved"):
    from icsplan.strategies import services as strategies

    return strategies.import_strategy(canary_document(country, bureau), status=status, actor=SYSTEM)


def _client(user=None) -> Client:
    client = Client(REMOTE_ADDR="10.9.9.8")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture()
def bureaus():
    """Two AF missions (Mali with an approved 2022 edition and a draft 2026), one EAP mission, and
    an analyst for each bureau, an admin and an AF mission editor."""
    from icsplan.strategies import services as strategies

    mali = _mission("Mali")
    draft = canary_document("Mali", "AF")
    draft.edition = "2026"
    strategies.import_strategy(draft, mission=mali.mission, status="draft", actor=SYSTEM)
    niger = _mission("Niger")
    laos = _mission("Laos", "EAP")
    af, eap = mali.mission.bureau, laos.mission.bureau
    return {
        "mali": mali, "niger": niger, "laos": laos, "af": af, "eap": eap,
        "af_analyst": make_user("af-analyst", "analyst", bureau=af),
        "eap_analyst": make_user("eap-analyst", "analyst", bureau=eap),
        "admin": make_user("p-admin", "admin"),
        "editor": make_user("mali-editor", "editor", mission=mali.mission),
    }


def test_an_analyst_sees_the_bureaus_missions_in_their_edition_in_force(bureaus):
    board = services.bureau_dashboard("af", actor=bureaus["af_analyst"], today=TODAY)
    assert [row.mission.country for row in board.rows] == ["Mali", "Niger"]
    mali = board.rows[0]
    assert mali.strategy.pk == bureaus["mali"].pk  # the approved 2022, not the newer draft
    assert board.goal_numbers == ["1", "2"]


def test_an_analyst_of_af_sees_nothing_of_eap(bureaus):
    with pytest.raises(NotFoundError):
        services.bureau_dashboard("EAP", actor=bureaus["af_analyst"])
    assert [b.code for b in services.visible_bureaus(bureaus["af_analyst"])] == ["AF"]
    overview = services.department_overview(actor=bureaus["af_analyst"], today=TODAY)
    assert [s.bureau.code for s in overview] == ["AF"] and overview[0].missions == 2
    for who in ("editor",):
        with pytest.raises(NotFoundError):
            services.bureau_dashboard("AF", actor=bureaus[who])
        with pytest.raises(NotFoundError):
            services.department_overview(actor=bureaus[who])


def test_admins_see_every_bureau_and_the_actor_is_required(bureaus):
    overview = services.department_overview(actor=bureaus["admin"], today=TODAY)
    assert {s.bureau.code: s.missions for s in overview} == {"AF": 2, "EAP": 1}
    with pytest.raises(TypeError):
        services.bureau_dashboard("AF", actor=None)


def test_statuses_are_the_mission_dashboards_statuses(bureaus):
    """Each cell is what the mission's own dashboard computes for the same edition and period."""
    from icsplan.indicators.progress import strategy_progress

    user = bureaus["af_analyst"]
    board = services.bureau_dashboard("AF", actor=user, today=TODAY)
    for row in board.rows:
        progress = strategy_progress(row.strategy, audience=user)
        expected = {g.number: str(getattr(g.statuses[row.period], "value", g.statuses[row.period]))
                    for g in progress.goals}
        assert {n: cell.status for n, cell in row.goals.items()} == expected
        statuses = [str(getattr(o.statuses[row.period], "value", o.statuses[row.period]))
                    for o in progress.objectives if o.kind == "objective"]
        assert sum(row.counts.values()) == len(statuses)
        assert len(row.off_track) == statuses.count("off_track")


def test_results_overdue_count_targets_of_ended_periods_without_an_approved_result(bureaus):
    from icsplan.indicators import services as indicators
    from icsplan.indicators.models import Indicator

    indicator = Indicator.objects.get(strategy=bureaus["niger"], code="1.1-P")
    from icsplan.strategies.services import applying_revision

    with applying_revision():  # as an approved revision applies it (the edition is in force)
        indicators.set_target(indicator, "FY2025", "12", expected_version=0, actor=SYSTEM)
    before = {r.mission.country: r.overdue for r in services.bureau_dashboard("AF", actor=SYSTEM, today=TODAY).rows}
    assert before["Niger"] == before["Mali"] + 1
    # Not yet due while the period runs.
    during = services.bureau_dashboard("AF", actor=SYSTEM, today=dt.date(2025, 9, 1)).rows
    assert {r.mission.country: r.overdue for r in during}["Niger"] == before["Mali"]
    # A submitted result is not enough: it must be approved.
    result = indicators.submit_result(indicator, "FY2025", "12", expected_version=0, actor=SYSTEM)
    assert {r.mission.country: r.overdue for r in
            services.bureau_dashboard("AF", actor=SYSTEM, today=TODAY).rows}["Niger"] == before["Niger"]
    indicators.approve_result(result, actor=SYSTEM, expected_version=result.version)
    assert {r.mission.country: r.overdue for r in
            services.bureau_dashboard("AF", actor=SYSTEM, today=TODAY).rows}["Niger"] == before["Mali"]


def test_filters_by_theme_and_framework_linkage(bureaus):
    user = bureaus["af_analyst"]
    by_theme = services.bureau_dashboard("AF", actor=user, theme="goal 2")
    assert by_theme.goal_numbers == ["2"]
    by_objective = services.bureau_dashboard("AF", actor=user, theme="Objective 1.2")
    assert by_objective.goal_numbers == ["1"] and all(sum(r.counts.values()) == 1 for r in by_objective.rows)
    # Goals link to NSS, objectives to CDCS: both keep every goal; nothing links to SDG.
    assert services.bureau_dashboard("AF", actor=user, framework="NSS").goal_numbers == ["1", "2"]
    assert services.bureau_dashboard("AF", actor=user, framework="CDCS DO2").goal_numbers == ["1", "2"]
    assert services.bureau_dashboard("AF", actor=user, framework="SDG").rows == []
    assert services.bureau_dashboard("AF", actor=user, period="FY2023").rows[0].period == "FY2023"


def test_current_editions_agree_with_current_edition(bureaus):
    from icsplan.strategies import models as sm
    from icsplan.strategies.services import current_edition, current_editions

    chosen = current_editions(sm.Strategy.objects.all())
    for mission_id, row in chosen.items():
        assert row == current_edition(sm.Strategy.objects.filter(mission_id=mission_id))


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_count_is_constant_as_missions_grow(bureaus):
    """2 AF missions, then 6: the service, the page and the API make the same number of queries."""
    user = bureaus["af_analyst"]
    client = _client(user)

    def counts():
        return (
            _queries(lambda: services.bureau_dashboard("AF", actor=user)),
            _queries(lambda: client.get("/bureaus/AF/")),
            _queries(lambda: client.get("/api/v1/portfolio/bureaus/AF")),
            _queries(lambda: client.get("/bureaus/")),
        )

    # Warm the session and the per-user membership cache (kept on the user object).
    client.get("/bureaus/AF/")
    services.bureau_dashboard("AF", actor=user)
    small = counts()
    for country in ("Chad", "Benin", "Togo", "Ghana"):
        _mission(country)
    assert len(services.bureau_dashboard("AF", actor=user).rows) == 6
    assert counts() == small


def test_pages_and_api(bureaus):
    analyst = _client(bureaus["af_analyst"])
    page = analyst.get("/bureaus/AF/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mali" in text and "Niger" in text and "Laos" not in text
    assert f'href="/missions/{bureaus["mali"].mission.slug}/"' in text  # drill down to the mission
    assert analyst.get("/bureaus/AF/?theme=goal+2&period=FY2023").status_code == 200
    data = json.loads(analyst.get("/api/v1/portfolio/bureaus/AF?framework=CDCS").content)
    assert [m["country"] for m in data["missions"]] == ["Mali", "Niger"]
    assert data["goal_numbers"] == ["1", "2"] and data["missions"][0]["edition"] == "2022"
    assert json.loads(analyst.get("/api/v1/portfolio/bureaus").content)[0]["code"] == "AF"
    refused = analyst.get("/api/v1/portfolio/bureaus/EAP")
    assert refused.status_code == 404 and refused["Content-Type"].startswith("application/problem+json")
    assert json.loads(_client(bureaus["editor"]).get("/api/v1/portfolio/bureaus").content) == []
    admin = _client(bureaus["admin"])
    overview = admin.get("/bureaus/").content.decode()
    assert "AF" in overview and "EAP" in overview


def test_guessed_bureau_urls_give_the_styled_404(bureaus):
    analyst = _client(bureaus["af_analyst"])
    for url in ("/bureaus/EAP/", "/bureaus/NOPE/", "/bureaus/AF/extra/", "/bureau/AF/", "/bureaus/AF/../EAP"):
        response = analyst.get(url)
        assert response.status_code == 404, url
        text = response.content.decode()
        assert 'class="topbar"' in text and "Not found" in text, url  # the app's page, not a bare one
    assert _client().get("/bureaus/AF/").status_code == 302  # anonymous visitors are asked to sign in


def test_no_sbu_canary_on_the_dashboard_for_people_outside_the_bureau(bureaus):
    """The dashboard shows titles and statuses; nothing SBU, even for an analyst of the bureau."""
    for who in ("af_analyst", "admin"):
        for url in ("/bureaus/AF/", "/api/v1/portfolio/bureaus/AF", "/bureaus/", "/api/v1/portfolio/bureaus"):
            assert CANARY_PREFIX not in _client(bureaus[who]).get(url).content.decode(), (who, url)


# -- mission metadata ----------------------------------------------------------------------------

def test_admins_set_bureau_post_and_region(bureaus):
    mission = bureaus["niger"].mission
    row = services.set_mission_metadata(mission, actor=bureaus["admin"], bureau="eap", post="Embassy Niamey",
                                        region="Sahel")
    assert (row.bureau.code, row.post, row.region) == ("EAP", "Embassy Niamey", "Sahel")
    assert [r.mission.country for r in services.bureau_dashboard("EAP", actor=bureaus["eap_analyst"]).rows] == [
        "Laos", "Niger"]
    from icsplan.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="mission.update")
    assert event.before["bureau"] == "AF" and event.after["bureau"] == "EAP"
    with pytest.raises(ValidationError):
        services.set_mission_metadata(mission, actor=SYSTEM, bureau="A1")
    with pytest.raises(PermissionDenied):
        services.set_mission_metadata(bureaus["mali"].mission, actor=bureaus["editor"], region="x")
    with pytest.raises(PermissionDenied):  # Laos's strategy is public: seen, but not theirs to change
        services.set_mission_metadata(bureaus["laos"].mission, actor=bureaus["af_analyst"], region="x")
    hidden = _mission("Nauru", "EAP", status="draft").mission
    with pytest.raises(NotFoundError):
        services.set_mission_metadata(hidden, actor=bureaus["af_analyst"], region="x")
    with pytest.raises(TypeError):
        services.set_mission_metadata(mission, actor=None, region="x")


def test_the_settings_page_for_admins(bureaus):
    mission = bureaus["mali"].mission
    url = f"/missions/{mission.slug}/settings/"
    assert _client(bureaus["editor"]).get(url).status_code == 404
    admin = _client(bureaus["admin"])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"bureau": "AF", "post": "Embassy Bamako", "region": "Sahel"})
    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.post, mission.region) == ("Embassy Bamako", "Sahel")
    bad = admin.post(url, {"bureau": "9X", "post": "", "region": ""})
    assert bad.status_code == 400 and "bureau code" in bad.content.decode()


def test_import_sets_bureau_post_and_region(tmp_path, db):
    from typer.testing import CliRunner

    from icsplan.accounts.models import Mission
    from icsplan.cli import app

    document = canary_document("Mali", "EUR")
    path = tmp_path / "mali.json"
    path.write_text(document.model_dump_json(by_alias=True))
    result = CliRunner().invoke(app, ["import", str(path), "--bureau", "AF", "--post", "Embassy Bamako",
                                      "--region", "Sahel"])
    assert result.exit_code == 0, result.output
    mission = Mission.objects.get(country="Mali")
    assert (mission.bureau.code, mission.post, mission.region) == ("AF", "Embassy Bamako", "Sahel")
    bad = CliRunner().invoke(app, ["import", str(path), "--mission", "Chad", "--bureau", "A-1"])
    assert bad.exit_code == 2 and "bureau code" in bad.output
    assert not Mission.objects.filter(country="Chad").exists()  # all or nothing


# -- per-edition summaries (icsplan.portfolio.summaries): kept per version of an edition's data and
# per kind of reader, recomputed for the changed edition only, never stale ---------------------

def test_edition_stamps_are_the_edition_stamp_of_each_edition(bureaus):
    ids = [bureaus[name].pk for name in ("mali", "niger", "laos")]
    assert stamps.edition_stamps(ids) == {pk: stamps.edition_stamp(pk) for pk in ids}
    assert stamps.edition_stamps([]) == {}
    assert stamps.edition_stamps([ids[0], 10**9]) == {ids[0]: stamps.edition_stamp(ids[0])}


def _board(actor, **filters):
    board = services.bureau_dashboard("AF", actor=actor, today=TODAY, **filters)
    return [(r.mission.country, r.period, {n: (c.status, c.score) for n, c in r.goals.items()}, r.counts,
             [(line.number, line.status) for line in r.off_track], r.overdue, r.sample) for r in board.rows]


def test_a_changed_result_changes_that_missions_figures_on_the_next_view_and_only_it_is_recomputed(bureaus):
    from icsplan.indicators import services as indicators
    from icsplan.strategies.services import applying_revision

    before = _board(SYSTEM)
    mali_summary = summaries.summaries([bureaus["mali"]], OPERATOR)[bureaus["mali"].pk]
    indicator = im.Indicator.objects.get(strategy=bureaus["niger"], code="1.1-P")
    with applying_revision():  # as an approved revision applies it (the edition is in force)
        indicators.set_target(indicator, "FY2025", "100", expected_version=0, actor=SYSTEM)
    result = indicators.submit_result(indicator, "FY2025", "1", expected_version=0, actor=SYSTEM)
    indicators.approve_result(result, actor=SYSTEM, expected_version=result.version)
    after = _board(SYSTEM)
    niger_before = next(row for row in before if row[0] == "Niger")
    niger_after = next(row for row in after if row[0] == "Niger")
    assert niger_after != niger_before  # no stale figures
    assert niger_after[1] == "FY2025" and niger_after[2]["1"][0] == "off_track"
    assert [row for row in after if row[0] != "Niger"] == [row for row in before if row[0] != "Niger"]
    # Mali's summary was reused, not recomputed; the figures are what a fresh computation gives.
    assert summaries.summaries([bureaus["mali"]], OPERATOR)[bureaus["mali"].pk] is mali_summary
    summaries.forget(stored=False)
    assert _board(SYSTEM) == after  # read from the stored summaries
    summaries.forget()
    assert _board(SYSTEM) == after


def test_stored_summaries_are_the_computed_ones_and_a_changed_edition_is_not_read_from_its_store(bureaus):
    """A summary survives its round trip through the database unchanged, and a stored summary whose
    stamp is no longer its edition's is computed again (and replaced)."""
    from icsplan.portfolio.models import StoredSummary

    editions = [bureaus[name] for name in ("mali", "niger", "laos")]
    computed = summaries.summaries(editions, OPERATOR)
    assert StoredSummary.objects.count() == 3
    assert {pk: summaries.from_json(summaries.to_json(s)) for pk, s in computed.items()} == computed
    summaries.forget(stored=False)
    assert summaries.summaries(editions, OPERATOR) == computed
    stored_stamp = StoredSummary.objects.get(strategy=bureaus["niger"], public_only=False).stamp
    target = im.Target.objects.filter(strategy=bureaus["niger"], category="").order_by("pk").first()
    target.number, target.value = 10**6, str(10**6)
    target.save()
    summaries.forget(stored=False)
    again = summaries.summaries(editions, OPERATOR)
    assert StoredSummary.objects.get(strategy=bureaus["niger"], public_only=False).stamp != stored_stamp
    assert again[bureaus["mali"].pk] == computed[bureaus["mali"].pk]
    summaries.forget()
    assert summaries.summaries(editions, OPERATOR) == again  # what a fresh computation gives
    assert StoredSummary.objects.count() == 3



def test_query_count_is_constant_cold_warm_and_after_a_change(bureaus):
    """2 AF missions, then 6: the same queries on a first view (nothing kept), on a later view
    (everything kept: only the stamps are read) and after one edition changed."""

    user = bureaus["af_analyst"]
    services.bureau_dashboard("AF", actor=user)  # the per-user membership cache (kept on the user)

    def counts():
        summaries.forget()
        cold = _queries(lambda: services.bureau_dashboard("AF", actor=user))
        warm = _queries(lambda: services.bureau_dashboard("AF", actor=user))
        summaries.forget(stored=False)  # as after a restart: the stored summaries are read
        restarted = _queries(lambda: services.bureau_dashboard("AF", actor=user))
        target = im.Target.objects.filter(strategy=bureaus["niger"], category="").order_by("pk").first()
        target.number, target.value = target.number + 1, str(target.number + 1)
        target.save()  # as services save: updated_at moves
        changed = _queries(lambda: services.bureau_dashboard("AF", actor=user))
        return cold, warm, restarted, changed

    small = counts()
    assert small[1] < small[2] < small[0] == small[3]
    assert small[2] == small[1] + 1  # the stored summaries, in one query
    for country in ("Chad", "Benin", "Togo", "Ghana"):
        _mission(country)
    assert counts() == small
    assert len(services.bureau_dashboard("AF", actor=user).rows) == 6


@pytest.mark.parametrize("first", ["admin", "af_analyst", "editor", "public"])
def test_readers_never_get_figures_kept_for_another_kind_of_reader(bureaus, first):
    """Whoever views first, every reader then gets what a fresh computation for them gives."""
    from django.contrib.auth.models import AnonymousUser

    readers = {"admin": bureaus["admin"], "af_analyst": bureaus["af_analyst"], "editor": bureaus["editor"],
               "operator": SYSTEM, "public": AnonymousUser()}

    def view(who):
        editions = [bureaus[name] for name in ("mali", "niger")]
        from icsplan.accounts.redaction import audience_for

        audience = audience_for(None if who is SYSTEM else who)
        return {pk: s for pk, s in summaries.summaries(editions, audience).items()}

    fresh = {}
    for name, who in readers.items():
        summaries.forget()
        fresh[name] = view(who)
    summaries.forget()
    view(readers[first])
    for name, who in readers.items():
        assert view(who) == fresh[name], name
    # The restricted indicators of the canary missions make the two copies differ.
    assert fresh["public"] != fresh["operator"]
