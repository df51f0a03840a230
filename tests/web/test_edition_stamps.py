"""Figures shared per version of an edition's data (icsplan.core.stamps) follow every change."""

from __future__ import annotations

import pytest

from icsplan.core import stamps
from icsplan.indicators import models as im
from icsplan.indicators.progress import shared_progress

pytestmark = pytest.mark.django_db


def test_the_stamp_moves_with_every_saved_change_insert_and_delete(site):
    before = stamps.edition_stamp(site.pk)
    assert stamps.edition_stamp(site.pk) == before  # nothing changed: the same stamp
    target = im.Target.objects.filter(strategy=site).order_by("pk").first()
    target.number, target.value = 987654, "987654"
    target.save()  # as services save: updated_at moves
    changed = stamps.edition_stamp(site.pk)
    assert changed != before
    target.delete()
    assert stamps.edition_stamp(site.pk) not in (before, changed)


def test_shared_progress_is_recomputed_after_a_change_and_reused_before(site):
    first = shared_progress(site)
    assert shared_progress(site) is first  # same data, same audience: computed once
    indicator = site.indicators.order_by("position", "pk").first()
    target = im.Target.objects.filter(indicator=indicator, category="").order_by("pk").first()
    target.number, target.value = 987654, "987654"
    target.save()
    second = shared_progress(site)
    assert second is not first
    figures = next(item for item in second.indicators if item.indicator.pk == indicator.pk).series.targets
    assert figures[target.period] == 987654


def test_public_and_member_readers_never_share_progress(site):
    from icsplan.accounts.redaction import OPERATOR, PUBLIC_AUDIENCE

    assert shared_progress(site, audience=PUBLIC_AUDIENCE) is not shared_progress(site, audience=OPERATOR)
