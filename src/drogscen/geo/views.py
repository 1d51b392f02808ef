"""Reference layers for the maps (boundaries and stations as GeoJSON), served by the app
so maps work without internet tiles."""

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from drogscen.core import access
from drogscen.geo.models import DistrictBoundary, Municipality, Station


def _municipalities(user):
    rows = access.restrict(Municipality.objects.all(), user).values("code", "name", "geometry")
    return [
        {
            "type": "Feature",
            "geometry": r["geometry"],
            "properties": {"code": r["code"], "name": r["name"]},
        }
        for r in rows
    ]


def _districts(user):
    rows = (
        access.restrict(DistrictBoundary.objects.all(), user)
        .valid_on(timezone.localdate())
        .values("district__name", "geometry")
    )
    return [
        {"type": "Feature", "geometry": r["geometry"], "properties": {"name": r["district__name"]}}
        for r in rows
    ]


def _stations(user):
    rows = access.restrict(Station.objects.all(), user).values(
        "name", "kind", "lines", "longitude", "latitude"
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
            "properties": {"name": r["name"], "kind": r["kind"], "lines": r["lines"]},
        }
        for r in rows
    ]


LAYERS = {"kommuner": _municipalities, "stadsdelar": _districts, "stationer": _stations}


@require_GET
@cache_control(private=True, max_age=3600)
def reference_layer(request, layer: str):
    if layer not in LAYERS:
        raise Http404
    return JsonResponse({"type": "FeatureCollection", "features": LAYERS[layer](request.user)})
