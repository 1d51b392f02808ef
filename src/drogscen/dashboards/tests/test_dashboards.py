import json
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drogscen.accounts.models import Organisation
from drogscen.mappings import services
from drogscen.mappings.tests.test_workflow import OPEN_ANSWERS
from drogscen.reports.builder import report_build
from drogscen.scenes.models import Scene


def figure(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}"[^>]*>\s*([^<]+)', page).group(1).strip()


@pytest.mark.django_db
def test_the_county_dashboard_shows_the_published_picture(client, make_user, demo_county):
    client.force_login(make_user("samordningskansliet", "viewer"))
    page = client.get("/").content.decode()
    assert figure(page, "open-count") == "53"
    assert "63 → 53" in page and "8 av 26" in page and "11 av 11" in page
    assert "96 %" in page
    assert "På rätt väg" in page
    page_2023 = client.get("/", {"year": 2023}).content.decode()
    assert figure(page_2023, "open-count") == "63"
    assert client.get("/", {"year": 2031}).status_code == 404


@pytest.mark.django_db
def test_every_figure_drills_down_to_the_scenes_it_counts(client, make_user, demo_county):
    client.force_login(make_user("samordningskansliet", "viewer"))
    for query, expected in [
        ({"open_in": 2024}, 53),
        ({"open_in": 2023}, 63),
        ({"removed_in": 2024}, 10),
        ({"new_in": 2024}, 0),
        ({"open_in": 2024, "municipality": "0184"}, 4),
    ]:
        page = client.get("/platser/", query).content.decode()
        count = re.search(r'class="count">(\d+) plats', page).group(1)
        assert int(count) == expected, query


@pytest.mark.django_db
def test_a_municipality_sees_county_totals_and_only_its_own_breakdown(
    client, make_user, demo_county
):
    user = make_user("kommun:0184", "viewer")
    report = report_build(year=2024, fetched_by=user)
    assert report["scenes"]["count"] == 53 and report["scope"] == "restricted"
    assert report["municipalities"]["by_code"] == {"0184": 4}
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "Solna" in page and "Botkyrka" not in page
    area = client.get("/lansbild/kommun/0184/").content.decode()
    assert figure(area, "area-count") == "4" and "P-0184" in area
    other = client.get("/lansbild/kommun/0180/").content.decode()
    assert "P-0180" not in other  # Stockholm's figures, none of its scenes


@pytest.mark.django_db
def test_the_police_area_page(client, make_user, demo_county):
    client.force_login(make_user("lpo:jarva", "viewer"))
    page = client.get("/lansbild/lpo/jarva/", {"year": 2024}).content.decode()
    assert figure(page, "area-count") == "4"


@pytest.mark.django_db
def test_the_public_page_and_json_give_the_figures_and_leak_nothing(client, demo_county):
    page = client.get("/oppen-statistik/").content.decode()
    data = client.get("/oppen-statistik/statistik.json").json()
    assert data["year"] == 2024
    assert data["scenes"] == {
        "count": 53,
        "previous_count": 63,
        "change": -10,
        "new": 0,
        "removed": 10,
        "decrease": 10,
        "increase": 0,
    }
    assert data["municipalities"] == {"with_scenes": 8, "total": 26}
    assert data["local_police_areas"]["with_scenes"] == 13
    assert data["stockholm_districts"] == {"with_scenes": 11, "total": 11}
    assert round(data["mappings"]["joint_share"] * 100) == 96
    assert "53 öppna drogscener" in page and "10 färre" in page and "96 %" in page
    text = page + json.dumps(data, ensure_ascii=False)
    for ref, name in Scene.objects.values_list("ref", "name"):
        assert ref not in text and name not in text
    for row in data["per_municipality"]:
        assert set(row) == {"code", "name", "per_year"}


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_the_number_of_scenes(client, make_user, scene_factory):
    city = Organisation.objects.get(code="kommun:0180")
    client.force_login(make_user("samordningskansliet", "viewer"))

    def add(count, start):
        for i in range(start, start + count):
            scene = scene_factory(
                f"N-{i:03d}", lon=17.86 + (i % 40) * 0.004, lat=59.36 + (i // 40) * 0.004
            )
            for year in (2023, 2024):
                services.mapping_record_approved(
                    scene=scene,
                    year=year,
                    mapped_on=date(year, 11, 1),
                    participants=[city],
                    answers=OPEN_ANSWERS,
                    lead_local_police_area=scene.local_police_area,
                )

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/", {"year": 2024}).status_code == 200
        return len(context.captured_queries)

    add(3, 0)
    queries()  # the first request builds the per-process spatial indexes
    few = queries()
    add(30, 3)
    queries()  # new figures: the goal chart is drawn and cached once
    assert queries() == few


@pytest.mark.django_db
def test_the_report_api_is_scoped(client, make_user, demo_county):
    client.force_login(make_user("kommun:0184", "viewer"))
    data = client.get("/api/v1/reports/2024/").json()
    assert data["scenes"]["count"] == 53 and data["municipalities"]["by_code"] == {"0184": 4}
    assert client.get("/api/v1/reports/2031/").status_code == 404
    client.logout()
    assert client.get("/api/v1/reports/2024/").status_code == 401
