"""Notifications: in the app (a count per person in the header) and by e-mail.

E-mail goes through Django's mail framework: the console backend by default (messages are
printed by the server), SMTP when ``ICSPLAN_EMAIL_URL``/``EMAIL_BACKEND`` says so (see settings).
A mail that cannot be sent never undoes the change that caused it: it is logged and the in-app
notice stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Membership, Mission, Notification

log = logging.getLogger(__name__)


def notify(users: Iterable, kind: str, text: str, *, url: str = "", mission: Mission | None = None,
           key: str = "") -> list[Notification]:
    """Tell each of ``users`` (in the app, and by e-mail when they have an address). With ``key``,
    a person who has not yet read the notice about the same subject is not told again."""
    out = []
    for user in {u.pk: u for u in users if u is not None and getattr(u, "pk", None)}.values():
        if key and Notification.objects.filter(user=user, key=key, read_at__isnull=True).exists():
            continue
        out.append(Notification.objects.create(user=user, kind=kind, text=text[:500], url=url[:500],
                                               mission=mission, key=key[:200]))
        if user.email:
            transaction.on_commit(_mailer(user, text, url))
    return out


def _mailer(user, text: str, url: str) -> Callable[[], None]:
    """The mail to send once the change is committed (never for a change rolled back)."""
    return lambda: _mail(user, text, url)


def _mail(user, text: str, url: str) -> None:
    base = getattr(settings, "ICSPLAN_BASE_URL", "")
    body = f"{text}\n\n{base}{url}\n" if url else f"{text}\n"
    try:
        send_mail(f"icsplan: {text[:120]}", body, None, [user.email])
    except Exception:  # noqa: BLE001 - a mail server outage must not undo the decision
        log.exception("could not e-mail %s", user.get_username())


def approvers_of(mission: Mission) -> list:
    """The people who approve results in ``mission`` (its approvers)."""
    rows = Membership.objects.filter(mission=mission, role="approver", user__is_active=True).select_related("user")
    return [m.user for m in rows]


def unread_count(user) -> int:
    """How many notices ``user`` has not read (0 for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def recent(user, limit: int = 50) -> list[Notification]:
    """The person's latest notices, newest first."""
    return list(Notification.objects.filter(user=user).select_related("mission")[:limit])


def mark_read(user) -> int:
    """Mark every notice of ``user`` as read (their own only); the number marked."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
