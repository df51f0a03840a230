"""The reporting calendar: the date by which each period's results are due (set by editors)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from icsplan.errors import IcsplanError, ValidationError
from icsplan.indicators import services as isv
from icsplan.indicators.due import deadlines
from icsplan.web import access
from icsplan.web.errors import page

from .common import mission_context


class DeadlineForm(forms.Form):
    """One period and its due date."""

    period = forms.CharField(max_length=10, help_text="A fiscal period: FY2019, FY2019H1 or FY2019Q1.")
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))


@page
def reporting_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The calendar of the edition in force; editors set or move a due date."""
    mission = access.mission_for(request.user, slug, "edit")
    strategy = access.strategy_for(request.user, mission, request.GET.get("edition"), "edit")
    form = DeadlineForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = isv.set_due_date(strategy, data["period"].strip().upper(), data["due_date"], actor=request.user)
            except ValidationError as exc:
                messages.error(request, f"Not set: {exc.sentences()}")
            except IcsplanError as exc:
                messages.error(request, f"Not set: {exc.message}")
            else:
                messages.success(request, f"Results of {row.period} are due on {row.due_date:%d %B %Y}.")
        else:
            messages.error(request, "Not set: give a period (e.g. FY2019) and a date.")
        return redirect("web:reporting-calendar", slug=mission.slug)
    context = mission_context(request, mission, strategy, tab="calendar")
    context.update({"deadlines": deadlines(request.user, strategy), "form": form})
    return render(request, "web/calendar.html", context)
