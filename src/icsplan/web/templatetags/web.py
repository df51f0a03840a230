"""Template helpers: status pills (text + icon + colour), SBU badges."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from icsplan.accounts import redaction

register = template.Library()

# key -> (label, icon). The label is always printed: colour is never the only signal.
STATUSES = {
    "on_track": ("On track", "✓"),
    "at_risk": ("At risk", "!"),
    "some_concerns": ("Some concerns", "!"),
    "off_track": ("Off track", "✕"),
    "no_data": ("No data", "–"),
    "draft": ("Draft", "✎"),
    "submitted": ("Submitted", "…"),
    "approved": ("Approved", "✓"),
    "returned": ("Returned", "↩"),
    "none": ("Not reported", "○"),
    "not_rated": ("Not rated", "◇"),
    "locked": ("Locked", "■"),
    "in_clearance": ("In clearance", "…"),
    "published": ("Published", "✓"),
    "archived": ("Archived", "▪"),
    "open": ("Open", "○"),
}


def _key(value) -> str:
    value = getattr(value, "value", value)
    return str(value or "no_data").strip().lower().replace(" ", "_").replace("-", "_")


@register.simple_tag
def status(value, label: str = ""):
    """A status pill: icon, text and colour."""
    key = _key(value)
    text, icon = STATUSES.get(key, (str(value).replace("_", " ").capitalize(), "•"))
    return format_html(
        '<span class="status status-{}"><span class="icon" aria-hidden="true">{}</span>{}{}</span>',
        key, icon, format_html('<span class="sr-only">{}: </span>', label) if label else "", text,
    )


@register.filter
def is_sbu(value) -> bool:
    return redaction.is_sbu(value)


@register.simple_tag
def sbu(value):
    """The SBU badge when ``value`` (a sensitivity) is SBU, else nothing."""
    if redaction.is_sbu(value):
        return mark_safe('<span class="sbu" title="Sensitive But Unclassified">SBU</span>')
    return ""


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def framework(tag) -> str:
    """The catalogue code of a linkage tag ("CDCS DO2" -> "CDCS"), or "" when unknown."""
    from icsplan.strategies.catalogue import split_tag

    code, _rest = split_tag(str(tag))
    return code or ""


@register.filter(name="is_admin")
def is_admin_filter(user) -> bool:
    """Whether ``user`` administers people and tokens (shows the People link)."""
    from icsplan.accounts.permissions import is_admin

    return is_admin(user)


@register.filter(name="reads_bureaus")
def reads_bureaus_filter(user) -> bool:
    """Whether ``user`` reads a bureau's view (analysts and admins: shows the Bureaus link)."""
    from icsplan.accounts.permissions import bureau_ids

    ids = bureau_ids(user)
    return ids is None or bool(ids)


@register.simple_tag
def unread_notifications(user) -> int:
    """The number of unread notifications of ``user`` (the header's count)."""
    from icsplan.accounts.notifications import unread_count

    return unread_count(user)
