from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from drogscen.core.testing import get_with_queries
from drogscen.evaluations import services
from drogscen.evaluations.models import Evaluation
from drogscen.evaluations.selectors import method_evidence, pooled_verdict
from drogscen.evaluations.tests.factories import PERIODS, evaluation_setup, monthly
from drogscen.interventions.models import Method

pytestmark = pytest.mark.django_db


def form_data(scene, intervention, **extra):
    return {
        "insats": intervention.pk,
        "scene": scene.ref,
        "interventions": [intervention.pk],
        "outcome": "violent",
        "before_start": "2023-07",
        "before_end": "2024-06",
        "after_start": "2024-07",
        "after_end": "2025-06",
        "buffer": "buffer_200",
        "control_kind": "automatic",
        **extra,
    }


def test_evaluate_from_the_intervention_page(client, make_user, scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    client.force_login(make_user("lpo:jarva", "editor"))
    page = client.get(reverse("interventions:detail", args=[intervention.pk]))
    link = reverse("evaluations:create") + f"?insats={intervention.pk}"
    assert link in page.content.decode()
    form = client.get(link)
    assert form.status_code == 200
    assert form.context["form"].initial["before_start"] == date(2023, 7, 1)
    response = client.post(reverse("evaluations:create"), form_data(scene, intervention))
    evaluation = Evaluation.objects.get()
    assert response["Location"] == reverse("evaluations:detail", args=[evaluation.pk])
    with translation.override("en"):
        detail = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    html = detail.content.decode()
    assert 'data-verdict="improved"' in html
    assert 'data-interpretation="diffusion"' in html
    assert "<svg" in html  # the time-series chart
    assert evaluation.created_by.username.startswith("user")


def test_the_link_is_not_shown_to_those_who_may_not_evaluate(client, make_user, scene_factory):
    _scene, _controls, intervention = evaluation_setup(scene_factory)
    client.force_login(make_user("lpo:jarva", "viewer"))
    page = client.get(reverse("interventions:detail", args=[intervention.pk]))
    assert "?insats=" not in page.content.decode()
    assert (
        client.get(reverse("evaluations:create") + f"?insats={intervention.pk}").status_code == 404
    )


def test_a_bad_choice_comes_back_as_a_message_not_a_500(client, make_user, scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    client.force_login(make_user("lpo:jarva", "editor"))
    with translation.override("en"):
        response = client.post(
            reverse("evaluations:create"),
            form_data(scene, intervention, before_start="2024-05", after_end="2030-01"),
        )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Evaluation.objects.exists()
    response = client.post(
        reverse("evaluations:create"), form_data(scene, intervention, control_kind="polygon")
    )
    assert "control_geometry" in response.context["form"].errors


def test_evaluations_outside_scope_are_404(client, make_user, scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    evaluation = services.evaluation_create(
        scene=scene, interventions=[intervention], outcome="violent", **PERIODS
    )
    client.force_login(make_user("kommun:0184", "viewer"))
    assert client.get(reverse("evaluations:detail", args=[evaluation.pk])).status_code == 404
    assert client.get(reverse("api:evaluation-detail", args=[evaluation.pk])).status_code == 404
    assert client.get(reverse("api:evaluation-list")).json()["results"] == []
    client.force_login(make_user("kommun:0180", "viewer"))
    data = client.get(reverse("api:evaluation-detail", args=[evaluation.pk])).json()
    assert data["verdict"] == "improved" and data["methods"] == ["hot_spot_patrol"]
    assert data["results"]["res"]["res"] == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("rows", "verdict"),
    [
        ([], "no_evaluations"),
        ([(0.9, 0.1), (0.8, 0.1)], "insufficient"),
        ([(0.9, 0.1), (0.8, 0.1), (0.85, 0.1)], "favourable"),
        ([(-0.9, 0.1), (-0.8, 0.1), (-0.85, 0.1)], "unfavourable"),
        ([(0.9, 0.5), (-0.8, 0.5), (0.1, 0.5)], "inconclusive"),
    ],
)
def test_method_verdicts_are_honest_about_uncertainty(rows, verdict):
    data = [{"log_res": y, "se": se} for y, se in rows]
    assert pooled_verdict(data, "violent")[1] == verdict
    if verdict in {"favourable", "unfavourable"}:
        flipped = {"favourable": "unfavourable", "unfavourable": "favourable"}[verdict]
        assert pooled_verdict(data, "detected")[1] == flipped  # a rise is good there


def test_method_page_pools_one_evaluation_per_scene(client, make_user, scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    for _ in range(2):  # evaluated twice: counted once
        services.evaluation_create(
            scene=scene, interventions=[intervention], outcome="violent", **PERIODS
        )
    method = Method.objects.get(code="hot_spot_patrol")
    evidence = method_evidence(method=method, fetched_by=make_user("samordningskansliet"))
    assert evidence.primary.scenes == 1
    assert evidence.primary.verdict == "insufficient"
    client.force_login(make_user("samordningskansliet", "viewer"))
    html = client.get(reverse("evaluations:method", args=["hot_spot_patrol"])).content.decode()
    assert 'data-verdict="insufficient"' in html


def test_report_has_the_evaluation_section(scene_factory):
    from drogscen.evaluations.reporting import evaluations_section

    scene, _controls, intervention = evaluation_setup(scene_factory)
    evaluation = services.evaluation_create(
        scene=scene, interventions=[intervention], outcome="violent", **PERIODS
    )
    section = evaluations_section(2025)
    assert section["count"] == 1
    assert section["items"][0]["id"] == evaluation.pk
    assert section["items"][0]["verdict"] == "improved"
    assert section["by_method"]["hot_spot_patrol"]["scenes"] == 1
    assert section["by_method"]["hot_spot_patrol"]["verdict"] == "insufficient"
    assert evaluations_section(2024)["count"] == 0


def test_dashboard_flags_scenes_going_the_wrong_way(client, make_user, scene_factory):
    from drogscen.evaluations.selectors import scenes_going_wrong_way
    from drogscen.outcomes.models import Indicator

    rising = scene_factory("R-1")
    moving = scene_factory("R-2", lon=17.9400, lat=59.3950)
    steady = scene_factory("R-3", lon=17.9500, lat=59.3990)
    rows = [
        (rising, "inside", 2023, 10),
        (rising, "inside", 2024, 30),
        (moving, "inside", 2023, 30),
        (moving, "inside", 2024, 20),
        (moving, "buffer_200", 2023, 5),
        (moving, "buffer_200", 2024, 25),
        (steady, "inside", 2023, 20),
        (steady, "inside", 2024, 24),
    ]
    Indicator.objects.bulk_create(
        Indicator(scene=s, zone=z, category="violent", year=y, month=6, count=n)
        for s, z, y, n in rows
    )
    flagged = scenes_going_wrong_way(year=2024, fetched_by=make_user("samordningskansliet"))
    assert {(r["scene"].ref, r["flag"]) for r in flagged} == {
        ("R-1", "rising"),
        ("R-2", "displacement"),
    }
    assert scenes_going_wrong_way(year=2024, fetched_by=make_user("kommun:0184")) == []
    # The partners see the scene list but not a scene's crime figures.
    assert scenes_going_wrong_way(year=2024, fetched_by=make_user("region")) == []


def test_the_method_page_of_the_knowledge_bank_shows_the_evidence(client, make_user, scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    services.evaluation_create(
        scene=scene, interventions=[intervention], outcome="violent", **PERIODS
    )
    client.force_login(make_user("lpo:jarva", "viewer"))
    html = client.get(reverse("interventions:method", args=["hot_spot_patrol"])).content.decode()
    assert 'data-testid="method-evidence"' in html
    assert 'data-verdict="insufficient"' in html


def test_the_list_and_method_pages_need_the_same_queries_as_evaluations_grow(
    client, make_user, scene_factory
):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    client.force_login(make_user("samordningskansliet", "viewer"))
    urls = [reverse("evaluations:list"), reverse("evaluations:method", args=["hot_spot_patrol"])]
    counts = []
    for _round in range(2):
        for _ in range(2):
            services.evaluation_create(
                scene=scene, interventions=[intervention], outcome="violent", **PERIODS
            )
        for url in urls:
            client.get(url)  # warm caches (session, principal)
        counts.append(sum(len(get_with_queries(client, url)[1]) for url in urls))
    assert counts[0] == counts[1]


def test_the_list_names_the_outcome_in_words(client, make_user, scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    services.evaluation_create(
        scene=scene, interventions=[intervention], outcome="violent", **PERIODS
    )
    client.force_login(make_user("samordningskansliet", "viewer"))
    page = client.get(reverse("evaluations:list")).content.decode()
    assert "<td>våldsbrott</td>" in page  # the default language; never the code "violent"
    assert "<td>violent</td>" not in page


def test_comparison_scenes_of_other_areas_are_not_named(client, make_user, scene_factory):
    """LPO Järva's evaluation is compared with scenes of the City of Stockholm, one of them
    Södermalm's: Järva's users see that there is one more comparison scene, not which."""
    scene, _controls, intervention = evaluation_setup(scene_factory)
    other = scene_factory("E-SOD", lpo="sodermalm", lon=18.07, lat=59.315)
    monthly(other, "inside", "violent", 8, 8)
    evaluation = services.evaluation_create(
        scene=scene, interventions=[intervention], outcome="violent", **PERIODS
    )
    assert "E-SOD" in evaluation.snapshot["control"]["scenes"]
    client.force_login(make_user("lpo:jarva", "viewer"))
    with translation.override("en"):
        html = client.get(
            reverse("evaluations:detail", args=[evaluation.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "E-C1" in html and "E-SOD" not in html
    assert "1 plats utanför dina områden" in html  # Swedish, the default language
    data = client.get(reverse("api:evaluation-detail", args=[evaluation.pk])).json()
    assert data["control_scenes"] == ["E-C1", "E-C2"]
    assert "E-SOD" not in data["snapshot"]["control"]["scenes"]
    client.force_login(make_user("samordningskansliet", "viewer"))
    data = client.get(reverse("api:evaluation-detail", args=[evaluation.pk])).json()
    assert "E-SOD" in data["control_scenes"]
