"""A scene mapped several times in one year (docs/domain-rules.md#open-scenes): the
year's mapping is the latest approved one by `mapped_on`, the others stay on the
scene's timeline; two mappings of one scene, year and date are a conflict. And a year
whose round is closed or published takes no mapping writes until it is reopened."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from rest_framework.test import APIClient

from drogscen.accounts.models import Organisation
from drogscen.audit.models import AuditEntry
from drogscen.mappings import services
from drogscen.mappings.models import Mapping, Round
from drogscen.mappings.rounds import round_close, round_reopen
from drogscen.mappings.selectors import (
    approved_records,
    open_scenes_per_year,
    scene_mapping_timeline,
)
from drogscen.mappings.tests.factories import FORM, OPEN_ANSWERS, closed_row, open_row, write_csv
from drogscen.mappings.timeline import mapping_timeline

pytestmark = pytest.mark.django_db

NOT_OPEN = {**OPEN_ANSWERS, "criteria": ["persistent", "public_use"], "symptoms": ["discomfort"]}
PUBLISHED = "The round of 2024 is published; ask the coordination office to reopen it."
CLOSED = "The round of 2024 is closed for mapping; ask the coordination office to reopen it."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def whole_round(scene, people, *, mapped_on, answers=OPEN_ANSWERS, year=2024):
    mapping = services.mapping_create(
        scene=scene,
        year=year,
        mapped_on=mapped_on,
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=answers,
        by=people["editor"],
    )
    services.mapping_submit(mapping=mapping, by=people["editor"])
    services.mapping_cosign(mapping=mapping, by=people["city"])
    return services.mapping_approve(mapping=mapping, by=people["manager"])


def publish(year=2024):
    """The round marked published (the edition itself is the reports app's)."""
    Round.objects.update_or_create(year=year, defaults={"status": Round.Status.PUBLISHED})


def no_longer_open(ref, **values):
    """A row of a Järva scene that no longer meets the definition."""
    return closed_row(ref, lead_lpo="Järva", participants="lpo:jarva;kommun:0180", **values)


def import_csv(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_mappings", str(path), stdout=out, stderr=err)
    except CommandError as refused:
        return refused, err.getvalue()
    return None, out.getvalue()


# --- several mappings a year --------------------------------------------------------------


@pytest.mark.parametrize(
    ("spring", "autumn", "open_in_2024"),
    [(NOT_OPEN, OPEN_ANSWERS, 1), (OPEN_ANSWERS, NOT_OPEN, 0)],
    ids=["not-open-in-spring-open-in-autumn", "open-in-spring-not-in-autumn"],
)
def test_the_latest_approved_mapping_by_date_is_the_years(
    scene_factory, people, spring, autumn, open_in_2024
):
    scene = scene_factory("M-1")
    # The autumn mapping is made and approved first: the date decides, not the order.
    whole_round(scene, people, mapped_on=date(2024, 10, 2), answers=autumn)
    whole_round(scene, people, mapped_on=date(2024, 4, 10), answers=spring)

    [record] = approved_records(years={2024})
    assert record.is_open is bool(open_in_2024)
    assert open_scenes_per_year() == {2024: open_in_2024}
    timeline = mapping_timeline(scene_mapping_timeline(scene=scene, fetched_by=people["editor"]))
    assert [entry["mapping"].mapped_on for entry in timeline] == [
        date(2024, 4, 10),
        date(2024, 10, 2),
    ]
    assert timeline[1]["classification_changed"] is True


def test_the_scene_page_shows_both_mappings_of_the_year(client, scene_factory, people):
    scene = scene_factory("M-2")
    whole_round(scene, people, mapped_on=date(2024, 4, 10), answers=NOT_OPEN)
    whole_round(scene, people, mapped_on=date(2024, 10, 2))
    client.force_login(people["editor"])
    page = client.get(f"/platser/{scene.ref}/").content.decode()
    assert page.count('data-testid="timeline-entry"') == 2


def test_a_second_mapping_on_the_same_date_is_refused(scene_factory, people):
    scene = scene_factory("M-3")
    whole_round(scene, people, mapped_on=date(2024, 4, 10))
    with pytest.raises(ValidationError) as refused:
        services.mapping_create(
            scene=scene,
            year=2024,
            mapped_on=date(2024, 4, 10),
            participants=[],
            answers=NOT_OPEN,
            by=people["editor"],
        )
    assert refused.value.message_dict == {
        "mapped_on": [
            "This scene already has a mapping for 2024 mapped on 2024-04-10; give this mapping "
            "its own date, or correct that one instead."
        ]
    }
    # Another date is a further mapping of the year.
    again = services.mapping_create(
        scene=scene,
        year=2024,
        mapped_on=date(2024, 9, 1),
        participants=[],
        answers=NOT_OPEN,
        by=people["editor"],
    )
    assert again.status == "draft"
    # Moving it onto the first one's date is the same conflict.
    with pytest.raises(ValidationError) as moved:
        services.mapping_update(
            mapping=again, expected_version=again.version, mapped_on=date(2024, 4, 10)
        )
    assert list(moved.value.message_dict) == ["mapped_on"]


def test_a_correction_stays_a_revision_of_its_mapping(scene_factory, people):
    scene = scene_factory("M-4")
    spring = whole_round(scene, people, mapped_on=date(2024, 4, 10))
    whole_round(scene, people, mapped_on=date(2024, 10, 2), answers=NOT_OPEN)
    correction = services.mapping_correct(mapping=spring, reason="Fel", by=people["editor"])
    assert (correction.revision, correction.mapped_on) == (2, date(2024, 4, 10))
    timeline = mapping_timeline(scene_mapping_timeline(scene=scene, fetched_by=people["editor"]))
    assert [(e["mapping"].mapped_on, e["correction"]) for e in timeline] == [
        (date(2024, 4, 10), correction),
        (date(2024, 10, 2), None),
    ]


def test_an_import_of_two_dates_of_one_scene_and_year_records_both(scene_factory, tmp_path):
    scene_factory("S-1")
    scene_factory("S-3", lpo="sodertalje", lon=17.6253, lat=59.1955)
    path = write_csv(
        tmp_path,
        [
            open_row("S-1", mapped_on="2023-04-02"),
            no_longer_open("S-1", mapped_on="2023-11-15"),
            closed_row("S-3"),
        ],
    )
    refused, _out = import_csv(path)
    assert refused is None
    assert Mapping.objects.filter(scene__ref="S-1", year=2023).count() == 2
    # The autumn row says S-1 is not a scene any more: nothing is open in 2023.
    assert open_scenes_per_year() == {2023: 0}
    # Importing the same file again changes nothing.
    assert import_csv(path)[0] is None
    assert Mapping.objects.filter(year=2023).count() == 3


def test_an_import_of_one_scene_year_and_date_twice_names_both_rows(scene_factory, tmp_path):
    scene_factory("S-1")
    path = write_csv(
        tmp_path,
        [open_row("S-1"), no_longer_open("S-1")],
    )
    refused, err = import_csv(path)
    assert refused is not None and refused.returncode == 2
    assert (
        "mappings.csv, row 3, scene_ref: row 2 has the same scene_ref, year and mapped_on "
        "with different content; keep one of them"
    ) in err
    assert not Mapping.objects.exists()


# --- published and closed years -----------------------------------------------------------


def test_a_mapping_of_a_published_year_is_refused_until_reopened(scene_factory, people):
    scene = scene_factory("P-1")
    approved = whole_round(scene, people, mapped_on=date(2024, 4, 10))
    draft = services.mapping_create(
        scene=scene_factory("P-2", lon=17.9330, lat=59.3900),
        year=2024,
        mapped_on=date(2024, 5, 1),
        participants=[],
        answers=OPEN_ANSWERS,
        by=people["editor"],
    )
    publish()
    writes = {
        "create": lambda: services.mapping_create(
            scene=scene,
            year=2024,
            mapped_on=date(2024, 10, 2),
            participants=[],
            answers=OPEN_ANSWERS,
            by=people["editor"],
        ),
        "update": lambda: services.mapping_update(
            mapping=draft, expected_version=None, answers=NOT_OPEN, by=people["editor"]
        ),
        "submit": lambda: services.mapping_submit(mapping=draft, by=people["editor"]),
        "correct": lambda: services.mapping_correct(
            mapping=approved, reason="Fel", by=people["editor"]
        ),
    }
    for name, write in writes.items():
        with pytest.raises(ValidationError) as refused:
            write()
        assert PUBLISHED in refused.value.messages, name
    assert Mapping.objects.count() == 2

    round_reopen(year=2024, reason="Höstens kartläggning", by=None)
    assert services.mapping_submit(mapping=draft, by=people["editor"]).status == "submitted"
    assert services.mapping_correct(mapping=approved, reason="Fel", by=people["editor"])


def test_cosigning_and_approving_in_a_closed_round_are_refused(scene_factory, people):
    mapping = services.mapping_create(
        scene=scene_factory("P-3"),
        year=2024,
        mapped_on=date(2024, 5, 1),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=OPEN_ANSWERS,
        by=people["editor"],
    )
    services.mapping_submit(mapping=mapping, by=people["editor"])
    round_close(year=2024, by=None)
    with pytest.raises(ValidationError, match=CLOSED):
        services.mapping_cosign(mapping=mapping, by=people["city"])
    round_reopen(year=2024, reason="Sen underskrift", by=None)
    services.mapping_cosign(mapping=mapping, by=people["city"])
    round_close(year=2024, by=None)
    with pytest.raises(ValidationError, match=CLOSED):
        services.mapping_approve(mapping=mapping, by=people["manager"])
    round_reopen(year=2024, reason="Sent godkännande", by=None)
    assert services.mapping_approve(mapping=mapping, by=people["manager"]).status == "approved"


def test_the_api_names_the_year_and_what_to_do(scene_factory, people):
    scene = scene_factory("P-4")
    publish()
    client = APIClient()
    client.force_authenticate(people["editor"])
    response = client.post(
        "/api/v1/mappings/",
        {
            "scene": scene.ref,
            "year": 2024,
            "mapped_on": "2024-11-05",
            "participants": [],
            "answers": OPEN_ANSWERS,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    # the API answers in the default language, Swedish
    assert response.json()["errors"]["year"] == [
        "Omgången 2024 är publicerad; be samordningskansliet att öppna den igen."
    ]


def test_an_import_row_of_a_published_year_is_refused_until_reopened(scene_factory, tmp_path):
    scene_factory("S-1")
    scene_factory("S-3", lpo="sodertalje", lon=17.6253, lat=59.1955)
    publish()
    entries = AuditEntry.objects.count()
    path = write_csv(
        tmp_path,
        [
            closed_row("S-3", year="2023", mapped_on="2023-11-15"),
            open_row("S-1", year="2024", mapped_on="2024-11-15"),
        ],
    )
    refused, err = import_csv(path)
    assert refused is not None and refused.returncode == 2
    assert f"mappings.csv, row 3, year: {PUBLISHED}" in err
    assert "row 2" not in err
    assert not Mapping.objects.exists() and AuditEntry.objects.count() == entries

    round_reopen(year=2024, reason="Historik från det gamla verktyget", by=None)
    assert import_csv(path)[0] is None
    assert Mapping.objects.count() == 2
    # Re-importing the same file after publishing again changes nothing and is let through.
    publish()
    assert import_csv(path)[0] is None
    assert Mapping.objects.count() == 2


def test_the_form_makes_a_new_mapping_of_the_same_year(client, scene_factory, people):
    scene = scene_factory("F-1")
    whole_round(scene, people, mapped_on=date(2024, 4, 10), answers=NOT_OPEN)
    client.force_login(people["editor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    same_date = client.post(f"/kartlaggningar/ny/{scene.ref}/", {**FORM, "mapped_on": "2024-04-10"})
    assert same_date.status_code == 200
    assert "already has a mapping for 2024 mapped on 2024-04-10" in same_date.content.decode()

    autumn = client.post(f"/kartlaggningar/ny/{scene.ref}/", FORM)  # mapped on 2024-11-05
    assert autumn.status_code == 302
    assert list(
        Mapping.objects.filter(scene=scene).order_by("mapped_on").values_list("mapped_on", "status")
    ) == [(date(2024, 4, 10), "approved"), (date(2024, 11, 5), "draft")]

    publish()
    refused = client.post(f"/kartlaggningar/ny/{scene.ref}/", {**FORM, "mapped_on": "2024-12-01"})
    assert refused.status_code == 200 and PUBLISHED in refused.content.decode()
