"""Recomputes the audit chain and finds the first entry that does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.audit.chain import GENESIS_HASH, entry_hash
from drogscen.audit.models import AuditEntry, AuditHead
from drogscen.audit.recorder import hashable
from drogscen.core.models import AuditedModel

FIELDS = (
    "sequence",
    "recorded_at",
    "user_id",
    "username",
    "via",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_sequence: int | None = None
    reason: str = ""  # translatable
    last_hash: str = GENESIS_HASH
    # The sequence of the entry whose hash the operator recorded (`expect`), if found.
    anchor_sequence: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None


def audited_models() -> list[type[models.Model]]:
    """Every model whose writes go into the trail (recorder._audited)."""
    user_model = get_user_model()
    return [
        model
        for model in apps.get_models()
        if model is user_model or (issubclass(model, AuditedModel) and not model._meta.proxy)
    ]


def _audited_records_exist() -> bool:
    # One indexed LIMIT 1 query per audited model: cheap, and sound because every such
    # record was written through a save that appended an entry (the reference data, the
    # organisations and the first questionnaire among them, in every loaded database).
    return any(model._default_manager.exists() for model in audited_models())


def audit_chain_verify(*, expect: str | None = None) -> ChainReport:
    """Recompute the chain from the first entry. Besides altered or missing entries, it
    finds entries removed from the end: the head row must agree with the newest entry,
    a missing head is broken when any entry or audited record exists, and `expect` (the
    hash of an entry the operator recorded outside the database) must still be in the
    chain, which finds a truncation even when the head was rewritten to match."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    count = 0
    anchor = None
    # The head first: entries appended while the chain is read (a live system) come after
    # it and are left for the next run instead of looking like a broken end.
    head = AuditHead.objects.filter(pk=1).first()
    rows = AuditEntry.objects.order_by("sequence")
    if head is not None:
        rows = rows.filter(sequence__lte=head.last_sequence)
    rows = rows.values(*FIELDS, "previous_hash", "entry_hash")
    for row in rows.iterator(chunk_size=2000):
        count += 1
        sequence = row["sequence"]
        if sequence != expected_sequence:
            return ChainReport(count, expected_sequence, _("entry missing (sequence gap)"))
        if row["previous_hash"] != previous_hash:
            return ChainReport(count, sequence, _("link to the previous entry does not match"))
        fields = hashable({name: row[name] for name in FIELDS})
        if entry_hash(previous_hash, fields) != row["entry_hash"]:
            return ChainReport(count, sequence, _("content does not match its hash"))
        previous_hash = row["entry_hash"]
        if expect is not None and previous_hash == expect:
            anchor = sequence
        expected_sequence += 1
    if head is None and (count or _audited_records_exist()):
        return ChainReport(
            count,
            expected_sequence,
            _("the chain head is missing: entries may have been removed from the end"),
        )
    if head and (head.last_sequence != expected_sequence - 1 or head.last_hash != previous_hash):
        return ChainReport(count, expected_sequence, _("entries removed from the end of the chain"))
    if head and AuditEntry.objects.filter(sequence__gt=head.last_sequence).exists():
        now = AuditHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first()
        if now == head.last_sequence:  # nobody appended meanwhile: the head was set back
            return ChainReport(
                count, expected_sequence, _("entries after the chain head: the head was altered")
            )
    if count == 0 and _audited_records_exist():
        return ChainReport(
            count, 1, _("no entries although audited records exist: entries were removed")
        )
    if expect is not None and anchor is None:
        return ChainReport(
            count,
            expected_sequence,
            _(
                "the recorded hash is not in the chain: entries were removed from the end "
                "or rewritten"
            ),
        )
    return ChainReport(count, last_hash=previous_hash, anchor_sequence=anchor)
