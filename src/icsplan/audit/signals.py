"""Sign-in, failed sign-in and sign-out become audit events."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="icsplan_audit_login")
def _logged_in(sender, request, user, **kwargs):
    services.record("auth.login", actor=user, request=request, object_type="auth.user", object_id=user.pk,
                    object_repr=user.get_username())


@receiver(user_login_failed, dispatch_uid="icsplan_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    services.record("auth.login_failed", actor_name=username, request=request, object_type="auth.user",
                    object_repr=username)


@receiver(user_logged_out, dispatch_uid="icsplan_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    services.record("auth.logout", actor=user, request=request, object_type="auth.user", object_id=user.pk,
                    object_repr=user.get_username())
