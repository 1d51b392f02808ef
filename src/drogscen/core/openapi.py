"""The OpenAPI describes the errors every operation can answer with (#16: "every response,
success and error, one documented error shape"), so that a client generated from it, and
the schema-driven fuzzer in tests/test_api_fuzz.py, meet no undocumented status code.

The project's AutoSchema adds, to what a view documents itself, the errors that follow from
the operation's shape, all as the one error body of core/api.py (`{"message", "errors"}`):
401 for every operation that needs a signed-in caller, 400 when it takes a body or a query
parameter that is checked, 404 when it names an object in the path or takes `format`
(DRF answers an unknown format with 404). A view adds its own with `openapi_errors`
(status → description); what a view documents with `extend_schema` is left as it is."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

NOT_SIGNED_IN = "Not signed in (no or an invalid token or session)."
INVALID = "An invalid parameter or body value; `errors` names the parameter or field."
NOT_FOUND = "No such object in the caller's scope."
UNKNOWN_FORMAT = "An unknown `format`."
# Query parameters nothing checks: DRF's paging falls back to its defaults on nonsense.
UNCHECKED_PARAMETERS = {"limit", "offset"}


class ErrorSerializer(serializers.Serializer):
    """The project's error body (core/api.py)."""

    message = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For validation errors: the problems per field (or parameter).",
    )


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code, description in self.error_descriptions(operation).items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description),
                    str(code),
                    media_types=["application/json"],
                )
        return operation

    def error_descriptions(self, operation: dict) -> dict[int, str]:
        """The errors this operation can answer with, by its shape and its view's own."""
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        errors = {}
        if "requestBody" in operation or query - UNCHECKED_PARAMETERS - {"format"}:
            errors[400] = INVALID
        if not any(
            issubclass(permission, permissions.AllowAny)
            for permission in self.view.permission_classes
        ):
            errors[401] = NOT_SIGNED_IN
        if any(p["in"] == "path" for p in parameters):
            errors[404] = NOT_FOUND
        elif "format" in query:
            errors[404] = UNKNOWN_FORMAT
        return errors | getattr(self.view, "openapi_errors", {})
