"""Rows built once per test module and shared by its tests, each test rolled back to them.

Used by the ``*_built`` module fixtures (tests/conftest.py ``world_built``, tests/web/conftest.py
``site_built``, tests/reviews/conftest.py ``mali_built``). Building the access-control world or a
mission with its demo accounts for every test was a large share of the suite's time.
"""

from __future__ import annotations

import contextlib
import copy

import pytest


@contextlib.contextmanager
def built_once(django_db_blocker, build):
    """``build()`` run once in an outer transaction, rolled back when the caller's scope ends.

    This is what Django's ``TestCase.setUpTestData`` does: a module-scoped fixture builds its rows
    once; each test then runs in pytest-django's transaction, which nests inside this one as a
    savepoint, so every test starts from the same rows and its own writes are rolled back. Tests
    take ``copy.deepcopy`` of the built objects, so changes to Python objects don't leak either.
    The module fixture must be set up before ``db`` (a higher scope is, when requested by name).
    Not for transactional tests (``transaction=True``): they commit and flush.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fresh_copy(request, built):
    """A deep copy of module-built objects for one test, refusing transactional tests."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or "transactional_db" in request.fixturenames):
        pytest.fail(f"{request.node.nodeid}: a transactional test cannot use rows built once per module; "
                    "build them in the test")
    return copy.deepcopy(built)
