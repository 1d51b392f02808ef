from django.urls import path

from drogscen.interventions import views

app_name = "interventions"

urlpatterns = [
    path("", views.intervention_list, name="list"),
    path("ny/", views.intervention_create, name="create"),
    path("oversikt/", views.inventory, name="inventory"),
    path("oversikt/excel/", views.inventory_excel, name="inventory_excel"),
    path("mall/", views.template_download, name="template"),
    path("export/", views.template_export, name="export"),
    path("importera/", views.import_upload, name="import"),
    path("metoder/", views.method_list, name="methods"),
    path("metoder/<slug:code>/", views.method_detail, name="method"),
    path("<int:pk>/", views.intervention_detail, name="detail"),
    path("<int:pk>/andra/", views.intervention_edit, name="edit"),
    path("<int:pk>/mal/", views.target_add, name="target_add"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/uppfoljning/", views.progress_report, name="progress"),
]
