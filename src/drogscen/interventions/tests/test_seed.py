import pytest

from drogscen.accounts.models import Organisation
from drogscen.interventions.models import Method
from drogscen.interventions.services import methods_seed_ensure

pytestmark = pytest.mark.django_db


def test_the_seed_covers_every_family_and_every_kind_of_actor():
    methods = list(Method.objects.all())
    assert len(methods) >= 14
    assert {m.family for m in methods} == set(Method.Family.values)
    kinds = {kind for m in methods for kind in m.actor_kinds}
    assert kinds == set(Organisation.Kind.values)
    for method in methods:
        assert method.name_sv and method.name_en and method.description_sv
        assert method.evidence and method.practical_notes
        method.full_clean()


def test_seed_is_idempotent_and_leaves_edited_methods_alone():
    Method.objects.filter(code="hot_spot_patrol").update(name_sv="Eget namn")
    Method.objects.filter(code="camera_surveillance").delete()
    assert methods_seed_ensure() == 1
    assert methods_seed_ensure() == 0
    assert Method.objects.get(code="hot_spot_patrol").name_sv == "Eget namn"
    assert Method.objects.filter(code="camera_surveillance").exists()
