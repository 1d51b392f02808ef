from django.urls import path

from drogscen.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.county_outcomes, name="county"),
]
