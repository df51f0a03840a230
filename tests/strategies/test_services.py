"""The import/load services: lossless round trip, atomicity, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icsplan.accounts.actors import SYSTEM
from icsplan import document as doc
from icsplan.errors import InputError, NotFoundError
from icsplan.strategies import models as m
from icsplan.strategies import services

from .factories import sample_document

pytestmark = pytest.mark.django_db


def test_round_trip_of_a_hand_built_document_is_lossless():
    original = sample_document()
    row = services.import_strategy(original, actor=SYSTEM)
    loaded = services.load_strategy(row)
    assert loaded == original
    assert loaded.to_json() == original.to_json()


def test_round_trip_of_mali_parse_import_export_equals_parse(mali_document):
    row = services.import_strategy(mali_document, edition="2018", actor=SYSTEM)
    exported = services.load_strategy(row)
    # The edition label is the one thing the database adds when the text prints none.
    expected = mali_document.model_copy(update={"edition": mali_document.edition or "2018"})
    assert exported.to_json() == expected.to_json()
    assert doc.Strategy.from_json(exported.to_json()) == expected


def test_import_keeps_order_numbering_and_catalogue_links():
    row = services.import_strategy(sample_document(), actor=SYSTEM)
    assert list(row.goals.values_list("number", flat=True)) == ["1", "2"]
    assert list(m.Objective.objects.filter(strategy=row).order_by("position").values_list("number", flat=True)) == [
        "1.1", "1.2", "2.1", "2.2"]
    link = m.Linkage.objects.get(strategy=row, objective__number="1.1", tag="CDCS DO2")
    assert link.framework.code == "CDCS" and link.code == "DO2"
    assert m.SubObjective.objects.filter(strategy=row, management_objective__isnull=False).count() == 1


def test_import_is_all_or_nothing():
    bad = sample_document()
    # Two objectives with the same number violate a database constraint half-way through.
    bad.goals[1].objectives[1].number = "1.1"
    with pytest.raises(InputError):
        services.import_strategy(bad, actor=SYSTEM)
    assert m.Strategy.objects.count() == 0
    assert m.Goal.objects.count() == 0 and m.Objective.objects.count() == 0


def test_second_import_of_same_edition_is_refused_unless_replaced():
    services.import_strategy(sample_document(), actor=SYSTEM)
    with pytest.raises(InputError, match="already has edition 2022"):
        services.import_strategy(sample_document(), actor=SYSTEM)
    changed = sample_document()
    changed.goals[0].title = "New wording"
    row = services.import_strategy(changed, replace=True, actor=SYSTEM)
    assert row.goals.get(number="1").title == "New wording"
    assert m.Strategy.objects.count() == 1


def test_every_change_is_in_history():
    row = services.import_strategy(sample_document(), actor=SYSTEM)
    goal = row.goals.get(number="1")
    assert goal.history.count() == 1
    assert m.Objective.history.filter(strategy_id=row.pk).count() == 4
    assert m.Linkage.history.count() == m.Linkage.objects.count()


def test_load_uses_a_constant_number_of_queries():
    small = services.import_strategy(sample_document("Smalland", goals=1, objectives_per_goal=1), actor=SYSTEM)
    large = services.import_strategy(sample_document("Largeland", goals=6, objectives_per_goal=5), actor=SYSTEM)
    counts = []
    for row in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            services.load_strategy(row)
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_find_strategy_errors_name_what_is_missing():
    with pytest.raises(NotFoundError, match="No mission named 'Atlantis'"):
        services.find_strategy("Atlantis")
    services.import_strategy(sample_document(), actor=SYSTEM)
    with pytest.raises(NotFoundError, match="no edition 1999"):
        services.find_strategy("Testland", "1999")
    assert services.find_strategy("testland").edition == "2022"


def test_framework_catalogue_is_seeded():
    assert set(m.Framework.objects.values_list("code", flat=True)) >= {"NSS", "JRS", "JSP", "CDCS", "SDG"}


def test_default_edition_is_the_newest_approved_one():
    services.import_strategy(sample_document(), status="approved", actor=SYSTEM)
    draft = sample_document()
    draft.edition = "2026"
    services.import_strategy(draft, actor=SYSTEM)
    assert services.find_strategy("Testland").edition == "2022"
    assert services.find_strategy("Testland", "2026").status == "draft"
    m.Strategy.objects.filter(edition="2022").update(status="archived")
    assert services.find_strategy("Testland").edition == "2026"


@pytest.mark.django_db(transaction=True)
def test_framework_catalogue_survives_a_flush():
    # `flush` (and every transactional test's teardown) empties all tables; the built-in
    # frameworks are reference data that linkages resolve against, so they come back.
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert set(m.Framework.objects.values_list("code", flat=True)) >= {"NSS", "JRS", "JSP", "CDCS", "SDG"}
