"""Fixtures of the mapping tests."""

import pytest

# Who takes part in a mapping round: an organisation code and a role each.
PEOPLE = {
    "editor": ("lpo:jarva", "editor"),
    "manager": ("lpo:jarva", "manager"),
    "city": ("kommun:0180", "editor"),
    "city_viewer": ("kommun:0180", "viewer"),
    "solna": ("kommun:0184", "editor"),
    "solna_viewer": ("kommun:0184", "viewer"),
    "sundbyberg": ("kommun:0183", "editor"),
    "region": ("region", "editor"),
}


class _People(dict):
    """people["city"] → that user, made the first time a test asks for it."""

    def __init__(self, make_user):
        super().__init__()
        self._make_user = make_user

    def __missing__(self, name: str):
        self[name] = user = self._make_user(*PEOPLE[name])
        return user


@pytest.fixture
def people(make_user):
    return _People(make_user)
