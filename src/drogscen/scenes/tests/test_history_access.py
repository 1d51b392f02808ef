"""A scene's history is read from the audit log through its own action (SCENE_HISTORY):
whoever sees the scene sees its history, nothing of other scenes, and the audit log as
such stays the county-wide managers'."""

import pytest

from drogscen.audit.models import AuditEntry
from drogscen.core import access
from drogscen.scenes import selectors
from drogscen.scenes.access import SCENE_HISTORY

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_scenes(scene_factory):
    return (
        scene_factory("J-1", name="Torget"),
        scene_factory("S-1", name="Centrum", lpo="solna", lon=17.9993, lat=59.3600),
    )


def history_of(user, scenes) -> set[str]:
    """The test's own scenes whose history the user reads (other modules' scenes, e.g. a
    module-wide demo county, may be in the same database)."""
    entries = access.restrict(AuditEntry.objects.all(), user, SCENE_HISTORY).filter(
        object_id__in=[str(scene.pk) for scene in scenes]
    )
    return set(entries.values_list("object_repr", flat=True))


def test_a_municipality_reads_the_history_of_its_own_scenes_only(make_user, two_scenes):
    jarva, solna = two_scenes
    solna_viewer = make_user("kommun:0184", "viewer")
    assert history_of(solna_viewer, two_scenes) == {str(solna)}
    assert [e.action for e in selectors.scene_history(scene=solna, fetched_by=solna_viewer)] == [
        AuditEntry.Action.CREATE
    ]
    assert selectors.scene_history(scene=jarva, fetched_by=solna_viewer) == []
    # The audit log as such is not theirs.
    assert not access.restrict(AuditEntry.objects.all(), solna_viewer).exists()


def test_a_partner_reads_the_history_of_every_scene_it_sees(make_user, two_scenes):
    region = make_user("region", "viewer")
    assert history_of(region, two_scenes) == {str(scene) for scene in two_scenes}
    assert not access.restrict(AuditEntry.objects.all(), region).exists()
    assert history_of(make_user(), two_scenes) == set()  # no organisation, no scene


def test_the_area_series_goes_through_the_geometry_versions_rule(make_user, two_scenes):
    jarva, _solna = two_scenes
    assert len(selectors.scene_area_series(scene=jarva, fetched_by=make_user("lpo:jarva"))) == 1
    assert selectors.scene_area_series(scene=jarva, fetched_by=make_user("kommun:0184")) == []
