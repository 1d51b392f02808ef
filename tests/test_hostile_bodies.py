"""Bodies that parse as JSON but cannot be stored are a 400 with the reason, never a 500:
nesting deeper than the decoder's recursion, and lone surrogates."""

import json
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from drogscen.accounts.models import Organisation
from drogscen.core.parsers import MAX_DEPTH, first_unstorable
from drogscen.mappings import services
from drogscen.mappings.models import Mapping
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db


def signed_in(make_user, code, role):
    client = APIClient()
    client.force_login(make_user(code, role))
    return client


def test_a_20000_deep_array_posted_as_a_scene_is_a_400(make_user):
    client = signed_in(make_user, "lpo:jarva", "editor")
    body = "[" * 20_000 + "]" * 20_000
    response = client.post(reverse("api:scene-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert str(MAX_DEPTH) in response.json()["message"]
    assert not Scene.objects.exists()


def test_a_lone_surrogate_in_a_correction_reason_is_a_400(make_user, scene_factory):
    scene = scene_factory("S-1")
    mapping = services.mapping_create(
        scene=scene,
        year=2024,
        mapped_on=date(2024, 11, 5),
        participants=list(Organisation.objects.filter(code="kommun:0180")),
        answers={},
    )
    client = signed_in(make_user, "lpo:jarva", "editor")
    url = reverse("api:mapping-correct", args=[mapping.pk])
    response = client.post(url, '{"reason": "\\udae4"}', content_type="application/json")
    assert response.status_code == 400
    assert "Unicode" in response.json()["message"]
    assert Mapping.objects.count() == 1


@given(
    st.recursive(
        st.none() | st.integers() | st.text(),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=30,
    )
)
def test_storable_json_passes_and_a_surrogate_anywhere_is_caught(data):
    reason = first_unstorable(data)
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
        assert reason is None
    except UnicodeEncodeError:
        assert reason is not None
