"""Import of an organisation's interventions (docs/contracts.md#interventions-file:
`drogscen import_interventions FILE`): the template workbook (XLSX: sheets
`interventions`, `targets`, `progress`; see `workbook.py`) or a CSV with the columns of
the `interventions` sheet.

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

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from drogscen.audit.models import AuditEntry
from drogscen.audit.recorder import record
from drogscen.core import access, imports
from drogscen.core.imports import FieldInvalid, ImportProblem, ImportRejected, ImportResult
from drogscen.interventions import services
from drogscen.interventions.models import Intervention, Target
from drogscen.interventions.workbook import LIST_SEPARATOR, SHEETS

ACCEPTED = ("csv", "xlsx")
MACRO_PARTS = ("xl/vbaProject.bin", "xl/macrosheets/", "xl/dialogsheets/")


# --- values ------------------------------------------------------------------------------


def int_value(value: Any, *, required: bool, minimum: int = 0) -> int | None:
    """A whole number ≥ `minimum`; a spreadsheet's 12.0 is 12, text "12" is 12."""
    if imports.is_blank(value):
        if required:
            raise FieldInvalid(_("is required"))
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.lstrip("+-").isdigit() and text.isascii():
            number = int(text)
    if number is None:
        raise FieldInvalid(
            _("must be a whole number, not %(value)s") % {"value": imports._shown(value)}
        )
    if number < minimum:
        if minimum == 0:
            raise FieldInvalid(_("must not be negative"))
        raise FieldInvalid(_("must be at least %(minimum)s") % {"minimum": minimum})
    return number


def code_list(value: Any) -> list[str]:
    """Codes separated by ';' (or ','), in order, each once."""
    text = imports.text_value(value, required=False)
    parts = [part.strip() for part in text.replace(",", LIST_SEPARATOR).split(LIST_SEPARATOR)]
    return list(dict.fromkeys(part for part in parts if part))


# --- parsing one row (no database: the known codes come in as dictionaries) -------------


@dataclass(frozen=True)
class Codes:
    """What a row's codes may name, for the writer: organisations they may record work
    for, every method, the scenes they see, the municipalities."""

    organisations: dict[str, Any]
    methods: dict[str, Any]
    scenes: dict[str, Any]
    municipalities: dict[str, Any]
    all_organisations: frozenset[str] = frozenset()
    all_scenes: frozenset[str] = frozenset()


@dataclass
class InterventionRow:
    organisation: Any = None
    ref: str = ""
    title: str = ""
    methods: list = field(default_factory=list)
    scenes: list = field(default_factory=list)
    municipality: Any = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = Intervention.Status.PLANNED
    target_groups: list[str] = field(default_factory=list)
    description: str = ""
    resources_hours: int | None = None
    resources_sek: int | None = None


Problems = list[tuple[str, str]]  # (column, message)


def _take(problems: Problems, column: str, parse: Callable[[], Any], default: Any = None) -> Any:
    try:
        return parse()
    except FieldInvalid as exc:
        problems.append((column, str(exc)))
        return default


def _cell(
    problems: Problems,
    values: dict[str, Any],
    column: str,
    parse: Callable[[Any], Any],
    default: Any = None,
) -> Any:
    """The column's value parsed, or `default` with the problem noted."""
    try:
        return parse(values.get(column))
    except FieldInvalid as exc:
        problems.append((column, str(exc)))
        return default


def _required_text(value: Any) -> str:
    return imports.text_value(value, required=True)


def _required_date(value: Any) -> date | None:
    return imports.date_value(value, required=True)


def _organisation(value: Any, codes: Codes) -> Any:
    code = imports.text_value(value, required=True)
    if code in codes.organisations:
        return codes.organisations[code]
    if code in codes.all_organisations:
        raise FieldInvalid(
            _("%(code)s is not an organisation you record work for") % {"code": code}
        )
    raise FieldInvalid(_("unknown organisation code %(code)s") % {"code": repr(code)})


def _ref(value: Any) -> str:
    ref = imports.text_value(value, required=True)
    if len(ref) > 64 or not (ref[:1].isalnum() and all(c.isalnum() or c in "._-" for c in ref)):
        raise FieldInvalid(
            _("use letters, digits, '.', '_' and '-' only, starting with a letter or digit")
        )
    return ref


def _known(values: list[str], known: dict[str, Any], message: str) -> list:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise FieldInvalid(message % {"codes": ", ".join(unknown)})
    return [known[v] for v in values]


def parse_intervention_row(
    values: dict[str, Any], codes: Codes
) -> tuple[InterventionRow, Problems]:
    """One row of the `interventions` sheet: the values it gives and what is wrong with
    it, column by column. Never raises for bad content."""
    problems: Problems = []
    row = InterventionRow()
    row.organisation = _cell(problems, values, "organisation", partial(_organisation, codes=codes))
    row.ref = _take(problems, "ref", lambda: _ref(values.get("ref")), "")
    row.title = _take(
        problems, "title", lambda: imports.text_value(values.get("title"), required=True), ""
    )
    if len(row.title) > 200:
        problems.append(("title", _("is longer than 200 characters")))

    def methods():
        found = _known(
            code_list(values.get("methods")), codes.methods, _("unknown method codes: %(codes)s")
        )
        if not found:
            raise FieldInvalid(_("name at least one method"))
        return found

    row.methods = _take(problems, "methods", methods, [])

    def scenes():
        refs = code_list(values.get("scenes"))
        # A scene the user does not see reads as unknown: its existence is not confirmed.
        return _known(refs, codes.scenes, _("unknown scene references: %(codes)s"))

    row.scenes = _take(problems, "scenes", scenes, [])

    def municipality():
        code = imports.text_value(values.get("municipality"), required=False)
        if not code:
            return None
        if code not in codes.municipalities:
            raise FieldInvalid(_("unknown municipality code %(code)s") % {"code": repr(code)})
        return codes.municipalities[code]

    row.municipality = _take(problems, "municipality", municipality)
    if (
        not row.scenes
        and row.municipality is None
        and not any(column in {"scenes", "municipality"} for column, _m in problems)
    ):
        problems.append(("scenes", _("name at least one scene or the municipality")))
    row.starts_on = _take(
        problems, "starts_on", lambda: imports.date_value(values.get("starts_on"), required=True)
    )
    row.ends_on = _take(
        problems, "ends_on", lambda: imports.date_value(values.get("ends_on"), required=False)
    )
    if row.starts_on and row.ends_on and row.ends_on < row.starts_on:
        problems.append(("ends_on", _("the end date is before the start date")))

    def status():
        code = imports.text_value(values.get("status"), required=True)
        if code not in Intervention.Status.values:
            raise FieldInvalid(
                _("unknown status %(code)s; use one of %(codes)s")
                % {"code": repr(code), "codes": ", ".join(Intervention.Status.values)}
            )
        return code

    row.status = _take(problems, "status", status, Intervention.Status.PLANNED)

    def groups():
        found = code_list(values.get("target_groups"))
        unknown = [g for g in found if g not in Intervention.TargetGroup.values]
        if unknown:
            raise FieldInvalid(
                _("unknown target groups: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return found

    row.target_groups = _take(problems, "target_groups", groups, [])
    row.description = _take(
        problems,
        "description",
        lambda: imports.text_value(values.get("description"), required=False),
        "",
    )
    row.resources_hours = _take(
        problems,
        "resources_hours",
        lambda: int_value(values.get("resources_hours"), required=False),
    )
    row.resources_sek = _take(
        problems, "resources_sek", lambda: int_value(values.get("resources_sek"), required=False)
    )
    return row, problems


# --- reading the file --------------------------------------------------------------------


@dataclass
class SheetRow:
    sheet: str
    number: int
    values: dict[str, Any]

    def where(self, csv_file: bool) -> str:
        row = imports.row_label(self.number)
        if csv_file:
            return row
        return _("sheet %(sheet)s, %(row)s") % {"sheet": self.sheet, "row": row}


def _refused(label: str, message: str, where: str = "", column: str = "") -> ImportRejected:
    return ImportRejected([ImportProblem(label, where, column, message)])


def _rows_from(records: list[tuple[int, list[Any]]], sheet: str, label: str, where_sheet: str):
    columns = SHEETS[sheet]
    while records and all(imports.is_blank(v) for v in records[0][1]):
        records.pop(0)
    if not records:
        raise _refused(label, _("has no header row"), where_sheet)
    header_number, header = records[0]
    names = [str(v).strip() if v is not None else "" for v in header]
    if missing := [c for c in columns if c not in names]:
        raise _refused(
            label,
            _("is not the template: the column %(columns)s is missing")
            % {"columns": ", ".join(missing)},
            where_sheet,
        )
    index = {name: names.index(name) for name in columns}
    rows = []
    for number, cells in records[1:]:
        if all(imports.is_blank(v) for v in cells):
            continue
        values = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
        rows.append(SheetRow(sheet, number, values))
    return rows


def read_xlsx(path: Path, label: str) -> dict[str, list[SheetRow]]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        message = _("cannot be read as a workbook: %(error)s") % {"error": exc}
        raise _refused(label, message) from None
    if any(name.startswith(MACRO_PARTS) for name in names):
        raise _refused(
            label,
            _("is a macro-enabled workbook; save it as an ordinary Excel workbook (.xlsx)"),
        )
    from openpyxl import load_workbook

    try:
        # A file object: openpyxl would otherwise judge the file by its name's extension.
        workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _refused(
            label, _("cannot be read as a workbook: %(error)s") % {"error": exc}
        ) from None
    try:
        missing = [name for name in SHEETS if name not in workbook.sheetnames]
        if missing:
            raise _refused(
                label,
                _("is not the template: the sheet %(sheets)s is missing")
                % {"sheets": ", ".join(missing)},
            )
        sheets = {}
        for name in SHEETS:
            records = [
                (number, list(cells))
                for number, cells in enumerate(workbook[name].iter_rows(values_only=True), 1)
            ]
            sheets[name] = _rows_from(records, name, label, _("sheet %(sheet)s") % {"sheet": name})
        return sheets
    except ImportRejected:
        raise
    except Exception as exc:
        raise _refused(
            label, _("cannot be read as a workbook: %(error)s") % {"error": exc}
        ) from None
    finally:
        workbook.close()


def read_csv(path: Path, label: str) -> dict[str, list[SheetRow]]:
    """A CSV holds the `interventions` sheet only (targets and progress need the
    workbook). Comma or, as Excel writes it in Swedish, semicolon."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(label, _("is not UTF-8 text")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if "," not in first and ";" in first else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = list(enumerate(reader, 1))
    except csv.Error as exc:
        raise _refused(label, _("cannot be read as CSV: %(error)s") % {"error": exc}) from None
    rows = _rows_from(records, "interventions", label, "")
    return {"interventions": rows, "targets": [], "progress": []}


# --- checking ----------------------------------------------------------------------------


def _codes(by) -> Codes:
    from drogscen.accounts.models import Organisation
    from drogscen.geo.models import Municipality
    from drogscen.interventions.models import Method
    from drogscen.scenes.models import Scene

    organisations = {o.code: o for o in Organisation.objects.all()}
    scenes = Scene.objects.defer("geometry")
    if by is None:
        writable, visible = organisations, {s.ref: s for s in scenes}
    else:
        writable = {
            c: o
            for c, o in organisations.items()
            if access.may_write_for_organisation(by, o, access.ADD)
        }
        visible = {s.ref: s for s in access.restrict(scenes, by, access.VIEW)}
    return Codes(
        organisations=writable,
        methods={m.code: m for m in Method.objects.all()},
        scenes=visible,
        municipalities={m.code: m for m in Municipality.objects.defer("geometry")},
        all_organisations=frozenset(organisations),
    )


MODEL_FIELD_COLUMN = {"period_end": "period_end", "period_start": "period_start"}


def _model_problems(instance, exclude: list[str]) -> Problems:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False, validate_unique=False)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return [("", " ".join(error.messages))]
        return [
            (name if name != "__all__" else "", " ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    return []


@dataclass
class _Planned:
    row: SheetRow
    kind: str  # "create", "update", "unchanged"
    data: Any
    existing: Any = None


def _intervention_content(i: InterventionRow | Intervention, visible: set[int]) -> tuple:
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


def interventions_import(
    *, path, by=None, dry_run: bool = False, label: str | None = None
) -> ImportResult:
    """Record the file's interventions, targets and progress in one transaction, all or
    nothing (rules in the module docstring). `by` is the writer (None: the operator,
    any organisation). Raises ImportRejected, writing nothing."""
    path = Path(path)
    label = label or path.name
    kind = imports.file_checked(
        path, label=label, accepted=ACCEPTED, expected=_("the template workbook (XLSX) or CSV")
    )
    sheets = read_xlsx(path, label) if kind == "xlsx" else read_csv(path, label)
    csv_file = kind == "csv"
    codes = _codes(by)
    problems: list[ImportProblem] = []

    def problem(row: SheetRow, column: str, message: str) -> None:
        problems.append(ImportProblem(label, row.where(csv_file), column, message))

    # Interventions.
    parsed: dict[tuple[str, str], tuple[SheetRow, InterventionRow]] = {}
    for sheet_row in sheets["interventions"]:
        row, row_problems = parse_intervention_row(sheet_row.values, codes)
        if not row_problems:
            candidate = Intervention(
                organisation=row.organisation,
                ref=row.ref,
                title=row.title,
                description=row.description,
                municipality=row.municipality,
                target_groups=row.target_groups,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                status=row.status,
                resources_hours=row.resources_hours,
                resources_sek=row.resources_sek,
            )
            row_problems = _model_problems(candidate, exclude=["organisation", "municipality"])
        for column, message in row_problems:
            problem(sheet_row, column, message)
        if row.organisation is not None and row.ref:
            key = (row.organisation.code, row.ref)
            if key in parsed:
                problem(
                    sheet_row,
                    "ref",
                    _("the same reference as %(row)s") % {"row": parsed[key][0].where(csv_file)},
                )
            elif not row_problems:
                parsed[key] = (sheet_row, row)

    existing = {
        (i.organisation.code, i.ref): i
        for i in Intervention.objects.filter(
            organisation__code__in={k[0] for k in parsed} | set(codes.organisations)
        )
        .select_related("organisation")
        .prefetch_related("methods", "scenes", "targets__progress_reports")
        if i.ref
    }

    # Targets.
    targets: dict[tuple[str, str, str, date], tuple[SheetRow, dict]] = {}
    for sheet_row in sheets["targets"]:
        row_problems: Problems = []
        v = sheet_row.values
        organisation = _cell(row_problems, v, "organisation", partial(_organisation, codes=codes))
        ref = _cell(row_problems, v, "intervention_ref", _ref, "")
        data = {
            "description": _cell(row_problems, v, "description", _required_text, ""),
            "unit": _cell(row_problems, v, "unit", _required_text, ""),
            "planned_quantity": _cell(
                row_problems, v, "planned_quantity", partial(int_value, required=True, minimum=1)
            ),
            "period_start": _cell(row_problems, v, "period_start", _required_date),
            "period_end": _cell(row_problems, v, "period_end", _required_date),
        }
        if organisation is not None and ref:
            key = (organisation.code, ref)
            if key not in parsed and key not in existing:
                row_problems.append(
                    (
                        "intervention_ref",
                        _("no intervention %(ref)s of %(organisation)s in the file or recorded")
                        % {"ref": ref, "organisation": organisation.code},
                    )
                )
        if not row_problems:
            row_problems = _model_problems(Target(**data), exclude=["intervention"])
        for column, message in row_problems:
            problem(sheet_row, column, message)
        if not row_problems:
            target_key = (organisation.code, ref, data["unit"], data["period_start"])
            if target_key in targets:
                problem(
                    sheet_row,
                    "unit",
                    _("the same target (unit and period start) as %(row)s")
                    % {"row": targets[target_key][0].where(csv_file)},
                )
            else:
                targets[target_key] = (sheet_row, data)

    def recorded_target(key) -> Target | None:
        intervention = existing.get(key[:2])
        if intervention is None:
            return None
        return next(
            (
                t
                for t in intervention.targets.all()
                if t.unit == key[2] and t.period_start == key[3]
            ),
            None,
        )

    # Progress.
    reports: dict[tuple, tuple[SheetRow, int]] = {}
    for sheet_row in sheets["progress"]:
        row_problems = []
        v = sheet_row.values
        organisation = _cell(row_problems, v, "organisation", partial(_organisation, codes=codes))
        ref = _cell(row_problems, v, "intervention_ref", _ref, "")
        unit = _cell(row_problems, v, "target_unit", _required_text, "")
        start = _cell(row_problems, v, "target_start", _required_date)
        period = _cell(row_problems, v, "period", _required_date)
        actual = _cell(row_problems, v, "actual_quantity", partial(int_value, required=True))
        if not row_problems:
            key = (organisation.code, ref, unit, start)
            target = targets.get(key, (None, None))[1]
            recorded = recorded_target(key)
            end = target["period_end"] if target else (recorded.period_end if recorded else None)
            if target is None and recorded is None:
                row_problems.append(
                    (
                        "target_unit",
                        _("no target in %(unit)s from %(start)s of the intervention %(ref)s")
                        % {"unit": unit, "start": start, "ref": ref},
                    )
                )
            elif period.day != 1:
                row_problems.append(
                    ("period", _("give the first day of the month or quarter reported on"))
                )
            elif not start.replace(day=1) <= period <= end:
                row_problems.append(
                    (
                        "period",
                        _("must lie within the target's period, %(start)s to %(end)s")
                        % {"start": start, "end": end},
                    )
                )
            elif (key, period) in reports:
                row_problems.append(
                    (
                        "period",
                        _("the same period as %(row)s")
                        % {"row": reports[(key, period)][0].where(csv_file)},
                    )
                )
        for column, message in row_problems:
            problem(sheet_row, column, message)
        if not row_problems:
            reports[(key, period)] = (sheet_row, actual)

    if problems:
        raise ImportRejected(problems)

    # The plan: what each row would do.
    visible = {s.pk for s in codes.scenes.values()}
    plan: list[_Planned] = []
    for key, (sheet_row, row) in parsed.items():
        recorded = existing.get(key)
        if recorded is None:
            plan.append(_Planned(sheet_row, "create", row))
        elif _intervention_content(recorded, visible) == _intervention_content(row, visible):
            plan.append(_Planned(sheet_row, "unchanged", row, recorded))
        else:
            plan.append(_Planned(sheet_row, "update", row, recorded))
    target_plan: list[_Planned] = []
    for key, (sheet_row, data) in targets.items():
        recorded = recorded_target(key)
        if recorded is None:
            target_plan.append(_Planned(sheet_row, "create", (key, data)))
        elif all(getattr(recorded, f) == data[f] for f in data):
            target_plan.append(_Planned(sheet_row, "unchanged", (key, data), recorded))
        else:
            target_plan.append(_Planned(sheet_row, "update", (key, data), recorded))
    report_plan: list[_Planned] = []
    for (key, period), (sheet_row, actual) in reports.items():
        recorded = recorded_target(key)
        earlier = (
            next((r for r in recorded.progress_reports.all() if r.period == period), None)
            if recorded
            else None
        )
        if earlier is None:
            report_plan.append(_Planned(sheet_row, "create", (key, period, actual)))
        elif earlier.actual_quantity == actual:
            report_plan.append(_Planned(sheet_row, "unchanged", (key, period, actual), earlier))
        else:
            report_plan.append(_Planned(sheet_row, "update", (key, period, actual), earlier))

    everything = plan + target_plan + report_plan
    result = ImportResult(
        read=sum(len(rows) for rows in sheets.values()),
        created=sum(p.kind == "create" for p in everything),
        updated=sum(p.kind == "update" for p in everything),
        unchanged=sum(p.kind == "unchanged" for p in everything),
        dry_run=dry_run,
    )
    if dry_run or not (result.created or result.updated):
        return result
    content = path.read_bytes()
    current: _Planned | None = None  # the row being written, for a late refusal
    try:
        with transaction.atomic():
            written: dict[tuple[str, str], Intervention] = {}
            for item in plan:
                current = item
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
                key = (row.organisation.code, row.ref)
                if item.kind == "create":
                    written[key] = services.intervention_create(
                        organisation=row.organisation,
                        ref=row.ref,
                        scenes=row.scenes,
                        by=by,
                        **fields,
                    )
                elif item.kind == "update":
                    # Links to scenes the writer does not see stay as they are.
                    kept = [s for s in item.existing.scenes.all() if s.pk not in visible]
                    written[key] = services.intervention_update(
                        intervention=item.existing,
                        expected_version=None,
                        scenes=[*row.scenes, *kept],
                        by=by,
                        **fields,
                    )
                else:
                    written[key] = item.existing
            intervention_of = {**existing, **written}
            target_of: dict[tuple, Target] = {}
            for item in target_plan:
                current = item
                key, data = item.data
                if item.kind == "create":
                    target_of[key] = services.target_add(
                        intervention=intervention_of[key[:2]], by=by, **data
                    )
                elif item.kind == "update":
                    target_of[key] = services.target_update(target=item.existing, by=by, **data)
                else:
                    target_of[key] = item.existing
            for item in report_plan:
                current = item
                key, period, actual = item.data
                if item.kind == "unchanged":
                    continue
                target = target_of.get(key) or recorded_target(key)
                services.progress_report(
                    target=target, period=period, actual_quantity=actual, by=by
                )
            current = None
            record(
                action=AuditEntry.Action.IMPORT,
                model=Intervention,
                object_repr=label,
                changes={
                    "file": label,
                    "format": kind,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    **result.counts(),
                },
            )
    except ValidationError as error:
        # A rule only the write can check (e.g. progress already reported outside a
        # changed target period): nothing was written.
        where = current.row.where(csv_file) if current else ""
        messages = (
            [(k if k != "__all__" else "", " ".join(v)) for k, v in error.message_dict.items()]
            if hasattr(error, "error_dict")
            else [("", " ".join(error.messages))]
        )
        raise ImportRejected(
            [ImportProblem(label, where, column, message) for column, message in messages]
        ) from None
    return result
