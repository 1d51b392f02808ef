from django.urls import path

from drogscen.scenes import views

app_name = "scenes"

urlpatterns = [
    path("", views.scene_list, name="list"),
    path("karta/", views.scene_map, name="map"),
    path("karta/platser.geojson", views.scene_map_data, name="map_data"),
    path("ny/", views.scene_create, name="create"),
    path("lpo-forslag/", views.suggest_police_area, name="suggest_police_area"),
    path("<str:ref>/", views.scene_detail, name="detail"),
    path("<str:ref>/andra/", views.scene_edit, name="edit"),
    path("<str:ref>/avsluta/", views.scene_close, name="close"),
    path("<str:ref>/sla-samman/", views.scene_merge, name="merge"),
    path("<str:ref>/dela/", views.scene_split, name="split"),
]
