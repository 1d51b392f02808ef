import html
import json
import re
from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.core.testing import get_with_queries
from drogscen.mappings import services
from drogscen.mappings.rounds import round_completeness, round_reopen
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.reports.builder import report_build
from drogscen.reports.editions import round_publish
from drogscen.scenes.models import Scene


def figure(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}"[^>]*>\s*([^<]+)', page).group(1).strip()


@pytest.mark.django_db
def test_the_county_dashboard_shows_the_published_picture(client, make_user, demo_county):
    client.force_login(make_user("samordningskansliet", "viewer"))
    page = client.get("/").content.decode()
    assert figure(page, "open-count") == "53"
    assert "63 → 53" in page
    assert figure(page, "municipalities-count") == "8" and "</a> av 26" in page
    assert figure(page, "districts-count") == "11" and "</a> av 11" in page
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
    assert 'data-status="rebuilt"' in page  # 2024 is published; this is built for the user
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

    def add(count, start, years):
        for i in range(start, start + count):
            scene = scene_factory(
                f"N-{i:03d}", lon=17.86 + (i % 40) * 0.004, lat=59.36 + (i // 40) * 0.004
            )
            for year in years:
                services.mapping_record_approved(
                    scene=scene,
                    year=year,
                    mapped_on=date(year, 11, 1),
                    participants=[city],
                    answers=OPEN_ANSWERS,
                    lead_local_police_area=scene.local_police_area,
                )

    pages = ["/", "/lansbild/kommun/0180/", "/lansbild/lpo/jarva/"]

    def queries():
        counts = []
        for path in pages:
            # a published year (from its edition) and a preliminary one (built now)
            for query in ({"year": 2025}, {"year": 2026}):
                counts.append(len(get_with_queries(client, path, query)[1]))
        return counts

    add(3, 0, (2025, 2026))  # the demo's 2023 and 2024 (when loaded) are published
    round_publish(year=2025, by=None)
    queries()  # the first request builds the per-process spatial indexes
    few = queries()
    add(30, 3, (2026,))
    queries()  # new figures: the goal charts are drawn and cached once
    assert queries() == few


@pytest.mark.django_db
def test_the_report_api_is_scoped(client, make_user, demo_county):
    client.force_login(make_user("kommun:0184", "viewer"))
    data = client.get("/api/v1/reports/2024/").json()
    assert data["scenes"]["count"] == 53 and data["municipalities"]["by_code"] == {"0184": 4}
    assert client.get("/api/v1/reports/2031/").status_code == 404
    client.logout()
    assert client.get("/api/v1/reports/2024/").status_code == 401


# --- the language switch on the public page ---------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_visitor_switches_the_public_page_to_english(client, demo_county):
    assert "Öppna drogscener i Stockholms län" in client.get("/oppen-statistik/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/oppen-statistik/"})
    assert response.status_code == 302 and response.url == "/oppen-statistik/"  # not sign-in
    page = client.get(response.url).content.decode()
    assert '<html lang="en">' in page
    assert "Open drug scenes in Stockholm county" in page
    assert "What is an open drug scene?" in page


# --- drill-down: every figure's link lists the scenes (or mappings) it counts -----------------


def linked(page: str, testid: str) -> tuple[str, str]:
    """The link carrying data-testid and the figure it shows."""
    tag = re.search(rf'<a href="([^"]+)" data-testid="{testid}">\s*([^<]+)', page)
    assert tag, testid
    return html.unescape(tag.group(1)), tag.group(2).strip()


def counted(client, url: str) -> int:
    """How many rows a drill-down target lists: scenes on the scene list or an area page,
    mappings on the mapping list."""
    response = client.get(url)
    assert response.status_code == 200, url
    if url.startswith("/lansbild/"):
        return int(figure(response.content.decode(), "scene-list-count"))
    return response.context["page"].paginator.count


def rows(page: str, heading: str) -> list[tuple[str, int]]:
    """(href, figure) of the linked numbers in the table after a heading."""
    table = page.split(heading, 1)[1].split("</table>", 1)[0]
    return [
        (html.unescape(href), int(n))
        for href, n in re.findall(r'<td class="number"><a href="([^"]+)">(\d+)</a>', table)
    ]


@pytest.mark.django_db
def test_every_number_on_the_county_page_links_to_what_it_counts(client, make_user, demo_county):
    client.force_login(make_user("samordningskansliet", "viewer"))
    page = client.get("/", {"year": 2024}).content.decode()
    report = report_build(year=2024)
    same_as_figure = ["open-count", "new-count", "removed-count", "unmapped-count"]
    for testid in same_as_figure + ["mappings-count"]:
        url, number = linked(page, testid)
        assert counted(client, url) == int(number), testid
    # The number of areas counts the open scenes in them: the link lists those scenes.
    for testid in ("municipalities-count", "police-areas-count", "area-total"):
        url, _number = linked(page, testid)
        assert counted(client, url) == report["scenes"]["count"] == 53, testid
    url, number = linked(page, "districts-count")
    assert number == "11" and counted(client, url) == report["municipalities"]["by_code"]["0180"]
    url, _share = linked(page, "joint-share")
    assert counted(client, url) == report["mappings"]["count"]

    series = re.findall(r'<a href="([^"]+)" data-testid="series-(\d{4})">(\d+)</a>', page)
    assert [(y, int(n)) for _url, y, n in series] == [("2023", 63), ("2024", 53)]
    for url, _year, n in series:
        assert counted(client, html.unescape(url)) == int(n)

    municipalities = rows(page, "Per kommun")
    assert len(municipalities) == 8 and sum(n for _url, n in municipalities) == 53
    areas = rows(page, "Per lokalpolisområde")
    assert len(areas) == 13 and sum(n for _url, n in areas) == 53
    for url, n in municipalities + areas:  # Norrmalm led mappings of scenes now elsewhere
        assert counted(client, url) == n, url

    compliance = page.split('data-testid="compliance"', 1)[1].split("</article>", 1)[0]
    mapped = re.search(r'<a href="([^"]+)">(\d+)</a>', compliance)
    target = client.get(html.unescape(mapped.group(1)))
    assert target.status_code == 200 and target.context["county"].mapped == int(mapped.group(2))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "count", "signal"),
    [("/lansbild/kommun/0180/", 30, "on-track"), ("/lansbild/lpo/norrmalm/", 7, "off-track")],
)
def test_an_area_page_has_the_county_layout_and_drills_down(
    client, make_user, demo_county, path, count, signal
):
    client.force_login(make_user("samordningskansliet", "viewer"))
    page = client.get(path, {"year": 2024}).content.decode()
    assert f'card goal {signal}" data-testid="goal"' in page  # Norrmalm: 7 and 7
    assert 'data-testid="compliance"' in page
    url, number = linked(page, "area-count")
    assert int(number) == count == counted(client, url)
    for testid in ("new-count", "removed-count", "unmapped-count"):
        url, number = linked(page, testid)
        assert counted(client, url) == int(number), testid
    series = re.findall(r'<a href="([^"]+)" data-testid="series-(\d{4})">(\d+)</a>', page)
    assert [y for _url, y, _n in series] == ["2023", "2024"]
    for url, _year, n in series:
        assert counted(client, html.unescape(url)) == int(n)


# --- who sees which breakdown -----------------------------------------------------------------


@pytest.mark.django_db
def test_partners_get_the_whole_breakdown_by_lead_police_area(client, make_user, demo_county):
    """Regression: the breakdown was matched on the scenes' current area, so Norrmalm (which
    led the mappings of scenes since moved to other areas) went missing for partners."""
    region = make_user("region", "viewer")
    report = report_build(year=2024, fetched_by=region)
    assert (
        report["local_police_areas"]["by_name"]
        == report_build(year=2024)["local_police_areas"]["by_name"]
    )
    assert report["local_police_areas"]["by_name"]["Norrmalm"] == 7
    assert sum(report["local_police_areas"]["by_name"].values()) == 53
    client.force_login(region)
    page = client.get("/", {"year": 2023}).content.decode()
    assert figure(page, "police-areas-count") == "16"
    assert (
        len(page.split("Per lokalpolisområde", 1)[1].split("</table>")[0].split("<tr>")) - 2 == 16
    )


@pytest.mark.django_db
def test_a_restricted_breakdown_counts_only_the_users_own_scenes(client, make_user, demo_county):
    """LPO Solna also led Sundbyberg's three scenes: Solna's municipality sees the area
    with Solna's four scenes, the police area with all seven."""
    solna = make_user("kommun:0184", "viewer")
    report = report_build(year=2024, fetched_by=solna)
    assert report["municipalities"]["by_code"] == {"0184": 4}
    assert report["local_police_areas"]["by_name"] == {"Solna": 4}
    assert report["stockholm_districts"]["names"] == []
    police = report_build(year=2024, fetched_by=make_user("lpo:solna", "viewer"))
    assert police["municipalities"]["by_code"] == {"0183": 3, "0184": 4}
    assert police["local_police_areas"]["by_name"] == {"Solna": 7}
    jarva = report_build(year=2024, fetched_by=make_user("lpo:jarva", "viewer"))
    assert jarva["municipalities"]["by_code"] == {"0180": 4}  # not Stockholm's 30
    assert len(jarva["stockholm_districts"]["names"]) >= 1
    assert report["stockholm_districts"]["with_scenes"] == 11  # the county total stays

    client.force_login(solna)
    page = client.get("/lansbild/lpo/solna/", {"year": 2024}).content.decode()
    assert figure(page, "area-count") == "4"


@pytest.mark.django_db
def test_the_public_page_answers_how_the_goals_are_reached_and_where_to_read_more(
    client, demo_county
):
    client.post("/i18n/setlang/", {"language": "en", "next": "/oppen-statistik/"})
    page = client.get("/oppen-statistik/").content.decode()
    assert "How are the goals to be reached?" in page
    assert "Where can I find more information?" in page
    assert 'href="http://www.oppnadrogsener.se"' in page


# --- published versus preliminary -------------------------------------------------------------


@pytest.mark.django_db
def test_a_published_year_shows_its_edition_even_after_a_mapping_changes(
    client, make_user, demo_county, scene_factory
):
    client.force_login(make_user("samordningskansliet", "viewer"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    round_reopen(year=2024, reason="A scene was missed", by=None)
    scene = scene_factory("N-LATE")
    for year in (2024, 2025):  # 2025: the first approved mapping of the year's round
        services.mapping_record_approved(
            scene=scene,
            year=year,
            mapped_on=date(year, 11, 1),
            participants=[Organisation.objects.get(code="kommun:0180")],
            answers=OPEN_ANSWERS,
            lead_local_police_area=scene.local_police_area,
        )
    assert report_build(year=2024)["scenes"]["count"] == 54  # what a rebuild would say
    page = client.get("/").content.decode()  # the latest published year by default
    assert figure(page, "open-count") == "53"
    assert 'data-status="published"' in page and "edition 1 of" in page
    # The goal is the published years' (63 → 53), and says so.
    assert figure(page, "series-2024") == "53"
    assert "From the published years only." in page
    preliminary = client.get("/", {"year": 2025}).content.decode()
    assert 'data-status="preliminary"' in preliminary
    assert "Preliminary" in preliminary and "2025 is not published yet" in preliminary
    # A year not published moves neither the goal nor the outlook.
    assert 'data-testid="series-2025"' not in preliminary
    assert "2025 is not published yet and is not counted." in preliminary
    assert "From the published years only: a round in progress" in preliminary


@pytest.mark.django_db
def test_the_round_in_progress_shows_how_far_it_has_come_not_its_figures(
    client, make_user, demo_county
):
    user = make_user("samordningskansliet", "viewer")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    progress = round_completeness(year=2026, fetched_by=user)
    card = page.split('data-testid="round-2026"', 1)[1].split("</article>", 1)[0]
    assert "The 2026 round in progress" in card
    assert figure(page, "round-2026-approved") == str(progress.approved)
    assert f"of {progress.expected} scenes" in card
    assert "Open drug scenes" not in card
