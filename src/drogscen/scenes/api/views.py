"""`/api/v1/scenes/`: list, detail, register and change scenes, scoped like the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from drogscen.core import access
from drogscen.core.api import ScopedViewSetMixin
from drogscen.core.openapi import ErrorSerializer
from drogscen.core.parsers import JSONParser
from drogscen.scenes import services
from drogscen.scenes.api.renderers import GEOJSON, GeoJSONErrorsAsJSONMixin, GeoJSONRenderer
from drogscen.scenes.api.serializers import (
    ConflictSerializer,
    SceneCreateSerializer,
    SceneFeatureCollectionSerializer,
    SceneFeatureSerializer,
    SceneSerializer,
    SceneUpdateSerializer,
)
from drogscen.scenes.filters import SceneFilter
from drogscen.scenes.models import Scene

# Audit field (attname) → API field, for telling a client what changed under it.

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "geojson"],
    description="`geojson`: a GeoJSON Feature / FeatureCollection (`application/geo+json`).",
)
JSON = "application/json"
NOT_SIGNED_IN = "Not signed in (no or an invalid token or session)."


def error_responses(descriptions: dict[int, str]) -> dict:
    """Error bodies are always JSON (`{"message", "errors"}`), whatever the format."""
    return {
        (code, JSON): OpenApiResponse(
            ConflictSerializer if code == 409 else ErrorSerializer, description=text
        )
        for code, text in descriptions.items()
    }


UPDATE_RESPONSES = {
    (200, JSON): SceneSerializer,
    (200, GEOJSON): SceneFeatureSerializer,
    **error_responses(
        {
            400: "Invalid data, e.g. no `version`.",
            401: NOT_SIGNED_IN,
            404: "Not in the caller's scope, or not theirs to change.",
            409: "Changed by someone else since `version`; nothing was saved.",
        }
    ),
}


def stable_order(queryset: QuerySet) -> QuerySet:
    """Paging needs a total order: the requested one (or the model's), then `ref`."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not {"ref", "-ref"} & set(ordering):
        ordering.append("ref")
    return queryset.order_by(*ordering)


def as_drf_validation_error(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError in the API's error shape, keyed by field."""
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": error.messages}
    return ValidationError(detail)


class MayRegisterScenes(permissions.BasePermission):
    """POST to the list needs a right to register scenes at all (an editor of a local
    police area). Without one the answer is 403, not 404: the list exists for the caller
    and nothing about any scene is disclosed. Which area is theirs is the service's
    check (400 naming `local_police_area`)."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        return access.can(request.user, access.ADD, Scene)


@extend_schema(tags=["scenes"])
class SceneViewSet(
    GeoJSONErrorsAsJSONMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Open drug scenes in the caller's scope (docs/domain-rules.md#access). Scenes are
    never deleted: they are closed, merged or split (on the scene pages)."""

    queryset = Scene.objects.with_places()
    serializer_class = SceneSerializer
    filterset_class = SceneFilter
    lookup_field = "ref"
    lookup_value_regex = "[^/]+"
    permission_classes = [permissions.IsAuthenticated, MayRegisterScenes]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, GeoJSONRenderer]
    parser_classes = [JSONParser]  # a geometry is a JSON object, not a form value

    @property
    def wants_geojson(self) -> bool:
        return isinstance(getattr(self.request, "accepted_renderer", None), GeoJSONRenderer)

    def get_serializer_class(self):
        method = self.request.method if self.request else "GET"
        if method == "POST":
            return SceneCreateSerializer
        if method in {"PUT", "PATCH"}:
            return SceneUpdateSerializer
        if self.wants_geojson:
            return SceneFeatureSerializer
        return SceneSerializer

    def filter_queryset(self, queryset):
        return stable_order(super().filter_queryset(queryset))

    def get_paginated_response(self, data):
        if not self.wants_geojson:
            return super().get_paginated_response(data)
        links = [{"href": self.request.build_absolute_uri(), "rel": "self", "type": GEOJSON}]
        for rel, href in (
            ("next", self.paginator.get_next_link()),
            ("prev", self.paginator.get_previous_link()),
        ):
            if href:
                links.append({"href": href, "rel": rel, "type": GEOJSON})
        return Response(
            {
                "type": "FeatureCollection",
                "numberMatched": self.paginator.count,
                "numberReturned": len(data),
                "links": links,
                "features": data,
            }
        )

    def _represent(self, scene: Scene, status_code: int = status.HTTP_200_OK) -> Response:
        scene = access.get_or_404(Scene.objects.with_places(), self.request.user, pk=scene.pk)
        context = self.get_serializer_context()
        if self.wants_geojson:
            data = SceneFeatureSerializer(scene, context=context).data
        else:
            data = SceneSerializer(scene, context=context).data
        headers = {}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = self.reverse_action("detail", kwargs={"ref": scene.ref})
        return Response(data, status=status_code, headers=headers)

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, JSON): SceneSerializer(many=True),
            (200, GEOJSON): SceneFeatureCollectionSerializer,
            **error_responses({400: "An unknown filter value.", 401: NOT_SIGNED_IN}),
        },
    )
    def list(self, request, *args, **kwargs):
        """The scenes the caller may see, filtered like the scene list page."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, JSON): SceneSerializer,
            (200, GEOJSON): SceneFeatureSerializer,
            **error_responses({401: NOT_SIGNED_IN, 404: "No such scene in the caller's scope."}),
        },
    )
    def retrieve(self, request, *args, **kwargs):
        """One scene in the caller's scope."""
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=SceneCreateSerializer,
        responses={
            (201, JSON): SceneSerializer,
            (201, GEOJSON): SceneFeatureSerializer,
            **error_responses(
                {
                    400: "Invalid data, or a local police area that is not the caller's.",
                    401: NOT_SIGNED_IN,
                    403: "The caller may not register scenes (no editor of a local police area).",
                }
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        """Register a scene of the caller's own local police area. The derived place
        (municipality, district, station, area) is computed from the geometry."""
        serializer = SceneCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            scene = services.scene_create(**serializer.validated_data, by=request.user)
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        return self._represent(scene, status.HTTP_201_CREATED)

    @extend_schema(request=SceneUpdateSerializer, responses=UPDATE_RESPONSES)
    def update(self, request, *args, **kwargs):
        """Change a scene. Send the `version` you read; if the scene has changed since,
        nothing is saved and the answer is 409 naming the changed fields."""
        partial = kwargs.pop("partial", False)
        scene = self.get_object()
        serializer = SceneUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        valid_from = changes.pop("geometry_valid_from", None)
        try:
            scene = services.scene_update(
                scene=scene,
                expected_version=version,
                by=request.user,
                geometry_valid_from=valid_from,
                **changes,
            )
        except services.SceneConflict as conflict:
            return self._conflict(conflict, version)
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        return self._represent(scene)

    @extend_schema(request=SceneUpdateSerializer, responses=UPDATE_RESPONSES)
    def partial_update(self, request, *args, **kwargs):
        """Change some fields of a scene; `version` is still required."""
        return super().partial_update(request, *args, **kwargs)

    def _conflict(self, conflict: services.SceneConflict, version: int) -> Response:
        return Response(
            {
                "message": str(conflict),
                "changed": conflict.changed,
                "current_version": conflict.scene.version,
            },
            status=status.HTTP_409_CONFLICT,
        )
