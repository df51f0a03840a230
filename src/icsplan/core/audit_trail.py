"""The audit trail as the apps below ``icsplan.audit`` see it.

``accounts`` records its changes (memberships, tokens, passwords, refused sign-ins, lowered
markings) in the audit trail, but the audit app sits above ``accounts`` (its reader checks
permissions and redacts history). So ``accounts`` calls ``record`` here, and the audit app connects
its writer (``icsplan.audit.services.record``) when Django starts (``AuditConfig.ready``).

Failing closed: an audited change made before the writer is connected raises instead of going
unrecorded.
"""

from __future__ import annotations

from typing import Any, Callable

_recorder: Callable[..., Any] | None = None


def connect(recorder: Callable[..., Any]) -> None:
    """Install the writer of audit events (called once by the audit app; idempotent)."""
    global _recorder
    _recorder = recorder


def record(action: str, **details: Any) -> Any:
    """Append one audit event through the connected writer (see ``icsplan.audit.services.record``
    for the arguments)."""
    if _recorder is None:
        raise RuntimeError("the audit trail is not connected: is icsplan.audit in INSTALLED_APPS?")
    return _recorder(action, **details)
