"""The yearly round's lifecycle (docs/architecture.md#the-yearly-round): a reference year
is open for mapping until the coordination office closes it; it is then published
(`reports/editions.py::round_publish`, which stores the year's edition) and may be
reopened with a reason, after which a new publication is the year's next edition.

Only the coordination office (editor or manager) closes, publishes and reopens a round
(`mappings/access.py::round_scope`); anyone else gets 404, as for every record out of
scope. Every change is audited (Round is an AuditedModel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.mappings.compliance import mapping_compliance
from drogscen.mappings.models import Mapping, Round

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def round_get(*, year: int) -> Round:
    """The year's round; an unsaved open one when nobody has closed it yet."""
    return Round.objects.filter(year=year).first() or Round(year=year)


def round_require(by: AbstractBaseUser | None, action: str = access.CHANGE) -> None:
    """Only the coordination office runs the rounds; None is the system (a command run
    on the server). Out of scope is 404."""
    if by is not None and not access.can(by, action, Round):
        raise Http404


def round_locked(year: int) -> Round:
    """The year's round row, locked for the rest of the transaction (made when missing)."""
    Round.objects.get_or_create(year=year)
    return Round.objects.select_for_update().get(year=year)


@transaction.atomic
def round_close(*, year: int, by: AbstractBaseUser | None) -> Round:
    """Close the year for mapping: the round is over and its figures wait to be published."""
    round_require(by)
    current = round_locked(year)
    if current.status != Round.Status.OPEN:
        raise ValidationError(
            _("The round of %(year)s is already %(status)s.")
            % {"year": year, "status": current.get_status_display()}
        )
    round_mark_closed(current, by)
    current.save()
    return current


def round_mark_closed(current: Round, by: AbstractBaseUser | None) -> None:
    current.status = Round.Status.CLOSED
    current.closed_at, current.closed_by = timezone.now(), by


@transaction.atomic
def round_reopen(*, year: int, reason: str, by: AbstractBaseUser | None) -> Round:
    """Open a closed or published round again, for the reason given (required): its
    editions stay as published, and publishing again makes the next one."""
    round_require(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening the round.")]})
    current = round_locked(year)
    if current.status == Round.Status.OPEN:
        raise ValidationError(_("The round of %(year)s is open already.") % {"year": year})
    current.status = Round.Status.OPEN
    current.reopened_at, current.reopened_by = timezone.now(), by
    current.reopen_reason = reason
    current.save()
    return current


@dataclass(frozen=True)
class Completeness:
    """How far the year's round has come, over the scenes expected in it
    (`mappings/compliance.py`): approved, co-signed and waiting for approval, begun,
    missing (no mapping at all) and overdue (not approved after the deadline)."""

    year: int
    expected: int
    approved: int
    cosigned: int
    begun: int
    missing: int
    overdue: int
    joint_share: float | None

    @property
    def outstanding(self) -> int:
        return self.expected - self.approved

    @property
    def complete(self) -> bool:
        return self.outstanding == 0


def round_completeness(
    *, year: int, fetched_by: AbstractBaseUser, today: date | None = None
) -> Completeness:
    """The figures the coordination office checks before it publishes the year."""
    _areas, county = mapping_compliance(year=year, fetched_by=fetched_by, today=today)
    expected = [s for s in county.scenes if s.state not in {"closed", "closed_merged"}]
    return Completeness(
        year=year,
        expected=len(expected),
        approved=county.mapped,
        cosigned=_cosigned_waiting(year, {s.scene.pk for s in expected}),
        begun=sum(1 for s in expected if s.mapping is not None),
        missing=sum(1 for s in expected if s.mapping is None),
        overdue=county.overdue,
        joint_share=county.joint_share,
    )


def _cosigned_waiting(year: int, scene_ids: set[int]) -> int:
    """Submitted mappings every participating municipality has co-signed: they wait only
    for the local police area's approval."""
    municipality = Q(participants__kind=Organisation.Kind.MUNICIPALITY)
    return (
        Mapping.objects.filter(year=year, status=Mapping.Status.SUBMITTED, scene_id__in=scene_ids)
        .annotate(
            to_sign=Count("participants", filter=municipality, distinct=True),
            signed=Count("cosignatures", distinct=True),
        )
        .filter(signed__gte=F("to_sign"))
        .count()
    )
