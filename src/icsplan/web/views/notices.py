"""A person's notifications: what was returned to them, what awaits their approval, what is due."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from icsplan.accounts import notifications
from icsplan.errors import NotFoundError
from icsplan.web.errors import page


@page
def notices(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notices (their own only); POST marks them all read."""
    if not request.user.is_authenticated:
        raise NotFoundError("Sign in to see your notifications.")
    if request.method == "POST":
        count = notifications.mark_read(request.user)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
        return redirect("web:notifications")
    return render(request, "web/notifications.html", {"notices": notifications.recent(request.user)})
