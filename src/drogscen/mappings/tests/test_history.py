"""A mapping's history: a correction under way is a revision of its year in the scene's
timeline; the API says who submitted, co-signed and approved, and when; an old mapping
stays readable after a newer questionnaire version drops or renames a question."""

from datetime import date

import pytest
from django.conf import settings

from drogscen.accounts.models import Organisation
from drogscen.core.testing import get_with_queries
from drogscen.mappings import services
from drogscen.mappings.tests.factories import OPEN_ANSWERS, publish_variant
from drogscen.mappings.timeline import mapping_timeline

pytestmark = pytest.mark.django_db


def whole_round(scene, year, people, answers=OPEN_ANSWERS):
    mapping = services.mapping_create(
        scene=scene,
        year=year,
        mapped_on=date(year, 11, 5),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=answers,
        by=people["editor"],
    )
    services.mapping_submit(mapping=mapping, by=people["editor"])
    services.mapping_cosign(mapping=mapping, by=people["city"])
    return services.mapping_approve(mapping=mapping, by=people["manager"])


def test_a_correction_under_way_is_a_revision_of_its_year(client, scene_factory, people):
    scene = scene_factory("H-1")
    whole_round(scene, 2023, people)
    approved = whole_round(scene, 2024, people, {**OPEN_ANSWERS, "main_substance": "cocaine"})
    correction = services.mapping_correct(
        mapping=approved, reason="Fel huvudpreparat.", by=people["editor"]
    )
    services.mapping_update(
        mapping=correction,
        expected_version=correction.version,
        by=people["editor"],
        answers={**OPEN_ANSWERS, "main_substance": "amphetamine"},
    )
    client.force_login(people["editor"])
    response = client.get(f"/platser/{scene.ref}/")
    timeline = response.context["timeline"]
    # the page links the revision under way next to its year
    assert f'href="/kartlaggningar/{correction.pk}/"' in response.content.decode()
    assert [entry["mapping"].year for entry in timeline] == [2023, 2024]
    latest = timeline[-1]
    assert latest["mapping"] == approved and latest["correction"] == correction
    # What changed is between the years (cannabis → cocaine), not year → correction.
    (change,) = [c for c in latest["changes"] if "before" in c]
    assert "amphetamine" not in str(change).lower() and timeline[0]["correction"] is None


def test_an_approved_correction_replaces_its_year(scene_factory, people):
    scene = scene_factory("H-2")
    approved = whole_round(scene, 2024, people)
    correction = services.mapping_correct(mapping=approved, reason="Fel.", by=people["editor"])
    services.mapping_submit(mapping=correction, by=people["editor"])
    services.mapping_cosign(mapping=correction, by=people["city"])
    services.mapping_approve(mapping=correction, by=people["manager"])
    from drogscen.mappings.selectors import scene_mapping_timeline

    entries = mapping_timeline(scene_mapping_timeline(scene=scene, fetched_by=people["editor"]))
    assert [(e["mapping"].revision, e["correction"]) for e in entries] == [(2, None)]


def test_the_first_draft_of_a_year_is_its_entry(scene_factory, people):
    mapping = services.mapping_create(
        scene=scene_factory("H-3"),
        year=2025,
        mapped_on=date(2025, 11, 5),
        participants=[],
        answers={},
        by=people["editor"],
    )
    (entry,) = mapping_timeline([mapping])
    assert entry["mapping"] == mapping and entry["correction"] is None


def test_the_api_says_who_took_each_step_and_when(client, scene_factory, people):
    mapping = whole_round(scene_factory("H-4"), 2024, people)
    client.force_login(people["editor"])
    data = client.get(f"/api/v1/mappings/{mapping.pk}/").json()
    assert data["submitted_by"] == people["editor"].username and data["submitted_at"]
    assert data["approved_by"] == people["manager"].username and data["approved_at"]
    (signature,) = data["cosignatures"]
    assert signature["organisation"] == "kommun:0180"
    assert signature["signed_by"] == people["city"].username and signature["signed_at"]


def test_the_people_in_the_api_list_cost_no_query_per_mapping(client, scene_factory, people):

    def user_queries() -> int:
        _response, sql = get_with_queries(client, "/api/v1/mappings/")
        return sum('FROM "auth_user"' in statement for statement in sql)

    client.force_login(people["editor"])
    for index in range(2):
        whole_round(scene_factory(f"H-5{index}", lon=17.90 + index * 0.004), 2024, people)
    few = user_queries()
    for index in range(2, 5):
        whole_round(scene_factory(f"H-5{index}", lon=17.90 + index * 0.004), 2024, people)
    assert user_queries() == few


def test_an_old_mapping_reads_after_a_newer_version_drops_or_renames_questions(
    client, scene_factory, people
):
    scene = scene_factory("H-6")
    answers = {**OPEN_ANSWERS, "place_type": "park"}
    old = whole_round(scene, 2025, people, answers)

    def change(question: dict) -> None:
        if question["code"] == "overall_assessment":
            question["code"] = "overall_summary"
            question["label"] = {"sv": "Sammanfattning", "en": "Summary"}

    newer = publish_variant("2026.1", 2026, change)
    definition = dict(newer.definition)
    for section in definition["sections"]:  # and a version without the type of place
        section["questions"] = [q for q in section["questions"] if q["code"] != "place_type"]
    definition["version"] = "2026.2"
    from drogscen.questionnaires.services import questionnaire_publish, questionnaire_save_draft

    questionnaire_publish(version=questionnaire_save_draft(definition=definition))
    new = whole_round(
        scene,
        2026,
        people,
        {
            key: value
            for key, value in {**OPEN_ANSWERS, "overall_summary": "Lugnare."}.items()
            if key != "overall_assessment"
        },
    )
    assert new.questionnaire.version == "2026.2"
    client.force_login(people["editor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/kartlaggningar/{old.pk}/").content.decode()
    # v1's labels and answers, neither lost nor renamed.
    assert OPEN_ANSWERS["overall_assessment"] in page and "Summary" not in page
    assert "Park" in page or "park" in page
    scene_page = client.get(f"/platser/{scene.ref}/")
    assert scene_page.status_code == 200
    assert [e["mapping"] for e in scene_page.context["timeline"]] == [old, new]
