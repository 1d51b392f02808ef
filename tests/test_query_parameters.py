"""Numbers in query parameters that cannot be a year or an id are a 400 naming the
parameter, never a 500 (year 0 or 20 digits used to reach the database)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

IMPOSSIBLE = ["0", "-1", "99999999999999999999", "1e400", "NaN", "2024.5", "１２x"]


@pytest.mark.parametrize("value", IMPOSSIBLE)
@pytest.mark.parametrize(
    ("url_name", "parameter"),
    [
        ("api:evaluation-list", "after_year"),
        ("api:evaluation-list", "intervention"),
        ("api:mapping-list", "year"),
        ("api:scene-list", "open_in"),
        ("api:scene-list", "new_in"),
        ("api:scene-list", "removed_in"),
        ("api:scene-list", "unmapped_in"),
    ],
)
def test_an_impossible_number_is_a_400_naming_the_parameter(
    client, make_user, url_name, parameter, value
):
    client.force_login(make_user("samordningskansliet", "viewer"))
    response = client.get(reverse(url_name), {parameter: value})
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == [parameter]


@pytest.mark.parametrize(
    ("url_name", "parameter", "value"),
    [
        ("api:evaluation-list", "after_year", "2024"),
        ("api:evaluation-list", "intervention", "9223372036854775807"),
        ("api:mapping-list", "year", "1900"),
        ("api:scene-list", "open_in", "2200"),
    ],
)
def test_a_possible_number_is_answered(client, make_user, url_name, parameter, value):
    client.force_login(make_user("samordningskansliet", "viewer"))
    response = client.get(reverse(url_name), {parameter: value})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_scene_list_page_shows_the_year_error(client, make_user):
    client.force_login(make_user("samordningskansliet", "viewer"))
    response = client.get(reverse("scenes:list"), {"open_in": "99999999999999999999"})
    assert response.status_code == 200
    assert response.context["filter"].errors["open_in"]


@pytest.mark.parametrize("value", IMPOSSIBLE + ["١٢"])
def test_the_event_summary_refuses_an_impossible_year(client, make_user, value):
    client.force_login(make_user("samordningskansliet", "viewer"))
    response = client.get(reverse("api:event-summary"), {"year": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]


# A NUL character reached PostgreSQL, which refuses it in text (500); SQLite took it. Found
# by the fuzzer (tests/test_api_fuzz.py) on PostgreSQL: `?scene=%0B%00` on the youth signals.
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/youth-signals/", "scene"),
        ("/api/v1/surveys/", "scene"),
        ("/api/v1/indicators/", "scene"),
        ("/api/v1/events/summary/", "scene"),
        ("/api/v1/events/summary/", "municipality"),
    ],
)
def test_a_nul_character_in_a_parameter_is_a_400_naming_it(client, make_user, path, parameter):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.get(path, {parameter: "S-1\x00"})
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == [parameter]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/scenes/%00/",
        "/api/v1/mappings/1%00/",
        "/api/v1/methods/%00/",
        "/api/v1/organisations/lpo%3Ajarva%00/",
        "/api/v1/questionnaires/%00/",
        "/api/v1/collections/scenes/items/S-1%00",
    ],
)
def test_a_nul_character_in_a_path_names_nothing(client, make_user, path):
    client.force_login(make_user("lpo:jarva", "editor"))
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"message": "Hittades inte."}
