"""What a scene's geometry says about it: area, representative point, municipality,
district and nearest station. Computed on every save, never typed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from drogscen.core import geo
from drogscen.geo import lookups
from drogscen.geo.models import District, LocalPoliceArea, Municipality

MIN_AREA_M2 = 100.0
MAX_AREA_M2 = 5_000_000.0
OUTSIDE_COUNTY_TOLERANCE_M = lookups.MUNICIPALITY_FALLBACK_M


@dataclass(frozen=True)
class DerivedPlace:
    area_m2: float
    point_lon: float
    point_lat: float
    bbox: tuple[float, float, float, float]
    municipality_code: str | None
    district_name: str | None
    station_id: int | None
    station_distance_m: float | None


def scene_place_derive(geometry: BaseGeometry, *, on: date) -> DerivedPlace:
    """Municipality and district are those containing the representative point (the
    district set valid on `on`); the area is measured in SWEREF 99 TM."""
    lon, lat = geo.representative_point(geometry)
    (municipality,) = lookups.municipalities_at([lon], [lat])
    (district,) = lookups.districts_at([lon], [lat], on=on)
    (station,) = lookups.nearest_stations([lon], [lat])
    return DerivedPlace(
        area_m2=geo.area_m2(geometry),
        point_lon=lon,
        point_lat=lat,
        bbox=geo.bounds(geometry),
        municipality_code=municipality.key,
        district_name=district.key if municipality.key == "0180" else None,
        station_id=station.key,
        station_distance_m=station.distance_m,
    )


def scene_geometry_problems(geojson) -> tuple[BaseGeometry | None, list[str]]:
    """The rules a scene's area must meet, beyond being a valid polygon."""
    shape, problems = geo.polygon_problems(geojson)
    if shape is None:
        return None, problems
    vertices = geo.vertices(shape)
    outside = lookups.distance_outside_county_m(vertices[:, 0], vertices[:, 1])
    if (outside > OUTSIDE_COUNTY_TOLERANCE_M).any():
        return None, [
            _(
                "lies outside Stockholm county (%(metres)s m outside the nearest "
                "municipality); coordinates must be WGS84 longitude, latitude"
            )
            % {"metres": f"{outside.max():.0f}"}
        ]
    area = geo.area_m2(shape)
    if area < MIN_AREA_M2:
        return None, [
            _("area %(area)s m² is below the smallest scene size of 100 m²")
            % {"area": f"{area:.0f}"}
        ]
    if area > MAX_AREA_M2:
        return None, [
            _("area %(area)s km² is above the largest scene size of 5 km²")
            % {"area": f"{area / 1e6:.2f}"}
        ]
    return shape, []


def apply_place(scene, place: DerivedPlace) -> None:
    scene.area_m2 = round(place.area_m2, 1)
    scene.point_lon, scene.point_lat = place.point_lon, place.point_lat
    scene.bbox_west, scene.bbox_south, scene.bbox_east, scene.bbox_north = place.bbox
    scene.municipality = Municipality.objects.get(code=place.municipality_code)
    scene.district = District.objects.get(name=place.district_name) if place.district_name else None
    scene.nearest_station_id = place.station_id
    scene.station_distance_m = (
        round(place.station_distance_m, 1) if place.station_distance_m is not None else None
    )


def suggested_police_area(place: DerivedPlace, *, on: date) -> LocalPoliceArea | None:
    """The local police area whose coverage list holds the scene's district (in Stockholm)
    or municipality, valid on `on`."""
    areas = LocalPoliceArea.objects.valid_on(on)
    if place.district_name:
        match = areas.filter(districts__name=place.district_name).order_by("name").first()
        if match:
            return match
    return areas.filter(municipalities__code=place.municipality_code).order_by("name").first()
