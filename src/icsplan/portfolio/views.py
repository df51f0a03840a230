"""Pages of the bureau's and the Department's view, and the admins' mission settings.

Thin: they read the filters, call ``portfolio.services`` with the signed-in person as actor and
render. A bureau the person may not read is the app's 404 page (sign-in for anonymous visitors).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from icsplan.accounts.permissions import is_admin
from icsplan.errors import InputError, ValidationError
from icsplan.web import access
from icsplan.web.errors import page
from icsplan.web.forms import apply_problems

from . import services
from .forms import CatalogueForm, DashboardFilterForm, MissionMetadataForm, SearchForm


@page
def department(request: HttpRequest) -> HttpResponse:
    """The Department's view: every bureau the person reads, with its missions' statuses."""
    summaries = services.department_overview(actor=request.user)
    return render(request, "portfolio/department.html", {"summaries": summaries})


@page
def bureau(request: HttpRequest, code: str) -> HttpResponse:
    """A bureau's dashboard: missions × goals, off-track objectives, overdue results."""
    form = DashboardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    dashboard = services.bureau_dashboard(
        code, actor=request.user, theme=filters.get("theme", ""), framework=filters.get("framework", ""),
        period=filters.get("period", ""))
    return render(request, "portfolio/bureau.html", {
        "dashboard": dashboard, "form": form if request.GET else DashboardFilterForm(),
        "periods": services.period_choices(dashboard),
    })


@page
def mission_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """A mission's bureau, post and region, for admins (everyone else: not found)."""
    mission = access.mission_for(request.user, slug, "admin")
    form = MissionMetadataForm(request.POST or None, initial={
        "bureau": mission.bureau.code if mission.bureau else "", "post": mission.post, "region": mission.region})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_mission_metadata(mission, actor=request.user, bureau=form.cleaned_data["bureau"],
                                          post=form.cleaned_data["post"], region=form.cleaned_data["region"])
        except ValidationError as exc:
            apply_problems(form, exc)
        else:
            messages.success(request, f"Mission {mission.country} saved.")
            return redirect("portfolio:mission-settings", mission.slug)
    return render(request, "portfolio/mission_settings.html", {"mission": mission, "form": form},
                  status=400 if request.method == "POST" else 200)


@page
def search(request: HttpRequest) -> HttpResponse:
    """Search every strategy the person may read (the public: the published ones)."""
    from . import search as searching

    missions = access.visible_missions(request.user)
    form = SearchForm(request.GET or None, missions=missions)
    hits: list[searching.Hit] = []
    error = ""
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        try:
            hits = searching.search(data["q"], actor=request.user, kind=data["kind"] or None,
                                    mission=data["mission"], bureau=data["bureau"] or None)
        except InputError as exc:
            error = exc.message
    bureaus = sorted({m.bureau.code for m in missions if m.bureau})
    return render(request, "portfolio/search.html", {"form": form, "hits": hits, "error": error,
                                                     "bureaus": bureaus, "limit": searching.PER_KIND_LIMIT})


@page
def crosswalk(request: HttpRequest, code: str) -> HttpResponse:
    """The alignment crosswalk of one framework over the editions in force the person may read."""
    from . import crosswalk as alignment

    walk = alignment.crosswalk(code, actor=request.user, version=request.GET.get("version") or None,
                               bureau=(request.GET.get("bureau") or "")[:10] or None)
    return render(request, "portfolio/crosswalk.html", {"walk": walk, "admin": is_admin(request.user)})


@page
def catalogue(request: HttpRequest, code: str) -> HttpResponse:
    """Load one version of a framework's catalogue from a CSV or JSON file (admins only)."""
    from icsplan.errors import NotFoundError
    from icsplan.strategies.models import Framework

    from . import crosswalk as alignment

    if not is_admin(request.user):
        raise NotFoundError("No such page.")
    framework = Framework.objects.filter(code__iexact=code).first()
    if framework is None:
        raise NotFoundError("No framework matches the request.")
    form = CatalogueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            items = alignment.parse_items(upload.read(alignment.MAX_BYTES + 1), upload.name or "catalogue.csv")
            alignment.import_items(framework.code, form.cleaned_data["version"], items, actor=request.user)
        except ValidationError as exc:
            apply_problems(form, exc)
        else:
            messages.success(request, f"{len(items)} items of {framework.code} {form.cleaned_data['version']} loaded.")
            return redirect("portfolio:crosswalk", framework.code)
    return render(request, "portfolio/catalogue.html", {"framework": framework, "form": form},
                  status=400 if request.method == "POST" else 200)


@page
def similar(request: HttpRequest, pk: int) -> HttpResponse:
    """Objectives of other missions similar to one objective, and suggested linkages."""
    from . import similarity

    ranking = similarity.similar_objectives(pk, actor=request.user, limit=10)
    return render(request, "portfolio/similar.html", {"objective": ranking.objective, "similar": ranking.similar,
                                                      "suggestions": ranking.suggestions, "ranking": ranking})
