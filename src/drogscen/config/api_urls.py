from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from drogscen.accounts.api.views import OrganisationViewSet
from drogscen.evaluations.api import EvaluationViewSet
from drogscen.interventions.api.views import InterventionViewSet, MethodViewSet
from drogscen.mappings.api.views import MappingViewSet
from drogscen.outcomes.api import (
    EventSummaryView,
    IndicatorViewSet,
    SurveyResultViewSet,
    YouthSignalViewSet,
)
from drogscen.questionnaires.api.views import QuestionnaireViewSet
from drogscen.reports.api import ReportView
from drogscen.scenes.api import ogc
from drogscen.scenes.api.views import SceneViewSet

router = DefaultRouter()
# The API root doubles as the OGC API – Features landing page (links for QGIS).
router.APIRootView = ogc.LandingPageView
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("scenes", SceneViewSet, basename="scene")
router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
router.register("mappings", MappingViewSet, basename="mapping")
router.register("methods", MethodViewSet, basename="method")
router.register("interventions", InterventionViewSet, basename="intervention")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("surveys", SurveyResultViewSet, basename="survey")
router.register("youth-signals", YouthSignalViewSet, basename="youth-signal")

# OGC API – Features (read-only). QGIS appends "/{id}" and "/items" to the links itself,
# so these answer with and without a trailing slash.
ogc_urlpatterns = [
    re_path(r"^conformance(?:/)?$", ogc.ConformanceView.as_view(), name="ogc-conformance"),
    re_path(r"^collections(?:/)?$", ogc.CollectionsView.as_view(), name="ogc-collections"),
    re_path(
        r"^collections/(?P<collection_id>[^/]+)(?:/)?$",
        ogc.CollectionView.as_view(),
        name="ogc-collection",
    ),
    re_path(
        r"^collections/(?P<collection_id>[^/]+)/items(?:/)?$",
        ogc.ItemsView.as_view(),
        name="ogc-items",
    ),
    re_path(
        r"^collections/(?P<collection_id>[^/]+)/items/(?P<ref>[^/]+?)(?:/)?$",
        ogc.ItemView.as_view(),
        name="ogc-item",
    ),
]

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/", include(ogc_urlpatterns)),
    path("v1/reports/<int:year>/", ReportView.as_view(), name="report"),
    path("v1/events/summary/", EventSummaryView.as_view(), name="event-summary"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
