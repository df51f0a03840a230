"""The version stamp of everything an export or a progress report of one edition is made from.

One aggregate query per table (row count, latest ``updated_at``, sum of versions where rows carry
one) rather than a stamp every service must remember to bump: an edit raises the latest time and
the version sum, an addition the count, a deletion lowers the count and the version sum. The
edition's own row (status, approval, text) and its mission's row (names) are part of it.
"""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max, Sum


def _tables():
    from icsplan.indicators import models as im
    from icsplan.strategies import models as sm

    # (model, lookup of the strategy id)
    return [
        (sm.Section, "strategy_id"), (sm.Goal, "strategy_id"), (sm.Objective, "strategy_id"),
        (sm.SubObjective, "strategy_id"), (sm.ManagementObjective, "strategy_id"), (sm.Linkage, "strategy_id"),
        (sm.Risk, "strategy_id"), (im.Indicator, "strategy_id"), (im.Baseline, "indicator__strategy_id"),
        (im.Disaggregation, "indicator__strategy_id"), (im.Target, "strategy_id"), (im.Result, "strategy_id"),
        (im.PeriodLock, "strategy_id"),
    ]


def data_stamp(strategy_row) -> str:
    """A short hash that changes whenever anything a file of ``strategy_row`` shows changes."""
    from icsplan.accounts.models import Mission
    from icsplan.strategies.models import Framework, Strategy

    parts: list[object] = []
    row = Strategy.objects.filter(pk=strategy_row.pk).values("version", "updated_at", "status").first()
    parts.append(row)
    parts.append(Mission.objects.filter(pk=strategy_row.mission_id).values("updated_at", "bureau_id").first())
    # Linkages print the framework's names: a renamed framework changes them.
    parts.append(Framework.objects.aggregate(n=Count("pk"), t=Max("updated_at")))
    for model, lookup in _tables():
        aggregates = {"n": Count("pk"), "t": Max("updated_at")}
        if any(f.name == "version" for f in model._meta.concrete_fields):
            aggregates["v"] = Sum("version")
        parts.append((model.__name__, model.objects.filter(**{lookup: strategy_row.pk}).aggregate(**aggregates)))
    text = "\x1f".join(repr(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
