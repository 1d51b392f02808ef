"""What a mapping looks like over HTTP. Serializers only shape and type-check; the
answers, the mapping window and every workflow rule are the services' (services.py)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.mappings.models import CoSignature, Mapping
from drogscen.scenes.api.serializers import LocalPoliceAreaRefSerializer
from drogscen.scenes.models import Scene

ANSWERS_SCHEMA = {
    "type": "object",
    "description": "Question code → answer, as defined by the mapping's questionnaire "
    "version (`/api/v1/questionnaires/{version}/`): an option code, a list of codes, "
    "a number or a text. Free text must not contain personal data.",
    "additionalProperties": True,
    "example": {
        "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
        "symptoms": ["perceived_unsafe"],
        "sellers_origin": "local",
        "buyers_origin": "mixed",
        "main_substance": "cannabis",
        "overall_assessment": "Daglig handel.",
    },
}
STATUSES = [value for value, _label in Mapping.Status.choices]
STATUS_SCHEMA = {"type": "string", "enum": STATUSES}


@extend_schema_field(ANSWERS_SCHEMA)
class AnswersField(serializers.DictField):
    """A JSON object; whether the answers fit the questionnaire is the service's question."""


class StatusField(serializers.CharField):
    """draft → submitted → approved; an approved mapping replaced by an approved
    correction becomes superseded."""


class StatusFieldExtension(OpenApiSerializerFieldExtension):
    """The statuses as a component of their own, `MappingStatus`: drf-spectacular would
    otherwise name every `status` enum of the API from the one property name, and the
    scenes have a `status` (active, closed) too."""

    target_class = StatusField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="MappingStatus",
            type=ResolvedComponent.SCHEMA,
            object="MappingStatus",
            schema={
                **STATUS_SCHEMA,
                "description": "draft → submitted → approved; superseded: replaced by an "
                "approved correction.",
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class SceneRefSerializer(serializers.Serializer):
    ref = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def username_field(help_text: str) -> serializers.Field:
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=help_text
    )


class CoSignatureSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(
        source="organisation.code", read_only=True, help_text="e.g. `kommun:0180`"
    )
    signed_by = username_field("The user who co-signed for the organisation (username).")

    class Meta:
        model = CoSignature
        fields = ["organisation", "signed_by", "signed_at"]
        read_only_fields = fields


class MappingSerializer(serializers.ModelSerializer):
    """The JSON representation (read). Reading it is recorded in the audit trail."""

    url = serializers.HyperlinkedIdentityField(view_name="api:mapping-detail")
    scene = SceneRefSerializer(read_only=True)
    lead_local_police_area = LocalPoliceAreaRefSerializer(read_only=True)
    participants = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text="Codes of the participating organisations, e.g. `kommun:0180`.",
    )
    questionnaire = serializers.CharField(
        source="questionnaire.version",
        read_only=True,
        help_text="The questionnaire version the answers follow, e.g. `2023.1`.",
    )
    answers = AnswersField(read_only=True)
    is_open = serializers.BooleanField(
        read_only=True,
        help_text="Derived: all four definition criteria hold (an open drug scene).",
    )
    main_substance = serializers.CharField(
        read_only=True, help_text="Derived from the answers; empty when not answered."
    )
    status = StatusField(read_only=True)
    corrects = serializers.IntegerField(
        source="corrects_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the approved mapping this revision corrects.",
    )
    cosignatures = CoSignatureSerializer(many=True, read_only=True)
    submitted_by = username_field("The user who submitted the mapping (username); null before.")
    approved_by = username_field(
        "The user who approved the mapping (username); null before, and for mappings "
        "imported from the old tool."
    )

    class Meta:
        model = Mapping
        fields = [
            "id",
            "url",
            "scene",
            "year",
            "mapped_on",
            "lead_local_police_area",
            "participants",
            "questionnaire",
            "answers",
            "is_open",
            "main_substance",
            "status",
            "revision",
            "corrects",
            "correction_reason",
            "cosignatures",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "version",
        ]
        read_only_fields = fields


@extend_schema_field({"type": "string", "description": "The scene's ref, e.g. `P-0180-07`."})
class VisibleSceneField(serializers.SlugRelatedField):
    """A scene by its ref, among those the caller sees: an unknown ref and a scene out
    of scope get the same answer, so nothing is disclosed."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="ref", **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return access.restrict(Scene.objects.all(), user, access.VIEW)


def participants_field(**kwargs) -> serializers.Field:
    return serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Organisation.objects.all(),
        help_text="Codes of the participating organisations, e.g. `kommun:0180`; each "
        "participating municipality co-signs before approval.",
        **kwargs,
    )


class MappingCreateSerializer(serializers.Serializer):
    """A new draft mapping (POST). The lead local police area is the scene's, the
    questionnaire version the one in force for the year."""

    scene = VisibleSceneField(help_text="The scene's ref.")
    year = serializers.IntegerField(help_text="The reference year the mapping is for.")
    mapped_on = serializers.DateField(
        help_text="Within the year's mapping window (by default 1 January of the year to "
        "31 March of the next)."
    )
    participants = participants_field(required=False, default=list)
    answers = AnswersField(
        required=False,
        default=dict,
        help_text="A draft may be incomplete; submitting needs every required answer.",
    )


class MappingUpdateSerializer(serializers.Serializer):
    """Change a draft (PUT: all fields, PATCH: some). `version` is always required: the
    version the client read; a stale one answers 409. The reference year does not
    change."""

    mapped_on = serializers.DateField()
    participants = participants_field()
    answers = AnswersField(help_text="The whole set of answers; it replaces the earlier one.")
    version = serializers.IntegerField(
        min_value=1, help_text="The version the change is based on (optimistic locking)."
    )

    def validate(self, attrs):
        if "version" not in attrs:  # PATCH makes every field optional, but not this one
            raise serializers.ValidationError(
                {"version": [self.fields["version"].error_messages["required"]]}
            )
        return attrs


class MappingStepSerializer(serializers.Serializer):
    """Submit or approve. With `version`, the step is taken only if the mapping is still
    the one the client read (else 409)."""

    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version the client read (optional)."
    )


class MappingCorrectSerializer(serializers.Serializer):
    """Correct an approved mapping: a new draft revision, with the reason."""

    # Not required here: the service checks who may correct first, then the reason.
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Why the approved mapping is corrected: required (checked after access, so a "
            "caller without access gets 404); no personal data."
        ),
    )


class MappingConflictSerializer(serializers.Serializer):
    message = serializers.CharField()
    current_version = serializers.IntegerField()
    status = StatusField(help_text="The mapping's status now.")
