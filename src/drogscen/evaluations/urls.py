from django.urls import path

from drogscen.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("ny/", views.evaluation_create, name="create"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("metoder/<slug:code>/", views.method_detail, name="method"),
    path("tidig-varning/", views.early_warning, name="early_warning"),
    path("tidig-varning/kandidater.geojson", views.early_warning_data, name="early_warning_data"),
    path("tidig-varning/analys/", views.early_warning_run, name="early_warning_run"),
    path("tidig-varning/<int:pk>/avfarda/", views.candidate_dismiss, name="candidate_dismiss"),
    path("tidig-varning/<int:pk>/ny-plats/", views.candidate_convert, name="candidate_convert"),
]
