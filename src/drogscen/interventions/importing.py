"""Import of an organisation's interventions (docs/contracts.md#interventions-file:
`drogscen import_interventions FILE`): the template workbook (XLSX, or the same workbook
saved by LibreOffice as ODS: sheets `interventions`, `targets`, `progress`; see
`workbook.py`) or a CSV with the columns of the `interventions` sheet. It runs through
the import pipeline (docs/architecture.md#import-pipeline) as the kind "interventions";
the sheets are checked in `importing_sheets.py`.

Keys: an intervention is identified by its organisation and `ref` (insert or update); a
target by its intervention, unit and period start (insert or update of its wording,
planned quantity and period end); a progress report by its target and period (insert or
replace). Nothing is deleted: work missing from the file stays as it is.

Every row of every sheet is checked before anything is written, by the rules the pages
follow (the model's rules, the personal-data guard, own organisation only, scenes the
writer sees); one bad row refuses the whole file, and messages name file, sheet, row and
column. A row equal to what is recorded is left alone, so re-importing a file — or a
workbook exported from the system — changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from drogscen.core import access
from drogscen.core.imports import readers
from drogscen.core.imports.pipeline import ImportFile, ImportSpec, Plan, Progress, entry_point
from drogscen.core.imports.problems import ImportProblem, ImportRejected, ImportResult, RowChecker
from drogscen.interventions import services
from drogscen.interventions.importing_sheets import (
    Codes,
    InterventionKey,
    InterventionRow,
    Recorded,
    SheetRow,
    TargetKey,
    check_interventions,
    check_progress,
    check_targets,
    codes_for,
    sheet_rows,
    validation_problems,
)
from drogscen.interventions.models import Intervention, Target
from drogscen.interventions.workbook import SHEETS


@dataclass
class Checked:
    """The file's valid rows by their keys, and the codes they were checked against."""

    codes: Codes
    read: int
    interventions: dict[InterventionKey, tuple[SheetRow, InterventionRow]]
    targets: dict[TargetKey, tuple[SheetRow, dict[str, Any]]]
    reports: dict[tuple[TargetKey, date], tuple[SheetRow, int]]


@dataclass
class Planned:
    """What one row does: "create", "update" or "unchanged" (`existing` is recorded)."""

    row: SheetRow
    kind: str
    data: Any
    existing: Any = None


@dataclass
class Steps:
    """The rows in the order they are written, and what was recorded when compared."""

    interventions: list[Planned]
    targets: list[Planned]
    reports: list[Planned]
    recorded: Recorded
    visible: set[int]  # the scenes the writer sees

    def everything(self) -> list[Planned]:
        return [*self.interventions, *self.targets, *self.reports]


class InterventionsImport(ImportSpec):
    kind = "interventions"
    title = gettext_lazy("Interventions")
    accepted = ("xlsx", "ods", "csv")
    expected = gettext_lazy("the template workbook (XLSX or ODS) or CSV")
    audit_model = "interventions.Intervention"
    description = gettext_lazy(
        "The template workbook (Excel, or saved as ODS) with an organisation's "
        "interventions, targets and progress, or a CSV of interventions. Insert or update "
        "by organisation and reference; nothing is deleted."
    )

    links = (
        (gettext_lazy("Template workbook"), "interventions:template"),
        (gettext_lazy("Your interventions in the template"), "interventions:export"),
    )

    @classmethod
    def may_import(cls, user) -> bool:
        """Whoever records interventions for at least one organisation."""
        return access.writable_organisations(user, access.ADD).exists()

    def read(self, file: ImportFile) -> dict[str, list[SheetRow]]:
        sheets = None if file.kind == "csv" else SHEETS
        records = readers.read_records(file.path, label=file.label, kind=file.kind, sheets=sheets)
        return sheet_rows(records, label=file.label)

    def check(self, rows: dict[str, list[SheetRow]], *, file, by, progress: Progress) -> Checked:
        codes = codes_for(by)
        checker = RowChecker(file.label)
        interventions = check_interventions(
            rows["interventions"], codes=codes, checker=checker, progress=progress
        )
        recorded = Recorded.fetch(codes)
        targets = check_targets(
            rows["targets"],
            codes=codes,
            interventions=interventions.keys() | recorded.interventions.keys(),
            checker=checker,
            progress=progress,
        )
        reports = check_progress(
            rows["progress"],
            codes=codes,
            targets=targets,
            recorded=recorded,
            checker=checker,
            progress=progress,
        )
        checker.raise_if_any()
        read = sum(len(sheet) for sheet in rows.values())
        return Checked(codes, read, interventions, targets, reports)

    def compare(self, checked: Checked, *, file, by, dry_run: bool) -> Plan:
        steps = planned_steps(checked)
        everything = steps.everything()
        result = ImportResult(
            read=checked.read,
            created=sum(p.kind == "create" for p in everything),
            updated=sum(p.kind == "update" for p in everything),
            unchanged=sum(p.kind == "unchanged" for p in everything),
        )
        return Plan(result=result, data=steps)

    def write(self, plan: Plan, *, file, by, progress: Progress) -> None:
        steps_written(plan.data, label=file.label, by=by, progress=progress)


# Record the file's interventions, targets and progress; `by` is the writer (None: the
# operator, any organisation).
interventions_import = entry_point(InterventionsImport)


# --- compare -----------------------------------------------------------------------------


def _planned(row: SheetRow, data: Any, existing: Any, same: Callable[[Any], bool]) -> Planned:
    if existing is None:
        return Planned(row, "create", data)
    return Planned(row, "unchanged" if same(existing) else "update", data, existing)


def planned_steps(checked: Checked) -> Steps:
    """What each valid row does against what is recorded now (inside the transaction)."""
    recorded = Recorded.fetch(checked.codes)
    visible = {scene.pk for scene in checked.codes.scenes.values()}

    def same_intervention(row: InterventionRow) -> Callable[[Intervention], bool]:
        content = intervention_content(row, visible)
        return lambda existing: intervention_content(existing, visible) == content

    interventions = [
        _planned(sheet_row, row, recorded.interventions.get(key), same_intervention(row))
        for key, (sheet_row, row) in checked.interventions.items()
    ]
    targets = [
        _planned(
            sheet_row,
            (key, data),
            recorded.target(key),
            lambda existing, data=data: all(getattr(existing, f) == data[f] for f in data),
        )
        for key, (sheet_row, data) in checked.targets.items()
    ]
    reports = [
        _planned(
            sheet_row,
            (key, period, actual),
            recorded.report(key, period),
            lambda existing, actual=actual: existing.actual_quantity == actual,
        )
        for (key, period), (sheet_row, actual) in checked.reports.items()
    ]
    return Steps(interventions, targets, reports, recorded, visible)


def intervention_content(i: InterventionRow | Intervention, visible: set[int]) -> tuple:
    """What a row sets, to compare with what is recorded (links to scenes the writer
    does not see are left out: the row cannot name them)."""
    if isinstance(i, Intervention):
        methods = {m.pk for m in i.methods.all()}
        scenes = {s.pk for s in i.scenes.all() if s.pk in visible}
        municipality = i.municipality_id
    else:
        methods = {m.pk for m in i.methods}
        scenes = {s.pk for s in i.scenes}
        municipality = i.municipality.pk if i.municipality else None
    return (
        i.title,
        i.description or "",
        frozenset(methods),
        frozenset(scenes),
        municipality,
        i.starts_on,
        i.ends_on,
        i.status,
        frozenset(i.target_groups),
        i.resources_hours,
        i.resources_sek,
    )


# --- write -------------------------------------------------------------------------------


def steps_written(steps: Steps, *, label: str, by, progress: Progress) -> None:
    """Write the interventions, then their targets, then the progress reports, through
    the services the pages use. A rule only the write can check (e.g. progress already
    reported outside a changed target period) refuses the file naming the row."""
    current: Planned | None = None
    try:
        intervention_of: dict[InterventionKey, Intervention] = dict(steps.recorded.interventions)
        for current in progress.over(steps.interventions, total=len(steps.interventions)):
            row: InterventionRow = current.data
            key = (row.organisation.code, row.ref)
            intervention_of[key] = _intervention_written(current, by=by, visible=steps.visible)
        target_of: dict[TargetKey, Target] = {}
        for current in progress.over(steps.targets, total=len(steps.targets)):
            key, data = current.data
            if current.kind == "create":
                target_of[key] = services.target_add(
                    intervention=intervention_of[key[:2]], by=by, **data
                )
            elif current.kind == "update":
                target_of[key] = services.target_update(target=current.existing, by=by, **data)
        for current in progress.over(steps.reports, total=len(steps.reports)):
            key, period, actual = current.data
            if current.kind != "unchanged":
                target = target_of.get(key) or steps.recorded.target(key)
                services.progress_report(
                    target=target, period=period, actual_quantity=actual, by=by
                )
    except ValidationError as error:
        where = current.row.where if current else ""
        raise ImportRejected(
            ImportProblem(label, where, column, message)
            for column, message in validation_problems(error)
        ) from None


def _intervention_written(item: Planned, *, by, visible: set[int]) -> Intervention:
    row: InterventionRow = item.data
    fields = {
        "title": row.title,
        "description": row.description,
        "methods": row.methods,
        "municipality": row.municipality,
        "target_groups": row.target_groups,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "status": row.status,
        "resources_hours": row.resources_hours,
        "resources_sek": row.resources_sek,
    }
    if item.kind == "create":
        return services.intervention_create(
            organisation=row.organisation, ref=row.ref, scenes=row.scenes, by=by, **fields
        )
    if item.kind == "update":
        # Links to scenes the writer does not see stay as they are.
        kept = [s for s in item.existing.scenes.all() if s.pk not in visible]
        return services.intervention_update(
            intervention=item.existing,
            expected_version=None,
            scenes=[*row.scenes, *kept],
            by=by,
            **fields,
        )
    return item.existing
