"""A county where scenes are mapped twice in one year (docs/domain-rules.md#open-scenes):
every report key follows the year's mapping of each scene, its latest approved one by
`mapped_on`, whatever order they were made in. The answers are counted by hand below."""

from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.mappings import services
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.reports.builder import report_build

pytestmark = pytest.mark.django_db

NOT_OPEN = {
    **OPEN_ANSWERS,
    "criteria": ["persistent", "public_use"],
    "symptoms": ["discomfort"],
    "main_substance": "amphetamine",
}
SOLNA = {"lpo": "solna", "lon": 18.0000, "lat": 59.3600}  # municipality 0184


def record(scene, on, answers=OPEN_ANSWERS, *, joint):
    return services.mapping_record_approved(
        scene=scene,
        year=on.year,
        mapped_on=on,
        participants=[Organisation.objects.get(code="kommun:0180")] if joint else [],
        answers=answers,
        lead_local_police_area=scene.local_police_area,
    )


@pytest.fixture
def county(scene_factory):
    """2023: A, B and C open, D not. 2024, the latest mapping of each scene by date:
    A not open in April, open in October → open;
    B open in March, not open in September (made first) → not open: removed;
    C one mapping, open;
    D not open in May, open (cocaine) in October → open: new."""
    a = scene_factory("T-A")
    b = scene_factory("T-B", lon=17.9330, lat=59.3900)
    c = scene_factory("T-C", **SOLNA)
    d = scene_factory("T-D", lon=17.9400, lat=59.3950)
    for scene in (a, b):
        record(scene, date(2023, 11, 1), joint=True)
    record(c, date(2023, 11, 1), joint=False)
    record(d, date(2023, 11, 1), NOT_OPEN, joint=False)

    record(a, date(2024, 10, 2), joint=True)
    record(a, date(2024, 4, 10), NOT_OPEN, joint=False)
    record(b, date(2024, 9, 20), NOT_OPEN, joint=False)
    record(b, date(2024, 3, 15), joint=True)
    record(c, date(2024, 11, 1), joint=False)
    record(d, date(2024, 5, 1), NOT_OPEN, joint=False)
    record(d, date(2024, 10, 1), {**OPEN_ANSWERS, "main_substance": "cocaine"}, joint=True)
    return {"A": a, "B": b, "C": c, "D": d}


def test_every_key_follows_the_latest_mapping_of_the_year(county):
    report = report_build(year=2024)

    # Open: A, C, D (3); in 2023 A, B, C (3); new D, removed B.
    assert {k: report["scenes"][k] for k in ("count", "previous_count", "change")} == {
        "count": 3,
        "previous_count": 3,
        "change": 0,
    }
    assert (report["scenes"]["new"], report["scenes"]["removed"]) == (1, 1)
    assert report["scenes"]["unmapped"] == 0
    # A and D in the City of Stockholm, C in Solna.
    assert report["municipalities"]["by_code"] == {"0180": 2, "0184": 1}
    assert report["municipalities"]["with_scenes"] == 2
    assert report["local_police_areas"]["by_name"] == {"Järva": 2, "Solna": 1}
    # Four scenes, one mapping of the year each (not seven); A and D jointly: 2 of 4.
    assert report["mappings"] == {"count": 4, "joint_share": 0.5}
    # From the October answers of A and D and C's only one; the spring amphetamine is not
    # the year's answer of anyone.
    assert report["substances"] == {"cannabis": 2, "cocaine": 1}
    assert report["goal"]["series"] == {"2023": 3, "2024": 3}
    assert report["goal"]["on_track"] is False


def test_the_previous_year_also_counts_its_latest_mapping(county):
    # D mapped open in spring 2023 and not open in autumn: still not open in 2023.
    record(county["D"], date(2023, 4, 1), joint=True)
    report = report_build(year=2024)
    assert (report["scenes"]["previous_count"], report["scenes"]["new"]) == (3, 1)
    assert report_build(year=2023)["scenes"]["count"] == 3
