"""Pages of the bureau's and the Department's view (namespace ``portfolio``)."""

from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("objectives/<int:pk>/similar/", views.similar, name="similar"),
    path("frameworks/<str:code>/crosswalk/", views.crosswalk, name="crosswalk"),
    path("frameworks/<str:code>/catalogue/", views.catalogue, name="catalogue"),
    path("bureaus/", views.department, name="department"),
    path("bureaus/<str:code>/", views.bureau, name="bureau"),
    path("missions/<slug:slug>/settings/", views.mission_settings, name="mission-settings"),
]
