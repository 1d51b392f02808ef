"""The intervention pages: the scoped list and its filters, the detail, the form to
record an intervention, the progress report and the action plan on the scene page."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from drogscen.interventions.models import Intervention, Method, TargetProgress
from drogscen.interventions.services import intervention_create, target_add


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def work(jarva_scene, method, org):
    """Solna's work at the Järva scene (which lies in Stockholm) with a target of 40,
    Solna's municipality-wide work, and Stockholm's municipality-wide work."""
    solna, stockholm = org("kommun:0184"), org("kommun:0180")
    at_scene = intervention_create(
        organisation=solna,
        title="Trygghetsvandringar",
        methods=[method],
        scenes=[jarva_scene],
        starts_on=date(2025, 1, 1),
        status="ongoing",
    )
    target = target_add(
        intervention=at_scene,
        description="Minst 40 helger",
        unit="helger",
        planned_quantity=40,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    solna_wide = intervention_create(
        organisation=solna,
        title="Solnas arbete",
        methods=[method],
        municipality=solna.municipality,
        starts_on=date(2025, 1, 1),
    )
    stockholm_wide = intervention_create(
        organisation=stockholm,
        title="Stadens arbete",
        methods=[Method.objects.filter(family="social_outreach").first()],
        municipality=stockholm.municipality,
        starts_on=date(2025, 1, 1),
    )
    return {
        "at_scene": at_scene,
        "target": target,
        "solna_wide": solna_wide,
        "stockholm_wide": stockholm_wide,
    }


def listed(client, **query) -> set[int]:
    response = client.get(reverse("interventions:list"), query)
    assert response.status_code == 200
    return {intervention.pk for intervention in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("kommun:0180", {"at_scene", "stockholm_wide"}),  # the scene lies in Stockholm
        ("kommun:0184", {"at_scene", "solna_wide"}),  # its own work
        ("lpo:jarva", {"at_scene"}),  # the work at its scene only
        ("region", {"at_scene"}),  # a partner: the work at scenes
        ("samordningskansliet", {"at_scene", "solna_wide", "stockholm_wide"}),
    ],
)
def test_the_list_is_scoped_per_kind(client, make_user, work, code, expected):
    client.force_login(make_user(code, "viewer"))
    assert listed(client) == {work[name].pk for name in expected}


def test_the_list_filters(client, make_user, work):
    client.force_login(make_user("samordningskansliet", "viewer"))
    ids = {name: work[name].pk for name in ("at_scene", "solna_wide", "stockholm_wide")}
    assert listed(client, municipality="0184") == {ids["solna_wide"]}
    assert listed(client, municipality="0180") == {ids["at_scene"], ids["stockholm_wide"]}
    assert listed(client, status="ongoing") == {ids["at_scene"]}
    assert listed(client, family="social_outreach") == {ids["stockholm_wide"]}
    assert listed(client, organisation_kind="police_area") == set()
    assert listed(client, organisation_kind="municipality") == set(ids.values())


def test_the_list_links_to_the_detail(client, make_user, work):
    client.force_login(make_user("kommun:0180", "viewer"))
    response = client.get(reverse("interventions:list"))
    assert reverse("interventions:detail", args=[work["at_scene"].pk]) in response.text


def test_detail_shows_targets_and_is_404_out_of_scope(english, make_user, work):
    english.force_login(make_user("kommun:0180", "viewer"))
    response = english.get(reverse("interventions:detail", args=[work["at_scene"].pk]))
    assert response.status_code == 200
    assert "S-JARVA" in response.text
    assert "0 of 40 (0 %)" in response.text
    assert response.context["progress_form"] is None  # not Stockholm's work
    missing = english.get(reverse("interventions:detail", args=[work["solna_wide"].pk]))
    assert missing.status_code == 404


def test_the_owner_reports_progress_and_the_scene_page_shows_it(english, make_user, work):
    english.force_login(make_user("kommun:0184", "editor"))
    url = reverse("interventions:progress", args=[work["at_scene"].pk])
    response = english.post(
        url, {"target": work["target"].pk, "period": "2025-03-01", "actual_quantity": 31}
    )
    assert response.status_code == 302
    assert TargetProgress.objects.get(target=work["target"]).actual_quantity == 31

    english.force_login(make_user("lpo:jarva", "viewer"))
    page = english.get(reverse("scenes:detail", args=["S-JARVA"]))
    plan = page.context["action_plan"]
    assert [group["organisation"].code for group in plan] == ["kommun:0184"]
    assert [i.pk for i in plan[0]["interventions"]] == [work["at_scene"].pk]
    assert "31 of 40 (78 %)" in page.text


def test_progress_errors_are_shown_next_to_the_field(english, make_user, work):
    english.force_login(make_user("kommun:0184", "editor"))
    url = reverse("interventions:progress", args=[work["at_scene"].pk])
    response = english.post(
        url, {"target": work["target"].pk, "period": "2025-03-15", "actual_quantity": 5}
    )
    assert response.status_code == 200
    assert response.context["progress_form"].errors["period"]
    assert not TargetProgress.objects.exists()


def test_only_the_owner_reports_progress(client, make_user, work):
    client.force_login(make_user("kommun:0180", "editor"))
    url = reverse("interventions:progress", args=[work["at_scene"].pk])
    response = client.post(
        url, {"target": work["target"].pk, "period": "2025-03-01", "actual_quantity": 5}
    )
    assert response.status_code == 404
    assert not TargetProgress.objects.exists()


def form_data(method, **overrides):
    return {
        "organisation": "kommun:0180",
        "title": "Uppsökande arbete",
        "methods": [method.pk],
        "scenes": "S-JARVA",
        "municipality": "",
        "starts_on": "2025-02-01",
        "status": "planned",
        **overrides,
    }


def test_a_municipality_editor_records_work_at_its_scene(client, make_user, jarva_scene, method):
    client.force_login(make_user("kommun:0180", "editor"))
    assert client.get(reverse("interventions:create")).status_code == 200
    response = client.post(reverse("interventions:create"), form_data(method))
    intervention = Intervention.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("interventions:detail", args=[intervention.pk])
    assert intervention.organisation.code == "kommun:0180"
    assert [s.ref for s in intervention.scenes.all()] == ["S-JARVA"]
    assert list(intervention.methods.all()) == [method]


def test_the_form_offers_only_the_own_organisation(client, make_user, jarva_scene, method):
    client.force_login(make_user("kommun:0180", "editor"))
    response = client.post(
        reverse("interventions:create"), form_data(method, organisation="kommun:0184")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not Intervention.objects.exists()


def test_scenes_out_of_sight_are_refused(client, make_user, solna_scene, method):
    client.force_login(make_user("kommun:0180", "editor"))
    response = client.post(reverse("interventions:create"), form_data(method, scenes="S-SOLNA"))
    assert response.status_code == 200
    assert response.context["form"].errors["scenes"]
    assert not Intervention.objects.exists()


def test_service_errors_are_shown_next_to_the_fields(english, make_user, jarva_scene, method):
    english.force_login(make_user("kommun:0180", "editor"))
    response = english.post(
        reverse("interventions:create"),
        form_data(method, methods=[], description="Kontakt: 070-123 45 67"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"methods"}  # the service stops at the missing method first
    response = english.post(
        reverse("interventions:create"), form_data(method, description="Kontakt: 070-123 45 67")
    )
    form = response.context["form"]
    assert set(form.errors) == {"description"}
    message = form.errors["description"][0]
    assert "personuppgifter" not in message  # in the user's language
    assert f'<span class="errorlist" role="alert">{escape(message)}</span>' in response.text
    assert not Intervention.objects.exists()


def test_viewers_cannot_record(client, make_user):
    client.force_login(make_user("kommun:0180", "viewer"))
    assert client.get(reverse("interventions:create")).status_code == 404
