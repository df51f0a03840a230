"""Sign in and sign out (Django's auth views; the throttle sits in the authentication backend)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from icsplan.accounts.forms import ThrottledSignInMixin


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    """Django's sign-in form; too many failures show "try again in N minutes" instead of a check."""

    username = forms.CharField(label="User name", max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="Password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): the sign-out button is a small form."""
