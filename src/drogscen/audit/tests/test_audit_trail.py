import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

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


def _append(n: int) -> None:
    organisation = Organisation.objects.get(code="region")
    for _ in range(n):
        record_read(organisation)


def _verify_exit_code(*args) -> int:
    try:
        call_command("verify_audit", *args)
    except CommandError as exc:
        return exc.returncode
    return 0


def test_removing_the_newest_entries_and_the_head_is_detected():
    _append(5)
    last = AuditEntry.objects.order_by("-sequence").first().sequence
    AuditEntry.objects.filter(sequence__gte=last - 2).delete()
    AuditHead.objects.all().delete()
    report = audit_chain_verify()
    assert report.broken_sequence == last - 2
    assert _verify_exit_code() == 1


def test_entries_appended_while_the_chain_is_read_are_not_a_broken_end(monkeypatch):
    from drogscen.audit import verification

    _append(2)
    original = verification.AuditHead.objects.filter

    def head_then_append(*args, **kwargs):
        # The head is read first; a request appends an entry right after.
        found = list(original(*args, **kwargs))
        monkeypatch.setattr(verification.AuditHead.objects, "filter", original)
        _append(1)
        return type("Found", (), {"first": lambda self: found[0] if found else None})()

    monkeypatch.setattr(verification.AuditHead.objects, "filter", head_then_append)
    assert audit_chain_verify().intact
    assert audit_chain_verify().intact  # and the next run reads the new entry too


def test_a_head_set_back_behind_the_entries_is_detected():
    _append(3)
    last = AuditEntry.objects.order_by("-sequence").first()
    before = AuditEntry.objects.get(sequence=last.sequence - 1)
    AuditHead.objects.update(last_sequence=before.sequence, last_hash=before.entry_hash)
    assert not audit_chain_verify().intact


def test_removing_every_entry_and_the_head_is_detected():
    # The reference data (audited records) is loaded, so an empty trail cannot be whole.
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    assert audit_chain_verify().broken_sequence == 1
    assert _verify_exit_code() == 1


def test_removing_every_entry_and_resetting_the_head_is_detected():
    AuditEntry.objects.all().delete()
    AuditHead.objects.update(last_sequence=0, last_hash="0" * 64)
    assert audit_chain_verify().broken_sequence == 1


def test_an_empty_database_without_a_head_is_whole(monkeypatch):
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    monkeypatch.setattr("drogscen.audit.verification.audited_models", lambda: [])
    assert audit_chain_verify().intact


def test_the_audited_models_are_those_the_recorder_writes_for(django_user_model):
    from drogscen.audit.verification import audited_models
    from drogscen.geo.models import Municipality

    models = audited_models()
    assert Municipality in models and Organisation in models and django_user_model in models
    assert AuditEntry not in models and AuditHead not in models


def _truncate_and_rewrite_head(keep: int) -> None:
    """What someone with write access to the database would do to hide the newest
    entries: remove them and make the head agree with what is left."""
    AuditEntry.objects.filter(sequence__gt=keep).delete()
    newest = AuditEntry.objects.get(sequence=keep)
    AuditHead.objects.update(last_sequence=keep, last_hash=newest.entry_hash)


def test_verify_audit_prints_the_last_hash_to_keep_outside(capsys):
    _append(1)
    newest = AuditEntry.objects.order_by("-sequence").first()
    with translation.override("en"):
        call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"Last entry #{newest.sequence}, hash {newest.entry_hash}" in out


def test_an_expected_hash_finds_a_truncation_with_a_rewritten_head(capsys):
    _append(3)
    anchor = AuditEntry.objects.order_by("-sequence").first()
    _append(3)  # later work: the anchor is no longer the newest entry, and that is fine
    with translation.override("en"):
        call_command("verify_audit", "--expect", anchor.entry_hash)
    assert f"The recorded hash is entry #{anchor.sequence}" in capsys.readouterr().out

    _truncate_and_rewrite_head(anchor.sequence - 2)
    assert audit_chain_verify().intact  # without the outside anchor nothing shows
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("verify_audit", "--expect", anchor.entry_hash.upper())
    assert excinfo.value.returncode == 1
    assert "recorded hash is not in the chain" in str(excinfo.value)


def test_a_malformed_expected_hash_is_a_usage_error():
    assert _verify_exit_code("--expect", "not-a-hash") == 2
