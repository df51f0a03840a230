from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("missions/<slug:slug>/", views.strategy_detail, name="strategy"),
    path("missions/<slug:slug>/<str:edition>/", views.strategy_detail, name="strategy-edition"),
]
