"""What a published questionnaire version looks like over HTTP. The definition is served
as stored (validated when the version was drafted, immutable once published); the
serializers below the first one only document its shape in the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from drogscen.questionnaires.definition import PREFILL_SOURCES, QuestionType
from drogscen.questionnaires.models import QuestionnaireVersion


class LocalizedTextSerializer(serializers.Serializer):
    sv = serializers.CharField(help_text="Swedish.")
    en = serializers.CharField(help_text="English.")


class QuestionOptionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable code, the value stored in the answers.")
    label = LocalizedTextSerializer()


class QuestionSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable across versions: answers of different years join on it."
    )
    type = serializers.ChoiceField(choices=[t.value for t in QuestionType])
    label = LocalizedTextSerializer()
    help = LocalizedTextSerializer(required=False)
    required = serializers.BooleanField(required=False, default=False)
    relevant = serializers.CharField(
        required=False,
        help_text="Skip logic: the question applies only when this expression holds, e.g. "
        "`selected(${criteria}, 'public_sale')`.",
    )
    options = QuestionOptionSerializer(
        many=True,
        required=False,
        help_text="single_choice and multiple_choice; yes_no_unknown has the fixed options "
        "yes, no, unknown.",
    )
    min = serializers.FloatField(required=False, help_text="number: the lowest value.")
    max = serializers.FloatField(required=False, help_text="number: the highest value.")
    integer = serializers.BooleanField(required=False, help_text="number: whole numbers only.")
    max_length = serializers.IntegerField(required=False, help_text="text: most characters.")
    allow_empty = serializers.BooleanField(
        required=False,
        help_text="multiple_choice, organisation_list: an empty list is an answer "
        '("none of these").',
    )
    prefill = serializers.ChoiceField(
        choices=sorted(PREFILL_SOURCES),
        required=False,
        help_text="A value the application fills in before the user answers.",
    )


class QuestionnaireSectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = LocalizedTextSerializer()
    questions = QuestionSerializer(many=True)


class QuestionnaireDefinitionSerializer(serializers.Serializer):
    """The definition JSON (questionnaires/definition.py, in the spirit of XLSForm)."""

    version = serializers.CharField()
    title = LocalizedTextSerializer()
    valid_from_year = serializers.IntegerField()
    description = LocalizedTextSerializer(required=False)
    sections = QuestionnaireSectionSerializer(many=True)


@extend_schema_field(QuestionnaireDefinitionSerializer)
class DefinitionField(serializers.JSONField):
    """The stored definition, as it was published."""


@extend_schema_field(LocalizedTextSerializer)
class LocalizedTitleField(serializers.JSONField):
    pass


class QuestionnaireVersionSerializer(serializers.ModelSerializer):
    """A published questionnaire version (read-only; published versions never change)."""

    title = LocalizedTitleField(source="definition.title", read_only=True)
    definition = DefinitionField(read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:questionnaire-detail", lookup_field="version", lookup_url_kwarg="version"
    )

    class Meta:
        model = QuestionnaireVersion
        fields = ["version", "title", "valid_from_year", "published_at", "definition", "url"]
        read_only_fields = fields
