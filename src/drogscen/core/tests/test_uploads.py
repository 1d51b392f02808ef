"""The crime-event upload pages: upload, background task (the immediate backend in
tests), status page with progress and result, scoping of the uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from drogscen.outcomes import importing
from drogscen.outcomes.models import CrimeEvent, EventImport

GOOD = (
    b"event_id,occurred_at,crime_code,x,y\n"
    b"E1,2024-03-01T21:30,0372,674000,6580500\n"
    b"E2,2024-03-01T22:30,5010,674050,6580500\n"
    b"FAR,2024-03-01T22:30,5010,319000,6400000\n"
)


@pytest.fixture(autouse=True)
def no_recomputation(monkeypatch):
    monkeypatch.setattr(importing, "schedule_recompute_near", lambda x, y, *, reason: None)


def upload(client, content: bytes, capture, **fields):
    data = {"source": "polisen", "crs": "EPSG:3006", **fields}
    data["file"] = SimpleUploadedFile("brott.csv", content, content_type="text/csv")
    with capture(execute=True), translation.override("en"):
        return client.post(reverse("outcome_imports:upload"), data)


@pytest.mark.django_db
def test_an_upload_runs_in_the_background_and_shows_its_result(
    client, make_user, django_capture_on_commit_callbacks
):
    police = make_user("lpo:jarva", "editor")
    client.force_login(police)
    assert client.get(reverse("outcome_imports:upload")).status_code == 200
    response = upload(client, GOOD, django_capture_on_commit_callbacks)
    item = EventImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outcome_imports:detail", args=[item.pk])
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
    item = EventImport.objects.create(
        original_name="b.csv",
        source="polisen",
        created_by=police,
        status="running",
        rows_total=10,
        rows_done=4,
    )
    client.force_login(police)
    html = client.get(reverse("outcome_imports:detail", args=[item.pk])).content.decode()
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
    item = EventImport.objects.get()
    assert item.status == "failed"
    assert item.result["problems"][0].startswith("brott.csv, ")
    assert "occurred_at" in item.result["problems"][0]
    assert not CrimeEvent.objects.exists()
    html = client.get(reverse("outcome_imports:detail", args=[item.pk])).content.decode()
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
    item = EventImport.objects.get()
    assert (item.status, item.result["inserted"], item.result["rejected"]) == ("done", 2, 1)
    assert (
        "row 5" in item.result["rejected_examples"][0]
        or "rad 5" in item.result["rejected_examples"][0]
    )


@pytest.mark.django_db
def test_an_unknown_coordinate_system_is_refused_on_the_form(client, make_user):
    client.force_login(make_user("lpo:jarva", "editor"))
    with translation.override("en"):
        response = client.post(
            reverse("outcome_imports:upload"),
            {"source": "polisen", "crs": "EPSG:999999", "file": SimpleUploadedFile("b.csv", GOOD)},
        )
    assert response.status_code == 200
    assert not EventImport.objects.exists()


@pytest.mark.django_db
def test_uploads_are_seen_by_their_uploader_and_the_county_only(client, make_user):
    jarva = make_user("lpo:jarva", "editor")
    solna = make_user("lpo:solna", "editor")
    county = make_user("samordningskansliet", "viewer")
    municipality = make_user("kommun:0180", "editor")
    item = EventImport.objects.create(original_name="mine.csv", source="polisen", created_by=jarva)
    url = reverse("outcome_imports:detail", args=[item.pk])
    for user, status in [(jarva, 200), (solna, 404), (county, 200), (municipality, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(solna)
    assert "mine.csv" not in client.get(reverse("outcome_imports:upload")).content.decode()
    client.force_login(municipality)
    assert client.get(reverse("outcome_imports:upload")).status_code == 404


@pytest.mark.django_db
def test_the_upload_list_costs_the_same_queries_however_many_uploads(
    client, make_user, django_assert_num_queries
):
    police = make_user("lpo:jarva", "editor")
    client.force_login(police)
    EventImport.objects.create(original_name="a.csv", source="polisen", created_by=police)
    client.get(reverse("outcome_imports:upload"))  # warm the session and principal
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("outcome_imports:upload"))
    for i in range(5):
        EventImport.objects.create(original_name=f"{i}.csv", source="polisen", created_by=police)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("outcome_imports:upload"))
