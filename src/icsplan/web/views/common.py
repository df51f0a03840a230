"""Context every mission page shares: the mission, the edition, what the person may do."""

from __future__ import annotations

from icsplan.web import access


def mission_context(request, mission, strategy=None, *, tab: str = "", allowed=None) -> dict:
    allowed = allowed or access.allowed_in(request.user, mission)
    return {"mission": mission, "strategy": strategy, "tab": tab, "allowed": allowed}
