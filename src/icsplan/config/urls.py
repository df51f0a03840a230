"""URL configuration."""

from django.contrib import admin
from django.urls import include, path, re_path

from icsplan.accounts.forms import AdminSignInForm
from icsplan.api.api import api
from icsplan.api.errors import not_found_view

# The admin's sign-in shows the throttle's wait like the app's does (the limits themselves apply
# to every caller of ``authenticate``, through the authentication backend).
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Anything else under the API prefix answers a problem+json 404, not an HTML page.
    re_path(r"^api/", not_found_view),
    path("", include("icsplan.portfolio.urls")),
    path("", include("icsplan.web.urls")),
]

# Any other unknown address (a guessed bureau URL) gets the app's own "not found" page.
handler404 = "icsplan.web.errors.not_found"
