from django.urls import path

from drogscen.reports import views

app_name = "rounds"

urlpatterns = [
    path("", views.round_index, name="index"),
    path("<int:year>/", views.round_detail, name="detail"),
    path("<int:year>/stang/", views.round_close_view, name="close"),
    path("<int:year>/publicera/", views.round_publish_view, name="publish"),
    path("<int:year>/oppna-igen/", views.round_reopen_view, name="reopen"),
    path("<int:year>/utgava/<int:number>/", views.edition_detail, name="edition"),
    path("<int:year>/utgava/<int:number>/rapport.json", views.edition_json, name="edition_json"),
    path("<int:year>/utgava/<int:number>/rapport.html", views.edition_html, name="edition_html"),
]
