import pytest

from security.world import build_world


@pytest.fixture()
def world(db):
    return build_world()
