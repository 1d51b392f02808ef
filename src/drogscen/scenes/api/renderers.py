from rest_framework.renderers import JSONRenderer

GEOJSON = "application/geo+json"


class GeoJSONRenderer(JSONRenderer):
    """GeoJSON (RFC 7946) under its own media type; chosen with `?format=geojson` or
    `Accept: application/geo+json`. The view decides the shape of the data."""

    media_type = GEOJSON
    format = "geojson"


class GeoJSONErrorsAsJSONMixin:
    """Error bodies are the project's JSON error shape, not GeoJSON, so they go out as
    `application/json` whatever format the client asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(
            getattr(response, "accepted_renderer", None), GeoJSONRenderer
        ):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response
