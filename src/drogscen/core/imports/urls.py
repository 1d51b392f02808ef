from django.urls import path

from drogscen.core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("uppladdningar/<int:pk>/", views.import_detail, name="detail"),
    path("<slug:kind>/", views.import_upload, name="upload"),
]
