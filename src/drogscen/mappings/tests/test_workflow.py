from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from drogscen.accounts.models import Organisation
from drogscen.audit.models import AuditEntry
from drogscen.mappings import services
from drogscen.mappings.models import Mapping
from drogscen.mappings.tests.factories import OPEN_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(scene_factory, people):
    scene = scene_factory("W-1")
    return services.mapping_create(
        scene=scene,
        year=2024,
        mapped_on=date(2024, 11, 5),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=OPEN_ANSWERS,
        by=people["editor"],
    )


def test_a_whole_round_draft_submit_cosign_approve(draft, people):
    assert draft.status == "draft" and draft.is_open
    services.mapping_submit(mapping=draft, by=people["editor"])
    with pytest.raises(ValidationError, match="Stockholm"):
        services.mapping_approve(mapping=draft, by=people["manager"])
    signature = services.mapping_cosign(mapping=draft, by=people["city"])
    assert signature.organisation.code == "kommun:0180"
    approved = services.mapping_approve(mapping=draft, by=people["manager"])
    assert approved.status == "approved" and approved.approved_by == people["manager"]


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("submit", "city"),
        ("submit", "region"),
        ("submit", "solna"),
        ("cosign", "editor"),
        ("cosign", "solna"),
        ("cosign", "city_viewer"),
        ("approve", "editor"),
        ("approve", "city"),
    ],
)
def test_workflow_steps_refuse_the_wrong_people(draft, people, step, who):
    if step != "submit":
        services.mapping_submit(mapping=draft, by=people["editor"])
    if step == "approve":
        services.mapping_cosign(mapping=draft, by=people["city"])
    action = getattr(services, f"mapping_{step}")
    with pytest.raises(Http404):
        action(mapping=draft, by=people[who])


def test_the_classification_is_derived_from_the_four_criteria(draft, people):
    services.mapping_update(
        mapping=draft,
        expected_version=draft.version,
        by=people["editor"],
        answers={**OPEN_ANSWERS, "criteria": ["persistent", "public_use", "public_sale"]},
    )
    draft.refresh_from_db()
    assert draft.is_open is False


def test_submitting_needs_the_required_answers(scene_factory, people):
    mapping = services.mapping_create(
        scene=scene_factory("W-2"),
        year=2024,
        mapped_on=date(2024, 11, 5),
        participants=[],
        answers={"criteria": ["persistent"]},
        by=people["editor"],
    )
    with pytest.raises(ValidationError) as error:
        services.mapping_submit(mapping=mapping, by=people["editor"])
    assert "overall_assessment" in error.value.message_dict


def test_a_correction_is_a_new_revision_and_the_earlier_stays_visible(draft, people):
    services.mapping_submit(mapping=draft, by=people["editor"])
    services.mapping_cosign(mapping=draft, by=people["city"])
    services.mapping_approve(mapping=draft, by=people["manager"])
    with pytest.raises(ValidationError):
        services.mapping_correct(mapping=draft, reason=" ", by=people["editor"])
    revision = services.mapping_correct(
        mapping=draft, reason="Fel huvudpreparat angivet.", by=people["editor"]
    )
    assert (revision.revision, revision.status, revision.corrects) == (2, "draft", draft)
    services.mapping_update(
        mapping=revision,
        expected_version=revision.version,
        by=people["editor"],
        answers={**OPEN_ANSWERS, "main_substance": "cocaine"},
    )
    services.mapping_submit(mapping=revision, by=people["editor"])
    services.mapping_cosign(mapping=revision, by=people["city"])
    services.mapping_approve(mapping=revision, by=people["manager"])
    draft.refresh_from_db()
    assert draft.status == "superseded" and draft.main_substance == "cannabis"
    assert Mapping.objects.current().get(scene=draft.scene, year=2024).main_substance == "cocaine"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mapped_on", date(2025, 4, 1), "kartläggningsperioden"),
        ("year", 2014, "mellan 2015"),
    ],
)
def test_dates_and_years_outside_the_rules_are_refused(scene_factory, field, value, message):
    arguments = {"year": 2024, "mapped_on": date(2024, 11, 5), field: value}
    with pytest.raises(ValidationError) as error:
        services.mapping_create(
            scene=scene_factory("W-3"), participants=[], answers={}, **arguments
        )
    assert message in " ".join(sum(error.value.message_dict.values(), []))


def test_the_follow_up_in_february_still_counts_for_the_year_before(scene_factory):
    mapping = services.mapping_create(
        scene=scene_factory("W-4"),
        year=2023,
        mapped_on=date(2024, 2, 20),
        participants=[],
        answers={},
    )
    assert mapping.year == 2023


@pytest.mark.parametrize(
    "text",
    ["Säljaren är 19121212-1212.", "Ring 070-123 45 67", "kontakt: anna.svensson@example.se"],
)
def test_personal_data_in_free_text_is_refused_with_the_reason(scene_factory, text):
    with pytest.raises(ValidationError) as error:
        services.mapping_create(
            scene=scene_factory("W-5"),
            year=2024,
            mapped_on=date(2024, 11, 5),
            participants=[],
            answers={**OPEN_ANSWERS, "overall_assessment": text},
        )
    assert "personuppgifter" in " ".join(error.value.message_dict["overall_assessment"])


def test_unknown_codes_are_refused(scene_factory):
    with pytest.raises(ValidationError) as error:
        services.mapping_create(
            scene=scene_factory("W-6"),
            year=2024,
            mapped_on=date(2024, 11, 5),
            participants=[],
            answers={**OPEN_ANSWERS, "main_substance": "tea"},
        )
    assert "main_substance" in error.value.message_dict


def test_a_second_questionnaire_version_leaves_earlier_mappings_alone(draft):
    from drogscen.questionnaires.definition import load_builtin_definition
    from drogscen.questionnaires.services import (
        questionnaire_for_year,
        questionnaire_publish,
        questionnaire_save_draft,
    )

    definition = load_builtin_definition("v1").to_dict()
    definition["version"] = "2026.1"
    definition["valid_from_year"] = 2026
    definition["sections"][0]["questions"][0]["label"]["sv"] = "Nytt sätt att fråga"
    newer = questionnaire_publish(version=questionnaire_save_draft(definition=definition))
    assert questionnaire_for_year(year=2026) == newer
    assert questionnaire_for_year(year=2024) == draft.questionnaire
    draft.refresh_from_db()
    assert draft.questionnaire.version != "2026.1"
    with pytest.raises(ValidationError):
        questionnaire_save_draft(definition=definition, version=newer)


def test_reading_answers_is_recorded(client, draft, people):
    client.force_login(people["city_viewer"])
    assert client.get(f"/kartlaggningar/{draft.pk}/").status_code == 200
    entry = AuditEntry.objects.filter(action="read", object_type="mappings.mapping").latest(
        "sequence"
    )
    assert entry.object_id == str(draft.pk) and entry.user_id == people["city_viewer"].pk


def test_partners_never_see_mapping_answers(client, draft, people):
    client.force_login(people["region"])
    assert client.get(f"/kartlaggningar/{draft.pk}/").status_code == 404
    page = client.get(f"/platser/{draft.scene.ref}/").content.decode()
    assert "Kartläggningar år för år" not in page
