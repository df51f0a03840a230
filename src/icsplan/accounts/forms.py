"""Sign-in forms: the throttle's refusal shown as a form error, on the app's page and the admin's."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

from .throttle import SignInThrottled


class ThrottledSignInMixin:
    """For a subclass of Django's ``AuthenticationForm``: the throttled backend refuses with
    :class:`SignInThrottled` (so that the wait can be shown); this turns it into a form error."""

    def clean(self):
        try:
            return super().clean()
        except SignInThrottled as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The Django admin's sign-in form, held to the same limits as every other way in."""
