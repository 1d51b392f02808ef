"""`/api/v1/questionnaires/`: the published questionnaire versions with their full
definitions, for everyone signed in (docs/domain-rules.md#access: everyone reads the
questions)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from drogscen.core.api import ScopedReadOnlyViewSet
from drogscen.questionnaires.api.serializers import QuestionnaireVersionSerializer
from drogscen.questionnaires.models import QuestionnaireVersion
from drogscen.scenes.api.views import NOT_SIGNED_IN, error_responses


@extend_schema(tags=["questionnaires"])
@extend_schema_view(
    list=extend_schema(
        summary="Published questionnaire versions",
        responses={
            200: QuestionnaireVersionSerializer(many=True),
            **error_responses({401: NOT_SIGNED_IN}),
        },
    ),
    retrieve=extend_schema(
        summary="One published questionnaire version",
        responses={
            200: QuestionnaireVersionSerializer,
            **error_responses({401: NOT_SIGNED_IN, 404: "No published version of that name."}),
        },
    ),
)
class QuestionnaireViewSet(ScopedReadOnlyViewSet):
    """Published questionnaire versions, oldest first, each with its full definition
    (questions, options with Swedish and English labels, skip logic). Every mapping names
    the version it was answered under; drafts of new versions are not served."""

    queryset = QuestionnaireVersion.objects.filter(published_at__isnull=False).order_by(
        "valid_from_year", "version"
    )
    serializer_class = QuestionnaireVersionSerializer
    lookup_field = "version"
    lookup_value_regex = "[^/]+"  # versions look like 2023.1
    filter_backends = []
