from django.urls import path

from drogscen.outcomes import upload_views

app_name = "outcome_imports"

urlpatterns = [
    path("", upload_views.event_upload, name="upload"),
    path("<int:pk>/", upload_views.event_upload_detail, name="detail"),
]
