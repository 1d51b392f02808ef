"""The coordination office publishes a new questionnaire version in the admin."""

import json

import pytest

from drogscen.questionnaires.definition import load_builtin_definition
from drogscen.questionnaires.models import QuestionnaireVersion

pytestmark = pytest.mark.django_db


def test_draft_publish_and_then_read_only(client, make_user):
    client.force_login(make_user("samordningskansliet", "editor"))
    definition = load_builtin_definition("v1").to_dict()
    definition.update(version="2027.1", valid_from_year=2027)
    response = client.post(
        "/admin/questionnaires/questionnaireversion/add/", {"definition": json.dumps(definition)}
    )
    assert response.status_code == 302
    version = QuestionnaireVersion.objects.get(version="2027.1")
    assert not version.is_published
    client.post(
        "/admin/questionnaires/questionnaireversion/",
        {"action": "publish", "_selected_action": [version.pk]},
    )
    version.refresh_from_db()
    assert version.is_published
    page = client.get(f"/admin/questionnaires/questionnaireversion/{version.pk}/change/")
    assert page.status_code == 200 and 'name="definition"' not in page.content.decode()


def test_a_broken_definition_is_refused_naming_the_question(client, make_user):
    client.force_login(make_user("samordningskansliet", "editor"))
    definition = load_builtin_definition("v1").to_dict()
    definition.update(version="2027.2")
    definition["sections"][0]["questions"][0]["type"] = "colour"
    response = client.post(
        "/admin/questionnaires/questionnaireversion/add/", {"definition": json.dumps(definition)}
    )
    assert response.status_code == 200
    assert "criteria" in response.content.decode()
    assert not QuestionnaireVersion.objects.filter(version="2027.2").exists()


def test_municipal_users_cannot_reach_the_admin(client, make_user):
    client.force_login(make_user("kommun:0180", "manager"))
    assert client.get("/admin/questionnaires/questionnaireversion/").status_code == 302
