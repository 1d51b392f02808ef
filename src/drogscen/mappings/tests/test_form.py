"""The mapping form: the personal-data rule beside every free-text field, the nearest
station beside the near-transit question, every problem reported in one round, and the
questions of the right questionnaire version."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from drogscen.mappings import services
from drogscen.mappings.forms import PERSONAL_DATA_RULE
from drogscen.mappings.models import Mapping
from drogscen.mappings.tests.factories import FORM, OPEN_ANSWERS, publish_variant

pytestmark = pytest.mark.django_db

with translation.override("en"):
    RULE = str(PERSONAL_DATA_RULE)


def rename_overall_assessment(question: dict) -> None:
    if question["code"] == "overall_assessment":
        question["code"] = "overall_summary"


def question_block(page: str, code: str) -> str:
    return page.split(f'data-question="{code}"', 1)[1].split('data-question="', 1)[0]


@pytest.fixture
def editor(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the new strings' msgids
    return client


# --- the personal-data rule -------------------------------------------------------------


def test_version_1_shows_the_rule_once_beside_every_free_text_field(editor, scene_factory):
    page = editor.get(f"/kartlaggningar/ny/{scene_factory('G-1').ref}/?year=2024").content
    page = page.decode()
    text_questions = ["place_description", "main_substance_other", "police_methods_result"]
    text_questions += ["partner_names", "overall_assessment"]
    for code in text_questions:
        block = question_block(page, code)
        assert block.count(RULE) == 1, code
    # The question's own help stays, without the rule repeated in it.
    place = question_block(page, "place_description")
    assert "For example whether the place is next to the metro" in place
    assert page.count(RULE) == len(text_questions)


def test_in_swedish_too_the_rule_appears_once_per_free_text_field(client, make_user, scene_factory):
    client.force_login(make_user("lpo:jarva", "editor"))
    page = client.get(f"/kartlaggningar/ny/{scene_factory('G-9').ref}/?year=2024").content
    page = page.decode()
    assert page.count("Skriv inte personuppgifter") == 5
    assert page.count(RULE) == 0
    assert "Ange preparatets namn." in question_block(page, "main_substance_other")


def test_a_text_question_with_its_own_help_text_still_gets_the_rule(editor, scene_factory):
    def own_help(question: dict) -> None:
        if question["code"] == "overall_assessment":
            question["help"] = {"sv": "Sammanfatta kort.", "en": "Summarise briefly."}

    publish_variant("2026.1", 2026, own_help)
    page = editor.get(f"/kartlaggningar/ny/{scene_factory('G-2').ref}/?year=2026").content
    block = question_block(page.decode(), "overall_assessment")
    assert "Summarise briefly." in block and block.count(RULE) == 1


# --- the nearest station ----------------------------------------------------------------


def test_the_near_transit_question_says_which_station_and_how_far(editor, scene_factory):
    scene = scene_factory("G-3")
    assert scene.nearest_station is not None
    page = editor.get(f"/kartlaggningar/ny/{scene.ref}/?year=2024").content.decode()
    note = re.search(r'data-testid="note-near_transit">([^<]*)<', page).group(1)
    distance = round(scene.station_distance_m)
    assert note.startswith(f"Nearest station: {scene.nearest_station.name}, {distance:,} m.")
    assert "Within 300 m counts as near public transport." in note
    assert "note-near_transit" in question_block(page, "near_transit")


# --- every problem in one round ---------------------------------------------------------


def test_the_service_reports_date_and_answer_problems_together(scene_factory):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.mapping_create(
            scene=scene_factory("G-4"),
            year=2024,
            mapped_on=date(2025, 6, 1),  # after the 2024 window
            participants=[],
            answers={**OPEN_ANSWERS, "overall_assessment": "Ring 070-123 45 67"},
        )
    assert {"mapped_on", "overall_assessment"} <= set(error.value.message_dict)


@pytest.mark.parametrize(
    ("mapped_on", "date_problem"),
    [("2025-06-01", "mapping window"), ("", "This field is required")],
)
def test_the_form_reports_date_and_answer_problems_together(
    editor, scene_factory, mapped_on, date_problem
):
    scene = scene_factory("G-5")
    response = editor.post(
        f"/kartlaggningar/ny/{scene.ref}/",
        {**FORM, "mapped_on": mapped_on, "overall_assessment": "Ring 070-123 45 67"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Mapping.objects.filter(scene=scene).exists()
    assert date_problem in page
    assert "phone number" in question_block(page, "overall_assessment")


def test_the_api_reports_date_and_answer_problems_together(client, make_user, scene_factory):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.post(
        "/api/v1/mappings/",
        {
            "scene": scene_factory("G-6").ref,
            "year": 2024,
            "mapped_on": "2025-06-01",
            "answers": {**OPEN_ANSWERS, "overall_assessment": "Ring 070-123 45 67"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"mapped_on", "overall_assessment"} <= set(response.json()["errors"])


# --- the questionnaire version ----------------------------------------------------------


def test_live_relevance_uses_the_drafts_own_version(editor, scene_factory):
    draft = services.mapping_create(
        scene=scene_factory("G-7"),
        year=2026,
        mapped_on=date(2026, 11, 2),
        participants=[],
        answers={"criteria": ["persistent"]},
    )
    publish_variant("2026.1", 2026, rename_overall_assessment)  # after the draft began
    page = editor.get(f"/kartlaggningar/{draft.pk}/andra/").content.decode()
    assert f'name="questionnaire" value="{draft.questionnaire.version}"' in page
    asked = {"year": "2026", "criteria": ["persistent"], "criteria__shown": "True"}
    own = editor.post(
        "/kartlaggningar/fragor/", {**asked, "questionnaire": draft.questionnaire.version}
    )
    assert "overall_assessment" in own.json()["relevant"]
    assert "overall_summary" in editor.post("/kartlaggningar/fragor/", asked).json()["relevant"]
    unknown = editor.post("/kartlaggningar/fragor/", {**asked, "questionnaire": "1999.9"})
    assert unknown.status_code == 404


def test_a_new_mapping_is_read_with_the_posted_years_questions(editor, scene_factory):
    newer = publish_variant("2026.1", 2026, rename_overall_assessment)
    scene = scene_factory("G-8")
    answers = {key: value for key, value in FORM.items() if key != "overall_assessment"}
    response = editor.post(
        f"/kartlaggningar/ny/{scene.ref}/?year=2024",  # the page was opened for 2024
        {**answers, "year": "2026", "mapped_on": "2026-11-02", "overall_summary": "Lugnt."},
    )
    assert response.status_code == 302, response.content.decode()
    mapping = Mapping.objects.get(scene=scene)
    assert mapping.questionnaire == newer and mapping.answers["overall_summary"] == "Lugnt."
