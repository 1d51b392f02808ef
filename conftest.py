"""Fixtures shared by every test: the reference geography and organisations are loaded
once per test database, and users for each kind of organisation and role are made on
demand."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

# In CI the property-based tests draw the same examples every run: a failure there is
# reproducible, and exploring new examples is what local runs are for.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def load_reference_data() -> None:
    from drogscen.geo.models import Municipality

    if not Municipality.objects.exists():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)
        load_reference_data()


@pytest.fixture
def reference_data(db):
    """For transactional tests, which empty the database after each test."""
    call_command("createcachetable", verbosity=0)
    load_reference_data()


@pytest.fixture
def make_user(db, django_user_model):
    """make_user("kommun:0180", "editor") → a user with that one membership."""
    counter = iter(range(1, 10_000))

    from drogscen.accounts.models import Membership, Organisation

    def make(code: str | None = None, role: str = "viewer", *, superuser: bool = False):
        username = f"user{next(counter)}-{(code or 'none').replace(':', '-')}-{role}"
        if superuser:
            return django_user_model.objects.create_superuser(username, "", "pw")
        user = django_user_model.objects.create_user(username, password="pw")
        if code:
            Membership.objects.create(
                user=user, organisation=Organisation.objects.get(code=code), role=role
            )
        return user

    return make


def square(lon: float, lat: float, half_side_m: float = 40.0) -> dict:
    """A square polygon (GeoJSON, WGS84) of about 2·half_side_m metres around a point."""
    d_lat = half_side_m / 111_320
    d_lon = half_side_m / (111_320 * 0.5075)  # cos(59.5°)
    ring = [
        [lon - d_lon, lat - d_lat],
        [lon + d_lon, lat - d_lat],
        [lon + d_lon, lat + d_lat],
        [lon - d_lon, lat + d_lat],
        [lon - d_lon, lat - d_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def scene_factory(db):
    """scene_factory(ref="S-1", lpo="jarva", lon=…, lat=…) → a scene made by the service."""
    from datetime import date

    from drogscen.geo.models import LocalPoliceArea
    from drogscen.scenes.services import scene_create

    def make(
        ref="S-1",
        *,
        lpo="jarva",
        lon=17.9280,
        lat=59.3880,
        name=None,
        size_m=40.0,
        identified_on=date(2023, 1, 15),
        **extra,
    ):
        return scene_create(
            ref=ref,
            name=name or f"Plats {ref}",
            geometry=square(lon, lat, size_m),
            local_police_area=LocalPoliceArea.objects.get(slug=lpo),
            identified_on=identified_on,
            **extra,
        )

    return make


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county (`drogscen demo`), once per test module, removed afterwards."""
    from django.contrib.auth import get_user_model

    from drogscen.accounts.demo import DEMO_USERS
    from drogscen.mappings.models import Mapping
    from drogscen.scenes.models import Scene, SceneLink

    with django_db_blocker.unblock():
        call_command("demo", verbosity=0)
        yield
        from drogscen.interventions.models import Intervention
        from drogscen.outcomes.models import CrimeEvent, EventTile

        CrimeEvent.objects.filter(source="demo").delete()  # not tied to the scenes
        EventTile.objects.filter(source="demo").delete()
        from drogscen.mappings.models import Round
        from drogscen.reports.models import Edition

        Edition.objects.all().delete()  # the demo's published years
        Round.objects.all().delete()
        Intervention.objects.all().delete()
        Mapping.objects.all().delete()
        SceneLink.objects.all().delete()
        Scene.objects.all().delete()
        get_user_model().objects.filter(
            username__in=[name for name, *_ in DEMO_USERS] + ["admin"]
        ).delete()
