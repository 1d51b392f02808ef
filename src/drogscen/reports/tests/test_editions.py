"""The yearly round's lifecycle and its published, frozen editions
(docs/architecture.md#the-yearly-round, docs/contracts.md#report-json)."""

import hashlib
import json
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.utils import translation

from drogscen.accounts.models import Organisation
from drogscen.audit.models import AuditEntry
from drogscen.audit.verification import audit_chain_verify
from drogscen.mappings import services
from drogscen.mappings.models import Round
from drogscen.mappings.rounds import round_close, round_completeness, round_reopen
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.reports.editions import report_for_year, round_publish
from drogscen.reports.models import Edition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English (pages take their language per request)."""
    with translation.override("en"):
        yield


NOT_OPEN = {**OPEN_ANSWERS, "criteria": ["persistent", "public_use"]}


def approve(scene, year=2024, *, answers=OPEN_ANSWERS, joint=False):
    return services.mapping_record_approved(
        scene=scene,
        year=year,
        mapped_on=date(year, 11, 1),
        participants=[Organisation.objects.get(code="kommun:0180")] if joint else [],
        answers=answers,
        lead_local_police_area=scene.local_police_area,
    )


@pytest.fixture
def office(make_user):
    return make_user("samordningskansliet", "editor")


def correct_to_not_open(mapping):
    """A correction approved after publishing: the scene is no longer open. A published
    or closed round takes no mapping writes, so the round is reopened first."""
    if Round.objects.filter(year=mapping.year).exclude(status=Round.Status.OPEN).exists():
        round_reopen(year=mapping.year, reason="Rättelse efter publicering", by=None)
    draft = services.mapping_correct(mapping=mapping, reason="Fel klassning", by=None)
    draft = services.mapping_update(mapping=draft, expected_version=None, answers=NOT_OPEN)
    services.mapping_submit(mapping=draft, by=None)
    return services.mapping_approve(mapping=draft, by=None)


def test_open_closed_published_reopened_published_again_is_edition_2(scene_factory, office):
    first = approve(scene_factory("E-1"))
    approve(scene_factory("E-2", lon=17.9330, lat=59.3900))

    assert round_close(year=2024, by=office).status == Round.Status.CLOSED
    edition_1 = round_publish(year=2024, by=office)
    stored_1 = Edition.objects.get(pk=edition_1.pk).content
    assert (edition_1.number, edition_1.report["scenes"]["count"]) == (1, 2)
    assert Round.objects.get(year=2024).status == Round.Status.PUBLISHED

    reopened = round_reopen(year=2024, reason="En plats var felklassad", by=office)
    assert (reopened.status, reopened.reopened_by) == (Round.Status.OPEN, office)
    correct_to_not_open(first)
    edition_2 = round_publish(year=2024, by=office)

    assert edition_2.number == 2
    assert edition_2.reason == "En plats var felklassad"  # the reopening's reason
    assert edition_2.report["scenes"]["count"] == 1
    assert edition_2.changes["scenes.count"] == {"from": 2, "to": 1}
    assert edition_2.changes["municipalities.by_code.0180"] == {"from": 2, "to": 1}
    # The first edition is unchanged and still readable.
    edition_1.refresh_from_db()
    assert edition_1.content == stored_1
    assert edition_1.report["scenes"]["count"] == 2
    assert edition_1.report["edition"]["number"] == 1
    assert audit_chain_verify().intact


def test_an_edition_is_its_stored_json_with_its_sha256(scene_factory, office):
    approve(scene_factory("E-3"))
    edition = round_publish(year=2024, by=office)
    report = edition.report
    assert edition.sha256 == hashlib.sha256(edition.content.encode()).hexdigest()
    assert report["status"] == "published"
    assert report["edition"]["number"] == 1
    assert report["edition"]["sha256"] == edition.sha256
    assert report["edition"]["published_at"] == edition.published_at.isoformat()
    # The existing keys stay as they are.
    assert {"year", "generated_at", "scope", "scenes", "municipalities", "goal"} <= set(report)


def test_publishing_is_audited(scene_factory, office):
    approve(scene_factory("E-4"))
    round_publish(year=2024, by=office)
    types = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"mappings.round", "reports.edition"} <= types


def test_a_published_figure_does_not_change_when_a_mapping_is_corrected(scene_factory):
    mapping = approve(scene_factory("E-5"))
    round_publish(year=2024, by=None)
    correct_to_not_open(mapping)
    approve(scene_factory("E-6", lon=17.9330, lat=59.3900), answers=NOT_OPEN)

    assert report_for_year(year=2024)["scenes"]["count"] == 1  # the edition's
    assert report_for_year(year=2024)["status"] == "published"
    assert Edition.objects.get(year=2024).report["scenes"]["count"] == 1


def test_a_year_without_approved_mappings_is_refused_with_the_reason(scene_factory, office):
    approve(scene_factory("E-7"), year=2023)
    with pytest.raises(ValidationError, match="2024 cannot be published: it has no approved"):
        round_publish(year=2024, by=office)
    assert not Edition.objects.exists()


def test_reopening_needs_a_reason(scene_factory, office):
    approve(scene_factory("E-8"))
    round_publish(year=2024, by=office)
    with pytest.raises(ValidationError) as refused:
        round_reopen(year=2024, reason="  ", by=office)
    assert "reason" in refused.value.message_dict
    assert Round.objects.get(year=2024).status == Round.Status.PUBLISHED


def test_a_published_year_is_not_published_twice_without_reopening(scene_factory, office):
    approve(scene_factory("E-9"))
    round_publish(year=2024, by=office)
    with pytest.raises(ValidationError, match="reopen the round"):
        round_publish(year=2024, by=office)
    assert Edition.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("samordningskansliet", "viewer"),
        ("polisregion", "manager"),
        ("lpo:jarva", "manager"),
        ("kommun:0180", "manager"),
    ],
)
def test_only_the_coordination_offices_editors_run_the_round(scene_factory, make_user, code, role):
    approve(scene_factory("E-10"))
    user = make_user(code, role)
    for step in (
        lambda: round_close(year=2024, by=user),
        lambda: round_publish(year=2024, by=user),
        lambda: round_reopen(year=2024, reason="x", by=user),
    ):
        with pytest.raises(Http404):
            step()
    assert not Edition.objects.exists()


def test_the_completeness_counts_the_rounds_scenes(scene_factory, office):
    approve(scene_factory("E-11"), joint=True)
    scene_factory("E-12", lon=17.9330, lat=59.3900)  # active, no mapping
    completeness = round_completeness(year=2024, fetched_by=office, today=date(2024, 12, 1))
    assert (completeness.expected, completeness.approved, completeness.missing) == (2, 1, 1)
    assert completeness.joint_share == 1.0
    assert not completeness.complete and completeness.outstanding == 1


# --- pages ---------------------------------------------------------------------------------


def test_the_round_page_asks_for_a_confirmation_when_scenes_are_missing(
    client, scene_factory, office
):
    approve(scene_factory("E-13"))
    scene_factory("E-14", lon=17.9330, lat=59.3900)  # not mapped
    client.force_login(office)
    page = client.get("/omgangar/2024/")
    assert page.status_code == 200 and 'data-testid="missing">1<' in page.content.decode()

    refused = client.post("/omgangar/2024/publicera/", {})
    assert refused.status_code == 400 and not Edition.objects.exists()
    done = client.post("/omgangar/2024/publicera/", {"confirm_incomplete": "on"})
    assert done.status_code == 302
    edition = Edition.objects.get(year=2024)

    detail = client.get(f"/omgangar/2024/utgava/{edition.number}/").content.decode()
    assert edition.sha256 in detail
    stored = client.get("/omgangar/2024/utgava/1/rapport.json")
    assert stored.content.decode() == edition.content
    assert hashlib.sha256(stored.content).hexdigest() == edition.sha256


def test_reopening_on_the_page_without_a_reason_is_refused(client, scene_factory, office):
    approve(scene_factory("E-15"))
    round_publish(year=2024, by=office)
    client.force_login(office)
    assert client.post("/omgangar/2024/oppna-igen/", {"reason": ""}).status_code == 400
    assert Round.objects.get(year=2024).status == Round.Status.PUBLISHED
    assert client.post("/omgangar/2024/oppna-igen/", {"reason": "Rättelse"}).status_code == 302
    assert Round.objects.get(year=2024).status == Round.Status.OPEN


def test_a_non_coordination_user_gets_404(client, scene_factory, make_user):
    approve(scene_factory("E-16"))
    round_publish(year=2024, by=None)
    client.force_login(make_user("polisregion", "manager"))
    for url in ("/omgangar/", "/omgangar/2024/", "/omgangar/2024/utgava/1/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/omgangar/2024/oppna-igen/", {"reason": "x"}).status_code == 404
    assert Round.objects.get(year=2024).status == Round.Status.PUBLISHED


# --- the public page: published years only --------------------------------------------------


def test_the_public_figures_show_published_years_only(client, scene_factory):
    scene = scene_factory("E-17")
    approve(scene, year=2023)
    approve(scene, year=2024)
    assert client.get("/oppen-statistik/statistik.json").json()["year"] is None
    empty = client.get("/oppen-statistik/").content.decode()
    assert "Inga siffror har publicerats ännu." in empty  # "No figures have been published yet."
    assert 'data-testid="public-summary"' not in empty

    round_publish(year=2023, by=None)
    data = client.get("/oppen-statistik/statistik.json").json()
    assert data["year"] == 2023 and data["status"] == "published"
    assert data["goal"]["series"] == {"2023": 1}  # 2024 is approved but not published
    assert [row["per_year"] for row in data["per_municipality"]] == [{"2023": 1}]
    assert "2024" not in json.dumps(data["goal"]) + json.dumps(data["per_municipality"])

    round_publish(year=2024, by=None)
    data = client.get("/oppen-statistik/statistik.json").json()
    assert data["year"] == 2024 and data["edition"]["number"] == 1


def test_the_public_figures_are_read_from_the_edition_not_rebuilt(client, scene_factory):
    mapping = approve(scene_factory("E-18"))
    round_publish(year=2024, by=None)
    correct_to_not_open(mapping)
    data = client.get("/oppen-statistik/statistik.json").json()
    assert data["scenes"]["count"] == 1
    page = client.get("/oppen-statistik/").content.decode()
    assert 'data-testid="public-edition"' in page


# --- the command ------------------------------------------------------------------------------


def test_publish_year_publishes_and_prints_the_edition(scene_factory):
    approve(scene_factory("E-19"))
    out = StringIO()
    call_command("publish_year", "2024", stdout=out)
    edition = Edition.objects.get(year=2024)
    assert f"edition 1 (SHA-256 {edition.sha256})" in out.getvalue()


def test_publish_year_exits_2_with_the_reason(scene_factory, make_user):
    with pytest.raises(CommandError, match="no approved mappings") as refused:
        call_command("publish_year", "2024")
    assert refused.value.returncode == 2

    approve(scene_factory("E-20"))
    call_command("publish_year", "2024", stdout=StringIO())
    round_reopen(year=2024, reason="Ny import", by=None)
    call_command("publish_year", "2024", "--reason", "Rättad", stdout=StringIO())
    assert Edition.objects.get(year=2024, number=2).reason == "Rättad"

    with pytest.raises(CommandError, match="published already") as again:
        call_command("publish_year", "2024")
    assert again.value.returncode == 2

    outsider = make_user("lpo:jarva", "manager")
    with pytest.raises(CommandError, match="only the coordination office") as denied:
        call_command("publish_year", "2023", "--as", outsider.username)
    assert denied.value.returncode == 2


def test_the_report_api_serves_a_published_year_from_its_edition(client, scene_factory, make_user):
    mapping = approve(scene_factory("E-21"))
    approve(scene_factory("E-22"), year=2023)
    edition = round_publish(year=2024, by=None)
    correct_to_not_open(mapping)
    client.force_login(make_user("polisregion", "viewer"))
    published = client.get("/api/v1/reports/2024/").json()
    assert published["status"] == "published" and published["scenes"]["count"] == 1
    assert published["edition"]["sha256"] == edition.sha256
    preliminary = client.get("/api/v1/reports/2023/").json()
    assert (preliminary["status"], preliminary["edition"]) == ("preliminary", None)


def test_the_navigation_leads_the_coordination_office_to_the_rounds(client, make_user):
    client.force_login(make_user("samordningskansliet", "viewer"))
    assert 'data-testid="nav-rounds"' in client.get("/platser/").content.decode()
    client.force_login(make_user("lpo:jarva", "manager"))
    assert 'data-testid="nav-rounds"' not in client.get("/platser/").content.decode()
