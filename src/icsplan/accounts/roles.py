"""Roles and the actions they allow (pure Python, no Django).

    action        meaning
    view_public   read what the mission published for the public (no SBU)
    view          read everything of the mission, SBU included
    report        enter indicator results and progress narratives (reporters: assigned ones only)
    edit          edit the framework, indicators and targets; import documents; open reviews
    approve       approve strategies, revisions, results and review conclusions
    audit         read and export the audit trail
    admin         users, missions, bureaus, catalogues
"""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    VIEWER = "viewer"
    READER = "reader"
    REPORTER = "reporter"
    EDITOR = "editor"
    APPROVER = "approver"
    ANALYST = "analyst"  # bureau analyst: a bureau-wide membership
    ADMIN = "admin"


class Action(str, Enum):
    VIEW_PUBLIC = "view_public"
    VIEW = "view"
    REPORT = "report"
    EDIT = "edit"
    APPROVE = "approve"
    AUDIT = "audit"
    ADMIN = "admin"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.VIEW_PUBLIC}),
    Role.READER: frozenset({Action.VIEW_PUBLIC, Action.VIEW}),
    Role.REPORTER: frozenset({Action.VIEW_PUBLIC, Action.VIEW, Action.REPORT}),
    Role.EDITOR: frozenset({Action.VIEW_PUBLIC, Action.VIEW, Action.REPORT, Action.EDIT}),
    Role.APPROVER: frozenset({Action.VIEW_PUBLIC, Action.VIEW, Action.APPROVE, Action.AUDIT}),
    Role.ANALYST: frozenset({Action.VIEW_PUBLIC, Action.VIEW}),
    Role.ADMIN: frozenset(Action),
}

ROLE_CHOICES = [(r.value, r.value.title()) for r in Role]
