from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Method
from drogscen.interventions.services import intervention_create
from drogscen.reports.builder import interventions_summary

pytestmark = pytest.mark.django_db


def test_active_interventions_and_methods_of_a_year(scene_factory):
    scene = scene_factory("I-1")
    city = Organisation.objects.get(code="kommun:0180")
    patrol, outreach = (
        Method.objects.get(code="hot_spot_patrol"),
        Method.objects.get(code="street_outreach"),
    )
    common = {"organisation": city, "scenes": [scene]}
    intervention_create(
        title="Pågår",
        methods=[patrol, outreach],
        starts_on=date(2023, 5, 1),
        status="ongoing",
        **common,
    )
    intervention_create(
        title="Slutade 2024",
        methods=[patrol],
        starts_on=date(2023, 1, 1),
        ends_on=date(2024, 3, 31),
        status="finished",
        **common,
    )
    intervention_create(
        title="Inställd", methods=[patrol], starts_on=date(2024, 1, 1), status="cancelled", **common
    )
    intervention_create(
        title="Först 2025",
        methods=[outreach],
        starts_on=date(2025, 2, 1),
        municipality=Municipality.objects.get(code="0180"),
        organisation=city,
    )

    summary = interventions_summary(2024)
    assert (summary["active"], summary["by_method"]) == (
        2,
        {"hot_spot_patrol": 2, "street_outreach": 1},
    )
    assert summary["by_actor_kind"] == {"municipality": 2}
    assert interventions_summary(2025)["active"] == 2
    empty = interventions_summary(2022)
    assert (empty["active"], empty["by_method"], empty["by_actor_kind"]) == (0, {}, {})
