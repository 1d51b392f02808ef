"""What a scene looks like over HTTP: JSON for the REST resource, GeoJSON (RFC 7946)
Features for `?format=geojson` and the OGC API. Serializers only shape and type-check;
the writes are the services' (scenes/services.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from drogscen.geo.models import LocalPoliceArea
from drogscen.scenes.models import Scene

POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
POLYGON_SCHEMA = {
    "type": "object",
    "description": "A GeoJSON Polygon or MultiPolygon, WGS84 longitude/latitude (RFC 7946).",
    "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {
            "type": "array",
            "description": "Polygon: rings; MultiPolygon: polygons of rings.",
            "items": {"type": "array"},
        },
    },
    "required": ["type", "coordinates"],
}
POINT_SCHEMA = {
    "type": "object",
    "description": "A GeoJSON Point, WGS84 longitude/latitude.",
    "properties": {"type": {"type": "string", "enum": ["Point"]}, "coordinates": POSITION},
    "required": ["type", "coordinates"],
}
BBOX_SCHEMA = {
    "type": "array",
    "description": "west, south, east, north (WGS84)",
    "items": {"type": "number"},
    "minItems": 4,
    "maxItems": 4,
}


@extend_schema_field(POLYGON_SCHEMA)
class PolygonField(serializers.JSONField):
    """A GeoJSON geometry; whether it is a usable scene area is the service's question."""


def scene_status(scene: Scene) -> str:
    return "active" if scene.closed_on is None else "closed"


def scene_bbox(scene: Scene) -> list[float]:
    return [scene.bbox_west, scene.bbox_south, scene.bbox_east, scene.bbox_north]


class LocalPoliceAreaRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class MunicipalityRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class SceneDerivedSerializer(serializers.Serializer):
    """Computed from the geometry on every save (scenes/derivation.py), never typed in."""

    area_m2 = serializers.FloatField(read_only=True)
    municipality = MunicipalityRefSerializer(read_only=True)
    district = serializers.CharField(
        source="district.name", read_only=True, default=None, allow_null=True
    )
    nearest_station = serializers.CharField(
        source="nearest_station.name", read_only=True, default=None, allow_null=True
    )
    station_distance_m = serializers.FloatField(read_only=True, allow_null=True)
    representative_point = serializers.SerializerMethodField()

    @extend_schema_field(POINT_SCHEMA)
    def get_representative_point(self, scene: Scene) -> dict:
        return {"type": "Point", "coordinates": [scene.point_lon, scene.point_lat]}


class SceneSerializer(serializers.ModelSerializer):
    """The JSON representation (read)."""

    geometry = PolygonField(read_only=True)
    local_police_area = LocalPoliceAreaRefSerializer(read_only=True)
    status = serializers.SerializerMethodField()
    derived = SceneDerivedSerializer(source="*", read_only=True)
    # "" while the scene is open (the model's blank choice), so the schema allows it too.
    close_reason = serializers.ChoiceField(
        choices=Scene._meta.get_field("close_reason").choices, allow_blank=True, read_only=True
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:scene-detail", lookup_field="ref", lookup_url_kwarg="ref"
    )

    class Meta:
        model = Scene
        fields = [
            "ref",
            "name",
            "geometry",
            "local_police_area",
            "identified_on",
            "closed_on",
            "close_reason",
            "status",
            "derived",
            "version",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["active", "closed"]))
    def get_status(self, scene: Scene) -> str:
        return scene_status(scene)


class SceneWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    geometry = PolygonField()
    local_police_area = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=LocalPoliceArea.objects.all(),
        help_text="The slug of the local police area, e.g. `jarva`.",
    )
    identified_on = serializers.DateField()


class SceneCreateSerializer(SceneWriteSerializer):
    """Register a scene (POST). Closing, merging and splitting are separate actions."""

    ref = serializers.CharField(max_length=64, help_text="A stable identifier, e.g. P-0180-07.")


class SceneUpdateSerializer(SceneWriteSerializer):
    """Change a scene (PUT: all fields, PATCH: some). `version` is always required: the
    version the client read; a stale one answers 409."""

    version = serializers.IntegerField(
        min_value=1, help_text="The version the change is based on (optimistic locking)."
    )
    geometry_valid_from = serializers.DateField(
        required=False,
        write_only=True,
        help_text="From when a new geometry applies (default today); the old one is kept.",
    )

    def validate(self, attrs):
        if "version" not in attrs:  # PATCH makes every field optional, but not this one
            raise serializers.ValidationError(
                {"version": [self.fields["version"].error_messages["required"]]}
            )
        return attrs


class ScenePropertiesSerializer(serializers.Serializer):
    """The Feature properties: the JSON representation flattened, so GIS tools get one
    column per value (QGIS/GDAL turn nested objects into text)."""

    ref = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    local_police_area = serializers.CharField(source="local_police_area.slug", read_only=True)
    local_police_area_name = serializers.CharField(source="local_police_area.name", read_only=True)
    identified_on = serializers.DateField(read_only=True)
    closed_on = serializers.DateField(read_only=True, allow_null=True)
    close_reason = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()
    area_m2 = serializers.FloatField(read_only=True)
    municipality = serializers.CharField(source="municipality.code", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    district = serializers.CharField(
        source="district.name", read_only=True, default=None, allow_null=True
    )
    nearest_station = serializers.CharField(
        source="nearest_station.name", read_only=True, default=None, allow_null=True
    )
    station_distance_m = serializers.FloatField(read_only=True, allow_null=True)
    point_lon = serializers.FloatField(read_only=True)
    point_lat = serializers.FloatField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:scene-detail", lookup_field="ref", lookup_url_kwarg="ref"
    )

    @extend_schema_field(serializers.ChoiceField(choices=["active", "closed"]))
    def get_status(self, scene: Scene) -> str:
        return scene_status(scene)


class LinkSerializer(serializers.Serializer):
    href = serializers.URLField()
    rel = serializers.CharField()
    type = serializers.CharField(required=False)
    title = serializers.CharField(required=False)


class SceneFeatureSerializer(serializers.Serializer):
    """One scene as a GeoJSON Feature; `id` is the scene's ref."""

    type = serializers.SerializerMethodField()
    id = serializers.CharField(source="ref", read_only=True)
    geometry = PolygonField(read_only=True)
    bbox = serializers.SerializerMethodField()
    properties = ScenePropertiesSerializer(source="*", read_only=True)
    # Only on the single item of the OGC API (skipped when the scene has no `links`).
    links = LinkSerializer(many=True, required=False)

    @extend_schema_field(serializers.ChoiceField(choices=["Feature"]))
    def get_type(self, scene: Scene) -> str:
        return "Feature"

    @extend_schema_field(BBOX_SCHEMA)
    def get_bbox(self, scene: Scene) -> list[float]:
        return scene_bbox(scene)


@extend_schema_serializer(many=False)
class SceneFeatureCollectionSerializer(serializers.Serializer):
    """For the documentation only: the FeatureCollection (RFC 7946) with the paging
    members of OGC API – Features as foreign members."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = SceneFeatureSerializer(many=True)
    numberMatched = serializers.IntegerField(help_text="Scenes matching the query, all pages.")
    numberReturned = serializers.IntegerField(help_text="Scenes in this response.")
    timeStamp = serializers.DateTimeField(required=False)
    links = LinkSerializer(many=True)


class ConflictSerializer(serializers.Serializer):
    message = serializers.CharField()
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="Fields changed since the version sent."
    )
    current_version = serializers.IntegerField()


# OGC API – Features documents (documentation only; the views build plain dicts).


class SpatialExtentSerializer(serializers.Serializer):
    bbox = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    crs = serializers.CharField()


class ExtentSerializer(serializers.Serializer):
    spatial = SpatialExtentSerializer()


class CollectionSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    itemType = serializers.CharField()
    crs = serializers.ListField(child=serializers.CharField())
    extent = ExtentSerializer(required=False, help_text="Absent when no scene is visible.")
    links = LinkSerializer(many=True)


class CollectionsSerializer(serializers.Serializer):
    links = LinkSerializer(many=True)
    collections = CollectionSerializer(many=True)


class ConformanceSerializer(serializers.Serializer):
    conformsTo = serializers.ListField(child=serializers.URLField())
