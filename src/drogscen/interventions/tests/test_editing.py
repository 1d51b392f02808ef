"""Editing on the pages: the owner's editors change an intervention (optimistic
locking, personal-data guard), add a target and change its status."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from drogscen.interventions.models import Intervention, Target
from drogscen.interventions.services import intervention_create, intervention_set_status


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def city_work(create_kwargs):
    return intervention_create(**create_kwargs(status="ongoing"))


def edit_data(intervention, **overrides):
    return {
        "ref": intervention.ref,
        "title": intervention.title,
        "description": "",
        "methods": [m.pk for m in intervention.methods.all()],
        "scenes": "",
        "municipality": "0180",
        "starts_on": "2025-01-01",
        "ends_on": "",
        "status": intervention.status,
        "version": intervention.version,
        **overrides,
    }


def test_an_intervention_gets_a_reference(city_work):
    assert city_work.ref == f"I-{city_work.pk}"


def test_the_owner_edits_and_the_version_moves_on(client, make_user, city_work):
    client.force_login(make_user("kommun:0180", "editor"))
    url = reverse("interventions:edit", args=[city_work.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == "Helgkvällsinsats"
    response = client.post(url, edit_data(city_work, title="Kvällsinsats", ref="KV-1"))
    assert response.status_code == 302
    city_work.refresh_from_db()
    assert (city_work.title, city_work.ref, city_work.version) == ("Kvällsinsats", "KV-1", 2)


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(english, make_user, city_work):
    english.force_login(make_user("kommun:0180", "editor"))
    stale = edit_data(city_work, title="Mitt namn")
    Intervention.objects.filter(pk=city_work.pk).update(title="Någon annans", version=2)
    response = english.post(reverse("interventions:edit", args=[city_work.pk]), stale)
    assert response.status_code == 200
    assert "changed by someone else" in " ".join(response.context["form"].non_field_errors())
    assert Intervention.objects.get(pk=city_work.pk).title == "Någon annans"


def test_personal_data_in_the_description_is_refused_on_edit(english, make_user, city_work):
    english.force_login(make_user("kommun:0180", "editor"))
    response = english.post(
        reverse("interventions:edit", args=[city_work.pk]),
        edit_data(city_work, description="Ring 070-123 45 67"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"description"}
    assert Intervention.objects.get(pk=city_work.pk).description == ""


def test_others_cannot_edit(client, make_user, city_work):
    client.force_login(make_user("kommun:0184", "editor"))
    assert client.get(reverse("interventions:edit", args=[city_work.pk])).status_code == 404
    client.force_login(make_user("kommun:0180", "viewer"))
    assert client.get(reverse("interventions:edit", args=[city_work.pk])).status_code == 404


def test_a_reference_is_unique_within_the_organisation(english, make_user, create_kwargs):
    first = intervention_create(**create_kwargs(ref="A-1"))
    second = intervention_create(**create_kwargs())
    english.force_login(make_user("kommun:0180", "editor"))
    response = english.post(
        reverse("interventions:edit", args=[second.pk]), edit_data(second, ref=first.ref)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ref"]


def target_data(**overrides):
    return {
        "target-description": "Helger med synlig närvaro",
        "target-unit": "helger",
        "target-planned_quantity": "40",
        "target-period_start": "2025-01-01",
        "target-period_end": "2025-12-31",
        **overrides,
    }


def test_the_owner_adds_a_target(english, make_user, city_work):
    english.force_login(make_user("kommun:0180", "editor"))
    detail = english.get(reverse("interventions:detail", args=[city_work.pk]))
    assert detail.context["target_form"] is not None
    response = english.post(reverse("interventions:target_add", args=[city_work.pk]), target_data())
    assert response.status_code == 302
    target = Target.objects.get(intervention=city_work)
    assert (target.unit, target.planned_quantity) == ("helger", 40)
    page = english.get(reverse("interventions:detail", args=[city_work.pk]))
    assert "0 of 40 (0 %)" in page.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target-unit": ""}, "unit"),
        ({"target-period_end": "2024-12-31"}, "period_end"),
        ({"target-planned_quantity": "0"}, "planned_quantity"),
        ({"target-description": "Kontakt anna@example.se"}, "description"),
    ],
)
def test_a_bad_target_is_refused_next_to_its_field(english, make_user, city_work, overrides, field):
    english.force_login(make_user("kommun:0180", "editor"))
    response = english.post(
        reverse("interventions:target_add", args=[city_work.pk]), target_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["target_form"].errors
    assert not Target.objects.exists()


def test_only_the_owner_adds_targets(client, make_user, city_work):
    client.force_login(make_user("kommun:0184", "editor"))
    response = client.post(reverse("interventions:target_add", args=[city_work.pk]), target_data())
    assert response.status_code == 404


def test_finishing_ends_the_work_today(client, make_user, city_work):
    client.force_login(make_user("kommun:0180", "editor"))
    detail = client.get(reverse("interventions:detail", args=[city_work.pk]))
    assert [a["status"] for a in detail.context["status_actions"]] == ["finished", "cancelled"]
    response = client.post(
        reverse("interventions:status", args=[city_work.pk]),
        {"status": "finished", "version": city_work.version},
    )
    assert response.status_code == 302
    city_work.refresh_from_db()
    assert city_work.status == "finished"
    assert city_work.ends_on is not None and city_work.ends_on >= city_work.starts_on


def test_a_status_change_from_a_stale_page_is_refused(english, make_user, city_work):
    english.force_login(make_user("kommun:0180", "editor"))
    intervention_set_status(intervention=city_work, status="cancelled", expected_version=1)
    response = english.post(
        reverse("interventions:status", args=[city_work.pk]),
        {"status": "finished", "version": 1},
    )
    assert response.status_code == 200
    assert response.context["status_errors"]
    assert Intervention.objects.get(pk=city_work.pk).status == "cancelled"


def test_an_impossible_move_is_refused(create_kwargs):
    from django.core.exceptions import ValidationError

    planned = intervention_create(**create_kwargs())
    with translation.override("en"), pytest.raises(ValidationError) as error:
        intervention_set_status(intervention=planned, status="finished", expected_version=None)
    assert "cannot become" in error.value.message_dict["status"][0]


def test_cancelling_never_ends_before_the_start(create_kwargs):
    future = intervention_create(**create_kwargs(starts_on=date(2099, 1, 1)))
    cancelled = intervention_set_status(
        intervention=future, status="cancelled", expected_version=None
    )
    assert cancelled.ends_on == date(2099, 1, 1)
