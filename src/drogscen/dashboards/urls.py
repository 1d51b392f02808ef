from django.urls import path

from drogscen.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("oppen-statistik/", views.public_statistics, name="public"),
    path("avsnitt/<slug:section>/", views.upcoming_section, name="upcoming"),
    path("healthz", views.health, name="health"),
]
