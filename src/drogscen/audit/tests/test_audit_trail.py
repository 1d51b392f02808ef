import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from drogscen.accounts.models import Organisation
from drogscen.audit.context import acting
from drogscen.audit.models import AuditEntry, AuditHead
from drogscen.audit.recorder import record_read
from drogscen.audit.verification import audit_chain_verify
from drogscen.geo.models import Station

pytestmark = pytest.mark.django_db


def entries_for(instance):
    return AuditEntry.objects.filter(
        object_type=f"{instance._meta.app_label}.{instance._meta.model_name}",
        object_id=str(instance.pk),
    ).order_by("sequence")


def test_create_change_and_delete_are_recorded_with_who_and_before_after(make_user):
    editor = make_user("samordningskansliet", "manager")
    with acting(editor, via="web"):
        station = Station.objects.create(
            name="Testplan", kind="tunnelbana", osm_id="node/1", longitude=18.0, latitude=59.3
        )
        station = Station.objects.get(pk=station.pk)
        station.name = "Testplan östra"
        station.save()
        station_id = station.pk
        station.delete()
    station.pk = station_id
    created, changed, deleted = entries_for(station)
    assert created.action == "create" and created.username == editor.username
    assert created.changes["after"]["name"] == "Testplan"
    assert changed.changes == {"before": {"name": "Testplan"}, "after": {"name": "Testplan östra"}}
    assert deleted.action == "delete" and deleted.changes["before"]["name"] == "Testplan östra"
    assert audit_chain_verify().intact


def test_saving_without_a_change_records_nothing():
    organisation = Organisation.objects.get(code="region")
    before = AuditEntry.objects.count()
    organisation.save()
    assert AuditEntry.objects.count() == before


def test_reads_of_sensitive_records_are_recordable(make_user):
    reader = make_user("lpo:jarva", "viewer")
    organisation = Organisation.objects.get(code="lpo:jarva")
    with acting(reader, via="web"):
        entry = record_read(organisation, what="answers")
    assert entry.action == "read" and entry.user_id == reader.pk
    assert entry.changes == {"read": "answers"}


def test_passwords_never_reach_the_trail(make_user):
    user = make_user("region", "viewer")
    user.set_password("a-new-secret-999")
    user.save()
    assert "a-new-secret" not in str(list(entries_for(user).values_list("changes", flat=True)))
    assert "password" not in str(list(entries_for(user).values_list("changes", flat=True)))


def test_verify_audit_command_accepts_an_intact_chain(capsys):
    record_read(Organisation.objects.get(code="region"))
    call_command("verify_audit")
    assert "kedja är hel" in capsys.readouterr().out


def _tamper(**changes):
    entry = AuditEntry.objects.order_by("sequence")[3]
    AuditEntry.objects.filter(pk=entry.pk).update(**changes)
    return entry.sequence


@pytest.mark.parametrize(
    "tampering",
    [
        {"username": "someone-else"},
        {"changes": {"after": {"name": "forged"}}},
        {"action": "read"},
    ],
)
def test_tampering_with_a_stored_entry_is_detected(tampering):
    sequence = _tamper(**tampering)
    with pytest.raises(CommandError, match=rf"#{sequence}\b") as excinfo:
        call_command("verify_audit")
    assert excinfo.value.returncode == 1


def test_a_removed_entry_is_detected():
    entry = AuditEntry.objects.order_by("sequence")[5]
    AuditEntry.objects.filter(pk=entry.pk).delete()
    report = audit_chain_verify()
    assert report.broken_sequence == entry.sequence


def test_removing_the_newest_entries_is_detected():
    record_read(Organisation.objects.get(code="region"))
    AuditEntry.objects.order_by("-sequence").first().delete()
    assert not audit_chain_verify().intact


def test_recomputing_the_hash_of_a_forged_entry_still_breaks_the_link():
    from drogscen.audit.chain import entry_hash
    from drogscen.audit.recorder import hashable
    from drogscen.audit.verification import FIELDS

    entry = AuditEntry.objects.order_by("sequence")[2]
    row = AuditEntry.objects.values(*FIELDS).get(pk=entry.pk)
    row["username"] = "forger"
    forged = entry_hash(entry.previous_hash, hashable(row))
    AuditEntry.objects.filter(pk=entry.pk).update(username="forger", entry_hash=forged)
    assert audit_chain_verify().broken_sequence == entry.sequence + 1
    assert AuditHead.objects.get(pk=1).last_sequence == AuditEntry.objects.count()
