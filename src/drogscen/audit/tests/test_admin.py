"""The audit trail is append-only in the admin too, for superusers as well."""

import pytest
from django.urls import reverse

from drogscen.audit.models import AuditEntry
from drogscen.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, make_user):
    client.force_login(make_user(superuser=True))
    return client


@pytest.fixture
def entry():
    return AuditEntry.objects.order_by("sequence").first()


def test_a_superuser_reads_the_trail(superuser_client, entry):
    assert superuser_client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert superuser_client.get(url).status_code == 200  # the read-only view


def test_a_superuser_cannot_delete_an_entry(superuser_client, entry):
    url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert superuser_client.get(url).status_code == 403
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:audit_auditentry_changelist")
    response = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert response.status_code in {200, 302}
    assert audit_chain_verify().intact


def test_a_superuser_cannot_change_an_entry(superuser_client, entry):
    url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    response = superuser_client.post(url, {"username": "someone-else", "action": "read"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.username != "someone-else"


def test_a_superuser_cannot_add_an_entry(superuser_client):
    url = reverse("admin:audit_auditentry_add")
    assert superuser_client.get(url).status_code == 403
    before = AuditEntry.objects.count()
    assert superuser_client.post(url, {"username": "forger"}).status_code == 403
    assert AuditEntry.objects.count() == before


def test_the_chain_head_is_not_in_the_admin(superuser_client):
    from drogscen.audit.models import AuditHead
    from drogscen.core.admin import admin_site

    assert not admin_site.is_registered(AuditHead)
