"""Recomputes the audit chain and finds the first entry that does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from drogscen.audit.chain import GENESIS_HASH, entry_hash
from drogscen.audit.models import AuditEntry, AuditHead
from drogscen.audit.recorder import hashable

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

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None


def audit_chain_verify() -> ChainReport:
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    count = 0
    rows = AuditEntry.objects.order_by("sequence").values(*FIELDS, "previous_hash", "entry_hash")
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
        expected_sequence += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.last_sequence != expected_sequence - 1 or head.last_hash != previous_hash):
        return ChainReport(count, expected_sequence, _("entries removed from the end of the chain"))
    return ChainReport(count)
