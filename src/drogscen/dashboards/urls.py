from django.urls import path

from drogscen.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("lansbild/kommun/<str:code>/", views.municipality, name="municipality"),
    path("lansbild/lpo/<slug:slug>/", views.police_area, name="police_area"),
    path("oppen-statistik/", views.public_statistics, name="public"),
    path("oppen-statistik/statistik.json", views.public_statistics_json, name="public_json"),
    path("healthz", views.health, name="health"),
]
