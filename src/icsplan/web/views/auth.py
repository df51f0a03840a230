"""Sign in and sign out (Django's auth views, with icsplan's throttled check)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from icsplan.errors import IcsplanError


class SignInForm(AuthenticationForm):
    """Django's sign-in form, checking the password through the throttled service when present."""

    username = forms.CharField(label="User name", max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="Password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        try:
            from icsplan.accounts.services import authenticate_with_throttle
        except ImportError:
            return super().clean()
        try:
            self.user_cache = authenticate_with_throttle(self.request, username, password)
        except IcsplanError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        if self.user_cache is None:
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): the sign-out button is a small form."""
