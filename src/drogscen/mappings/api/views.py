"""`/api/v1/mappings/`: list, read, draft and change mappings, and take the workflow
steps (submit, co-sign, approve, return, correct), scoped like the pages
(docs/domain-rules.md#access).

Every response that carries a mapping's answers is recorded in the audit trail as a read
(one entry per mapping, also for each item of a list page)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from drogscen.audit.recorder import record_read
from drogscen.core import access
from drogscen.core.pagination import Pagination
from drogscen.core.parsers import JSONParser
from drogscen.mappings import selectors, services
from drogscen.mappings.api.serializers import (
    MappingConflictSerializer,
    MappingCorrectSerializer,
    MappingCreateSerializer,
    MappingSerializer,
    MappingStepSerializer,
    MappingUpdateSerializer,
)
from drogscen.mappings.models import CoSignature, Mapping
from drogscen.mappings.views import MappingFilter
from drogscen.scenes.api.views import NOT_SIGNED_IN, as_drf_validation_error, error_responses

JSON = "application/json"


class MappingPagination(Pagination):
    # Each mapping on a page is an audit entry written (a read of its answers), so the
    # pages stay small.
    default_limit = 50
    max_limit = 50

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = (
                    f"Mappings per page (at most {self.max_limit}; a larger value gives "
                    f"{self.max_limit})."
                )
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        return parameters


class MappingApiFilter(MappingFilter):
    """The filters of the mapping list page, and the scene by its ref."""

    scene = django_filters.CharFilter(
        field_name="scene__ref", label=capfirst(Mapping._meta.get_field("scene").verbose_name)
    )

    class Meta(MappingFilter.Meta):
        fields = [*MappingFilter.Meta.fields, "scene"]


class MayDraftMappings(permissions.BasePermission):
    """POST to the list needs a right to draft mappings at all (an editor of a local
    police area); without one the answer is 403, as for scenes. Whose scene it is, is the
    service's check (400 naming `scene`)."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        return access.can(request.user, access.ADD, Mapping)


ERRORS_READ = {401: NOT_SIGNED_IN, 404: "No such mapping in the caller's scope."}


def _step_schema(summary: str, refused: str, *, request=None, stale=False, created=False):
    responses = {
        (201 if created else 200, JSON): MappingSerializer,
        **error_responses(
            {
                400: refused,
                401: NOT_SIGNED_IN,
                404: "Not in the caller's scope, or not theirs to take this step.",
            }
        ),
    }
    if stale:
        responses[(409, JSON)] = OpenApiResponse(
            MappingConflictSerializer,
            description="Changed by someone else since `version`; nothing was done.",
        )
    return extend_schema(summary=summary, request=request, responses=responses)


@extend_schema(tags=["mappings"])
class MappingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Yearly mappings of the scenes in the caller's scope: its local police area's,
    or those in its municipality; the whole county for the coordination office and the
    police region; none for the other actors (docs/domain-rules.md#access). Mappings are
    never deleted: an approved one is corrected by a new revision."""

    queryset = Mapping.objects.none()  # the model, for the router; reads: readable()
    serializer_class = MappingSerializer
    filterset_class = MappingApiFilter
    pagination_class = MappingPagination
    permission_classes = [permissions.IsAuthenticated, MayDraftMappings]
    parser_classes = [JSONParser]  # answers are a JSON object, not form values

    def initial(self, request, *args, **kwargs):
        # A method the route does not offer is refused to everyone alike, before the
        # sign-in check (as the pages' POST-only views do): it says nothing about a mapping.
        if self.action is None:
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def readable(self) -> QuerySet[Mapping]:
        """The mappings the caller may read, with what the representation needs: the
        list costs the same number of queries whatever its length."""
        return (
            selectors.mapping_list(fetched_by=self.request.user)
            .select_related(None)
            .select_related(
                "scene", "lead_local_police_area", "questionnaire", "submitted_by", "approved_by"
            )
            # Geometry and definition are large and not shown here.
            .defer("scene__geometry", "questionnaire__definition")
            .prefetch_related(
                "participants",
                Prefetch(
                    "cosignatures",
                    access.restrict(
                        CoSignature.objects.select_related("organisation", "signed_by"),
                        self.request.user,
                    ),
                ),
            )
        )

    def get_queryset(self):
        mappings = self.readable()
        if self.action in {"update", "partial_update"}:
            # Visible first (else 404), then the caller's to change (else 404 too).
            mappings = access.restrict(mappings, self.request.user, access.CHANGE)
        # The workflow steps read the visible mapping; each service checks the step's
        # own scope (core.access) and answers 404 to the wrong person.
        return mappings

    def get_serializer_class(self):
        return {
            "create": MappingCreateSerializer,
            "update": MappingUpdateSerializer,
            "partial_update": MappingUpdateSerializer,
            "submit": MappingStepSerializer,
            "approve": MappingStepSerializer,
            "correct": MappingCorrectSerializer,
        }.get(getattr(self, "action", None), MappingSerializer)

    # --- representation -----------------------------------------------------------------

    def record_reads(self, mappings: list[Mapping]) -> None:
        """One audit entry per mapping whose answers go out, all or none."""
        with transaction.atomic():
            for mapping in mappings:
                record_read(mapping, what="answers")

    def represent(self, mapping: Mapping, status_code: int = status.HTTP_200_OK) -> Response:
        mapping = self.readable().get(pk=mapping.pk)
        self.record_reads([mapping])
        data = MappingSerializer(mapping, context=self.get_serializer_context()).data
        headers = {}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = data["url"]
        return Response(data, status=status_code, headers=headers)

    def refused(self, error: DjangoValidationError, renamed: dict | None = None) -> Response:
        """A service's refusal in the API's error shape. Problems of fields or questions
        keep the generic message; a refusal of the whole step (e.g. the wrong state) is
        itself the message."""
        if hasattr(error, "error_dict"):
            detail = as_drf_validation_error(error).detail
            renamed = renamed or {}
            return self.handle_exception(
                exceptions.ValidationError(
                    {renamed.get(field, field): problems for field, problems in detail.items()}
                )
            )
        return Response(
            {"message": " ".join(error.messages), "errors": {"non_field_errors": error.messages}},
            status=status.HTTP_400_BAD_REQUEST,
        )

    def conflict_or_not_valid(
        self,
        mapping: Mapping,
        error: DjangoValidationError,
        version: int | None,
        renamed: dict[str, str] | None = None,
    ) -> Response:
        """409 when the mapping is no longer at the version the client read (the service
        refused for that reason), else the service's problems as 400."""
        current = (
            access.restrict(Mapping.objects.filter(pk=mapping.pk), self.request.user)
            .values("version", "status")
            .first()
        )
        if version is not None and current and current["version"] != version:
            return Response(
                {
                    "message": " ".join(error.messages),
                    "current_version": current["version"],
                    "status": current["status"],
                },
                status=status.HTTP_409_CONFLICT,
            )
        return self.refused(error, renamed)

    # --- reading ------------------------------------------------------------------------

    @extend_schema(
        responses={
            (200, JSON): MappingSerializer(many=True),
            **error_responses({400: "An unknown filter value.", 401: NOT_SIGNED_IN}),
        }
    )
    def list(self, request, *args, **kwargs):
        """The mappings the caller may read, newest reference year first, filtered like
        the mapping list page. Each mapping returned is recorded as a read."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.record_reads(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={(200, JSON): MappingSerializer, **error_responses(ERRORS_READ)})
    def retrieve(self, request, *args, **kwargs):
        """One mapping with its answers (recorded as a read)."""
        mapping = self.get_object()
        self.record_reads([mapping])
        return Response(self.get_serializer(mapping).data)

    # --- drafting -----------------------------------------------------------------------

    @extend_schema(
        request=MappingCreateSerializer,
        responses={
            (201, JSON): MappingSerializer,
            **error_responses(
                {
                    400: "Invalid data, named per field or question code: e.g. a date "
                    "outside the mapping window, personal data in a free text, or a scene "
                    "that is not the caller's.",
                    401: NOT_SIGNED_IN,
                    403: "The caller may not draft mappings (no editor of a local police area).",
                }
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        """Draft a mapping of a scene of the caller's local police area for a reference
        year, under the questionnaire version in force for that year. A draft may be
        incomplete; the answers it has must be valid."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            mapping = services.mapping_create(**serializer.validated_data, by=request.user)
        except Http404:
            # The caller sees the scene but does not lead its mapping.
            raise exceptions.ValidationError({"scene": [_("a scene outside your area")]}) from None
        except DjangoValidationError as error:
            return self.refused(error)
        return self.represent(mapping, status.HTTP_201_CREATED)

    @extend_schema(
        request=MappingUpdateSerializer,
        responses={
            (200, JSON): MappingSerializer,
            **error_responses(
                {
                    400: "Invalid data (named per field or question code), no `version`, "
                    "or the mapping is no longer a draft.",
                    401: NOT_SIGNED_IN,
                    404: "Not in the caller's scope, or not theirs to change.",
                }
            ),
            (409, JSON): OpenApiResponse(
                MappingConflictSerializer,
                description="Changed by someone else since `version`; nothing was saved.",
            ),
        },
    )
    def update(self, request, *args, **kwargs):
        """Change a draft. Send the `version` you read; if the mapping has changed since,
        nothing is saved and the answer is 409."""
        partial = kwargs.pop("partial", False)
        mapping = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        try:
            mapping = services.mapping_update(
                mapping=mapping, expected_version=version, by=request.user, **changes
            )
        except DjangoValidationError as error:
            return self.conflict_or_not_valid(mapping, error, version)
        return self.represent(mapping)

    @extend_schema(
        request=MappingUpdateSerializer,
        responses={
            (200, JSON): MappingSerializer,
            **error_responses(
                {
                    400: "Invalid data, no `version`, or the mapping is no longer a draft.",
                    401: NOT_SIGNED_IN,
                    404: "Not in the caller's scope, or not theirs to change.",
                }
            ),
            (409, JSON): OpenApiResponse(
                MappingConflictSerializer,
                description="Changed by someone else since `version`; nothing was saved.",
            ),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some fields of a draft; `version` is still required. `answers`, when
        given, replaces the whole set."""
        return super().partial_update(request, *args, **kwargs)

    # --- the workflow -------------------------------------------------------------------

    def scoped_mapping(self) -> Mapping:
        """The mapping of the URL, looked up (404 outside the caller's scope) once per
        request and before the body is validated: a caller without access never learns
        what the body lacks."""
        if not hasattr(self, "_scoped_mapping"):
            self._scoped_mapping = self.get_object()
        return self._scoped_mapping

    def take_step(self, call, *, version=None, created=False, renamed=None) -> Response:
        mapping = self.scoped_mapping()
        try:
            result = call(mapping)
        except DjangoValidationError as error:
            return self.conflict_or_not_valid(mapping, error, version, renamed)
        target = result if isinstance(result, Mapping) else mapping
        return self.represent(target, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def step_version(self, request) -> int | None:
        self.scoped_mapping()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data.get("version")

    @_step_schema(
        "Submit a draft",
        "Not a draft (the message says so), or required questions unanswered (named).",
        request=MappingStepSerializer,
        stale=True,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The local police area's editor submits a complete draft for co-signature and
        approval. 400 names the questions still unanswered."""
        version = self.step_version(request)
        return self.take_step(
            lambda mapping: services.mapping_submit(
                mapping=mapping, by=request.user, expected_version=version
            ),
            version=version,
        )

    @_step_schema(
        "Co-sign a submitted mapping",
        "Not submitted, or already co-signed by the caller's municipality (the message).",
    )
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        """An editor of a participating municipality co-signs for the municipality."""
        return self.take_step(
            lambda mapping: services.mapping_cosign(mapping=mapping, by=request.user)
        )

    @_step_schema(
        "Approve a submitted mapping",
        "Not submitted, or a participating municipality has not co-signed (the message).",
        request=MappingStepSerializer,
        stale=True,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The local police area's manager approves, once every participating
        municipality has co-signed."""
        version = self.step_version(request)
        return self.take_step(
            lambda mapping: services.mapping_approve(
                mapping=mapping, by=request.user, expected_version=version
            ),
            version=version,
        )

    @_step_schema("Return a submitted mapping to draft", "Not submitted (the message).")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_draft(self, request, pk=None):
        """The local police area's manager sends a submitted mapping back for changes;
        its co-signatures lapse."""
        return self.take_step(
            lambda mapping: services.mapping_return_to_draft(mapping=mapping, by=request.user)
        )

    @_step_schema(
        "Correct an approved mapping",
        "Not approved, a correction already under way (the message), or no or an "
        "unusable `reason` (named).",
        request=MappingCorrectSerializer,
        created=True,
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Start a correction of an approved mapping: a new draft revision with the
        reason, answered with the new revision (201). The approved one counts until the
        correction is approved."""
        self.scoped_mapping()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        return self.take_step(
            lambda mapping: services.mapping_correct(
                mapping=mapping, reason=reason, by=request.user
            ),
            created=True,
            renamed={"correction_reason": "reason"},
        )
