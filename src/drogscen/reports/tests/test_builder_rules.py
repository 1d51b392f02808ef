"""Hand-made cases for the report builder's counting rules
(docs/domain-rules.md#county-report-figures), one rule each."""

from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.geo.models import LocalPoliceArea
from drogscen.mappings import services
from drogscen.mappings.models import Mapping
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.reports.builder import area_on_track, report_build

pytestmark = pytest.mark.django_db

NOT_OPEN = {**OPEN_ANSWERS, "criteria": ["persistent", "public_use"], "symptoms": ["discomfort"]}
SOLNA = {"lon": 18.0000, "lat": 59.3600}  # inside Solna municipality


def approve(scene, year=2024, *, answers=OPEN_ANSWERS, lead=None, joint=True):
    return services.mapping_record_approved(
        scene=scene,
        year=year,
        mapped_on=date(year, 11, 1),
        participants=[Organisation.objects.get(code="kommun:0180")] if joint else [],
        answers=answers,
        lead_local_police_area=lead or scene.local_police_area,
    )


def test_a_scene_counts_for_the_police_area_that_led_its_mapping(scene_factory):
    scene = scene_factory("R-1", lpo="jarva")
    approve(scene, lead=LocalPoliceArea.objects.get(slug="solna"))

    report = report_build(year=2024)

    assert report["local_police_areas"]["by_name"] == {"Solna": 1}
    assert report["local_police_areas"]["with_scenes"] == 1


def test_the_municipality_is_the_one_holding_the_representative_point(scene_factory):
    approve(scene_factory("R-2", lpo="solna", **SOLNA))
    approve(scene_factory("R-3"))  # Järva: in the City of Stockholm

    report = report_build(year=2024)

    assert report["municipalities"]["by_code"] == {"0180": 1, "0184": 1}
    assert report["stockholm_districts"]["with_scenes"] == 1  # only R-3 is in the city


def test_the_latest_approved_revision_counts_not_the_latest_made(scene_factory):
    scene = scene_factory("R-4")
    correction = approve(scene, answers=NOT_OPEN)
    Mapping.objects.filter(pk=correction.pk).update(revision=2)
    approve(scene)  # made later, but revision 1

    report = report_build(year=2024)

    assert report["scenes"]["count"] == 0
    assert report["mappings"]["count"] == 1


def test_substances_and_symptoms_come_from_the_open_scenes_only(scene_factory):
    approve(scene_factory("R-5"))
    approve(
        scene_factory("R-6", lon=17.9330, lat=59.3900),
        answers={**NOT_OPEN, "main_substance": "cocaine"},
    )

    report = report_build(year=2024)

    assert report["scenes"]["count"] == 1
    assert report["substances"] == {"cannabis": 1}
    assert report["symptoms"] == {"perceived_unsafe": 1, "crime_hotspot": 1}


def test_districts_are_those_valid_at_the_end_of_the_year(scene_factory):
    from drogscen.geo import lookups
    from drogscen.geo.models import District, DistrictBoundary

    scene = scene_factory("R-7")
    approve(scene)
    [found] = lookups.districts_at([scene.point_lon], [scene.point_lat], on=date(2024, 12, 31))
    old = District.objects.get(name=found.key)
    boundary = DistrictBoundary.objects.valid_on(date(2024, 12, 31)).get(district=old)
    # The district ceased in the middle of the year and a successor with the same
    # boundary took over: the report names the one valid on 31 December.
    District.objects.filter(pk=old.pk).update(valid_to=date(2024, 6, 30))
    DistrictBoundary.objects.filter(pk=boundary.pk).update(valid_to=date(2024, 6, 30))
    successor = District.objects.create(name=f"{old.name} (ny)", valid_from=date(2024, 7, 1))
    DistrictBoundary.objects.create(
        district=successor,
        valid_from=date(2024, 7, 1),
        geometry=boundary.geometry,
        source="test",
    )
    lookups.invalidate()

    report = report_build(year=2024)

    assert report["stockholm_districts"]["names"] == [successor.name]
    assert report["stockholm_districts"]["total"] == (
        District.objects.valid_on(date(2024, 12, 31)).count()
    )
    lookups.invalidate()


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ({2023: 3}, None),
        ({2023: 3, 2024: 2}, True),
        ({2023: 3, 2024: 3}, False),
        ({2023: 2, 2024: 0, 2025: 0}, True),
        ({2023: 0, 2024: 1}, False),
    ],
)
def test_an_area_is_on_track_while_it_falls_or_stays_at_none(series, expected):
    assert area_on_track(series) is expected
