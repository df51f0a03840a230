"""The permission layer as the API handlers use it.

Every read starts from ``Access.visible(queryset)`` (``restrict`` to ``view_public``: the public
sees approved editions, members see their missions); rows and texts are then narrowed by
``accounts.redaction`` through ``Access.audience`` (``Access.readable`` for querysets,
``Access.text`` for narratives): one membership query per request, whatever the number of rows.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from icsplan.accounts import permissions as perms
from icsplan.accounts import redaction
from icsplan.accounts.roles import Action
from icsplan.errors import PermissionDenied

from .auth import principal
from .errors import Unauthenticated


class Access:
    """What the caller of one request may see and do."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.principal = principal(request)
        self.user = self.principal.user
        self._audience: redaction.Audience | bool = False  # False: not computed yet

    # -- reading -------------------------------------------------------------------------------
    def visible(self, qs: QuerySet) -> QuerySet:
        return perms.restrict(qs, self.user, Action.VIEW_PUBLIC)

    def get(self, qs: QuerySet[perms.ModelT], **lookup) -> perms.ModelT:
        """One visible row; missing and forbidden both answer 404."""
        return perms.get_restricted(qs, self.user, Action.VIEW_PUBLIC, **lookup)

    @property
    def audience(self) -> redaction.Audience:
        """Who the caller is to ``accounts.redaction`` (computed once per request)."""
        if self._audience is False:
            self._audience = redaction.audience_for(self.user)
        return self._audience  # type: ignore[return-value]

    @property
    def view_ids(self) -> frozenset[int] | None:
        """Missions whose SBU text and unapproved results the caller may read (``None``: all)."""
        return self.audience.missions

    def sbu_ok(self, mission_id: int) -> bool:
        """Whether the caller reads SBU text and unapproved results of this mission."""
        return self.audience.reads_sbu(mission_id)

    def readable(self, qs: QuerySet) -> QuerySet:
        """``qs`` narrowed by sensitivity and approval to what the caller may read."""
        return redaction.visible(qs, self.audience)

    def text(self, value, sensitivity: str, mission_id: int):
        """A narrative as the caller may read it.

        Readers of the mission's SBU get it as stored. Everyone else gets public text only, and
        ``None`` both for a withheld SBU narrative and for an empty one: the public view cannot
        tell whether SBU text existed.
        """
        return redaction.text_for(self.audience, mission_id, value, sensitivity)

    def marking(self, sensitivity: str, mission_id: int) -> str | None:
        """A narrative's sensitivity marking, for readers of the mission's SBU only.

        Those who may not read SBU get ``None`` on every narrative, public or not (a "public"
        marking on a withheld narrative would be untrue, and marking only the public ones would
        point at the withheld ones).
        """
        return sensitivity if self.sbu_ok(mission_id) else None

    # -- writing -------------------------------------------------------------------------------
    def require_writer(self) -> None:
        """Writes need a signed-in person or a write token."""
        if not self.principal.is_authenticated:
            raise Unauthenticated("Sign in or send a Bearer token to change anything.")
        token = self.principal.token
        if token is not None and not token.is_write:
            raise PermissionDenied("This token may only read; create a write token to change data.",
                                   code="read-only-token")

    def require(self, action: Action | str, obj) -> None:
        self.require_writer()
        perms.require(self.user, action, obj)

    def can(self, action: Action | str, obj) -> bool:
        return perms.can(self.user, action, obj)
