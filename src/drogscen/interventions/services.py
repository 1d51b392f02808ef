"""Writes to the interventions and the methods knowledge bank. Each runs in a
transaction and calls full_clean (which refuses personal data in the free text); when a
user acts, the intervention must be their organisation's before and after the write, and
every scene named must be one they can see."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.core.types import User
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.scenes.models import Scene

METHODS_SEED = Path(__file__).resolve().parent / "data" / "methods.json"
EDITABLE_FIELDS = (
    "ref",
    "title",
    "description",
    "methods",
    "scenes",
    "municipality",
    "target_groups",
    "starts_on",
    "ends_on",
    "status",
    "resources_hours",
    "resources_sek",
)


class InterventionConflict(Exception):
    """Someone else saved the intervention since the editor opened it."""

    def __init__(self, intervention: Intervention) -> None:
        self.intervention = intervention
        super().__init__(
            _(
                "%(intervention)s was changed by someone else while you edited it (now "
                "version %(version)s). Nothing was saved; review and save again."
            )
            % {"intervention": intervention, "version": intervention.version}
        )


def _require_organisation(organisation: Organisation, by) -> None:
    if by is None:
        return  # the system (commands, seed data)
    if not access.may_write_for_organisation(by, organisation, access.ADD):
        raise ValidationError(
            {"organisation": _("You can only record the work of your own organisation.")}
        )


def _check_links(
    *, methods: list[Method], scenes: list[Scene], municipality: Municipality | None, by
) -> None:
    problems = {}
    if not methods:
        problems["methods"] = _("Choose at least one method.")
    if not scenes and municipality is None:
        problems["scenes"] = _("Name at least one scene or the municipality the work is in.")
    if by is not None and scenes:
        ids = {scene.pk for scene in scenes}
        visible = access.restrict(Scene.objects.filter(pk__in=ids), by, access.VIEW)
        if visible.count() != len(ids):
            problems["scenes"] = _("You can only name scenes you can see.")
    if problems:
        raise ValidationError(problems)


def _check_ref(intervention: Intervention) -> None:
    """An organisation names each of its interventions once."""
    if not intervention.ref:
        return
    taken = Intervention.objects.filter(
        organisation_id=intervention.organisation_id, ref=intervention.ref
    ).exclude(pk=intervention.pk)
    if taken.exists():
        raise ValidationError(
            {
                "ref": _(
                    "Your organisation already has an intervention with the reference %(ref)s."
                )
                % {"ref": intervention.ref}
            }
        )


def _give_ref(intervention: Intervention) -> None:
    """The code an intervention recorded without one gets: I-<number>, unique within its
    organisation (a taken one, e.g. from an imported file, gets a suffix)."""
    ref, n = f"I-{intervention.pk}", 1
    same_organisation = Intervention.objects.filter(organisation_id=intervention.organisation_id)
    while same_organisation.filter(ref=ref).exists():
        n += 1
        ref = f"I-{intervention.pk}-{n}"
    # The number is known only once the row exists: the code is saved as an audited
    # change, so the trail holds the code the row carries (not the empty one created).
    intervention.ref = ref
    intervention.save(update_fields=["ref"])


@transaction.atomic
def intervention_create(
    *,
    organisation: Organisation,
    title: str,
    methods: Iterable[Method],
    starts_on: date,
    scenes: Iterable[Scene] = (),
    municipality: Municipality | None = None,
    description: str = "",
    target_groups: Iterable[str] = (),
    ends_on: date | None = None,
    status: str = Intervention.Status.PLANNED,
    resources_hours: int | None = None,
    resources_sek: int | None = None,
    ref: str = "",
    by: User | None = None,
) -> Intervention:
    """Record an organisation's intervention: at least one method, and at least one
    scene or a municipality. Without a `ref` it gets one (I-<number>)."""
    _require_organisation(organisation, by)
    methods, scenes = list(methods), list(scenes)
    _check_links(methods=methods, scenes=scenes, municipality=municipality, by=by)
    intervention = Intervention(
        organisation=organisation,
        ref=(ref or "").strip(),
        title=title.strip(),
        description=description.strip(),
        municipality=municipality,
        target_groups=list(target_groups),
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        resources_hours=resources_hours,
        resources_sek=resources_sek,
    )
    intervention.full_clean(validate_constraints=False)
    _check_ref(intervention)
    intervention.save()
    if not intervention.ref:
        _give_ref(intervention)
    intervention.methods.set(methods)
    intervention.scenes.set(scenes)
    if by is not None:
        access.ensure_in_scope(intervention, by, access.CHANGE)
    return intervention


@transaction.atomic
def intervention_update(
    *,
    intervention: Intervention,
    expected_version: int | None,
    by: User | None = None,
    **changes: Any,
) -> Intervention:
    """Change an intervention; `expected_version` is the version the editor started from
    (a stale edit raises InterventionConflict). Cancelling is a change of status."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    if by is not None:
        access.ensure_in_scope(intervention, by, access.CHANGE)
    current = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if expected_version is not None and current.version != expected_version:
        raise InterventionConflict(current)
    methods = list(changes.pop("methods", current.methods.all()))
    scenes = list(changes.pop("scenes", current.scenes.all()))
    for field in ("description", "title", "ref"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    if changes.get("ref") == "":
        changes.pop("ref")  # the code stays; it is the key of the organisation's files
    if "target_groups" in changes:
        changes["target_groups"] = list(changes["target_groups"])
    municipality = changes.get("municipality", current.municipality)
    before_scenes = set(current.scenes.values_list("pk", flat=True))
    # Only newly named scenes need be visible: a scene already linked stays linked.
    added = [scene for scene in scenes if scene.pk not in before_scenes]
    _check_links(methods=methods, scenes=scenes, municipality=municipality, by=None)
    if added:
        _check_links(methods=methods, scenes=added, municipality=municipality, by=by)
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean(validate_constraints=False)
    _check_ref(current)
    current.version += 1
    current.save()
    if set(current.methods.values_list("pk", flat=True)) != {m.pk for m in methods}:
        current.methods.set(methods)
    if before_scenes != {s.pk for s in scenes}:
        current.scenes.set(scenes)
    if by is not None:
        access.ensure_in_scope(current, by, access.CHANGE)
    return current


# Which status may follow which: work is finished or cancelled, and a planned piece of
# work starts; a finished or cancelled one can be reopened if that was a mistake.
STATUS_MOVES = {
    Intervention.Status.PLANNED: (Intervention.Status.ONGOING, Intervention.Status.CANCELLED),
    Intervention.Status.ONGOING: (Intervention.Status.FINISHED, Intervention.Status.CANCELLED),
    Intervention.Status.FINISHED: (Intervention.Status.ONGOING,),
    Intervention.Status.CANCELLED: (Intervention.Status.PLANNED,),
}


@transaction.atomic
def intervention_set_status(
    *,
    intervention: Intervention,
    status: str,
    expected_version: int | None,
    on: date | None = None,
    by: User | None = None,
) -> Intervention:
    """Start, finish, cancel or reopen an intervention (STATUS_MOVES). Finishing or
    cancelling work without an end date ends it `on` (today by default), never before it
    started; reopening keeps the dates."""
    from django.utils import timezone

    current = Intervention.objects.get(pk=intervention.pk)
    if status not in STATUS_MOVES.get(current.status, ()):
        raise ValidationError(
            {
                "status": _("An intervention that is %(current)s cannot become %(new)s.")
                % {
                    "current": current.get_status_display(),
                    "new": Intervention.Status(status).label
                    if status in Intervention.Status.values
                    else status,
                }
            }
        )
    changes: dict[str, Any] = {"status": status}
    closing = {Intervention.Status.FINISHED, Intervention.Status.CANCELLED}
    if status in closing and not current.ends_on:
        changes["ends_on"] = max(on or timezone.localdate(), current.starts_on)
    return intervention_update(
        intervention=current, expected_version=expected_version, by=by, **changes
    )


@transaction.atomic
def target_add(
    *,
    intervention: Intervention,
    description: str,
    unit: str,
    planned_quantity: int,
    period_start: date,
    period_end: date,
    by: User | None = None,
) -> Target:
    """A measurable target, e.g. at least 40 weekends (unit) during a year (period)."""
    if by is not None:
        access.ensure_in_scope(intervention, by, access.CHANGE)
    target = Target(
        intervention=intervention,
        description=description.strip(),
        unit=unit.strip(),
        planned_quantity=planned_quantity,
        period_start=period_start,
        period_end=period_end,
    )
    target.full_clean()
    target.save()
    return target


TARGET_FIELDS = ("description", "unit", "planned_quantity", "period_start", "period_end")


@transaction.atomic
def target_update(*, target: Target, by: User | None = None, **changes: Any) -> Target:
    """Change a target's wording, unit, planned quantity or period (e.g. from a
    re-imported workbook). Reports already made stay; they must still lie in the period."""
    unknown = set(changes) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    if by is not None:
        access.ensure_in_scope(target.intervention, by, access.CHANGE)
    for field in ("description", "unit"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    for field, value in changes.items():
        setattr(target, field, value)
    target.full_clean()
    outside = target.progress_reports.exclude(
        period__gte=target.period_start.replace(day=1), period__lte=target.period_end
    )
    if outside.exists():
        raise ValidationError({"period_end": _("Progress has been reported outside this period.")})
    target.save()
    return target


@transaction.atomic
def progress_report(
    *, target: Target, period: date, actual_quantity: int, by: User | None = None
) -> TargetProgress:
    """What was done during a month or quarter (`period` is its first day). Reporting a
    period again replaces the earlier figure (a correction)."""
    if by is not None:
        access.ensure_in_scope(target.intervention, by, access.CHANGE)
    report = TargetProgress.objects.select_for_update().filter(target=target, period=period).first()
    if report is None:
        report = TargetProgress(target=target, period=period)
    report.actual_quantity = actual_quantity
    report.full_clean()
    report.save()
    return report


def methods_seed_ensure(*, path: Path = METHODS_SEED) -> int:
    """Create the shipped methods that are missing (by code); methods already there,
    edited or not, are left as they are. Returns how many were created."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    existing = set(Method.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        for row in rows:
            if row["code"] in existing:
                continue
            method = Method(**row)
            method.full_clean()
            method.save()
            created += 1
    return created
