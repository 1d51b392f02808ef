"""The interventions as Excel workbooks (openpyxl):

* the **template** an organisation fills in and hands back (`drogscen
  import_interventions`): sheets `interventions`, `targets` and `progress` with a header
  row of stable column names (a data contract, not translated), drop-down lists of the
  codes the downloading user may use fed from a hidden `lists` sheet; the same workbook
  filled with the user's own interventions is their export, and importing it again
  changes nothing;
* the **inventory** export: interventions, targets with planned and done, and the active
  scenes without ongoing work, with translated headers for people to read.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.core.spreadsheet import keep_as_text
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.scenes.selectors import scene_list

# The template's sheets and columns, in order (docs/contracts.md#interventions-file:
# stable, not translated).
INTERVENTION_COLUMNS = (
    "organisation",
    "ref",
    "title",
    "methods",
    "scenes",
    "municipality",
    "starts_on",
    "ends_on",
    "status",
    "target_groups",
    "description",
    "resources_hours",
    "resources_sek",
)
TARGET_COLUMNS = (
    "organisation",
    "intervention_ref",
    "description",
    "unit",
    "planned_quantity",
    "period_start",
    "period_end",
)
PROGRESS_COLUMNS = (
    "organisation",
    "intervention_ref",
    "target_unit",
    "target_start",
    "period",
    "actual_quantity",
)
SHEETS = {
    "interventions": INTERVENTION_COLUMNS,
    "targets": TARGET_COLUMNS,
    "progress": PROGRESS_COLUMNS,
}
LIST_SHEET = "lists"
LIST_SEPARATOR = ";"
DATE_FORMAT = "yyyy-mm-dd"
VALIDATED_ROWS = 1000  # rows of each sheet that get the drop-down lists
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = "F2F4F7"

# Columns holding several codes: the drop-down offers one, and several may be typed.
MULTI_VALUE = {"methods", "scenes", "target_groups"}
# Column → the list (column of the `lists` sheet) that validates it.
VALIDATED = {
    ("interventions", "organisation"): "organisations",
    ("interventions", "methods"): "methods",
    ("interventions", "scenes"): "scenes",
    ("interventions", "municipality"): "municipalities",
    ("interventions", "status"): "statuses",
    ("interventions", "target_groups"): "target_groups",
    ("targets", "organisation"): "organisations",
    ("progress", "organisation"): "organisations",
}


def writable_organisations(user) -> list[Organisation]:
    """The organisations whose work the user records (all for a superuser)."""
    return list(access.writable_organisations(user, access.ADD).order_by("code"))


def code_lists(user) -> dict[str, list[str]]:
    """The codes the user may put in the template (the drop-down lists)."""
    return {
        "organisations": [o.code for o in writable_organisations(user)],
        "methods": list(Method.objects.order_by("code").values_list("code", flat=True)),
        "scenes": list(
            scene_list(fetched_by=user)
            .filter(closed_on__isnull=True)
            .order_by("ref")
            .values_list("ref", flat=True)
        ),
        "municipalities": list(
            Municipality.objects.order_by("code").values_list("code", flat=True)
        ),
        "statuses": list(Intervention.Status.values),
        "target_groups": list(Intervention.TargetGroup.values),
    }


def _joined(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(values)


def template_rows(interventions: Sequence[Intervention], *, visible_scene_ids: set[int]):
    """The user's interventions as rows of the three template sheets. Prefetch
    `methods`, `scenes` and `targets__progress_reports`. Scenes the user does not see are
    left out (the import keeps such links as they are)."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for intervention in interventions:
        organisation = intervention.organisation.code
        rows["interventions"].append(
            [
                organisation,
                intervention.ref,
                intervention.title,
                _joined(sorted(m.code for m in intervention.methods.all())),
                _joined(
                    sorted(s.ref for s in intervention.scenes.all() if s.pk in visible_scene_ids)
                ),
                intervention.municipality.code if intervention.municipality else None,
                intervention.starts_on,
                intervention.ends_on,
                intervention.status,
                _joined(intervention.target_groups),
                intervention.description or None,
                intervention.resources_hours,
                intervention.resources_sek,
            ]
        )
        for target in intervention.targets.all():
            rows["targets"].append(
                [
                    organisation,
                    intervention.ref,
                    target.description,
                    target.unit,
                    target.planned_quantity,
                    target.period_start,
                    target.period_end,
                ]
            )
            for report in target.progress_reports.all():
                rows["progress"].append(
                    [
                        organisation,
                        intervention.ref,
                        target.unit,
                        target.period_start,
                        report.period,
                        report.actual_quantity,
                    ]
                )
    return rows


def own_interventions(user) -> list[Intervention]:
    """The interventions the user may change, ready for `template_rows`."""
    from django.db.models import Prefetch

    targets = Target.objects.order_by("period_start", "unit", "pk").prefetch_related(
        Prefetch("progress_reports", queryset=TargetProgress.objects.order_by("period"))
    )
    return list(
        access.restrict(Intervention.objects.all(), user, access.CHANGE)
        .select_related("organisation", "municipality")
        .defer("municipality__geometry")
        .prefetch_related("methods", "scenes", Prefetch("targets", queryset=targets))
        .order_by("organisation__code", "ref", "pk")
    )


def _style_header(ws) -> None:
    from openpyxl.styles import Font, PatternFill

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    ws.freeze_panes = "A2"


def _widths(ws, headers: Sequence[str]) -> None:
    from openpyxl.utils import get_column_letter

    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        longest = max(
            [len(str(header))]
            + [len(str(c.value)) for c in ws[letter][1:200] if c.value is not None]
        )
        ws.column_dimensions[letter].width = min(max(longest + 2, 12), 60)


def _append_rows(ws, rows: Iterable[Sequence[Any]]) -> None:
    for values in rows:
        ws.append(list(values))
        keep_as_text(ws[ws.max_row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT


def template_workbook(*, user, interventions: Sequence[Intervention] = ()) -> bytes:
    """The import template for `user`, empty or filled with `interventions` (the
    export). The drop-down lists offer the organisations the user records work for, all
    methods, the active scenes they see, municipalities, statuses and target groups."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = code_lists(user)
    visible = set(scene_list(fetched_by=user).values_list("pk", flat=True))
    rows = template_rows(interventions, visible_scene_ids=visible)

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "drogscen"
    workbook.properties.title = "drogscen interventions"

    list_sheet = workbook.create_sheet(LIST_SHEET)
    list_column: dict[str, str] = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        list_column[name] = letter
        list_sheet.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            list_sheet.cell(row=row, column=index, value=value)

    for sheet_name, columns in SHEETS.items():
        ws = workbook.create_sheet(sheet_name, index=len(workbook.sheetnames) - 1)
        ws.append(list(columns))
        _style_header(ws)
        _append_rows(ws, rows[sheet_name])
        last = max(VALIDATED_ROWS, ws.max_row + 100)  # validations only: no empty cells
        for column_index, column in enumerate(columns, start=1):
            letter = get_column_letter(column_index)
            list_name = VALIDATED.get((sheet_name, column))
            if list_name is None:
                continue
            count = len(lists[list_name])
            source = (
                f"{quote_sheetname(LIST_SHEET)}!${list_column[list_name]}$2:"
                f"${list_column[list_name]}${max(count, 1) + 1}"
            )
            several = column in MULTI_VALUE
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="information" if several else "stop",
                showInputMessage=several,
                promptTitle=column if several else None,
                prompt=_("Choose one, or type several separated by ;") if several else None,
            )
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
        _widths(ws, columns)
    list_sheet.sheet_state = "hidden"
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _interventions_sheet(inventory) -> tuple[str, list, list[list]]:
    """Title, headers and rows: one row per intervention."""
    return (
        _("Interventions"),
        [
            _("Reference"),
            _("Title"),
            _("Organisation"),
            _("Organisation code"),
            _("Kind of organisation"),
            _("Methods"),
            _("Method families"),
            _("Scenes"),
            _("Municipality"),
            _("Starts on"),
            _("Ends on"),
            _("Status"),
            _("Target groups"),
            _("Resources (hours)"),
            _("Resources (SEK)"),
        ],
        [
            [
                i.ref,
                i.title,
                i.organisation.name,
                i.organisation.code,
                i.organisation.get_kind_display(),
                ", ".join(str(m) for m in i.methods.all()),
                ", ".join(sorted({str(m.get_family_display()) for m in i.methods.all()})),
                ", ".join(s.ref for s in i.scenes.all()),
                i.municipality.name if i.municipality else None,
                i.starts_on,
                i.ends_on,
                i.get_status_display(),
                ", ".join(
                    str(Intervention.TargetGroup(g).label)
                    for g in i.target_groups
                    if g in Intervention.TargetGroup.values
                ),
                i.resources_hours,
                i.resources_sek,
            ]
            for i in inventory.interventions
        ],
    )


def _targets_sheet(inventory) -> tuple[str, list, list[list]]:
    """One row per target, with planned and done."""
    return (
        _("Targets"),
        [
            _("Intervention"),
            _("Organisation"),
            _("Target"),
            _("Unit"),
            _("Period start"),
            _("Period end"),
            _("Planned"),
            _("Done"),
            _("Share done"),
        ],
        [
            [
                i.title,
                i.organisation.name,
                t.description,
                t.unit,
                t.period_start,
                t.period_end,
                t.planned_quantity,
                t.progress.done,
                None if t.progress.share is None else float(t.progress.share),
            ]
            for i in inventory.interventions
            for t in i.targets.all()
        ],
    )


def _scenes_without_sheet(inventory) -> tuple[str, list, list[list]]:
    """The active scenes without ongoing work."""
    return (
        _("Scenes without work"),
        [
            _("Reference"),
            _("Name"),
            _("Municipality"),
            _("Local police area"),
            _("Identified on"),
        ],
        [
            [
                s.ref,
                s.name,
                s.municipality.name if s.municipality else None,
                s.local_police_area.name if s.local_police_area else None,
                s.identified_on,
            ]
            for s in inventory.scenes_without
        ],
    )


def inventory_workbook(inventory) -> bytes:
    """The inventory for reading: one sheet of interventions, one of targets with
    planned and done, one of the active scenes without ongoing work."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "drogscen"
    workbook.properties.title = _("Inventory of interventions")

    sheets = [
        _interventions_sheet(inventory),
        _targets_sheet(inventory),
        _scenes_without_sheet(inventory),
    ]
    for title, headers, rows in sheets:
        ws = workbook.create_sheet(title[:31])
        ws.append(headers)
        _style_header(ws)
        _append_rows(ws, rows)
        if title == sheets[1][0]:
            for (cell,) in ws.iter_rows(min_row=2, min_col=9, max_col=9):
                cell.number_format = "0%"
        _widths(ws, headers)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
