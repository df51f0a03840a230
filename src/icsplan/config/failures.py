"""Views Django calls on its own failures, answered in the shape of the face that was asked.

A refused CSRF check on an API path (a browser session without its token) answers
``application/problem+json`` like every other API error; anywhere else it is the app's own page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from icsplan.api.errors import problem


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: 403 as problem+json under ``/api/``, as a page elsewhere."""
    if request.path.startswith("/api/"):
        return problem(
            request, 403, "csrf-failed",
            "This request carries the session cookie but no valid CSRF token; send the X-CSRFToken header "
            "or authenticate with a bearer token instead.",
        )
    return render(request, "web/error.html", {
        "heading": "Form expired",
        "text": "This form could not be accepted (its security token is missing or out of date). "
                "Go back, reload the page and try again.",
    }, status=403)
