"""The follow-up of the yearly round on hand-made cases: a scene open last year that
closed during the year still needs the year's mapping, unless it was merged or split
into other scenes."""

from datetime import date

import pytest
from django.conf import settings

from drogscen.accounts.models import Organisation
from drogscen.mappings import compliance, services
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.scenes import services as scene_services
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db

NOT_OPEN = {"criteria": ["persistent"], "overall_assessment": "Ingen handel längre."}
BEFORE_DEADLINE = date(2025, 1, 15)
AFTER_DEADLINE = date(2025, 6, 1)


def approved(scene, year, answers=OPEN_ANSWERS):
    return services.mapping_record_approved(
        scene=scene,
        year=year,
        mapped_on=date(year, 11, 1),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=answers,
        lead_local_police_area=scene.local_police_area,
    )


def close(scene, on, reason=Scene.CloseReason.NO_LONGER_SCENE):
    return scene_services.scene_close(
        scene=scene, closed_on=on, reason=reason, expected_version=None
    )


@pytest.fixture
def county(scene_factory):
    """Six scenes of LPO Järva, all open in 2023."""
    places = {}
    for index, name in enumerate(["gone", "gone_mapped", "merged", "kept", "earlier", "drafted"]):
        scene = scene_factory(f"C-{index}", lon=17.90 + index * 0.004, lat=59.39)
        approved(scene, 2023)
        places[name] = scene
    # Closed during 2024 for no longer being a scene, without a 2024 mapping.
    close(places["gone"], date(2024, 5, 2))
    # Closed during 2024, with the 2024 mapping that records it is no longer open.
    close(places["gone_mapped"], date(2024, 6, 1))
    approved(places["gone_mapped"], 2024, NOT_OPEN)
    # Merged into another scene during 2024: that scene is mapped instead.
    scene_services.scene_merge(
        scene=places["merged"], into=places["kept"], on=date(2024, 4, 1), expected_version=None
    )
    approved(places["kept"], 2024)
    # Closed before 2024 began (the 2023 mapping was its last).
    close(places["earlier"], date(2023, 12, 1))
    # Closed during 2024, the 2024 mapping still a draft.
    close(places["drafted"], date(2024, 9, 1))
    services.mapping_create(
        scene=places["drafted"],
        year=2024,
        mapped_on=date(2024, 11, 5),
        participants=[],
        answers=NOT_OPEN,
    )
    return places


def states(user, today):
    areas, county = compliance.mapping_compliance(year=2024, fetched_by=user, today=today)
    return areas, county, {s.scene.ref: s.state for s in county.scenes}


def test_scenes_closed_during_the_year_still_need_the_years_mapping(county, make_user):
    areas, total, found = states(make_user("lpo:jarva", "viewer"), BEFORE_DEADLINE)
    assert found == {
        county["gone"].ref: compliance.MISSING,
        county["gone_mapped"].ref: compliance.MAPPED,
        county["merged"].ref: compliance.CLOSED_MERGED,
        county["kept"].ref: compliance.MAPPED,
        county["earlier"].ref: compliance.CLOSED,
        county["drafted"].ref: compliance.IN_PROGRESS,
    }
    (jarva,) = areas
    for counts in (jarva, total):
        assert (counts.mapped, counts.in_progress, counts.missing, counts.overdue) == (2, 1, 1, 0)
        assert counts.closed_merged == 1 and counts.closed == 1
        assert (counts.joint, counts.approved) == (2, 2)
    assert sorted(s.scene.ref for s in total.flagged) == sorted(
        [county["gone"].ref, county["drafted"].ref]
    )


def test_after_the_deadline_they_are_overdue(county, make_user):
    _areas, total, found = states(make_user("lpo:jarva", "viewer"), AFTER_DEADLINE)
    assert found[county["gone"].ref] == found[county["drafted"].ref] == compliance.OVERDUE
    assert found[county["merged"].ref] == compliance.CLOSED_MERGED
    assert total.overdue == 2


def test_a_split_counts_as_merged_or_split(scene_factory, make_user):
    scene = scene_factory("C-S")
    approved(scene, 2023)
    close(scene, date(2024, 3, 1), Scene.CloseReason.SPLIT)
    _areas, total, found = states(make_user("lpo:jarva", "viewer"), BEFORE_DEADLINE)
    assert found == {"C-S": compliance.CLOSED_MERGED} and not total.flagged


def test_the_page_explains_the_rule_and_lists_the_closing_date(client, county, make_user):
    client.force_login(make_user("lpo:jarva", "viewer"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the new strings' msgids
    page = client.get("/kartlaggningar/uppfoljning/", {"year": 2024}).content.decode()
    assert "Closed (merged/split)" in page and "no longer an open drug scene" in page
    flagged = page.split("Open last year, not mapped this year")[1].split("</ul>")[0]
    assert county["gone"].ref in flagged and "(closed 2024-05-02)" in flagged
    assert county["merged"].ref not in flagged and county["kept"].ref not in flagged
