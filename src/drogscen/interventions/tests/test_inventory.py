"""The methods pages and the inventory: counts by family, kind of actor and status,
scoped to the user; scenes without ongoing work; filters; the Excel export; a query
count that does not grow with the data."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from drogscen.core.testing import get_with_queries
from drogscen.interventions import views
from drogscen.interventions.models import Method
from drogscen.interventions.services import intervention_create, progress_report, target_add


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def county(scene_factory, org):
    """Two scenes in Stockholm (Järva) and one in Solna. Ongoing work: LPO Järva and the
    City at S-A; the Region at the Solna scene. Finished work of the City at S-B."""
    a = scene_factory("S-A")
    b = scene_factory("S-B", lon=17.93, lat=59.389)
    solna = scene_factory("S-SOLNA", lpo="solna", lon=17.9993, lat=59.3600)
    method = Method.objects.get

    def add(code, title, methods, scenes, status="ongoing", **extra):
        return intervention_create(
            organisation=org(code),
            title=title,
            methods=[method(code=c) for c in methods],
            scenes=scenes,
            starts_on=date(2025, 1, 1),
            status=status,
            **extra,
        )

    patrol = add("lpo:jarva", "Patrull", ["hot_spot_patrol"], [a])
    walks = add("kommun:0180", "Vandringar", ["cpted_place_design", "place_activation"], [a])
    target = target_add(
        intervention=walks,
        description="Trygghetsvandringar",
        unit="vandringar",
        planned_quantity=12,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    progress_report(target=target, period=date(2025, 1, 1), actual_quantity=3)
    needles = add("region", "Sprututbyte", ["needle_syringe_programme"], [solna])
    done = add(
        "kommun:0180",
        "Avslutat",
        ["street_outreach"],
        [b],
        status="finished",
        ends_on=date(2025, 6, 30),
    )
    return {
        "a": a,
        "b": b,
        "solna": solna,
        "patrol": patrol,
        "walks": walks,
        "needles": needles,
        "done": done,
    }


def test_methods_are_listed_by_family_with_their_use(client, make_user, county):
    client.force_login(make_user("kommun:0184", "viewer"))  # sees only the Solna work
    response = client.get(reverse("interventions:methods"))
    assert response.status_code == 200
    families = {g["family"]: g for g in response.context["families"]}
    assert set(families) == set(Method.Family.values)
    used = {m.code: m.used for g in families.values() for m in g["methods"]}
    assert used["needle_syringe_programme"] == 1
    assert used["hot_spot_patrol"] == 0  # the Järva patrol is out of Solna's sight


def test_a_method_page_shows_evidence_and_where_it_is_used(english, make_user, county, monkeypatch):
    # The page works without the evaluations' template (another part provides it).
    monkeypatch.setattr(views, "EVIDENCE_TEMPLATE", "evaluations/no-such-template.html")
    english.force_login(make_user("kommun:0180", "viewer"))
    response = english.get(reverse("interventions:method", args=["cpted_place_design"]))
    assert response.status_code == 200
    method = Method.objects.get(code="cpted_place_design")
    assert method.evidence[:40] in response.text
    assert [i.pk for i in response.context["interventions"]] == [county["walks"].pk]
    assert "evidence_template" not in response.context
    assert english.get(reverse("interventions:method", args=["no-such"])).status_code == 404


def test_the_method_page_includes_the_evaluation_evidence_when_it_exists(
    client, make_user, county, monkeypatch
):
    from django.template import engines

    template = engines["django"].from_string("<p data-testid='measured'>{{ method.code }}</p>")
    monkeypatch.setattr(views, "_evidence_template", lambda: template)
    client.force_login(make_user("kommun:0180", "viewer"))
    response = client.get(reverse("interventions:method", args=["hot_spot_patrol"]))
    assert "<p data-testid='measured'>hot_spot_patrol</p>" in response.text


def inventory(client, **query):
    response = client.get(reverse("interventions:inventory"), query)
    assert response.status_code == 200
    return response.context["inventory"]


def test_the_county_inventory_counts_and_flags(client, make_user, county):
    client.force_login(make_user("samordningskansliet", "viewer"))
    found = inventory(client)
    assert len(found.interventions) == 4
    assert dict((c, n) for c, _l, n in found.by_actor_kind) == {
        "police_area": 1,
        "municipality": 2,
        "region": 1,
    }
    assert dict((c, n) for c, _l, n in found.by_status) == {"ongoing": 3, "finished": 1}
    families = dict((c, n) for c, _l, n in found.by_family)
    assert families["situational_prevention"] == 1 and families["normal_life_activities"] == 1
    assert dict((c, n) for c, _l, n in found.by_municipality) == {"0180": 3, "0184": 1}
    # S-B has only finished work: flagged.
    assert [s.ref for s in found.scenes_without] == ["S-B"]


def test_the_inventory_filters(client, make_user, county):
    client.force_login(make_user("samordningskansliet", "viewer"))
    in_solna = inventory(client, municipality="0184")
    assert [i.pk for i in in_solna.interventions] == [county["needles"].pk]
    assert in_solna.scenes_without == []
    police = inventory(client, organisation_kind="police_area")
    assert [i.pk for i in police.interventions] == [county["patrol"].pk]
    # Without police work: both the Solna scene and S-B.
    assert [s.ref for s in police.scenes_without] == ["S-B", "S-SOLNA"]
    harm = inventory(client, family="health_harm_reduction")
    assert [i.pk for i in harm.interventions] == [county["needles"].pk]
    finished = inventory(client, status="finished")
    assert [i.pk for i in finished.interventions] == [county["done"].pk]


def test_the_inventory_is_scoped(client, make_user, county):
    client.force_login(make_user("kommun:0184", "viewer"))
    found = inventory(client)
    assert [i.pk for i in found.interventions] == [county["needles"].pk]
    assert found.scenes_without == []  # Solna's one scene has ongoing work
    client.force_login(make_user("lpo:jarva", "viewer"))
    assert {i.pk for i in inventory(client).interventions} == {
        county[k].pk for k in ("patrol", "walks", "done")
    }


def test_the_excel_export_has_three_sheets(english, make_user, county):
    english.force_login(make_user("samordningskansliet", "viewer"))
    response = english.get(reverse("interventions:inventory_excel"), {"municipality": "0180"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="insatser-oversikt-0180'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Interventions", "Targets", "Scenes without work"]
    rows = list(book["Interventions"].values)
    assert rows[0][:3] == ("Reference", "Title", "Organisation")
    assert {r[1] for r in rows[1:]} == {"Patrull", "Vandringar", "Avslutat"}
    targets = list(book["Targets"].values)
    assert targets[1][6:] == (12, 3, 0.25)  # planned, done, share
    assert [r[0] for r in list(book["Scenes without work"].values)[1:]] == ["S-B"]


def test_the_inventory_query_count_does_not_grow(client, make_user, county, scene_factory, org):
    client.force_login(make_user("samordningskansliet", "viewer"))
    url = reverse("interventions:inventory")
    _response, before = get_with_queries(client, url)
    methods = list(Method.objects.all()[:3])
    for n in range(6):
        scene = scene_factory(f"S-MORE-{n}", lon=17.92 + n * 0.002, lat=59.385)
        intervention_create(
            organisation=org("kriminalvarden" if n % 2 else "tullverket"),
            title=f"Mer {n}",
            methods=methods,
            scenes=[scene, county["a"]],
            starts_on=date(2025, 1, 1),
            status="ongoing",
        )
    response, after = get_with_queries(client, url)
    assert len(after) == len(before), after
    assert len(response.context["inventory"].interventions) == 10


def test_work_at_several_areas_names_only_the_scenes_the_reader_sees(
    client, make_user, county, org
):
    """The Region's work at a Järva scene and the Solna scene: Solna municipality sees it
    (it is at its scene) but must not learn the Järva scene's reference or name from the
    list, the detail, the inventory, its Excel export or the method page."""
    work = intervention_create(
        organisation=org("region"),
        title="Uppsökande",
        methods=[Method.objects.get(code="street_outreach")],
        scenes=[county["solna"], county["a"]],
        starts_on=date(2025, 1, 1),
        status="ongoing",
    )
    client.force_login(make_user("kommun:0184", "viewer"))
    pages = [
        reverse("interventions:list"),
        reverse("interventions:detail", args=[work.pk]),
        reverse("interventions:inventory"),
        reverse("interventions:method", args=["street_outreach"]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "S-SOLNA" in html, url
        assert "S-A" not in html and "Plats S-A" not in html, url
    found = inventory(client)
    assert dict((c, n) for c, _l, n in found.by_municipality) == {"0184": 2}
    book = load_workbook(io.BytesIO(client.get(reverse("interventions:inventory_excel")).content))
    cells = {str(c.value) for row in book.worksheets[0].iter_rows() for c in row}
    assert "S-SOLNA" in cells and not any("S-A" in c for c in cells)
