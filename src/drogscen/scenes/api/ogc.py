"""The scenes in the shape of OGC API – Features, Part 1: Core (OGC 17-069r4), read-only,
so QGIS and other GIS clients open them directly (STYLE: pygeoapi). Served from the same
scoped querysets and filters as the REST resource; out of scope is 404, anonymous 401.

QGIS starts from the landing page (the API root, `/api/v1/`): it needs a `service-desc`
and a `data` link there, then builds `{data}/{collection id}` and `…/items` itself, so
those paths answer with and without a trailing slash and the links carry none.
"""

from __future__ import annotations

import math
from datetime import UTC

from django.conf import settings
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, routers, serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from drogscen.core.api import ScopedViewSetMixin
from drogscen.core.openapi import AutoSchema
from drogscen.scenes import selectors
from drogscen.scenes.api.renderers import GEOJSON, GeoJSONErrorsAsJSONMixin, GeoJSONRenderer
from drogscen.scenes.api.serializers import (
    CollectionSerializer,
    CollectionsSerializer,
    ConformanceSerializer,
    SceneFeatureCollectionSerializer,
    SceneFeatureSerializer,
)
from drogscen.scenes.api.views import NOT_SIGNED_IN, error_responses, stable_order
from drogscen.scenes.filters import SceneFilter
from drogscen.scenes.models import Scene

JSON = "application/json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
COLLECTION_ID = "scenes"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _link(request, href: str, rel: str, media_type: str) -> dict:
    return {"href": request.build_absolute_uri(href), "rel": rel, "type": media_type}


def _collection_id_or_404(collection_id: str) -> None:
    if collection_id != COLLECTION_ID:
        raise NotFound


def _now() -> str:
    return timezone.now().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def collection_document(request) -> dict:
    """The scene collection: its extent is the bounding box of the scenes the caller
    may see (so it discloses no more than the items do)."""
    extent = selectors.scene_list(fetched_by=request.user).aggregate(
        west=Min("bbox_west"),
        south=Min("bbox_south"),
        east=Max("bbox_east"),
        north=Max("bbox_north"),
    )
    collection_url = reverse("api:ogc-collection", kwargs={"collection_id": COLLECTION_ID})
    items_url = reverse("api:ogc-items", kwargs={"collection_id": COLLECTION_ID})
    document = {
        "id": COLLECTION_ID,
        "title": _("Open drug scenes"),
        "description": _("Open drug scenes in Stockholm county"),
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            _link(request, collection_url, "self", JSON),
            _link(request, items_url, "items", GEOJSON),
        ],
    }
    if extent["west"] is not None:
        bbox = [extent["west"], extent["south"], extent["east"], extent["north"]]
        document["extent"] = {"spatial": {"bbox": [bbox], "crs": CRS84}}
    return document


class BboxField(serializers.CharField):
    """`bbox=west,south,east,north` in WGS84 (CRS84), or six numbers with heights, which
    are ignored. west > east is a box across the antimeridian (OGC 17-069r4 §7.15.3)."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Give the box as four numbers west,south,east,north in WGS84 degrees "
            "(longitude, latitude), e.g. 17.9,59.3,18.1,59.4."
        )
    }

    def to_internal_value(self, data) -> tuple[float, float, float, float]:
        text = super().to_internal_value(data)
        try:
            numbers = [float(part) for part in text.split(",")]
        except ValueError:
            numbers = []
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
            self.fail("invalid")
        west, south, east, north = numbers
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            self.fail("invalid")
        return west, south, east, north


class ItemsQuerySerializer(serializers.Serializer):
    # Above the maximum the maximum is used, not refused (OGC 17-069r4 /per/core/limit).
    limit = serializers.IntegerField(min_value=1, required=False, default=DEFAULT_LIMIT)
    offset = serializers.IntegerField(min_value=0, required=False, default=0)
    bbox = BboxField(required=False)


def bbox_condition(west: float, south: float, east: float, north: float) -> Q:
    """Scenes whose bounding box overlaps the given one."""
    latitude = Q(bbox_south__lte=north, bbox_north__gte=south)
    if west <= east:
        return latitude & Q(bbox_west__lte=east, bbox_east__gte=west)
    return latitude & (Q(bbox_east__gte=west) | Q(bbox_west__lte=east))


class ItemsSchema(AutoSchema):
    """The items are a list filtered by SceneFilter, though the response is one
    FeatureCollection object: document the filter parameters all the same."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


ITEMS_PARAMETERS = [
    OpenApiParameter(
        "bbox",
        str,
        description="Only scenes whose bounding box overlaps this one: "
        "`west,south,east,north` in WGS84 (CRS84) degrees, e.g. `17.9,59.3,18.1,59.4`.",
        style="form",
        explode=False,
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        description=f"Scenes per page (at most {MAX_LIMIT}; a larger value gives {MAX_LIMIT}).",
    ),
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "default": 0},
        description="Scenes to skip; follow the `next` link rather than counting.",
    ),
]
COLLECTION_ID_PARAMETER = OpenApiParameter(
    "collection_id", str, OpenApiParameter.PATH, enum=[COLLECTION_ID]
)
ERRORS = error_responses(
    {401: NOT_SIGNED_IN, 404: "No such collection, or no such scene in the caller's scope."}
)
SIGN_IN = {key: value for key, value in ERRORS.items() if key[0] == 401}


class LandingPageView(routers.APIRootView):
    """The API root, which is also the OGC API landing page: a GIS client given
    `/api/v1/` finds the collections (`data`) and the API description there."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data = {
            "title": settings.SPECTACULAR_SETTINGS.get("TITLE", ""),
            "description": settings.SPECTACULAR_SETTINGS.get("DESCRIPTION", ""),
            **response.data,
            "links": [
                _link(request, reverse("api:api-root"), "self", JSON),
                _link(
                    request, reverse("api:schema") + "?format=json", "service-desc", OPENAPI_JSON
                ),
                _link(request, reverse("api:docs"), "service-doc", "text/html"),
                _link(request, reverse("api:ogc-conformance"), "conformance", JSON),
                _link(request, reverse("api:ogc-collections"), "data", JSON),
            ],
        }
        return response


@extend_schema(tags=["ogc-features"])
class ConformanceView(generics.GenericAPIView):
    """The OGC API – Features conformance classes served."""

    renderer_classes = [JSONRenderer]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="ogc_conformance", responses={200: ConformanceSerializer, **SIGN_IN}
    )
    def get(self, request, *args, **kwargs):
        return Response({"conformsTo": CONFORMANCE})


@extend_schema(tags=["ogc-features"])
class CollectionsView(generics.GenericAPIView):
    """The feature collections: one, the scenes."""

    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="ogc_collections", responses={200: CollectionsSerializer, **SIGN_IN}
    )
    def get(self, request, *args, **kwargs):
        url = reverse("api:ogc-collections")
        return Response(
            {
                "links": [_link(request, url, "self", JSON)],
                "collections": [collection_document(request)],
            }
        )


@extend_schema(tags=["ogc-features"], parameters=[COLLECTION_ID_PARAMETER])
class CollectionView(generics.GenericAPIView):
    """The scene collection: extent (of the scenes the caller may see) and links."""

    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="ogc_collection",
        responses={200: CollectionSerializer, **ERRORS},
    )
    def get(self, request, collection_id: str, *args, **kwargs):
        _collection_id_or_404(collection_id)
        return Response(collection_document(request))


@extend_schema(tags=["ogc-features"], parameters=[COLLECTION_ID_PARAMETER])
class ItemsView(GeoJSONErrorsAsJSONMixin, ScopedViewSetMixin, generics.GenericAPIView):
    """Scenes as a GeoJSON FeatureCollection, a page at a time (`limit`, `offset`, a
    `next` link while more remain), filtered by `bbox` and the scene list's filters."""

    queryset = Scene.objects.with_places()
    serializer_class = SceneFeatureSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SceneFilter
    pagination_class = None
    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    schema = ItemsSchema()

    @extend_schema(
        operation_id="ogc_items",
        parameters=ITEMS_PARAMETERS,
        responses={
            (200, GEOJSON): SceneFeatureCollectionSerializer,
            (200, JSON): SceneFeatureCollectionSerializer,  # ?format=json: the same document
            **error_responses({400: "A bad bbox, limit, offset or filter value (named)."}),
            **ERRORS,
        },
    )
    def get(self, request, collection_id: str, *args, **kwargs):
        _collection_id_or_404(collection_id)
        query = ItemsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit = min(query.validated_data["limit"], MAX_LIMIT)
        offset = query.validated_data["offset"]
        scenes = self.filter_queryset(self.get_queryset())
        if "bbox" in query.validated_data:
            scenes = scenes.filter(bbox_condition(*query.validated_data["bbox"]))
        scenes = stable_order(scenes)
        matched = scenes.count()
        page = list(scenes[offset : offset + limit])
        features = self.get_serializer(page, many=True).data

        url = request.build_absolute_uri()
        links = [
            {"href": url, "rel": "self", "type": GEOJSON},
            _link(
                request,
                reverse("api:ogc-collection", kwargs={"collection_id": COLLECTION_ID}),
                "collection",
                JSON,
            ),
        ]
        if offset + len(page) < matched:
            following = replace_query_param(url, "offset", offset + limit)
            links.append(
                {
                    "href": replace_query_param(following, "limit", limit),
                    "rel": "next",
                    "type": GEOJSON,
                }
            )
        if offset > 0:
            previous = replace_query_param(url, "offset", max(offset - limit, 0))
            links.append({"href": previous, "rel": "prev", "type": GEOJSON})
        return Response(
            {
                "type": "FeatureCollection",
                "numberMatched": matched,
                "numberReturned": len(page),
                "timeStamp": _now(),
                "links": links,
                "features": features,
            }
        )


@extend_schema(tags=["ogc-features"], parameters=[COLLECTION_ID_PARAMETER])
class ItemView(GeoJSONErrorsAsJSONMixin, ScopedViewSetMixin, generics.GenericAPIView):
    """One scene as a GeoJSON Feature (`id` = the scene's ref)."""

    queryset = Scene.objects.with_places()
    serializer_class = SceneFeatureSerializer
    filter_backends = []
    pagination_class = None
    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    lookup_field = "ref"

    @extend_schema(
        operation_id="ogc_item",
        responses={
            (200, GEOJSON): SceneFeatureSerializer,
            (200, JSON): SceneFeatureSerializer,  # ?format=json: the same document
            **ERRORS,
        },
    )
    def get(self, request, collection_id: str, ref: str, *args, **kwargs):
        _collection_id_or_404(collection_id)
        feature = dict(self.get_serializer(self.get_object()).data)
        feature["links"] = [
            {"href": request.build_absolute_uri(), "rel": "self", "type": GEOJSON},
            _link(
                request,
                reverse("api:ogc-collection", kwargs={"collection_id": COLLECTION_ID}),
                "collection",
                JSON,
            ),
        ]
        return Response(feature)
