from django.urls import path

from drogscen.mappings import views

app_name = "mappings"

urlpatterns = [
    path("", views.mapping_index, name="list"),
    path("uppfoljning/", views.compliance, name="compliance"),
    path("fragor/", views.mapping_questions, name="questions"),
    path("ny/<str:ref>/", views.mapping_create, name="create"),
    path("<int:pk>/", views.mapping_detail, name="detail"),
    path("<int:pk>/andra/", views.mapping_edit, name="edit"),
    path("<int:pk>/skicka-in/", views.mapping_submit, name="submit"),
    path("<int:pk>/kontrasignera/", views.mapping_cosign, name="cosign"),
    path("<int:pk>/godkann/", views.mapping_approve, name="approve"),
    path("<int:pk>/atervisa/", views.mapping_return, name="return"),
    path("<int:pk>/rattelse/", views.mapping_correct, name="correct"),
]
