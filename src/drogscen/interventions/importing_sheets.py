"""Checking the sheets of the interventions template (`importing.py` runs the import):
one function per sheet — `check_interventions`, `check_targets`, `check_progress` — each
collecting its problems in the import's `RowChecker`, named "sheet S, row N, column"
(a CSV, holding the interventions sheet only, by "row N").

A row is read by a parser that never raises for bad content (`parse_intervention_row`,
`parse_target_row`, `parse_progress_row`: the values and their problems, column by
column, against the codes the writer may use), then checked against the model's rules
and the other rows (one row per key) and what is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from drogscen.accounts.models import Organisation
from drogscen.core import access
from drogscen.core.imports import (
    FieldInvalid,
    ImportRejected,
    Progress,
    RowChecker,
    date_value,
    is_blank,
    row_label,
    shown,
    text_value,
)
from drogscen.core.imports.readers import Records
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.interventions.workbook import LIST_SEPARATOR, SHEETS
from drogscen.scenes.models import Scene

Problems = list[tuple[str, str]]  # (column, message)
InterventionKey = tuple[str, str]  # (organisation code, ref)
TargetKey = tuple[str, str, str, date]  # (organisation code, ref, unit, period start)


# --- values ------------------------------------------------------------------------------


def int_value(value: Any, *, required: bool, minimum: int = 0) -> int | None:
    """A whole number ≥ `minimum`; a spreadsheet's 12.0 is 12, text "12" is 12."""
    if is_blank(value):
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
        raise FieldInvalid(_("must be a whole number, not %(value)s") % {"value": shown(value)})
    if number < minimum:
        if minimum == 0:
            raise FieldInvalid(_("must not be negative"))
        raise FieldInvalid(_("must be at least %(minimum)s") % {"minimum": minimum})
    return number


def code_list(value: Any) -> list[str]:
    """Codes separated by ';' (or ','), in order, each once."""
    text = text_value(value, required=False)
    parts = [part.strip() for part in text.replace(",", LIST_SEPARATOR).split(LIST_SEPARATOR)]
    return list(dict.fromkeys(part for part in parts if part))


# --- what the codes may name -------------------------------------------------------------


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


def codes_for(by) -> Codes:
    """The codes `by` may use (None: the operator, every organisation and scene)."""
    organisations = {o.code: o for o in Organisation.objects.all()}
    scenes = Scene.objects.defer("geometry")
    if by is None:
        writable, visible = organisations, {s.ref: s for s in scenes}
    else:
        writable = {
            code: organisation
            for code, organisation in organisations.items()
            if access.may_write_for_organisation(by, organisation, access.ADD)
        }
        visible = {s.ref: s for s in access.restrict(scenes, by, access.VIEW)}
    return Codes(
        organisations=writable,
        methods={m.code: m for m in Method.objects.all()},
        scenes=visible,
        municipalities={m.code: m for m in Municipality.objects.defer("geometry")},
        all_organisations=frozenset(organisations),
    )


@dataclass
class Recorded:
    """The recorded interventions of the organisations the writer records work for, by
    (organisation code, ref), with their methods, scenes, targets and progress."""

    interventions: dict[InterventionKey, Intervention]

    @classmethod
    def fetch(cls, codes: Codes) -> Recorded:
        found = (
            Intervention.objects.filter(organisation__code__in=set(codes.organisations))
            .select_related("organisation")
            .prefetch_related("methods", "scenes", "targets__progress_reports")
        )
        return cls({(i.organisation.code, i.ref): i for i in found if i.ref})

    def target(self, key: TargetKey) -> Target | None:
        intervention = self.interventions.get(key[:2])
        if intervention is None:
            return None
        return next(
            (t for t in intervention.targets.all() if (t.unit, t.period_start) == key[2:]),
            None,
        )

    def report(self, key: TargetKey, period: date) -> TargetProgress | None:
        target = self.target(key)
        if target is None:
            return None
        return next((r for r in target.progress_reports.all() if r.period == period), None)


# --- the sheets as rows ------------------------------------------------------------------


@dataclass
class SheetRow:
    sheet: str
    number: int
    values: dict[str, Any]
    csv_file: bool = False

    @property
    def where(self) -> str:
        row = row_label(self.number)
        if self.csv_file:
            return row
        return _("sheet %(sheet)s, %(row)s") % {"sheet": self.sheet, "row": row}


def sheet_rows(records: dict[str, Records], *, label: str) -> dict[str, list[SheetRow]]:
    """The template's sheets as rows of named cells, from the workbook's sheets or a CSV
    (read as the sheet ""), which holds the interventions only: targets and progress
    need the workbook. A sheet without one of the template's columns refuses the file."""
    if "" in records:
        rows = _named_rows(records[""], "interventions", label, csv_file=True)
        return {"interventions": rows, "targets": [], "progress": []}
    return {name: _named_rows(records[name], name, label, csv_file=False) for name in SHEETS}


def _named_rows(records: Records, sheet: str, label: str, *, csv_file: bool) -> list[SheetRow]:
    columns = SHEETS[sheet]
    if missing := [column for column in columns if column not in records.header]:
        raise ImportRejected.of_file(
            label,
            _("is not the template: the column %(columns)s is missing")
            % {"columns": ", ".join(missing)},
            where="" if csv_file else _("sheet %(sheet)s") % {"sheet": sheet},
        )
    index = {name: records.header.index(name) for name in columns}
    return [
        SheetRow(
            sheet,
            number,
            {name: cells[i] if i < len(cells) else None for name, i in index.items()},
            csv_file,
        )
        for number, cells in records.rows
    ]


def _report(checker: RowChecker, row: SheetRow, problems: Problems) -> None:
    for column, message in problems:
        checker.add(row.where, column, message)


def model_problems(instance, exclude: list[str]) -> Problems:
    """The model's own rules (full_clean, including the personal-data guard)."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False, validate_unique=False)
    except ValidationError as error:
        return validation_problems(error)
    return []


def validation_problems(error: ValidationError) -> Problems:
    if not hasattr(error, "error_dict"):
        return [("", " ".join(error.messages))]
    return [
        (name if name != "__all__" else "", " ".join(messages))
        for name, messages in error.message_dict.items()
    ]


# --- one cell ----------------------------------------------------------------------------


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
    return text_value(value, required=True)


def _optional_text(value: Any) -> str:
    return text_value(value, required=False)


def _required_date(value: Any) -> date | None:
    return date_value(value, required=True)


def _optional_date(value: Any) -> date | None:
    return date_value(value, required=False)


def _optional_int(value: Any) -> int | None:
    return int_value(value, required=False)


def _organisation(value: Any, codes: Codes) -> Any:
    code = text_value(value, required=True)
    if code in codes.organisations:
        return codes.organisations[code]
    if code in codes.all_organisations:
        raise FieldInvalid(
            _("%(code)s is not an organisation you record work for") % {"code": code}
        )
    raise FieldInvalid(_("unknown organisation code %(code)s") % {"code": repr(code)})


def _ref(value: Any) -> str:
    ref = text_value(value, required=True)
    if len(ref) > 64 or not (ref[:1].isalnum() and all(c.isalnum() or c in "._-" for c in ref)):
        raise FieldInvalid(
            _("use letters, digits, '.', '_' and '-' only, starting with a letter or digit")
        )
    return ref


def _known(values: list[str], known: dict[str, Any], message: str) -> list:
    if unknown := [v for v in values if v not in known]:
        raise FieldInvalid(message % {"codes": ", ".join(unknown)})
    return [known[v] for v in values]


def _methods(value: Any, codes: Codes) -> list:
    found = _known(code_list(value), codes.methods, _("unknown method codes: %(codes)s"))
    if not found:
        raise FieldInvalid(_("name at least one method"))
    return found


def _scenes(value: Any, codes: Codes) -> list:
    # A scene the user does not see reads as unknown: its existence is not confirmed.
    return _known(code_list(value), codes.scenes, _("unknown scene references: %(codes)s"))


def _municipality(value: Any, codes: Codes) -> Any:
    code = text_value(value, required=False)
    if not code:
        return None
    if code not in codes.municipalities:
        raise FieldInvalid(_("unknown municipality code %(code)s") % {"code": repr(code)})
    return codes.municipalities[code]


def _status(value: Any) -> str:
    code = text_value(value, required=True)
    if code not in Intervention.Status.values:
        raise FieldInvalid(
            _("unknown status %(code)s; use one of %(codes)s")
            % {"code": repr(code), "codes": ", ".join(Intervention.Status.values)}
        )
    return code


def _target_groups(value: Any) -> list[str]:
    found = code_list(value)
    if unknown := [g for g in found if g not in Intervention.TargetGroup.values]:
        raise FieldInvalid(_("unknown target groups: %(codes)s") % {"codes": ", ".join(unknown)})
    return found


# --- the interventions sheet -------------------------------------------------------------


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

    def candidate(self) -> Intervention:
        """An unsaved intervention of the row's values, for the model's rules."""
        return Intervention(
            organisation=self.organisation,
            ref=self.ref,
            title=self.title,
            description=self.description,
            municipality=self.municipality,
            target_groups=self.target_groups,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            status=self.status,
            resources_hours=self.resources_hours,
            resources_sek=self.resources_sek,
        )


def parse_intervention_row(
    values: dict[str, Any], codes: Codes
) -> tuple[InterventionRow, Problems]:
    """One row of the `interventions` sheet: the values it gives and what is wrong with
    it, column by column. Never raises for bad content."""
    problems: Problems = []
    cell = partial(_cell, problems, values)
    row = InterventionRow()
    row.organisation = cell("organisation", partial(_organisation, codes=codes))
    row.ref = cell("ref", _ref, "")
    row.title = cell("title", _required_text, "")
    if len(row.title) > 200:
        problems.append(("title", _("is longer than 200 characters")))
    row.methods = cell("methods", partial(_methods, codes=codes), [])
    row.scenes = cell("scenes", partial(_scenes, codes=codes), [])
    row.municipality = cell("municipality", partial(_municipality, codes=codes))
    if (
        not row.scenes
        and row.municipality is None
        and not any(column in {"scenes", "municipality"} for column, _m in problems)
    ):
        problems.append(("scenes", _("name at least one scene or the municipality")))
    row.starts_on = cell("starts_on", _required_date)
    row.ends_on = cell("ends_on", _optional_date)
    if row.starts_on and row.ends_on and row.ends_on < row.starts_on:
        problems.append(("ends_on", _("the end date is before the start date")))
    row.status = cell("status", _status, Intervention.Status.PLANNED)
    row.target_groups = cell("target_groups", _target_groups, [])
    row.description = cell("description", _optional_text, "")
    row.resources_hours = cell("resources_hours", _optional_int)
    row.resources_sek = cell("resources_sek", _optional_int)
    return row, problems


def check_interventions(
    rows: list[SheetRow], *, codes: Codes, checker: RowChecker, progress: Progress
) -> dict[InterventionKey, tuple[SheetRow, InterventionRow]]:
    """The `interventions` sheet: every row by the parser and the model's rules, one row
    per organisation and ref. The valid rows by their key."""
    parsed: dict[InterventionKey, tuple[SheetRow, InterventionRow]] = {}
    for sheet_row in progress.over(rows, total=len(rows)):
        row, problems = parse_intervention_row(sheet_row.values, codes)
        if not problems:
            problems = model_problems(row.candidate(), exclude=["organisation", "municipality"])
        _report(checker, sheet_row, problems)
        if row.organisation is None or not row.ref:
            continue
        key = (row.organisation.code, row.ref)
        if key in parsed:
            checker.add(
                sheet_row.where,
                "ref",
                _("the same reference as %(row)s") % {"row": parsed[key][0].where},
            )
        elif not problems:
            parsed[key] = (sheet_row, row)
    return parsed


# --- the targets sheet -------------------------------------------------------------------


def parse_target_row(
    values: dict[str, Any], codes: Codes, interventions: Collection[InterventionKey]
) -> tuple[TargetKey | None, dict[str, Any], Problems]:
    """One row of the `targets` sheet: its key, the target's values and what is wrong;
    its intervention must be in `interventions` (of the file or recorded)."""
    problems: Problems = []
    cell = partial(_cell, problems, values)
    organisation = cell("organisation", partial(_organisation, codes=codes))
    ref = cell("intervention_ref", _ref, "")
    data = {
        "description": cell("description", _required_text, ""),
        "unit": cell("unit", _required_text, ""),
        "planned_quantity": cell("planned_quantity", partial(int_value, required=True, minimum=1)),
        "period_start": cell("period_start", _required_date),
        "period_end": cell("period_end", _required_date),
    }
    if organisation is not None and ref and (organisation.code, ref) not in interventions:
        problems.append(
            (
                "intervention_ref",
                _("no intervention %(ref)s of %(organisation)s in the file or recorded")
                % {"ref": ref, "organisation": organisation.code},
            )
        )
    if not problems:
        problems = model_problems(Target(**data), exclude=["intervention"])
    if problems:
        return None, data, problems
    return (organisation.code, ref, data["unit"], data["period_start"]), data, []


def check_targets(
    rows: list[SheetRow],
    *,
    codes: Codes,
    interventions: Collection[InterventionKey],
    checker: RowChecker,
    progress: Progress,
) -> dict[TargetKey, tuple[SheetRow, dict[str, Any]]]:
    """The `targets` sheet: one row per intervention, unit and period start. The valid
    rows by their key."""
    targets: dict[TargetKey, tuple[SheetRow, dict[str, Any]]] = {}
    for sheet_row in progress.over(rows, total=len(rows)):
        key, data, problems = parse_target_row(sheet_row.values, codes, interventions)
        if key is not None and key in targets:
            problems = [
                (
                    "unit",
                    _("the same target (unit and period start) as %(row)s")
                    % {"row": targets[key][0].where},
                )
            ]
        elif key is not None:
            targets[key] = (sheet_row, data)
        _report(checker, sheet_row, problems)
    return targets


# --- the progress sheet ------------------------------------------------------------------


def parse_progress_row(
    values: dict[str, Any], codes: Codes
) -> tuple[TargetKey | None, date | None, int | None, Problems]:
    """One row of the `progress` sheet: its target's key, the period and the quantity
    reported, and what is wrong with them."""
    problems: Problems = []
    cell = partial(_cell, problems, values)
    organisation = cell("organisation", partial(_organisation, codes=codes))
    ref = cell("intervention_ref", _ref, "")
    unit = cell("target_unit", _required_text, "")
    start = cell("target_start", _required_date)
    period = cell("period", _required_date)
    actual = cell("actual_quantity", partial(int_value, required=True))
    if problems:
        return None, period, actual, problems
    return (organisation.code, ref, unit, start), period, actual, []


def check_progress(
    rows: list[SheetRow],
    *,
    codes: Codes,
    targets: dict[TargetKey, tuple[SheetRow, dict[str, Any]]],
    recorded: Recorded,
    checker: RowChecker,
    progress: Progress,
) -> dict[tuple[TargetKey, date], tuple[SheetRow, int]]:
    """The `progress` sheet: each report is of a target in the file or recorded, for a
    month or quarter (its first day) within the target's period, once per period. The
    valid rows by (target key, period)."""
    reports: dict[tuple[TargetKey, date], tuple[SheetRow, int]] = {}
    for sheet_row in progress.over(rows, total=len(rows)):
        key, period, actual, problems = parse_progress_row(sheet_row.values, codes)
        if key is not None:
            problems = _period_problems(key, period, targets, recorded, reports)
        _report(checker, sheet_row, problems)
        if not problems:
            reports[(key, period)] = (sheet_row, actual)
    return reports


def _period_problems(
    key: TargetKey,
    period: date,
    targets: dict[TargetKey, tuple[SheetRow, dict[str, Any]]],
    recorded: Recorded,
    reports: dict[tuple[TargetKey, date], tuple[SheetRow, int]],
) -> Problems:
    _organisation, ref, unit, start = key
    in_file = targets[key][1] if key in targets else None
    earlier = recorded.target(key)
    if in_file is None and earlier is None:
        return [
            (
                "target_unit",
                _("no target in %(unit)s from %(start)s of the intervention %(ref)s")
                % {"unit": unit, "start": start, "ref": ref},
            )
        ]
    end = in_file["period_end"] if in_file else earlier.period_end
    if period.day != 1:
        return [("period", _("give the first day of the month or quarter reported on"))]
    if not start.replace(day=1) <= period <= end:
        return [
            (
                "period",
                _("must lie within the target's period, %(start)s to %(end)s")
                % {"start": start, "end": end},
            )
        ]
    if (key, period) in reports:
        return [
            ("period", _("the same period as %(row)s") % {"row": reports[(key, period)][0].where})
        ]
    return []
