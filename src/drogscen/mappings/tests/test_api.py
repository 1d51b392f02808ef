"""The mapping API `/api/v1/mappings/`: the yearly round through HTTP, scoped like the
pages (docs/domain-rules.md#access, docs/contracts.md#http-api), every answer read
recorded in the audit trail."""

from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from drogscen.accounts.models import Membership, Organisation
from drogscen.audit.models import AuditEntry
from drogscen.core.testing import get_with_queries
from drogscen.mappings import services
from drogscen.mappings.models import Mapping

pytestmark = pytest.mark.django_db

MAPPINGS = "/api/v1/mappings/"
OPEN_ANSWERS = {
    "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
    "symptoms": ["perceived_unsafe"],
    "sellers_origin": "local",
    "buyers_origin": "mixed",
    "main_substance": "cannabis",
    "overall_assessment": "Daglig handel.",
}
STEPS = ("submit", "cosign", "approve", "return", "correct")
PARTNERS = ("region", "kriminalvarden", "tullverket", "lansstyrelsen")


def detail(mapping) -> str:
    return f"{MAPPINGS}{mapping.pk if isinstance(mapping, Mapping) else mapping}/"


def step(mapping, name: str) -> str:
    return f"{detail(mapping)}{name}/"


def new_mapping(**changes) -> dict:
    return {
        "scene": "S-1",
        "year": 2024,
        "mapped_on": "2024-11-05",
        "participants": ["kommun:0180"],
        "answers": OPEN_ANSWERS,
        **changes,
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def client_for(make_user):
    """client_for("kommun:0180", "editor") → an API client signed in as such a user."""

    def make(code=None, role="viewer", *, english=False):
        client = APIClient()
        client.force_login(make_user(code, role))
        if english:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def people(client_for):
    return {
        "editor": client_for("lpo:jarva", "editor"),
        "manager": client_for("lpo:jarva", "manager"),
        "lpo_viewer": client_for("lpo:jarva", "viewer"),
        "city": client_for("kommun:0180", "editor"),
        "city_viewer": client_for("kommun:0180", "viewer"),
        "solna": client_for("kommun:0184", "editor"),
        "solna_lpo": client_for("lpo:solna", "editor"),
        "region": client_for("region", "editor"),
        "county": client_for("samordningskansliet", "viewer"),
    }


@pytest.fixture
def scene(scene_factory):
    return scene_factory("S-1")  # Rinkeby: LPO Järva, Stockholm (0180)


def make_mapping(scene, *, answers=OPEN_ANSWERS, year=2024, participants=("kommun:0180",)):
    return services.mapping_create(
        scene=scene,
        year=year,
        mapped_on=date(year, 11, 5),
        participants=list(Organisation.objects.filter(code__in=participants)),
        answers=answers,
    )


@pytest.fixture
def draft(scene):
    return make_mapping(scene)


def submitted(mapping):
    return services.mapping_submit(mapping=mapping)


def approved(mapping, make_user):
    mapping = services.mapping_submit(mapping=mapping)
    services.mapping_cosign(mapping=mapping, by=make_user("kommun:0180", "editor"))
    return services.mapping_approve(mapping=mapping)


def reads(mapping=None):
    entries = AuditEntry.objects.filter(action="read", object_type="mappings.mapping")
    return entries.filter(object_id=str(mapping.pk)) if mapping is not None else entries


# --- the yearly round --------------------------------------------------------------------


def test_a_whole_round_create_submit_cosign_approve_correct(people, scene):
    response = people["editor"].post(MAPPINGS, new_mapping(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert response["Location"] == f"http://testserver{MAPPINGS}{pk}/" == body["url"]
    assert body["scene"] == {"ref": "S-1", "name": "Plats S-1"}
    assert (body["year"], body["mapped_on"]) == (2024, "2024-11-05")
    assert body["lead_local_police_area"] == {"slug": "jarva", "name": "Järva"}
    assert body["participants"] == ["kommun:0180"]
    assert body["questionnaire"] == "2023.1" and body["answers"] == OPEN_ANSWERS
    assert (body["is_open"], body["main_substance"]) == (True, "cannabis")
    assert (body["status"], body["revision"], body["version"]) == ("draft", 1, 1)
    assert (body["corrects"], body["correction_reason"], body["cosignatures"]) == (None, "", [])
    assert body["submitted_at"] is None and body["approved_at"] is None

    body = people["editor"].post(step(pk, "submit"), format="json").json()
    assert body["status"] == "submitted" and body["submitted_at"] and body["version"] == 2

    body = people["city"].post(step(pk, "cosign")).json()
    assert [c["organisation"] for c in body["cosignatures"]] == ["kommun:0180"]
    assert body["cosignatures"][0]["signed_at"] and body["status"] == "submitted"

    response = people["manager"].post(step(pk, "approve"), {"version": 3}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["approved_at"] and body["version"] == 4

    response = people["editor"].post(
        step(pk, "correct"), {"reason": "Fel huvudpreparat angivet."}, format="json"
    )
    assert response.status_code == 201, response.content
    correction = response.json()
    assert response["Location"] == correction["url"] != body["url"]
    assert (correction["status"], correction["revision"], correction["corrects"]) == (
        "draft",
        2,
        pk,
    )
    assert correction["correction_reason"] == "Fel huvudpreparat angivet."
    assert correction["answers"] == OPEN_ANSWERS and correction["cosignatures"] == []
    # The approved revision counts until the correction is approved.
    assert people["county"].get(detail(pk)).json()["status"] == "approved"


def test_a_manager_returns_a_submitted_mapping_and_the_cosignatures_lapse(people, draft):
    submitted(draft)
    people["city"].post(step(draft, "cosign"))
    response = people["manager"].post(step(draft, "return"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft" and response.json()["cosignatures"] == []


def test_submitting_an_incomplete_draft_is_400_naming_the_questions(people, scene):
    mapping = make_mapping(scene, answers={"criteria": ["persistent"]})
    response = people["editor"].post(step(mapping, "submit"))
    assert response.status_code == 400
    assert {"symptoms", "overall_assessment"} <= set(response.json()["errors"])
    mapping.refresh_from_db()
    assert mapping.status == "draft"


@pytest.mark.parametrize(
    ("name", "who", "state"),
    [
        ("submit", "city", "draft"),
        ("submit", "lpo_viewer", "draft"),
        ("submit", "solna_lpo", "draft"),
        ("submit", "region", "draft"),
        ("cosign", "editor", "submitted"),
        ("cosign", "manager", "submitted"),
        ("cosign", "city_viewer", "submitted"),
        ("cosign", "solna", "submitted"),
        ("approve", "editor", "cosigned"),
        ("approve", "city", "cosigned"),
        ("approve", "county", "cosigned"),
        ("return", "editor", "submitted"),
        ("return", "city", "submitted"),
        ("correct", "city", "approved"),
        ("correct", "lpo_viewer", "approved"),
        ("correct", "region", "approved"),
    ],
)
def test_the_wrong_person_for_a_step_gets_404(people, draft, make_user, name, who, state):
    if state in {"submitted", "cosigned"}:
        submitted(draft)
    if state == "cosigned":
        services.mapping_cosign(mapping=draft, by=make_user("kommun:0180", "editor"))
    if state == "approved":
        approved(draft, make_user)
    before = Mapping.objects.get(pk=draft.pk)
    for body in ({"reason": "Rättelse."}, {}):  # no body: still 404, never what it lacks
        response = people[who].post(step(draft, name), body, format="json")
        assert response.status_code == 404 and set(response.json()) == {"message"}
    after = Mapping.objects.get(pk=draft.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert after.cosignatures.count() == before.cosignatures.count()
    assert Mapping.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "who", "state", "message"),
    [
        ("approve", "manager", "draft", "Only a submitted mapping can be approved."),
        ("cosign", "city", "draft", "Only a submitted mapping can be co-signed."),
        ("return", "manager", "draft", "Only a submitted mapping can be returned."),
        ("correct", "editor", "draft", "Only an approved mapping can be corrected."),
        ("submit", "editor", "submitted", "Only a draft can be submitted."),
        ("approve", "manager", "submitted", "Waiting for co-signature by Stockholm kommun."),
        ("cosign", "city", "cosigned", "Your municipality has already co-signed this mapping."),
        ("submit", "editor", "approved", "Only a draft can be submitted."),
        ("approve", "manager", "approved", "Only a submitted mapping can be approved."),
    ],
)
def test_a_step_in_the_wrong_state_is_400_with_the_reason(
    client_for, draft, make_user, name, who, state, message
):
    code, role = {
        "manager": ("lpo:jarva", "manager"),
        "editor": ("lpo:jarva", "editor"),
        "city": ("kommun:0180", "editor"),
    }[who]
    if state in {"submitted", "cosigned"}:
        submitted(draft)
    if state == "cosigned":
        services.mapping_cosign(mapping=draft, by=make_user("kommun:0180", "editor"))
    if state == "approved":
        approved(draft, make_user)
    before = Mapping.objects.get(pk=draft.pk)
    api = client_for(code, role, english=True)
    response = api.post(step(draft, name), {"reason": "Rättelse."}, format="json")
    assert response.status_code == 400
    assert response.json() == {"message": message, "errors": {"non_field_errors": [message]}}
    after = Mapping.objects.get(pk=draft.pk)
    assert (after.status, after.version) == (before.status, before.version)


def test_the_wrong_state_message_is_swedish_by_default(people, draft):
    response = people["manager"].post(step(draft, "approve"))
    assert response.status_code == 400
    assert response.json()["message"] == "Bara en inskickad kartläggning kan godkännas."


def test_a_correction_needs_a_reason_without_personal_data(people, draft, make_user):
    approved(draft, make_user)
    for body in [{}, {"reason": "  "}, {"reason": "Säljaren är 19121212-1212."}]:
        response = people["editor"].post(step(draft, "correct"), body, format="json")
        assert response.status_code == 400, body
        assert list(response.json()["errors"]) == ["reason"], body
    assert Mapping.objects.count() == 1
    people["editor"].post(step(draft, "correct"), {"reason": "Fel datum."}, format="json")
    response = people["editor"].post(step(draft, "correct"), {"reason": "Igen."}, format="json")
    assert response.status_code == 400 and Mapping.objects.count() == 2


# --- drafting and changing ---------------------------------------------------------------


def test_personal_data_in_the_assessment_is_400_naming_the_question(people, scene):
    answers = {**OPEN_ANSWERS, "overall_assessment": "Ring 070-123 45 67 efter kl 18."}
    response = people["editor"].post(MAPPINGS, new_mapping(answers=answers), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and list(body["errors"]) == ["overall_assessment"]
    assert "personuppgifter" in body["errors"]["overall_assessment"][0]
    assert not Mapping.objects.exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"answers": {**OPEN_ANSWERS, "main_substance": "tea"}}, ["main_substance"]),
        ({"answers": {**OPEN_ANSWERS, "favourite_colour": "blue"}}, ["favourite_colour"]),
        ({"answers": ["persistent"]}, ["answers"]),
        ({"mapped_on": "2025-04-01"}, ["mapped_on"]),
        ({"year": 2014}, ["year"]),
        ({"scene": "NO-SUCH-SCENE"}, ["scene"]),
        ({"participants": ["kommun:9999"]}, ["participants"]),
        ({"mapped_on": "5 nov"}, ["mapped_on"]),
    ],
)
def test_invalid_data_is_400_naming_the_field(people, scene, changes, fields):
    response = people["editor"].post(MAPPINGS, new_mapping(**changes), format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == fields
    assert not Mapping.objects.exists()


def test_a_scene_of_another_area_cannot_be_mapped(people, scene_factory, make_user):
    scene_factory("SOLNA-1", lpo="solna", lon=17.9993, lat=59.3600)
    # Out of sight: the same answer as for a ref that does not exist.
    response = people["editor"].post(MAPPINGS, new_mapping(scene="SOLNA-1"), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["scene"]
    # In sight (through a municipality), but not the caller's to map.
    user = make_user("lpo:jarva", "editor")
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(code="kommun:0184"), role="viewer"
    )
    api = APIClient()
    api.force_login(user)
    response = api.post(MAPPINGS, new_mapping(scene="SOLNA-1"), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["scene"]
    assert not Mapping.objects.exists()


def test_a_second_unfinished_mapping_of_the_year_is_refused(people, draft):
    response = people["editor"].post(MAPPINGS, new_mapping(), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["year"]


@pytest.mark.parametrize(
    ("code", "role"),
    [("kommun:0180", "editor"), ("region", "manager"), ("samordningskansliet", "manager")],
)
def test_drafting_without_the_right_is_403(client_for, scene, code, role):
    response = client_for(code, role).post(MAPPINGS, new_mapping(), format="json")
    assert response.status_code == 403 and response.json()["message"]
    assert not Mapping.objects.exists()


def test_patch_changes_a_draft_and_counts_the_version(people, draft):
    answers = {**OPEN_ANSWERS, "criteria": ["persistent", "public_use", "public_sale"]}
    response = people["editor"].patch(
        detail(draft), {"answers": answers, "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["answers"] == answers and body["is_open"] is False and body["version"] == 2
    assert body["mapped_on"] == "2024-11-05" and body["participants"] == ["kommun:0180"]
    response = people["editor"].patch(
        detail(draft), {"participants": [], "mapped_on": "2025-02-20", "version": 2}, format="json"
    )
    body = response.json()
    assert (body["participants"], body["mapped_on"], body["version"]) == ([], "2025-02-20", 3)


def test_put_needs_every_field_and_the_version(people, draft):
    response = people["editor"].put(detail(draft), {"version": 1}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"mapped_on", "participants", "answers"}
    response = people["editor"].put(
        detail(draft),
        {"mapped_on": "2024-12-01", "participants": ["kommun:0180"], "answers": OPEN_ANSWERS},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["version"]
    response = people["editor"].put(
        detail(draft),
        {
            "mapped_on": "2024-12-01",
            "participants": ["kommun:0180", "lpo:jarva"],
            "answers": OPEN_ANSWERS,
            "version": 1,
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["participants"] == ["kommun:0180", "lpo:jarva"]


def test_a_change_without_version_is_400(people, draft):
    response = people["editor"].patch(detail(draft), {"mapped_on": "2024-12-01"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["version"]


def test_a_stale_version_is_409_and_saves_nothing(people, draft):
    api = people["editor"]
    read = api.get(detail(draft)).json()
    # Meanwhile a colleague changes the draft.
    services.mapping_update(mapping=draft, expected_version=1, mapped_on=date(2024, 11, 6))
    response = api.patch(
        detail(draft), {"mapped_on": "2024-12-01", "version": read["version"]}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["current_version"], body["status"]) == (2, "draft") and body["message"]
    assert Mapping.objects.get(pk=draft.pk).mapped_on == date(2024, 11, 6)
    response = api.patch(detail(draft), {"mapped_on": "2024-12-01", "version": 2}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 3


def test_a_step_with_a_stale_version_is_409(people, draft):
    response = people["editor"].post(step(draft, "submit"), {"version": 7}, format="json")
    assert response.status_code == 409 and response.json()["current_version"] == 1
    assert Mapping.objects.get(pk=draft.pk).status == "draft"


def test_only_a_draft_is_changed(people, draft):
    submitted(draft)
    response = people["editor"].patch(detail(draft), {"version": 2}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["non_field_errors"]


@pytest.mark.parametrize("who", ["lpo_viewer", "city", "county", "solna_lpo", "region"])
def test_who_may_not_change_a_draft_gets_404(people, draft, who):
    response = people[who].patch(detail(draft), {"mapped_on": "2024-12-01", "version": 1})
    assert response.status_code == 404
    assert Mapping.objects.get(pk=draft.pk).version == 1


def test_mappings_are_not_deleted_and_other_methods_are_405(people, client_for, draft):
    assert people["editor"].delete(detail(draft)).status_code == 405
    assert people["editor"].put(MAPPINGS, {}, format="json").status_code == 405
    for name in STEPS:
        # The method is refused to everyone alike, signed in or not.
        assert people["editor"].get(step(draft, name)).status_code == 405
        assert APIClient().get(step(draft, name)).status_code == 405
    assert Mapping.objects.filter(pk=draft.pk).exists()


# --- scope -------------------------------------------------------------------------------


@pytest.fixture
def two_mappings(scene, scene_factory):
    solna = scene_factory("S-SOLNA", lpo="solna", lon=17.9993, lat=59.3600)
    return {
        "jarva": make_mapping(scene),
        "solna": make_mapping(solna, participants=("kommun:0184",)),
    }


@pytest.mark.parametrize(
    ("code", "visible"),
    [
        ("lpo:jarva", ["jarva"]),
        ("kommun:0180", ["jarva"]),
        ("kommun:0184", ["solna"]),
        ("lpo:solna", ["solna"]),
        ("samordningskansliet", ["solna", "jarva"]),
        ("polisregion", ["solna", "jarva"]),
        *[(partner, []) for partner in PARTNERS],
        (None, []),
    ],
)
def test_each_organisation_sees_its_mappings(client_for, two_mappings, code, visible):
    api = client_for(code)
    expected = sorted(two_mappings[name].pk for name in visible)
    assert sorted(ids(api.get(MAPPINGS))) == expected
    for mapping in two_mappings.values():
        response = api.get(detail(mapping))
        assert response.status_code == (200 if mapping.pk in expected else 404)
    assert reads().count() == 2 * len(expected)  # the list and the detail


def test_another_municipality_gets_404_on_read_write_and_steps(client_for, draft):
    api = client_for("kommun:0184", "manager")
    response = api.get(detail(draft))
    assert response.status_code == 404 and set(response.json()) == {"message"}
    assert api.patch(detail(draft), {"version": 1}, format="json").status_code == 404
    for name in STEPS:
        assert api.post(step(draft, name), {"reason": "X."}, format="json").status_code == 404
    assert not reads().exists()


@pytest.mark.parametrize("partner", PARTNERS)
def test_partners_see_no_mapping_at_all(client_for, draft, make_user, partner):
    approved(draft, make_user)
    api = client_for(partner, "manager")
    body = api.get(MAPPINGS).json()
    assert (body["count"], body["results"]) == (0, [])
    assert api.get(detail(draft)).status_code == 404
    for name in STEPS:
        assert api.post(step(draft, name), {"reason": "X."}, format="json").status_code == 404
    assert not reads().exists()


def test_anonymous_is_401_as_json_everywhere(draft):
    api = APIClient()
    for response in [
        api.get(MAPPINGS),
        api.get(detail(draft)),
        api.post(MAPPINGS, new_mapping(), format="json"),
        api.patch(detail(draft), {"version": 1}, format="json"),
        *[api.post(step(draft, name), {"reason": "X."}, format="json") for name in STEPS],
    ]:
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json" and response.json()["message"]
    assert Mapping.objects.get(pk=draft.pk).version == 1


def test_token_authentication(scene, make_user):
    user = make_user("lpo:jarva", "editor")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = api.post(MAPPINGS, new_mapping(), format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert ids(api.get(MAPPINGS)) == [pk]
    assert api.post(step(pk, "submit")).json()["status"] == "submitted"
    # Writes and reads are in the audit trail under the token's user, via the API.
    # (Entries of this mapping only: a demo county loaded earlier by the same worker
    # leaves its audit entries behind, as an append-only trail does.)
    created = AuditEntry.objects.get(
        object_type="mappings.mapping", action="create", object_id=str(pk)
    )
    assert (created.username, created.via) == (user.username, "api")
    mapping = Mapping.objects.get(pk=pk)
    assert {(e.username, e.via) for e in reads(mapping)} == {(user.username, "api")}
    api.credentials(HTTP_AUTHORIZATION="Token not-a-valid-key")
    assert api.get(MAPPINGS).status_code == 401


# --- filters and pages -------------------------------------------------------------------


def test_filters_are_those_of_the_mapping_list(client_for, two_mappings, scene, make_user):
    jarva, solna = two_mappings["jarva"], two_mappings["solna"]
    approved(jarva, make_user)
    older = make_mapping(scene, year=2023)
    api = client_for("samordningskansliet")
    # Newest reference year first, then by scene.
    assert ids(api.get(MAPPINGS)) == [jarva.pk, solna.pk, older.pk]
    assert ids(api.get(MAPPINGS, {"year": 2023})) == [older.pk]
    assert ids(api.get(MAPPINGS, {"local_police_area": "solna"})) == [solna.pk]
    assert ids(api.get(MAPPINGS, {"municipality": "0180"})) == [jarva.pk, older.pk]
    assert ids(api.get(MAPPINGS, {"status": "approved"})) == [jarva.pk]
    assert ids(api.get(MAPPINGS, {"scene": "S-1", "year": 2024})) == [jarva.pk]
    assert ids(api.get(MAPPINGS, {"scene": "NO-SUCH"})) == []
    for bad in [{"local_police_area": "nowhere"}, {"status": "lost"}, {"year": "last"}]:
        response = api.get(MAPPINGS, bad)
        assert response.status_code == 400 and list(response.json()["errors"]) == list(bad)


def test_the_list_is_paginated_and_reads_are_recorded_per_item(client_for, two_mappings):
    api = client_for("samordningskansliet")
    body = api.get(MAPPINGS, {"limit": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and "offset=1" in body["next"]
    first = Mapping.objects.get(pk=body["results"][0]["id"])
    assert list(reads().values_list("object_id", flat=True)) == [str(first.pk)]
    assert ids(api.get(body["next"])) == [two_mappings["solna"].pk]
    # A larger page than 50 is not served: each item is an audit entry written.
    assert "limit=50" in api.get(MAPPINGS, {"limit": 500, "offset": 1}).json()["previous"]


def test_a_detail_read_is_recorded_in_the_audit_trail(people, draft):
    assert not reads().exists()
    people["city_viewer"].get(detail(draft))
    entry = reads(draft).get()
    assert entry.changes == {"read": "answers"} and entry.via == "api"
    assert entry.object_repr == str(draft) and entry.username.endswith("kommun-0180-viewer")
    people["county"].get(MAPPINGS)
    assert reads(draft).count() == 2
    call_command("verify_audit", verbosity=0)


# --- performance, schema, browsable API --------------------------------------------------


def is_audit(sql: str) -> bool:
    """The statements of recording reads: per entry a savepoint, the chain head read,
    the entry inserted, the head updated, the savepoint released."""
    return "audit_" in sql or sql.upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))


def list_queries(api) -> tuple[int, int, int]:
    """(queries of the list itself, queries recording reads, items) for one page."""
    response, sql = get_with_queries(api, MAPPINGS, {"year": 2024, "municipality": "0180"})
    audit = sum(1 for statement in sql if is_audit(statement))
    return len(sql) - audit, audit, len(response.json()["results"])


def test_the_list_uses_a_constant_number_of_queries_apart_from_the_reads(
    client_for, scene_factory, make_user
):
    """Measured (SQLite and PostgreSQL): 8 queries for the list whatever its length
    (session, user, memberships, the municipality filter's lookup, count, page,
    participants, co-signatures) and 5 per item for its audit entry, plus the page's
    one transaction (a savepoint pair inside the test's transaction)."""
    api = client_for("lpo:jarva")
    for i in range(2):
        mapping = make_mapping(scene_factory(f"Q-{i}", lon=17.90 + i * 0.002, lat=59.3880))
        approved(mapping, make_user)  # with co-signatures to prefetch
    few, few_audit, few_items = list_queries(api)
    for i in range(2, 12):
        make_mapping(scene_factory(f"Q-{i}", lon=17.90 + i * 0.002, lat=59.3880))
    many, many_audit, many_items = list_queries(api)
    assert (few_items, many_items) == (2, 12)
    assert many == few <= 8
    per_item = (many_audit - few_audit) // (many_items - few_items)
    assert many_audit - few_audit == per_item * (many_items - few_items)
    assert per_item == 5
    assert few_audit - per_item * few_items == many_audit - per_item * many_items <= 2


def test_the_schema_documents_the_mapping_api(client_for):
    response = client_for("region").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/mappings/"])
    assert {"get", "put", "patch"} <= set(paths["/api/v1/mappings/{id}/"])
    assert "delete" not in paths["/api/v1/mappings/{id}/"]
    for name in STEPS:
        assert set(paths[f"/api/v1/mappings/{{id}}/{name}/"]) == {"post"}
    listing = paths["/api/v1/mappings/"]["get"]
    assert {"year", "local_police_area", "municipality", "status", "scene", "limit"} <= {
        p["name"] for p in listing["parameters"]
    }
    assert "409" in paths["/api/v1/mappings/{id}/"]["patch"]["responses"]
    assert "409" in paths["/api/v1/mappings/{id}/approve/"]["post"]["responses"]
    schemas = response.json()["components"]["schemas"]
    assert schemas["MappingStatus"]["enum"] == ["draft", "submitted", "approved", "superseded"]


def test_the_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_the_browsable_api_renders(people, draft):
    for url in [MAPPINGS, detail(draft)]:
        response = people["editor"].get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
