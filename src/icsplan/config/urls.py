"""URL configuration."""

from django.contrib import admin
from django.urls import include, path, re_path

from icsplan.api.api import api
from icsplan.api.errors import not_found_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Anything else under the API prefix answers a problem+json 404, not an HTML page.
    re_path(r"^api/", not_found_view),
    path("", include("icsplan.web.urls")),
]
