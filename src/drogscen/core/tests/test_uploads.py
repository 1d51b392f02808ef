"""The upload pages of the import pipeline: upload, background task (the immediate
backend in tests), status page with progress and result, scoping of the uploads; for
crime events (with their options) and for every other kind."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from drogscen.core.models import FileImport
from drogscen.outcomes import recompute
from drogscen.outcomes.models import CrimeEvent

GOOD = (
    b"event_id,occurred_at,crime_code,x,y\n"
    b"E1,2024-03-01T21:30,0372,674000,6580500\n"
    b"E2,2024-03-01T22:30,5010,674050,6580500\n"
    b"FAR,2024-03-01T22:30,5010,319000,6400000\n"
)


@pytest.fixture(autouse=True)
def no_recomputation(monkeypatch):
    monkeypatch.setattr(recompute, "schedule_recompute_near", lambda x, y, *, reason: None)


def upload(client, content: bytes, capture, **fields):
    data = {"source": "polisen", "crs": "EPSG:3006", **fields}
    data["file"] = SimpleUploadedFile("brott.csv", content, content_type="text/csv")
    with capture(execute=True), translation.override("en"):
        return client.post(reverse("imports:upload", args=["events"]), data)


@pytest.mark.django_db
def test_an_upload_runs_in_the_background_and_shows_its_result(
    client, make_user, django_capture_on_commit_callbacks
):
    police = make_user("lpo:jarva", "editor")
    client.force_login(police)
    assert client.get(reverse("imports:upload", args=["events"])).status_code == 200
    response = upload(client, GOOD, django_capture_on_commit_callbacks)
    item = FileImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[item.pk])
    assert (item.status, item.rows_done, item.rows_total) == ("done", 3, 3)
    assert CrimeEvent.objects.count() == 2

    page = client.get(response.url, headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert 'data-status="done"' in html
    assert 'data-testid="inserted">2<' in html
    assert 'data-testid="skipped">1<' in html
    assert "FAR" in html  # the example of an event outside the county
    assert "hx-trigger" not in html  # finished: no more polling
    # htmx asks for the status fragment only
    fragment = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section")


@pytest.mark.django_db
def test_a_running_upload_is_polled_every_two_seconds(client, make_user):
    police = make_user("lpo:jarva", "editor")
    item = FileImport.objects.create(
        kind="events",
        original_name="b.csv",
        options={"source": "polisen"},
        created_by=police,
        status="running",
        rows_total=10,
        rows_done=4,
    )
    client.force_login(police)
    html = client.get(reverse("imports:detail", args=[item.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert '<progress max="10" value="4">' in html


@pytest.mark.django_db
def test_a_refused_file_lists_its_problems_and_writes_nothing(
    client, make_user, django_capture_on_commit_callbacks
):
    client.force_login(make_user("polisregion", "editor"))
    upload(
        client,
        b"event_id,occurred_at,crime_code,x,y\nE1,nonsense,0372,674000,6580500\n",
        django_capture_on_commit_callbacks,
    )
    item = FileImport.objects.get()
    assert item.status == "failed"
    assert item.result["problems"][0].startswith("brott.csv, ")
    assert "occurred_at" in item.result["problems"][0]
    assert not CrimeEvent.objects.exists()
    html = client.get(reverse("imports:detail", args=[item.pk])).content.decode()
    assert 'data-testid="upload-problems"' in html


@pytest.mark.django_db
def test_skip_invalid_from_the_page(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user("lpo:jarva", "editor"))
    upload(
        client,
        GOOD + b"BAD,2024-03-01,0372,abc,6580500\n",
        django_capture_on_commit_callbacks,
        skip_invalid="on",
    )
    item = FileImport.objects.get()
    assert (item.status, item.result["created"], item.result["rejected"]) == ("done", 2, 1)
    examples = item.result["details"]["rejected_examples"]
    assert "row 5" in examples[0] or "rad 5" in examples[0]


@pytest.mark.django_db
def test_an_unknown_coordinate_system_is_refused_on_the_form(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    with translation.override("en"):
        response = client.post(
            reverse("imports:upload", args=["events"]),
            {"source": "polisen", "crs": "EPSG:999999", "file": SimpleUploadedFile("b.csv", GOOD)},
        )
    assert response.status_code == 200
    assert not FileImport.objects.exists()


@pytest.mark.django_db
def test_uploads_are_seen_by_their_uploader_and_the_county_only(client, make_user):
    jarva = make_user("lpo:jarva", "editor")
    solna = make_user("lpo:solna", "editor")
    county = make_user("samordningskansliet", "viewer")
    municipality = make_user("kommun:0180", "editor")
    item = FileImport.objects.create(
        kind="events", original_name="mine.csv", options={"source": "polisen"}, created_by=jarva
    )
    url = reverse("imports:detail", args=[item.pk])
    for user, status in [(jarva, 200), (solna, 404), (county, 200), (municipality, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(solna)
    assert "mine.csv" not in client.get(reverse("imports:upload", args=["events"])).content.decode()
    client.force_login(municipality)
    assert client.get(reverse("imports:upload", args=["events"])).status_code == 404


@pytest.mark.django_db
def test_the_upload_list_costs_the_same_queries_however_many_uploads(
    client, make_user, django_assert_num_queries
):
    police = make_user("lpo:jarva", "editor")
    client.force_login(police)
    FileImport.objects.create(kind="events", original_name="a.csv", created_by=police)
    client.get(reverse("imports:upload", args=["events"]))  # warm the session and principal
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("imports:upload", args=["events"]))
    for i in range(5):
        FileImport.objects.create(kind="events", original_name=f"{i}.csv", created_by=police)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("imports:upload", args=["events"]))


SCENES = (
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
    b'{"ref": "W-1", "name": "Torget", "lpo": "J\\u00e4rva", "identified_on": "2025-01-10"},'
    b' "geometry": {"type": "Polygon", "coordinates": [[[17.94, 59.40], [17.95, 59.40],'
    b" [17.95, 59.405], [17.94, 59.405], [17.94, 59.40]]]}}]}"
)


def upload_file(client, kind, name, content, capture, **fields):
    # the language switch's cookie: the task words its problems in the uploader's language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"file": SimpleUploadedFile(name, content), **fields}
    with capture(execute=True), translation.override("en"):
        return client.post(reverse("imports:upload", args=[kind]), data)


@pytest.mark.django_db
def test_scenes_are_imported_on_the_web_as_a_background_task(
    client, make_user, django_capture_on_commit_callbacks
):
    from drogscen.scenes.models import Scene

    client.force_login(make_user("lpo:jarva", "editor"))
    response = upload_file(
        client, "scenes", "platser.geojson", SCENES, django_capture_on_commit_callbacks
    )
    item = FileImport.objects.get()
    assert response.url == reverse("imports:detail", args=[item.pk])
    assert (item.kind, item.status, item.result["created"]) == ("scenes", "done", 1)
    assert Scene.objects.get().ref == "W-1"
    html = client.get(response.url, headers={"Accept-Language": "en"}).content.decode()
    assert 'data-testid="created">1<' in html
    # the same file again changes nothing
    upload_file(client, "scenes", "platser.geojson", SCENES, django_capture_on_commit_callbacks)
    again = FileImport.objects.order_by("-pk").first()
    assert (again.result["created"], again.result["unchanged"]) == (0, 1)


@pytest.mark.django_db
def test_a_dry_run_on_the_web_checks_and_writes_nothing(
    client, make_user, django_capture_on_commit_callbacks
):
    from drogscen.scenes.models import Scene

    client.force_login(make_user("lpo:jarva", "editor"))
    upload_file(
        client,
        "scenes",
        "platser.geojson",
        SCENES,
        django_capture_on_commit_callbacks,
        dry_run="on",
    )
    item = FileImport.objects.get()
    assert (item.status, item.result["dry_run"], item.result["created"]) == ("done", True, 1)
    assert not Scene.objects.exists()
    html = client.get(reverse("imports:detail", args=[item.pk])).content.decode()
    assert 'data-testid="import-dry-run"' in html


@pytest.mark.django_db
def test_a_scene_outside_the_users_area_is_refused_on_the_web(
    client, make_user, django_capture_on_commit_callbacks
):
    from drogscen.scenes.models import Scene

    client.force_login(make_user("lpo:solna", "editor"))
    upload_file(client, "scenes", "p.geojson", SCENES, django_capture_on_commit_callbacks)
    item = FileImport.objects.get()
    assert item.status == "failed"
    assert item.result["problems"][0].startswith("p.geojson, feature 1 (ref W-1), lpo: ")
    assert not Scene.objects.exists()


@pytest.mark.django_db
def test_the_import_page_lists_the_kinds_the_user_may_import(client, make_user, scene_factory):
    scene_factory("J-1")  # counts and survey results are written for scenes of one's own
    client.force_login(make_user("lpo:jarva", "editor"))
    html = client.get(reverse("imports:index")).content.decode()
    for kind in ("scenes", "mappings", "interventions", "events", "counts", "survey"):
        assert f'data-testid="import-kind-{kind}"' in html, kind
    client.force_login(make_user("region", "editor"))  # records interventions only
    html = client.get(reverse("imports:index")).content.decode()
    assert 'data-testid="import-kind-interventions"' in html
    assert 'data-testid="import-kind-events"' not in html
    assert 'data-testid="import-kind-scenes"' not in html
    assert client.get(reverse("imports:upload", args=["events"])).status_code == 404
    assert client.get(reverse("imports:upload", args=["no-such-kind"])).status_code == 404


@pytest.mark.django_db
def test_a_post_without_a_file_shows_the_form_again(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    with translation.override("en"):
        response = client.post(reverse("imports:upload", args=["scenes"]), {})
    assert response.status_code == 200
    assert not FileImport.objects.exists()


@pytest.mark.django_db
def test_a_failure_of_the_system_is_told_and_writes_nothing(
    client, make_user, django_capture_on_commit_callbacks, monkeypatch
):
    from drogscen.core.imports import pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(pipeline, "file_checked", broken)
    client.force_login(make_user("lpo:jarva", "editor"))
    upload_file(client, "scenes", "p.geojson", SCENES, django_capture_on_commit_callbacks)
    item = FileImport.objects.get()
    assert item.status == "failed"
    assert "error in the system" in item.result["problems"][0]
    assert item.language == "en"
    assert "disk gone" not in item.result["problems"][0]


@pytest.mark.django_db
def test_problems_are_worded_in_the_uploaders_language(
    client, make_user, django_capture_on_commit_callbacks
):
    client.force_login(make_user("lpo:solna", "editor"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:upload", args=["scenes"]),
            {"file": SimpleUploadedFile("p.geojson", SCENES)},
        )
    item = FileImport.objects.get()
    assert item.language == "sv"
    assert item.result["problems"][0].startswith("p.geojson, objekt 1 (referens W-1), lpo: ")
