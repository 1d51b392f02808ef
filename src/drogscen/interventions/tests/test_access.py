"""Who sees and writes interventions (the rule is in interventions/access.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from drogscen.interventions.models import Method
from drogscen.interventions.selectors import intervention_list, method_list
from drogscen.interventions.services import (
    intervention_create,
    intervention_update,
    progress_report,
    target_add,
)

pytestmark = pytest.mark.django_db


def visible(user) -> set[str]:
    return set(intervention_list(fetched_by=user).values_list("title", flat=True))


@pytest.fixture
def work(create_kwargs, org, jarva_scene, solna_scene):
    """Stockholm city-wide, Solna city-wide, Region at the Järva scene, LPO Solna at the
    Solna scene."""
    stockholm, solna = org("kommun:0180"), org("kommun:0184")
    intervention_create(**create_kwargs(title="stockholm-wide"))
    intervention_create(
        **create_kwargs(organisation=solna, municipality=solna.municipality, title="solna-wide")
    )
    intervention_create(
        **create_kwargs(
            organisation=org("region"),
            municipality=None,
            scenes=[jarva_scene],
            title="region-jarva",
        )
    )
    intervention_create(
        **create_kwargs(
            organisation=org("lpo:solna"),
            municipality=None,
            scenes=[solna_scene],
            title="lpo-solna",
        )
    )
    assert stockholm.municipality != solna.municipality


ALL = {"stockholm-wide", "solna-wide", "region-jarva", "lpo-solna"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("samordningskansliet", ALL),
        ("polisregion", ALL),
        # Its own, and the work at scenes located in it; not Solna's municipality-wide work.
        ("kommun:0180", {"stockholm-wide", "region-jarva"}),
        ("kommun:0184", {"solna-wide", "lpo-solna"}),
        # Scenes of its area only; no municipality-wide work.
        ("lpo:jarva", {"region-jarva"}),
        ("lpo:solna", {"lpo-solna"}),
        # Partners see the scene list, so all work linked to a scene.
        ("region", {"region-jarva", "lpo-solna"}),
        ("tullverket", {"region-jarva", "lpo-solna"}),
    ],
)
def test_reading_rule(work, make_user, code, expected):
    assert visible(make_user(code)) == expected


def test_a_user_without_organisation_sees_nothing(work, make_user):
    assert visible(make_user(None)) == set()


def test_an_intervention_at_several_scenes_is_listed_once(
    create_kwargs, org, jarva_scene, scene_factory, make_user
):
    other = scene_factory(ref="S-JARVA-2", lpo="jarva", lon=17.9300, lat=59.3890)
    intervention_create(
        **create_kwargs(organisation=org("region"), municipality=None, scenes=[jarva_scene, other])
    )
    assert intervention_list(fetched_by=make_user("lpo:jarva")).count() == 1
    assert intervention_list(fetched_by=make_user("region"), scene=other).count() == 1


def test_an_organisation_records_only_its_own_work(create_kwargs, org, make_user):
    editor = make_user("kommun:0180", "editor")
    intervention_create(**create_kwargs(by=editor))
    solna = org("kommun:0184")
    with pytest.raises(ValidationError) as error:
        intervention_create(
            **create_kwargs(organisation=solna, municipality=solna.municipality, by=editor)
        )
    assert set(error.value.message_dict) == {"organisation"}


def test_a_viewer_records_nothing(create_kwargs, make_user):
    with pytest.raises(ValidationError):
        intervention_create(**create_kwargs(by=make_user("kommun:0180", "viewer")))


def test_scenes_named_must_be_visible_to_the_writer(
    create_kwargs, org, jarva_scene, solna_scene, make_user
):
    editor = make_user("kommun:0180", "editor")
    intervention_create(**create_kwargs(scenes=[jarva_scene], by=editor))
    with pytest.raises(ValidationError) as error:
        intervention_create(**create_kwargs(scenes=[solna_scene], by=editor))
    assert set(error.value.message_dict) == {"scenes"}
    # A partner sees every scene, so may name any.
    intervention_create(
        **create_kwargs(
            organisation=org("region"),
            municipality=None,
            scenes=[solna_scene],
            by=make_user("region", "editor"),
        )
    )


def test_only_the_owner_changes_targets_and_progress(create_kwargs, org, jarva_scene, make_user):
    owner = make_user("region", "editor")
    intervention = intervention_create(
        **create_kwargs(
            organisation=org("region"), municipality=None, scenes=[jarva_scene], by=owner
        )
    )
    lpo_editor = make_user("lpo:jarva", "manager")
    county_editor = make_user("samordningskansliet", "manager")
    for stranger in (lpo_editor, county_editor):  # both see it, neither owns it
        assert intervention_list(fetched_by=stranger).filter(pk=intervention.pk).exists()
        with pytest.raises(Http404):
            intervention_update(intervention=intervention, expected_version=1, by=stranger)
    target = target_add(
        intervention=intervention,
        description="Uppsökande kvällar",
        unit="kvällar",
        planned_quantity=20,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        by=owner,
    )
    with pytest.raises(Http404):
        target_add(
            intervention=intervention,
            description="x",
            unit="x",
            planned_quantity=1,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            by=lpo_editor,
        )
    progress_report(target=target, period=date(2025, 1, 1), actual_quantity=4, by=owner)
    with pytest.raises(Http404):
        progress_report(target=target, period=date(2025, 2, 1), actual_quantity=4, by=lpo_editor)
    updated = intervention_update(
        intervention=intervention, expected_version=1, status="ongoing", by=owner
    )
    assert updated.version == 2


def test_everyone_signed_in_reads_the_methods_and_county_editors_keep_them(make_user):
    assert method_list(fetched_by=make_user("tullverket")).count() == Method.objects.count()
    assert method_list(fetched_by=make_user(None)).count() == Method.objects.count()
    from drogscen.core import access

    assert access.can(make_user("polisregion", "editor"), access.CHANGE, Method)
    assert not access.can(make_user("kommun:0180", "manager"), access.CHANGE, Method)


def test_admin_lists_for_county_wide_editors(client, make_user, work):
    from django.urls import reverse

    client.force_login(make_user("samordningskansliet", "editor"))
    for name in (
        "admin:interventions_method_changelist",
        "admin:interventions_intervention_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200
    method = Method.objects.first()
    assert (
        client.get(reverse("admin:interventions_method_change", args=[method.pk])).status_code
        == 200
    )
