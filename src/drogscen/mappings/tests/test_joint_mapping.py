"""A joint mapping with a municipality the scene does not lie in: the participant reads
the mapping and co-signs it, so the mapping can be approved, but sees nothing else of
the scene (docs/domain-rules.md#access; issue #4: "co-signed by each participating
municipality")."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.mappings import selectors, services
from drogscen.mappings.models import Mapping
from drogscen.mappings.tests.factories import OPEN_ANSWERS
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(scene_factory, people):
    """A mapping of a scene in the City of Stockholm, with Solna taking part."""
    scene = scene_factory("J-1")
    mapping = services.mapping_create(
        scene=scene,
        year=2024,
        mapped_on=date(2024, 11, 5),
        participants=list(Organisation.objects.filter(code__in=["kommun:0180", "kommun:0184"])),
        answers=OPEN_ANSWERS,
        by=people["editor"],
    )
    return services.mapping_submit(mapping=mapping, by=people["editor"])


def test_each_participating_municipality_co_signs_and_then_it_is_approved(joint, people):
    with pytest.raises(ValidationError, match="Solna"):
        services.mapping_approve(mapping=joint, by=people["manager"])
    services.mapping_cosign(mapping=joint, by=people["city"])
    signature = services.mapping_cosign(mapping=joint, by=people["solna"])
    assert signature.organisation.code == "kommun:0184"
    approved = services.mapping_approve(mapping=joint, by=people["manager"])
    assert approved.status == Mapping.Status.APPROVED


def test_the_participant_reads_the_mapping_but_not_the_rest_of_the_scene(
    joint, people, scene_factory
):
    earlier = services.mapping_record_approved(
        scene=joint.scene,
        year=2023,
        mapped_on=date(2023, 11, 1),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=OPEN_ANSWERS,
        lead_local_police_area=joint.scene.local_police_area,
    )
    for who in ("solna", "solna_viewer"):
        assert selectors.mapping_get(pk=joint.pk, fetched_by=people[who]) == joint
        with pytest.raises(Http404):  # the scene's mapping without Solna
            selectors.mapping_get(pk=earlier.pk, fetched_by=people[who])
        assert not access.restrict(Scene.objects.filter(pk=joint.scene_id), people[who]).exists()
    # A municipality that takes no part sees nothing of it.
    with pytest.raises(Http404):
        selectors.mapping_get(pk=joint.pk, fetched_by=people["sundbyberg"])


@pytest.mark.parametrize("who", ["solna_viewer", "sundbyberg"])
def test_only_a_participating_municipalitys_editor_co_signs(joint, people, who):
    with pytest.raises(Http404):
        services.mapping_cosign(mapping=joint, by=people[who])


@pytest.mark.parametrize("step", ["submit", "approve", "correct", "return_to_draft"])
def test_the_participant_takes_no_step_of_the_local_police_area(joint, people, step):
    action = getattr(services, f"mapping_{step}")
    arguments = {"reason": "Fel"} if step == "correct" else {}
    with pytest.raises(Http404):
        action(mapping=joint, by=people["solna"], **arguments)


def test_the_participant_co_signs_on_the_page(client, joint, people):
    client.force_login(people["solna"])
    page = client.get(f"/kartlaggningar/{joint.pk}/").content.decode()
    assert f"/kartlaggningar/{joint.pk}/kontrasignera/" in page
    assert f'href="/platser/{joint.scene.ref}/"' not in page  # not theirs to open
    assert client.get(f"/platser/{joint.scene.ref}/").status_code == 404
    response = client.post(f"/kartlaggningar/{joint.pk}/kontrasignera/")
    assert response.status_code == 302
    assert joint.cosignatures.filter(organisation__code="kommun:0184").exists()


def test_the_participant_co_signs_over_the_api(client, joint, people):
    client.force_login(people["solna"])
    assert client.get(f"/api/v1/mappings/{joint.pk}/").status_code == 200
    response = client.post(f"/api/v1/mappings/{joint.pk}/cosign/")
    assert response.status_code == 200, response.content
    assert [s["organisation"] for s in response.json()["cosignatures"]] == ["kommun:0184"]


def test_a_revision_the_participant_does_not_read_is_named_not_linked(
    client, people, scene_factory
):
    scene = scene_factory("J-2")
    approved = services.mapping_record_approved(
        scene=scene,
        year=2024,
        mapped_on=date(2024, 11, 1),
        participants=[Organisation.objects.get(code="kommun:0180")],
        answers=OPEN_ANSWERS,
        lead_local_police_area=scene.local_police_area,
    )
    correction = services.mapping_correct(mapping=approved, reason="Fel.", by=people["editor"])
    correction = services.mapping_update(
        mapping=correction,
        expected_version=correction.version,
        by=people["editor"],
        participants=list(Organisation.objects.filter(code__in=["kommun:0180", "kommun:0184"])),
    )
    client.force_login(people["solna"])
    page = client.get(f"/kartlaggningar/{correction.pk}/").content.decode()
    assert f'href="/kartlaggningar/{approved.pk}/"' not in page  # Solna took no part in it
    client.force_login(people["city"])
    page = client.get(f"/kartlaggningar/{correction.pk}/").content.decode()
    assert f'href="/kartlaggningar/{approved.pk}/"' in page
