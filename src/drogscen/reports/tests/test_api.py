"""The report endpoint's OpenAPI description gives the report's keys
(docs/contracts.md#report-json) and its 404."""

import pytest

pytestmark = pytest.mark.django_db

DESIGN_KEYS = {
    "scenes": {
        "count",
        "previous_count",
        "change",
        "new",
        "removed",
        "unmapped",
        "area_m2",
        "previous_area_m2",
    },
    "municipalities": {"with_scenes", "total", "by_code"},
    "local_police_areas": {"with_scenes", "by_name"},
    "stockholm_districts": {"with_scenes", "total"},
    "mappings": {"count", "joint_share"},
    "goal": {"series", "on_track"},
    "outcomes": {
        "violent_inside",
        "detected_inside",
        "violent_inside_previous",
        "detected_inside_previous",
    },
    "interventions": {"active", "by_method"},
}


def test_the_schema_types_the_report_and_its_404(client, make_user):
    client.force_login(make_user("samordningskansliet", "viewer"))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/reports/{year}/"]["get"]
    report = operation["responses"]["200"]["content"]["application/json"]["schema"]
    properties = report["properties"]
    assert {"year", "substances", "symptoms", "evaluations"} <= set(properties)
    for key, inner in DESIGN_KEYS.items():
        assert inner <= set(properties[key]["properties"]), key
    assert properties["municipalities"]["properties"]["by_code"]["additionalProperties"] == {
        "type": "integer"
    }
    # The 404 is the API's one error body, `message` (it was documented as `detail`).
    missing = operation["responses"]["404"]["content"]["application/json"]["schema"]
    assert missing["$ref"] == "#/components/schemas/Error"
    assert "message" in schema["components"]["schemas"]["Error"]["required"]
