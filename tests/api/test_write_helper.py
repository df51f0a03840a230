"""The shared write helper (api/writes.py) on its own: the order of its checks and that nothing is
written unless every check passed."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from icsplan.api import writes
from icsplan.api.auth import Principal
from icsplan.api.errors import PreconditionFailed, PreconditionRequired
from icsplan.api.etag import resource_tag
from icsplan.errors import PermissionDenied


class Calls:
    """A ``change`` that records what the service would have been given."""

    def __init__(self):
        self.expected: list[int | None] = []

    def __call__(self, access, row, expected):
        self.expected.append(expected)
        return row


def _request(user, if_match: str | None = None):
    headers = {"HTTP_IF_MATCH": if_match} if if_match is not None else {}
    request = RequestFactory().patch("/api/v1/objectives/1", **headers)
    request.auth = Principal(user=user, via="session")
    return request


def _objective(world):
    return world.strategy.objectives.get(number="1.1")


def _run(world, persona, if_match, change, response=None):
    objective = _objective(world)
    return writes.write(_request(world.user(persona), if_match), response,
                        load=lambda access: objective, change=change,
                        reread=lambda access, row: type(row).objects.get(pk=row.pk),
                        etag=lambda access, row: resource_tag(row),
                        present=lambda access, row: {"id": row.pk, "version": row.version})


def test_a_strong_etag_hands_the_version_to_the_service_and_answers_the_fresh_etag(world):
    from django.http import HttpResponse

    objective = _objective(world)
    change, response = Calls(), HttpResponse()
    body = _run(world, "editor", resource_tag(objective), change, response)
    assert change.expected == [objective.version]
    assert body == {"id": objective.pk, "version": objective.version}
    assert response["ETag"] == resource_tag(objective)


def test_a_missing_if_match_is_428_and_writes_nothing(world):
    change = Calls()
    with pytest.raises(PreconditionRequired):
        _run(world, "editor", None, change)
    with pytest.raises(PreconditionRequired):
        _run(world, "editor", "*", change)
    assert change.expected == []


def test_a_weak_etag_is_refused_even_when_it_names_the_current_version(world):
    change = Calls()
    with pytest.raises(PreconditionFailed):
        _run(world, "editor", "W/" + resource_tag(_objective(world)), change)
    assert change.expected == []


def test_a_stale_version_is_412_and_writes_nothing(world):
    objective = _objective(world)
    stale = resource_tag(objective).replace(f"-v{objective.version}.", f"-v{objective.version - 1}.")
    assert stale != resource_tag(objective)
    change = Calls()
    with pytest.raises(PreconditionFailed):
        _run(world, "editor", stale, change)
    assert change.expected == []


def test_the_permission_is_checked_before_if_match(world):
    # A viewer with a perfectly current ETag is refused for want of the right, not of the tag, and
    # a viewer with no If-Match at all learns nothing about the row's version either.
    change = Calls()
    with pytest.raises(PermissionDenied):
        _run(world, "viewer", resource_tag(_objective(world)), change)
    with pytest.raises(PermissionDenied):
        _run(world, "viewer", None, change)
    assert change.expected == []


def test_no_if_match_for_creates_and_the_status_is_set(world):
    from django.http import HttpResponse

    objective, change, response = _objective(world), Calls(), HttpResponse()
    writes.write(_request(world.user("editor")), response, load=lambda access: objective, if_match=None,
                 change=change, present=lambda access, row: None, status=201)
    assert change.expected == [None] and response.status_code == 201
