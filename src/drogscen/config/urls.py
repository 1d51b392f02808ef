from django.urls import include, path
from django.views.generic import RedirectView

from drogscen.core.admin import admin_site

urlpatterns = [
    path("", include("drogscen.dashboards.urls")),
    path("", include("drogscen.accounts.urls")),
    path("platser/", include("drogscen.scenes.urls")),
    path("kartlaggningar/", include("drogscen.mappings.urls")),
    path("omgangar/", include("drogscen.reports.urls")),
    path("insatser/", include("drogscen.interventions.urls")),
    path("utvardering/", include("drogscen.evaluations.urls")),
    path("importera/", include("drogscen.core.imports.urls")),
    # the event upload's address before every kind had one
    path(
        "utfall/import/",
        RedirectView.as_view(url="/importera/events/"),
        name="events_upload_moved",
    ),
    path("utfall/", include("drogscen.outcomes.urls")),
    path("referens/", include("drogscen.geo.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("api/", include(("drogscen.config.api_urls", "api"), namespace="api")),
]

handler404 = "drogscen.core.api.page_not_found"
