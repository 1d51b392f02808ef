from datetime import date

import pytest

from drogscen.accounts.models import Organisation
from drogscen.interventions.models import Method


@pytest.fixture
def method(db):
    return Method.objects.get(code="hot_spot_patrol")


@pytest.fixture
def org():
    return lambda code: Organisation.objects.get(code=code)


@pytest.fixture
def jarva_scene(scene_factory):
    return scene_factory(ref="S-JARVA", lpo="jarva", lon=17.9280, lat=59.3880)


@pytest.fixture
def solna_scene(scene_factory):
    return scene_factory(ref="S-SOLNA", lpo="solna", lon=17.9993, lat=59.3600)


@pytest.fixture
def create_kwargs(method, org):
    """A valid intervention of the City of Stockholm, for the whole municipality."""

    def make(**overrides):
        stockholm = org("kommun:0180")
        return {
            "organisation": stockholm,
            "title": "Helgkvällsinsats",
            "methods": [method],
            "municipality": stockholm.municipality,
            "starts_on": date(2025, 1, 1),
            **overrides,
        }

    return make
