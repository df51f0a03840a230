"""Search: full-text in the query (FTS5 on SQLite, PostgreSQL full-text search), permissions and
SBU applied in the query, an index that follows every write, highlighted snippets, web and API."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import InputError
from icsplan.portfolio import fts
from icsplan.portfolio.search import search

from tests.security.world import CANARY_PREFIX, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture()
def world(db):
    return build_world()


def _client(world, persona) -> Client:
    client = Client(REMOTE_ADDR="10.9.9.7")
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def _hits(world, persona, q, **filters):
    return search(q, actor=world.user(persona) or _anonymous(), **filters)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_readers_find_sbu_text_and_the_public_never_does(world):
    """"canary sbu" is in every SBU canary of the world and nowhere else."""
    found = _hits(world, "reader", "canary sbu")
    kinds = {h.kind for h in found if h.country == "Testland"}
    assert {"strategy", "goal", "objective", "sub_objective", "management_objective", "risk", "indicator"} <= kinds
    for persona in ("anonymous", "viewer", "other_member", "other_analyst"):
        leaked = [h for h in _hits(world, persona, "canary sbu") if h.country == "Testland"]
        assert leaked == [], persona
    # Otherland's own editor finds Otherland's SBU text, and nothing of Testland's.
    assert {h.country for h in _hits(world, "other_member", "canary sbu")} == {"Otherland"}


def test_an_sbu_narrative_is_not_even_searched_for_the_public(world):
    """A viewer finds the objective by its public title, never by words of its SBU justification."""
    for persona in ("anonymous", "viewer"):
        hits = _hits(world, persona, "justification", mission=world.mission.pk)
        assert {h.number for h in hits if h.kind == "objective"} == {"1.1", "2.1"}  # the public ones
        assert all(CANARY_PREFIX not in h.snippet for h in hits)


def test_unapproved_editions_only_for_their_editors_and_approvers(world):
    """A draft edition is seen by the mission's editors and approvers only (not its readers)."""
    assert {h.edition for h in _hits(world, "viewer", "objective", mission=world.mission.pk)} == {"2022"}
    assert {h.edition for h in _hits(world, "reader", "objective", mission=world.mission.pk)} == {"2022"}
    assert {h.edition for h in _hits(world, "editor", "objective", mission=world.mission.pk)} == {"2022", "2026"}


def test_filters_kind_mission_bureau(world):
    assert {h.kind for h in _hits(world, "admin", "objective", kind="goal")} <= {"goal"}
    assert {h.country for h in _hits(world, "admin", "objective", bureau="EUR")} == {"Otherland"}
    assert {h.country for h in _hits(world, "admin", "objective", mission=world.mission.pk)} == {"Testland"}
    assert {h.bureau for h in _hits(world, "admin", "objective", bureau="af")} == {"AF"}


def test_every_word_must_match_as_a_word_or_its_start(world):
    assert _hits(world, "admin", "obj tit", kind="objective", mission=world.mission.pk)
    assert [h.number for h in _hits(world, "admin", "goal 2 title", kind="goal", strategy=world.strategy.pk)] == ["2"]
    assert _hits(world, "admin", "bjective") == []  # not inside a word


def test_snippets_mark_the_matching_words(world):
    hit = _hits(world, "admin", "public risk", kind="risk")[0]
    marked = [hit.snippet[a:b].casefold() for a, b in hit.highlights]
    assert "public" in marked
    assert "".join(text for text, _match in hit.parts) == hit.snippet


def test_query_syntax_cannot_reach_the_index(world):
    for q in ('" OR * NEAR(', "DROP TABLE", "title:* -x", "a' OR '1'='1"):
        search(q, actor=SYSTEM)  # no error: only the words are searched
    with pytest.raises(InputError):
        search("!", actor=SYSTEM)
    with pytest.raises(TypeError):
        search("objective", actor=None)


def test_the_index_follows_every_write(world):
    from icsplan.indicators import services as indicators
    from icsplan.strategies import services

    objective = world.strategy.objectives.get(number="1.1")
    assert _hits(world, "admin", "zanzibarite") == []
    with services.applying_revision():  # as an approved revision applies it (the edition is in force)
        objective = services.update_element(objective, {"title": "Zanzibarite cooperation"},
                                            expected_version=objective.version, actor=SYSTEM)
    assert [h.id for h in _hits(world, "admin", "zanzibarite")] == [objective.pk]
    with services.applying_revision():
        indicator = indicators.create_indicator(objective, code="Z-1", name="Quokkas counted", actor=SYSTEM)
    assert [h.id for h in _hits(world, "admin", "quokkas")] == [indicator.pk]
    with services.applying_revision():
        services.delete_element(objective, expected_version=objective.version, actor=SYSTEM)
    assert _hits(world, "admin", "zanzibarite") == [] and _hits(world, "admin", "quokkas") == []


def test_a_rebuilt_table_gets_its_index_back(world):
    """Django rebuilds a SQLite table to alter it (dropping its triggers): ``ensure`` restores them."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER strategies_objective_fts_update")
        assert fts.ensure(connection) is True
        assert fts.ensure(connection) is False
    else:
        assert fts.ensure(connection) is False  # PostgreSQL reads the tables themselves
    assert _hits(world, "admin", "objective", kind="objective")


def test_search_page_and_api(world):
    reader, viewer = _client(world, "reader"), _client(world, "viewer")
    page = reader.get("/search/", {"q": "canary sbu"})
    assert page.status_code == 200 and "<mark>" in page.content.decode() and CANARY_PREFIX in page.content.decode()
    for client in (viewer, Client()):
        text = client.get("/search/", {"q": "canary sbu"}).content.decode()
        assert CANARY_PREFIX not in text and "0 results" in text
    assert "Search for at least" in reader.get("/search/", {"q": "!!"}).content.decode() or \
        reader.get("/search/", {"q": "!!"}).status_code == 200
    api = json.loads(reader.get("/api/v1/search", {"q": "objective title", "bureau": "AF"}).content)
    assert api["count"] > 0 and all(hit["bureau"] == "AF" for hit in api["items"])
    first = api["items"][0]
    assert first["highlights"] and first["snippet"][first["highlights"][0][0]:].lower().startswith("objective")


def test_the_queries_do_not_grow_with_the_hits(world):
    """One query per kind (plus the caller's permissions), however many items are found: no
    per-hit reads of strategies, missions or bureaus."""
    from django.test.utils import CaptureQueriesContext

    from icsplan.portfolio.search import KINDS

    for persona in ("admin", "reader", "viewer", "other_member"):
        counts = {}
        for q in ("objective", "zzqxnothing"):
            known = world.user(persona)
            user = type(known).objects.get(pk=known.pk)  # a fresh object: nothing of it kept between searches
            with CaptureQueriesContext(connection) as ctx:
                found = search(q, actor=user)
            counts[q] = (len(ctx.captured_queries), len(found))
        assert counts["objective"][1] > len(KINDS), persona  # more hits than kinds
        assert counts["zzqxnothing"][1] == 0
        assert counts["objective"][0] == counts["zzqxnothing"][0], (persona, counts)
        assert counts["objective"][0] <= len(KINDS) + 4, (persona, counts)
    with CaptureQueriesContext(connection) as ctx:
        search("objective", actor=SYSTEM, kind="goal")
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        found = search("objective", actor=SYSTEM)
    assert len(ctx.captured_queries) == 1 and len({h.kind for h in found}) == 3  # several kinds, snippets too


def test_snippets_are_the_database_s_with_the_marks_taken_out(world):
    """The database makes the snippet of the field quoted (its readers get the SBU text they may
    read); the marks become highlights, never characters of the text."""
    found = [h for h in _hits(world, "reader", "canary sbu") if h.country == "Testland"]
    assert found and all(CANARY_PREFIX in h.snippet and h.highlights for h in found)
    for persona in ("anonymous", "reader"):
        for hit in _hits(world, persona, "objective public"):
            assert "\x02" not in hit.snippet and "\x03" not in hit.snippet
            assert all(hit.snippet[a:b].casefold().startswith(("objective", "public")) for a, b in hit.highlights)


def test_a_snippet_marks_only_the_words_inside_it():
    from icsplan.portfolio.search import snippet

    text = "alpha security " + "filler " * 60 + "insecurity security securities " + "tail " * 60 + "security"
    piece, spans = snippet(text, ["security"])
    assert piece.startswith("alpha") and piece.endswith("…")
    marked = [piece[a:b] for a, b in spans]
    assert marked == ["security"]  # the first match, at the start: the window stays at the start
    late = "x " * 200 + "the security council, securities and insecurity" + " y" * 200
    piece, spans = snippet(late, ["secur"])
    assert [piece[a:b] for a, b in spans] == ["security", "securities"]  # not inside "insecurity"
    assert snippet("no match here", ["secur"]) == ("no match here", [])
