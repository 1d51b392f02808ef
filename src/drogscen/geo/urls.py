from django.urls import path

from drogscen.geo import views

app_name = "geo"

urlpatterns = [path("<slug:layer>.geojson", views.reference_layer, name="layer")]
