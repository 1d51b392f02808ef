"""`drogscen demo` followed by the counting rules gives exactly the published figures."""

from datetime import date

import pytest

from drogscen.geo import lookups
from drogscen.mappings.counting import year_summary
from drogscen.mappings.models import Mapping
from drogscen.mappings.selectors import approved_records, scenes_active_at_year_end
from drogscen.scenes.models import Scene


@pytest.mark.django_db
def test_the_published_2023_and_2024_figures(demo_county):
    records = approved_records()

    def summary(year):
        active = scenes_active_at_year_end(year=year, scenes=Scene.objects.all()).values_list(
            "pk", flat=True
        )
        return year_summary(records, year, active_at_year_end=active)

    assert summary(2023).count == 63
    s2024 = summary(2024)
    assert (s2024.count, s2024.previous_count, s2024.change) == (53, 63, -10)
    assert (len(s2024.new), len(s2024.removed), len(s2024.unmapped)) == (0, 10, 0)
    assert round(s2024.joint_share * 100) == 96

    open_2024 = Mapping.objects.filter(year=2024, status="approved", is_open=True)
    assert open_2024.values("scene__municipality").distinct().count() == 8
    assert open_2024.values("lead_local_police_area").distinct().count() == 13
    scenes = Scene.objects.filter(pk__in=open_2024.values("scene"))
    districts = lookups.districts_at(
        list(scenes.values_list("point_lon", flat=True)),
        list(scenes.values_list("point_lat", flat=True)),
        on=date(2024, 12, 31),
    )
    assert len({d.key for d in districts if d.key}) == 11


@pytest.mark.django_db
def test_demo_names_are_neutral_and_2025_is_in_progress(demo_county):
    assert not Scene.objects.exclude(name__regex=r"^Plats \d{4}-\d{2}$").exists()
    assert sorted(Mapping.objects.filter(year=2025).values_list("status", flat=True)) == [
        "draft",
        "submitted",
    ]


@pytest.mark.django_db
def test_the_demo_inventory_has_every_kind_of_actor(demo_county):
    from drogscen.interventions.models import Intervention, TargetProgress

    kinds = set(Intervention.objects.values_list("organisation__kind", flat=True))
    assert kinds >= {
        "police_area",
        "municipality",
        "region",
        "prison_probation",
        "customs",
        "county_board",
        "coordination",
    }
    assert {"ongoing", "finished", "planned"} <= set(
        Intervention.objects.values_list("status", flat=True)
    )
    assert TargetProgress.objects.exists()
