"""Property-based tests of the scene importer: whatever a file holds, the importer either
imports it or refuses it with problems that say where and what, never crashes; small
valid squares inside the county always import, and importing them again changes nothing."""

import json
import math
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drogscen.core import geo
from drogscen.core.imports import ImportRejected
from drogscen.geo.models import LocalPoliceArea
from drogscen.scenes.importing import scenes_import
from drogscen.scenes.models import Scene
from drogscen.scenes.services import scene_create

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Places well inside the county (a few hundred metres around each stay inside).
CENTRES = [
    (17.9280, 59.3880),  # Rinkeby
    (17.9993, 59.3600),  # Solna centrum
    (17.6253, 59.1955),  # Södertälje
    (18.0649, 59.3326),  # Stockholm, Norrmalm
    (18.1380, 59.1680),  # Haninge centrum
    (18.0720, 59.4430),  # Täby centrum
    (18.7000, 59.7570),  # Norrtälje
]
LPO_NAMES = ["Järva", "Solna", "Södertälje", "Haninge/Nynäshamn", "Norrmalm", "Södra Roslagen"]
REFS = ["A", "B", "C", "D", "E"]  # few: duplicates and updates of the stored "A" happen
M_PER_DEG_LAT = 111_320


def square_ring(lon, lat, half_m, angle, reverse=False, start=0):
    """A square of side 2·half_m metres turned by `angle`, as a closed ring of lon/lat."""
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(lat))
    corners = []
    for k in range(4):
        a = angle + math.pi / 4 + k * math.pi / 2
        dx, dy = half_m * math.sqrt(2) * math.cos(a), half_m * math.sqrt(2) * math.sin(a)
        corners.append([lon + dx / m_per_deg_lon, lat + dy / M_PER_DEG_LAT])
    if reverse:
        corners.reverse()
    corners = corners[start:] + corners[:start]
    return corners + [corners[0]]


@st.composite
def valid_squares(draw):
    lon, lat = draw(st.sampled_from(CENTRES))
    lon += draw(st.floats(-0.004, 0.004))
    lat += draw(st.floats(-0.002, 0.002))
    ring = square_ring(
        lon,
        lat,
        draw(st.floats(8, 400)),
        draw(st.floats(0, math.pi / 2)),
        draw(st.booleans()),
        draw(st.integers(0, 3)),
    )
    return {"type": "Polygon", "coordinates": [ring]}


iso_dates = st.dates(date(2015, 1, 1), date(2025, 12, 31)).map(date.isoformat)
names = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    str.strip
)


@st.composite
def valid_features(draw, ref):
    identified = draw(st.dates(date(2015, 1, 1), date(2024, 12, 31)))
    properties = {
        "ref": ref,
        "name": draw(names),
        "lpo": draw(st.sampled_from(LPO_NAMES)),
        "identified_on": identified.isoformat(),
    }
    if draw(st.booleans()):
        closed = draw(st.dates(identified, date(2025, 12, 31)))
        properties["closed_on"] = closed.isoformat()
        properties["close_reason"] = draw(st.sampled_from(Scene.CloseReason.values))
    return {"type": "Feature", "properties": properties, "geometry": draw(valid_squares())}


# --- broken input ---------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(300, 400).map(lambda digits: 10**digits),  # beyond any float
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.just("\ud800"),  # a lone surrogate, written as a JSON escape
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
    ),
    max_leaves=12,
)
coordinates = st.one_of(
    st.floats(17.4, 18.9),
    st.floats(58.7, 60.2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    json_scalars,
)
positions = st.one_of(
    st.lists(coordinates, min_size=2, max_size=3),
    st.lists(coordinates, max_size=1),
    json_values,
)
rings = st.one_of(
    st.lists(positions, max_size=6),
    valid_squares().map(lambda g: g["coordinates"][0]),
    # a valid square with one position moved: unclosed, crossing or far away
    st.tuples(valid_squares(), st.integers(0, 4), positions).map(
        lambda t: [p if i != t[1] else t[2] for i, p in enumerate(t[0]["coordinates"][0])]
    ),
)
broken_geometries = st.one_of(
    st.none(),
    valid_squares(),
    st.builds(lambda r: {"type": "Polygon", "coordinates": r}, st.lists(rings, max_size=2)),
    st.builds(
        lambda p: {"type": "MultiPolygon", "coordinates": p},
        st.lists(st.lists(rings, max_size=2), max_size=2),
    ),
    st.builds(
        lambda t, c: {"type": t, "coordinates": c},
        st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "Circle", ""]),
        json_values,
    ),
    json_values,
)


def maybe(strategy):
    return st.one_of(strategy, json_scalars, json_values)


broken_properties = st.fixed_dictionaries(
    {},
    optional={
        "ref": maybe(st.sampled_from(REFS)),
        "name": maybe(names),
        "lpo": maybe(st.sampled_from([*LPO_NAMES, "järva", "Atlantis"])),
        "identified_on": maybe(iso_dates),
        "closed_on": maybe(iso_dates),
        "close_reason": maybe(st.sampled_from([*Scene.CloseReason.values, "", "gone"])),
        "status": json_values,
    },
)


@st.composite
def mutated_features(draw):
    """A valid feature with up to two things broken: most examples stay close to valid, so
    both imports and refusals of single fields happen."""
    feature = draw(valid_features(draw(st.sampled_from(REFS))))
    properties = feature["properties"]
    for _ in range(draw(st.integers(0, 2))):
        change = draw(st.sampled_from(["drop", "property", "geometry", "position", "type"]))
        key = draw(st.sampled_from([*PROPERTY_NAMES, "geometry"]))
        if change == "drop":
            (properties if key != "geometry" else feature).pop(key, None)
        elif change == "property":
            properties[draw(st.sampled_from(PROPERTY_NAMES))] = draw(json_values)
        elif change == "geometry":
            feature["geometry"] = draw(broken_geometries)
        elif change == "position" and (ring := _outer_ring(feature.get("geometry"))):
            ring[draw(st.integers(0, len(ring) - 1))] = draw(positions)
        elif change == "type":
            feature["type"] = draw(json_values)
    return feature


def _outer_ring(geometry):
    if isinstance(geometry, dict) and geometry.get("type") == "Polygon":
        rings = geometry.get("coordinates")
        if isinstance(rings, list) and rings and isinstance(rings[0], list):
            return rings[0]
    return None


PROPERTY_NAMES = ["ref", "name", "lpo", "identified_on", "closed_on", "close_reason"]
raw_features = st.one_of(
    st.builds(
        lambda p, g: {"type": "Feature", "properties": p, "geometry": g},
        broken_properties,
        broken_geometries,
    ),
    json_values,
)
# Weighted towards features that are nearly valid.
broken_features = st.one_of(mutated_features(), mutated_features(), raw_features)


# --- the tests ------------------------------------------------------------------------------


def attempt(content: bytes, name: str = "scenes.geojson"):
    """Import the content in a transaction that is rolled back: each example starts from
    the same database, with one stored scene "A" to update."""
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        scene_create(
            ref="A",
            name="Stored",
            geometry={"type": "Polygon", "coordinates": [square_ring(*CENTRES[0], 40, 0)]},
            local_police_area=LocalPoliceArea.objects.get(name="Järva"),
            identified_on=date(2020, 1, 1),
        )
        path = Path(directory) / name
        path.write_bytes(content)
        try:
            return scenes_import(path=path)
        finally:
            transaction.set_rollback(True)


def problems_of(call):
    """(result, []) for an import, (None, problems) for a refusal; anything else fails."""
    try:
        return call(), []
    except ImportRejected as exc:
        assert exc.problems and exc.total >= len(exc.problems)
        return None, exc.problems


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@SETTINGS
@given(features=st.lists(broken_features, max_size=5))
def test_broken_features_are_refused_feature_by_feature_or_imported(features):
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result, problems = problems_of(lambda: attempt(content))
    if result is not None:
        assert result.read == len(features)
        assert result.created + result.updated + result.unchanged == result.read
    for problem in problems:
        assert problem.file == "scenes.geojson"
        assert problem.where.startswith("feature "), problem
        assert problem.field and problem.message, problem
        assert str(problem).startswith(f"scenes.geojson, {problem.where}, {problem.field}: ")


@SETTINGS
@given(document=json_values)
def test_any_json_document_is_refused_with_a_message_or_imported(document):
    content = json.dumps(document).encode()
    result, problems = problems_of(lambda: attempt(content))
    assert result is not None or problems
    for problem in problems:
        assert problem.file == "scenes.geojson" and problem.message


@SETTINGS
@given(content=st.binary(max_size=300))
def test_any_bytes_are_refused_with_a_message_or_imported(content):
    result, problems = problems_of(lambda: attempt(content, "scenes.gpkg"))
    assert result is not None or problems
    for problem in problems:
        assert problem.file == "scenes.gpkg" and problem.message


gpkg_shapes = st.one_of(
    valid_squares().map(geo.from_geojson),
    st.just(
        shapely.Polygon([(17.927, 59.387), (17.929, 59.389), (17.929, 59.387), (17.927, 59.389)])
    ),
    st.just(shapely.Point(17.928, 59.388)),
    st.just(shapely.Polygon()),
    st.just(shapely.box(11.9, 57.7, 11.91, 57.71)),  # Gothenburg
    st.none(),
)
gpkg_values = st.one_of(
    st.none(), st.sampled_from([*REFS, *LPO_NAMES, "other"]), names, iso_dates, st.text(max_size=8)
)


@settings(SETTINGS, max_examples=20)
@given(
    rows=st.lists(
        st.tuples(gpkg_shapes, st.lists(gpkg_values, min_size=6, max_size=6)), max_size=4
    ),
    crs=st.sampled_from([geo.WGS84, geo.SWEREF99TM]),
)
def test_geopackages_of_any_content_are_refused_feature_by_feature_or_imported(rows, crs):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "scenes.gpkg"
        shapes = [
            None if shape is None else geo.project(shape, source=geo.WGS84, target=crs)
            for shape, _ in rows
        ]
        pyogrio.raw.write(
            str(path),
            np.array([None if s is None else shapely.to_wkb(s) for s in shapes], dtype=object),
            [np.array([values[i] for _, values in rows], dtype=object) for i in range(6)],
            PROPERTY_NAMES,
            layer="scenes",
            driver="GPKG",
            geometry_type="Unknown",
            crs=crs,
        )
        result, problems = problems_of(lambda: attempt(path.read_bytes(), "scenes.gpkg"))
    if result is not None:
        assert result.read == len(rows)
    for problem in problems:
        assert problem.where.startswith("feature ") and problem.field, problem


@settings(SETTINGS, max_examples=25)
@given(data=st.data(), count=st.integers(1, 3))
def test_small_squares_inside_the_county_always_import(data, count):
    refs = [f"Q-{i}" for i in range(count)]
    features = [data.draw(valid_features(ref)) for ref in refs]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        path = Path(directory) / "squares.geojson"
        path.write_bytes(content)
        first = scenes_import(path=path)
        again = scenes_import(path=path)
        stored = {s.ref: s for s in Scene.objects.filter(ref__in=refs)}
        transaction.set_rollback(True)
    assert (first.created, first.updated) == (count, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, count)
    for item in features:
        scene = stored[item["properties"]["ref"]]
        assert scene.name == item["properties"]["name"].strip()
        assert 100 <= scene.area_m2 <= 5_000_000
        assert scene.municipality_id is not None
