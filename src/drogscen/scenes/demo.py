"""Demo scenes that reproduce the shape of the county's published picture: 63 scenes in
the 2023 mapping and 53 in 2024 (none new, 10 removed), the 2024 ones in 8 of the 26
municipalities, linked to 13 local police areas and present in every Stockholm district
administration. Places are synthetic and named neutrally ("Plats 0180-07"): never a real
place labelled as a drug scene."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from drogscen.core import geo
from drogscen.geo import lookups
from drogscen.geo.models import LocalPoliceArea, Station
from drogscen.scenes import services
from drogscen.scenes.models import Scene

# (municipality, district or None, local police area today, scenes open in 2024)
OPEN_2024 = [
    ("0180", "Norra innerstaden", "Norra innerstaden", 5),
    ("0180", "Kungsholmen", "Lidingö-Kungsholmen", 2),
    ("0180", "Södermalm", "Södermalm", 4),
    ("0180", "Järva", "Järva", 4),
    ("0180", "Hässelby-Vällingby", "Vällingby", 2),
    ("0180", "Bromma", "Vällingby", 1),
    ("0180", "Enskede-Årsta-Vantör", "Globen", 3),
    ("0180", "Skarpnäck", "Globen", 2),
    ("0180", "Farsta", "Farsta", 2),
    ("0180", "Hägersten-Älvsjö", "Skärholmen", 2),
    ("0180", "Skärholmen", "Skärholmen", 3),
    ("0184", None, "Solna", 4),
    ("0183", None, "Solna", 3),
    ("0181", None, "Södertälje", 5),
    ("0126", None, "Huddinge", 3),
    ("0127", None, "Botkyrka", 3),
    ("0182", None, "Nacka", 2),
    ("0123", None, "Järfälla", 3),
]
# Open in 2023 and not in 2024: closed during 2024, or still watched but no longer open.
REMOVED_2024 = [
    ("0163", None, "Sollentuna", "closed"),
    ("0136", None, "Haninge/Nynäshamn", "closed"),
    ("0114", None, "Sollentuna", "closed"),
    ("0180", "Farsta", "Farsta", "closed"),
    ("0188", None, "Norrtälje", "closed"),
    ("0180", "Södermalm", "Södermalm", "merged"),
    ("0181", None, "Södertälje", "merged"),
    ("0180", "Järva", "Järva", "not_open"),
    ("0184", None, "Solna", "not_open"),
    ("0126", None, "Huddinge", "not_open"),
]
# Where a municipality has no metro or tram station to anchor on.
CENTRES = {
    "0181": (17.6253, 59.1955),
    "0123": (17.8345, 59.4230),
    "0126": (17.9810, 59.2370),
    "0127": (17.8450, 59.2390),
    "0182": (18.1620, 59.3100),
    "0183": (17.9720, 59.3610),
    "0163": (17.9500, 59.4280),
    "0136": (18.1390, 59.1680),
    "0114": (17.9100, 59.5180),
    "0188": (18.7010, 59.7580),
    "0184": (17.9993, 59.3600),
}


@dataclass
class Planned:
    ref: str
    name: str
    municipality: str
    district: str | None
    lpo: str
    identified_on: date
    fate: str = "open"  # open, closed, merged, not_open, split_parent, split_child


def _anchors(municipality: str, district: str | None) -> list[tuple[float, float]]:
    stations = list(Station.objects.order_by("osm_id").values_list("longitude", "latitude"))
    lon = [s[0] for s in stations]
    lat = [s[1] for s in stations]
    in_municipality = lookups.municipalities_at(lon, lat)
    in_district = lookups.districts_at(lon, lat, on=date(2024, 12, 31))
    anchors = [
        s
        for s, m, d in zip(stations, in_municipality, in_district, strict=True)
        if m.key == municipality and m.distance_m == 0 and (district is None or d.key == district)
    ]
    if municipality in CENTRES:
        anchors.insert(0, CENTRES[municipality])
    return anchors


def _polygon(lon: float, lat: float, radius_m: float, rng: random.Random) -> dict:
    """An irregular polygon of about `radius_m` around a point."""
    corners = rng.randint(5, 8)
    ring = []
    for i in range(corners):
        angle = 2 * math.pi * i / corners + rng.uniform(-0.2, 0.2)
        r = radius_m * rng.uniform(0.75, 1.15)
        ring.append(
            [
                lon + r * math.cos(angle) / (111_320 * math.cos(math.radians(lat))),
                lat + r * math.sin(angle) / 111_320,
            ]
        )
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _place(plan: Planned, index: int, rng: random.Random, anchors) -> dict:
    """A polygon near an anchor whose representative point lies in the planned area."""
    for attempt in range(40):
        lon, lat = anchors[(index + attempt) % len(anchors)]
        angle = math.radians((index * 137.5 + attempt * 53) % 360)
        distance = rng.uniform(60, 260)
        lon += distance * math.cos(angle) / (111_320 * math.cos(math.radians(lat)))
        lat += distance * math.sin(angle) / 111_320
        geometry = _polygon(lon, lat, rng.uniform(35, 110), rng)
        shape = geo.from_geojson(geometry)
        point_lon, point_lat = geo.representative_point(shape)
        (municipality,) = lookups.municipalities_at([point_lon], [point_lat])
        (district,) = lookups.districts_at([point_lon], [point_lat], on=date(2024, 12, 31))
        if (
            municipality.key == plan.municipality
            and municipality.distance_m == 0
            and (plan.district is None or district.key == plan.district)
        ):
            return geometry
    raise RuntimeError(f"no place found for {plan.ref}")


def demo_plan() -> list[Planned]:
    rng = random.Random(2024)
    plans: list[Planned] = []
    numbers: dict[str, int] = {}

    def next_ref(code: str) -> tuple[str, str]:
        numbers[code] = numbers.get(code, 0) + 1
        return f"P-{code}-{numbers[code]:02d}", f"Plats {code}-{numbers[code]:02d}"

    def identified() -> date:
        return date(rng.choice([2019, 2020, 2021, 2022]), rng.randint(1, 12), rng.randint(1, 28))

    for code, district, lpo, count in OPEN_2024:
        for _ in range(count):
            ref, name = next_ref(code)
            plans.append(Planned(ref, name, code, district, lpo, identified()))
    for code, district, lpo, fate in REMOVED_2024:
        ref, name = next_ref(code)
        plans.append(Planned(ref, name, code, district, lpo, identified(), fate))
    # Two of the open Järva scenes came out of a split in May 2023.
    parent_ref, parent_name = next_ref("0180")
    plans.append(
        Planned(parent_ref, parent_name, "0180", "Järva", "Järva", date(2020, 3, 1), "split_parent")
    )
    for plan in [p for p in plans if p.district == "Järva" and p.fate == "open"][:2]:
        plan.fate = "split_child"
        plan.identified_on = date(2023, 5, 15)
    return plans


@transaction.atomic
def demo_scenes_ensure() -> int:
    """Create the demo scenes that are missing; returns how many were created."""
    if Scene.objects.filter(ref__startswith="P-").exists():
        return 0
    rng = random.Random(63)
    plans = demo_plan()
    areas = {a.name: a for a in LocalPoliceArea.objects.all()}
    anchors: dict[tuple[str, str | None], list] = {}
    scenes: dict[str, Scene] = {}
    for index, plan in enumerate(plans):
        key = (plan.municipality, plan.district)
        if key not in anchors:
            anchors[key] = _anchors(*key)
        if plan.fate == "split_child":
            continue
        scenes[plan.ref] = services.scene_create(
            ref=plan.ref,
            name=plan.name,
            geometry=_place(plan, index, rng, anchors[key]),
            local_police_area=areas[plan.lpo],
            identified_on=plan.identified_on,
        )
    parent = next(scenes[p.ref] for p in plans if p.fate == "split_parent")
    children = [p for p in plans if p.fate == "split_child"]
    for index, plan in enumerate(children):
        (child,) = services.scene_split(
            scene=parent,
            parts=[
                {
                    "ref": plan.ref,
                    "name": plan.name,
                    "geometry": _place(plan, 100 + index, rng, anchors[("0180", "Järva")]),
                }
            ],
            on=plan.identified_on,
            close_original=index == len(children) - 1,
            expected_version=None,
        )
        scenes[plan.ref] = child
    open_by_municipality = {}
    for plan in plans:
        if plan.fate == "open":
            open_by_municipality.setdefault(plan.municipality, scenes[plan.ref])
    for plan in plans:
        scene = scenes[plan.ref]
        if plan.fate == "closed":
            services.scene_close(
                scene=scene,
                closed_on=date(2024, rng.randint(3, 10), rng.randint(1, 28)),
                reason=Scene.CloseReason.NO_LONGER_SCENE,
                expected_version=None,
            )
        elif plan.fate == "merged":
            services.scene_merge(
                scene=scene,
                into=open_by_municipality[plan.municipality],
                on=date(2024, 4, 1),
                expected_version=None,
            )
    # Several scenes shrank in 2024: the goal is fewer scenes *and* smaller area.
    for plan in [p for p in plans if p.fate == "open"][::6]:
        scene = scenes[plan.ref]
        shape = geo.to_sweref(geo.from_geojson(scene.geometry))
        smaller = geo.to_wgs84(shape.buffer(-min(15.0, math.sqrt(shape.area) / 8)))
        services.scene_update(
            scene=scene,
            expected_version=None,
            geometry=geo.normalised_geojson(smaller),
            geometry_valid_from=date(2024, 6, 1),
        )
    return len(scenes)
