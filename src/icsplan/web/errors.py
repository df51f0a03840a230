"""Turn icsplan's errors into pages: not found (and not permitted) is a 404, a refused action a 403.

A person who is not signed in and asks for something they cannot see is sent to sign in first:
the answer is the same whether the thing exists or not, so nothing leaks.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from icsplan.errors import NotFoundError, PermissionDenied, TransitionError


def page(view):
    """Decorator for views: NotFoundError -> 404 page (or sign-in), PermissionDenied -> 403 page,
    TransitionError (e.g. ``revision-required``) -> 409 page naming what to do instead."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFoundError:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return render(request, "web/error.html", {
                "heading": "Not found",
                "text": "This page does not exist, or your account has no access to it.",
            }, status=404)
        except PermissionDenied as exc:
            return render(request, "web/error.html", {
                "heading": "Not allowed",
                "text": exc.message or "Your role in this mission does not allow this action.",
            }, status=403)
        except TransitionError as exc:
            # A step the object's state forbids, such as a direct change to the edition in force
            # (revision-required): say what is wrong and what to do; nothing was written.
            return render(request, "web/error.html", {
                "heading": "Not possible in this state",
                "text": exc.message,
            }, status=409)

    return wrapper


def not_found(request, exception=None):
    """Django's 404 handler: the app's styled page, not the server's bare "Not Found"."""
    return render(request, "web/error.html", {
        "heading": "Not found",
        "text": "This page does not exist, or your account has no access to it.",
    }, status=404)
