"""The OpenAPI tells the truth about what the API answers (#16), as the fuzzer in
test_api_fuzz.py found it did not: errors undocumented, null and "" outside the schema,
the report's 404 documented with a key it never sends, an HTML 404 under /api/."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ERROR = "#/components/schemas/Error"
PAGING = {"limit", "offset"}


@pytest.fixture
def schema(client, make_user):
    client.force_login(make_user("samordningskansliet", "viewer"))
    return client.get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def error_ref(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"]


def test_every_operation_documents_its_errors_in_the_one_error_body(schema):
    for label, operation in operations(schema):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        assert error_ref(responses["401"]) == ERROR, label
        if any(p["in"] == "path" for p in parameters) or "format" in query:
            assert error_ref(responses["404"]) == ERROR, label
        if "requestBody" in operation or query - PAGING - {"format"}:
            assert error_ref(responses["400"]) == ERROR, label


@pytest.mark.parametrize(
    "path", ["/api/v1/surveys/", "/api/v1/youth-signals/", "/api/v1/events/summary/"]
)
def test_the_404_for_a_scene_outside_scope_is_documented(schema, path):
    response = schema["paths"][path]["get"]["responses"]["404"]
    assert "`scene`" in response["description"]


def test_an_unknown_api_address_is_a_json_404(make_user):
    api = APIClient()
    api.force_login(make_user("lpo:jarva", "editor"))
    response = api.post("/api/v1/mappings/59.239/approve/")  # not an id: no route
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"message"}


def test_an_unknown_page_is_still_the_html_404(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.get("/platser/finns/inte/alls/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_report_404_is_documented_as_sent(schema, client):
    response = client.get("/api/v1/reports/1901/")
    assert response.status_code == 404
    assert "message" in response.json() and "detail" not in response.json()
    documented = schema["paths"]["/api/v1/reports/{year}/"]["get"]["responses"]["404"]
    assert error_ref(documented) == ERROR


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Organisation", "municipality_code"),  # organisations of the county, police areas
        ("Organisation", "local_police_area"),
        ("Intervention", "municipality"),  # county-wide interventions
        ("SceneDerived", "district"),  # outside Stockholm's districts
        ("SceneDerived", "nearest_station"),
        ("SceneProperties", "district"),
    ],
)
def test_fields_that_can_be_null_are_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


def test_an_open_scenes_blank_close_reason_is_in_the_schema(schema):
    close_reason = schema["components"]["schemas"]["Scene"]["properties"]["close_reason"]
    refs = [choice["$ref"].rsplit("/", 1)[-1] for choice in close_reason["oneOf"]]
    assert refs == ["CloseReasonEnum", "BlankEnum"]
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_an_organisation_without_a_municipality_answers_null(client, make_user):
    client.force_login(make_user("lpo:jarva", "viewer"))
    response = client.get("/api/v1/organisations/lpo:jarva/")
    assert response.status_code == 200
    assert response.json()["municipality_code"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/collections/{collection_id}/items",
        "/api/v1/collections/{collection_id}/items/{ref}",
    ],
)
def test_ogc_items_document_their_json_format_too(schema, path):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert {"application/geo+json", "application/json"} <= set(content)
