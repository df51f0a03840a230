"""Demo accounts for the Mali demo: one per role, plus a bureau analyst and an admin.

The password comes from ``ICSPLAN_DEMO_PASSWORD`` (default ``demo-password-2018``, documented in
the README). These accounts are for demonstrations only; never load the demo on a real install.
"""

from __future__ import annotations

import os

from icsplan.accounts.actors import SYSTEM

DEFAULT_DEMO_PASSWORD = "demo-password-2018"

DEMO_USERS = [
    # username, role, scope ("mission" or "bureau" or None)
    ("mali-viewer", "viewer", "mission"),
    ("mali-reader", "reader", "mission"),
    ("mali-reporter", "reporter", "mission"),
    ("mali-editor", "editor", "mission"),
    ("mali-approver", "approver", "mission"),
    ("af-analyst", "analyst", "bureau"),
    ("admin", "admin", None),
]


def demo_password() -> str:
    return os.environ.get("ICSPLAN_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def create_demo_users(strategy_row) -> list:
    """Create the demo accounts for ``strategy_row``'s mission (existing accounts are kept)."""
    from django.contrib.auth import get_user_model

    from . import services

    User = get_user_model()
    mission = strategy_row.mission
    password = demo_password()
    created = []
    for username, role, scope in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.create_user(username, password=password, validate=False, actor=SYSTEM)
            created.append(user)
        if role == "admin" and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        mission_arg = mission if scope == "mission" else None
        bureau_arg = mission.bureau if scope == "bureau" else None
        if scope == "bureau" and bureau_arg is None:
            continue
        membership = services.add_membership(user, role, mission=mission_arg, bureau=bureau_arg, actor=SYSTEM)
        if role == "reporter" and not membership.assignments.exists():
            # The reporter owns the first goal's objectives and every indicator POL/ECON is responsible for.
            first = strategy_row.objectives.order_by("position").first()
            if first is not None:
                services.assign_reporter(membership, objective=first, actor=SYSTEM)
            services.assign_reporter(membership, responsible_section="POL/ECON", actor=SYSTEM)
    return created
