"""API base classes: scoped querysets, pagination and JSON errors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from drogscen.core import access

METHOD_ACTION = {
    "GET": access.VIEW,
    "HEAD": access.VIEW,
    "OPTIONS": access.VIEW,
    "POST": access.ADD,
    "PUT": access.CHANGE,
    "PATCH": access.CHANGE,
    "DELETE": access.DELETE,
}


class ScopedViewSetMixin:
    """Every queryset of an API view goes through the access rules; reads of objects
    outside scope are 404 like in the pages."""

    queryset = None

    def get_queryset(self):
        action = METHOD_ACTION.get(self.request.method, access.VIEW)
        if action != access.VIEW:
            # Writes: the object must be visible, else 404; then writable, else 404 too.
            visible = access.restrict(self.queryset.all(), self.request.user, access.VIEW)
            return access.restrict(visible, self.request.user, action)
        return access.restrict(self.queryset.all(), self.request.user, access.VIEW)

    def get_object(self):
        # A key with a NUL character names no object (PostgreSQL cannot even compare
        # text with one): 404 like any other key that names nothing.
        if "\x00" in str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")):
            raise Http404
        return super().get_object()


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


def exception_handler(exc, context):
    """Errors as JSON: `{"message": ..., "errors": {field: [...]}}`, 404 for scope."""
    if isinstance(exc, Http404 | PermissionDenied):
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"message": _("The data is not valid."), "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"message": str(data["detail"])}
    return Response(response.data, status=response.status_code, headers=response.headers)


def query_text(request, name: str) -> str | None:
    """A text query parameter read by hand (not through a filter set, whose fields check
    it), or a 400 naming it when it holds a NUL character, which PostgreSQL text cannot."""
    value = request.query_params.get(name)
    if value is not None and "\x00" in value:
        raise exceptions.ValidationError({name: [ProhibitNullCharactersValidator.message]})
    return value


def page_not_found(request, exception):
    """An address under /api/ that names no operation (an id that is not a number, a
    misspelt path) answers in the API's error body like every other API error; pages get
    the app's 404 page (config/urls.py: handler404)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
