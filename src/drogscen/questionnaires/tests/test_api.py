"""The questionnaire API `/api/v1/questionnaires/`: the published versions with their
full definitions, read-only, for everyone signed in."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from drogscen.questionnaires.definition import load_builtin_definition
from drogscen.questionnaires.services import questionnaire_publish, questionnaire_save_draft

pytestmark = pytest.mark.django_db

QUESTIONNAIRES = "/api/v1/questionnaires/"
SHIPPED = "2023.1"


@pytest.fixture
def client_for(make_user):
    def make(code=None, role="viewer"):
        client = APIClient()
        client.force_login(make_user(code, role))
        return client

    return make


def definition_of(version: str, year: int) -> dict:
    definition = load_builtin_definition("v1").to_dict()
    definition["version"] = version
    definition["valid_from_year"] = year
    return definition


@pytest.fixture
def later_versions():
    """A published 2026 version and an unpublished draft for 2027."""
    published = questionnaire_publish(
        version=questionnaire_save_draft(definition=definition_of("2026.1", 2026))
    )
    draft = questionnaire_save_draft(definition=definition_of("2027.1", 2027))
    return published, draft


@pytest.mark.parametrize(
    "code",
    [
        "lpo:jarva",
        "kommun:0184",
        "region",
        "kriminalvarden",
        "tullverket",
        "lansstyrelsen",
        "samordningskansliet",
        None,  # signed in, but of no organisation yet
    ],
)
def test_everyone_signed_in_reads_the_published_versions(client_for, code):
    response = client_for(code).get(QUESTIONNAIRES)
    assert response.status_code == 200
    body = response.json()
    assert [v["version"] for v in body["results"]] == [SHIPPED] and body["count"] == 1


def test_a_version_with_its_full_definition(client_for):
    response = client_for("kommun:0180").get(f"{QUESTIONNAIRES}{SHIPPED}/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == SHIPPED and body["valid_from_year"] == 2023
    assert body["title"] == {
        "sv": "Kartläggning av öppna drogscener",
        "en": "Mapping of open drug scenes",
    }
    assert body["published_at"] and body["url"] == f"http://testserver{QUESTIONNAIRES}{SHIPPED}/"
    assert body["definition"] == load_builtin_definition("v1").to_dict()
    questions = {
        q["code"]: q for section in body["definition"]["sections"] for q in section["questions"]
    }
    criteria = questions["criteria"]
    assert criteria["type"] == "multiple_choice" and criteria["required"] is True
    assert [o["code"] for o in criteria["options"]] == [
        "persistent",
        "public_use",
        "public_sale",
        "perceived_problematic",
    ]
    assert set(criteria["label"]) == {"sv", "en"}
    assert questions["main_substance"]["relevant"].startswith("selected(${criteria}")


def test_only_published_versions_are_served(client_for, later_versions):
    api = client_for("samordningskansliet", "manager")
    body = api.get(QUESTIONNAIRES).json()
    assert [v["version"] for v in body["results"]] == [SHIPPED, "2026.1"]
    assert api.get(f"{QUESTIONNAIRES}2026.1/").status_code == 200
    response = api.get(f"{QUESTIONNAIRES}2027.1/")
    assert response.status_code == 404 and set(response.json()) == {"message"}
    assert api.get(f"{QUESTIONNAIRES}1999.9/").status_code == 404


def test_the_resource_is_read_only(client_for):
    api = client_for("samordningskansliet", "manager")
    assert api.post(QUESTIONNAIRES, {"version": "2030.1"}, format="json").status_code == 405
    for method in (api.put, api.patch, api.delete):
        assert method(f"{QUESTIONNAIRES}{SHIPPED}/", {}, format="json").status_code == 405


def test_anonymous_is_401_and_a_token_works(make_user):
    api = APIClient()
    for url in [QUESTIONNAIRES, f"{QUESTIONNAIRES}{SHIPPED}/"]:
        response = api.get(url)
        assert response.status_code == 401 and response.json()["message"]
    token = Token.objects.create(user=make_user("region"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"{QUESTIONNAIRES}{SHIPPED}/").json()["version"] == SHIPPED


def test_the_schema_documents_the_definition(client_for):
    response = client_for("region").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"][QUESTIONNAIRES]) == {"get"}
    assert set(schema["paths"][QUESTIONNAIRES + "{version}/"]) == {"get"}
    components = schema["components"]["schemas"]
    definition = components["QuestionnaireVersion"]["properties"]["definition"]
    assert definition["allOf"][0]["$ref"].endswith("/QuestionnaireDefinition")
    question = components["Question"]["properties"]
    assert {"code", "type", "label", "options", "relevant", "required"} <= set(question)
