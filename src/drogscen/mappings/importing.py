"""Import of earlier years' mappings from the old tool (docs/contracts.md#mappings-file):
CSV (UTF-8, header row), an XLSX or ODS workbook (its first sheet, the same columns) or
JSON Lines, one mapping per row, recorded as approved through
`services.mapping_record_approved`. `MappingsImport` is the kind's spec for the import
pipeline (docs/architecture.md#import-pipeline), which reads the file with the core
readers and records the one audit entry.

Every row is checked before anything is written, by the rules a mapping made in the
system meets (reference year and mapping window, the questionnaire in force for the
year: its option codes, relevance and required questions, the personal-data guard); one
bad row refuses the whole file. A scene may have several mappings in a year, on
different dates (the latest approved one by `mapped_on` is the year's); two rows of one
scene, year and date that differ are a conflict naming both rows. A row equal to a
mapping already recorded is left alone, so re-importing a file changes nothing; a row
that differs from the recorded mapping of its scene, year and date is refused, since an
approved mapping is changed by a correction in the system. A row that would record a
mapping of a year whose round is closed or published is refused until the coordination
office reopens the round.

Columns and the questionnaire questions they answer (`ANSWER_COLUMNS`):

    criteria → criteria        symptoms → symptoms        main_substance → main_substance
    near_transit → near_transit        sellers_origin, buyers_origin → the same
    police_methods → police_methods    partners → partner_types    notes → overall_assessment

`near_transit` is `true` or `false`; empty takes the scene's computed nearest station, as
the mapping form prefills it. In CSV and in a workbook an empty list cell is the answer
"none of these"; in JSON Lines a missing key or null is no answer and `[]` is "none of
these".
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drogscen.accounts.models import Organisation
from drogscen.core import access, imports
from drogscen.core.imports import readers
from drogscen.core.imports.pipeline import ImportFile, ImportSpec, Plan, Progress, entry_point
from drogscen.core.imports.problems import ImportProblem, ImportRejected, ImportResult
from drogscen.core.imports.values import FieldInvalid
from drogscen.geo.models import LocalPoliceArea
from drogscen.mappings import services
from drogscen.mappings.messages import problem_text
from drogscen.mappings.models import Mapping
from drogscen.questionnaires.definition import PROBLEM_MESSAGES, ValidationProblem
from drogscen.questionnaires.services import questionnaire_for_year
from drogscen.scenes.models import Scene

COLUMNS = (
    "scene_ref",
    "year",
    "mapped_on",
    "lead_lpo",
    "participants",
    "criteria",
    "symptoms",
    "main_substance",
    "near_transit",
    "sellers_origin",
    "buyers_origin",
    "police_methods",
    "partners",
    "notes",
)
# File column → the questionnaire question it answers.
ANSWER_COLUMNS = {
    "criteria": "criteria",
    "symptoms": "symptoms",
    "main_substance": "main_substance",
    "near_transit": "near_transit",
    "sellers_origin": "sellers_origin",
    "buyers_origin": "buyers_origin",
    "police_methods": "police_methods",
    "partners": "partner_types",
    "notes": "overall_assessment",
}
COLUMN_OF_QUESTION = {question: column for column, question in ANSWER_COLUMNS.items()}
LIST_COLUMNS = ("criteria", "symptoms", "police_methods", "partners")
CODE_COLUMNS = ("main_substance", "sellers_origin", "buyers_origin")
NEAR_TRANSIT_VALUES = {"true": "yes", "false": "no"}
# The revisions a row may equal: the approved one, or one a correction replaced (a file
# imported again after a correction in the system changes nothing).
RECORDED = (Mapping.Status.APPROVED, Mapping.Status.SUPERSEDED)
_YEAR_TEXT = re.compile(r"[0-9]{1,6}")


@dataclass
class _Row:
    """One row as read from the file, before any checking. `values` holds the file's
    columns: CSV cells as text, workbook cells in their types (a blank one as ""), JSON
    values as they are (a missing key is absent)."""

    number: int
    where: str
    values: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    # A row that cannot be checked column by column (a JSON line that is not an object,
    # a CSV row with fewer cells than the header): only its own problem is reported.
    unreadable: bool = False


@dataclass
class _Checked:
    row: _Row
    scene: Scene | None = None
    year: int | None = None
    mapped_on: date | None = None
    lead: LocalPoliceArea | None = None
    participants: list[Organisation] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    # Answers the file left to the system (near_transit from the nearest station): the
    # stored mapping is not "different" because the station data changed since.
    derived: frozenset[str] = frozenset()
    problems: list[tuple[str, str]] = field(default_factory=list)
    duplicate: bool = False  # an identical repeat of an earlier row of the file
    recorded: bool = False  # already in the database

    @property
    def key(self) -> tuple[int, int]:
        return (self.scene.pk, self.year)

    def content(self) -> tuple:
        return (
            self.mapped_on,
            self.lead.pk,
            frozenset(o.code for o in self.participants),
            _canonical(self.answers),
        )


class MappingsImport(ImportSpec):
    """Earlier years' mappings, recorded as approved (see the module's docstring)."""

    kind = "mappings"
    title = gettext_lazy("Mappings")
    accepted = ("csv", "xlsx", "ods", "jsonl")
    expected = gettext_lazy("CSV or JSON Lines (or an XLSX or ODS spreadsheet)")
    audit_model = "mappings.Mapping"
    description = gettext_lazy(
        "Earlier years' mappings, recorded as approved: one mapping per row in the columns "
        "of the mappings file, as CSV, an XLSX or ODS spreadsheet (its first sheet) or JSON "
        "Lines."
    )

    @classmethod
    def may_import(cls, user) -> bool:
        """Those who record mappings: the editors of a local police area (each row only
        for a scene of their own area, checked row by row)."""
        return access.can(user, access.ADD, Mapping)

    def read(self, file: ImportFile) -> list[_Row]:
        if file.kind == "jsonl":
            return _json_rows(file)
        return _table_rows(file)

    def check(
        self, rows: list[_Row], *, file: ImportFile, by, progress: Progress
    ) -> list[_Checked]:
        """Every row checked, then against the other rows; ImportRejected listing all
        problems when any row has one. With `by` (a user), only scenes that user may
        record mappings for are accepted; scenes the user cannot see read as unknown."""
        context = _Context(
            {ref for row in rows if (ref := _plain_ref(row.values.get("scene_ref")))}, by=by
        )
        checked = [_check_row(row, context) for row in progress.over(rows, total=len(rows))]
        _check_repeats([item for item in checked if not item.problems])
        if any(item.problems for item in checked):
            # The stored mappings are compared in `compare`; when the file is refused
            # anyway they are compared here, so that one attempt lists every problem.
            _compare_with_stored(_new(checked))
            raise _rejection(checked, file.label)
        return checked

    def compare(self, checked: list[_Checked], *, file: ImportFile, by, dry_run: bool) -> Plan:
        _compare_with_stored(_new(checked))
        if any(item.problems for item in checked):
            raise _rejection(checked, file.label)
        created = [item for item in checked if not item.duplicate and not item.recorded]
        result = ImportResult(
            read=len(checked), created=len(created), unchanged=len(checked) - len(created)
        )
        return Plan(result=result, data=created)

    def write(self, plan: Plan, *, file: ImportFile, by, progress: Progress) -> None:
        _write(plan.data, label=file.label, progress=progress)


# Record the file's mappings as approved; with `by`, only scenes that user may record
# mappings for are accepted.
mappings_import = entry_point(MappingsImport)


# --- reading -----------------------------------------------------------------------------


def _table_rows(file: ImportFile) -> list[_Row]:
    """The rows of a CSV or of a workbook's first sheet, numbered as a spreadsheet shows
    them (the header is row 1, unless blank rows come before it)."""
    records = _first_sheet(file)
    names = [name.casefold() for name in records.header]
    _check_header(names, file.label, imports.row_label(records.header_number))
    rows = [
        _table_row(number, cells, names, cells_may_end_early=file.kind != "csv")
        for number, cells in records.rows
    ]
    if not rows:
        raise ImportRejected.of_file(file.label, _("holds no mappings"))
    return rows


def _first_sheet(file: ImportFile) -> readers.Records:
    try:
        sheets = readers.read_records(file.path, label=file.label, kind=file.kind, first_sheet=True)
    except ImportRejected:
        # A CSV of nothing but blank lines has no header row: it is empty.
        if file.kind == "csv" and not readers.read_text(file.path, file.label).strip():
            raise ImportRejected.of_file(file.label, _("is empty")) from None
        raise
    if not sheets:
        raise ImportRejected.of_file(file.label, _("holds no mappings"))
    return next(iter(sheets.values()))


def _table_row(
    number: int, cells: list[Any], names: list[str], *, cells_may_end_early: bool
) -> _Row:
    """One row under the header. A blank workbook cell reads as an empty CSV cell. A
    spreadsheet leaves trailing empty cells out; a CSV row that is short of cells is
    broken and checked no further."""
    row = _Row(number, imports.row_label(number), {})
    for index, cell in enumerate(cells):
        name = names[index] if index < len(names) else ""
        if name:
            row.values[name] = "" if cell is None else cell
        elif not imports.is_blank(cell):
            row.problems.append(
                (
                    _("column %(number)s") % {"number": index + 1},
                    _("has a value but no column name in the header"),
                )
            )
    missing = [name for name in names[len(cells) :] if name]
    if cells_may_end_early:
        row.values.update(dict.fromkeys(missing, ""))
    elif missing:
        row.problems.append((missing[0], _("is missing: the row has fewer cells than the header")))
        row.unreadable = True
    return row


def _check_header(names: list[str], label: str, where: str) -> None:
    """Every column of docs/contracts.md#mappings-file present once, and no other (an
    unknown column is usually a misspelt one whose values would be lost). Columns without a name are
    ignored as long as their cells are empty."""
    named = [name for name in names if name]
    messages = []
    if duplicated := sorted({name for name in named if named.count(name) > 1}):
        messages.append(
            _("the columns %(columns)s appear more than once") % {"columns": ", ".join(duplicated)}
        )
    if missing := [name for name in COLUMNS if name not in named]:
        messages.append(
            _("the header lacks the columns %(columns)s") % {"columns": ", ".join(missing)}
        )
    if unknown := [name for name in dict.fromkeys(named) if name not in COLUMNS]:
        messages.append(
            _("%(columns)s: not columns of a mappings file, which has %(expected)s")
            % {"columns": ", ".join(unknown), "expected": ", ".join(COLUMNS)}
        )
    if messages:
        raise ImportRejected(ImportProblem(label, where, message=message) for message in messages)


def _json_rows(file: ImportFile) -> list[_Row]:
    """One JSON object per line; lines are numbered from 1, blank lines skipped."""
    rows: list[_Row] = []
    for index, (number, item, problem) in enumerate(readers.read_json_lines(file.path, file.label)):
        where = imports.line_label(number)
        if problem is None and not isinstance(item, dict):
            problem = _("must be a JSON object (one mapping)")
        if problem is not None:
            if index == 0:
                _refuse_json_document(file)
            rows.append(_Row(number, where, {}, [("", problem)], unreadable=True))
            continue
        row = _Row(number, where, {})
        for key, value in item.items():
            name = readers.column_name(key).casefold()
            if name in COLUMNS:
                row.values[name] = value
            else:
                row.problems.append(
                    (
                        key if key.strip() else repr(key),
                        _("is not a column of a mappings file, which has %(expected)s")
                        % {"expected": ", ".join(COLUMNS)},
                    )
                )
        rows.append(row)
    return rows


def _refuse_json_document(file: ImportFile) -> None:
    """A file whose first line is no object but which is one JSON document (an array of
    mappings, a pretty-printed object, GeoJSON) is in the wrong format."""
    try:
        readers.read_json_document(file.path, file.label)
    except ImportRejected:
        return  # not one document either: its lines' problems are listed
    raise ImportRejected.of_file(
        file.label, _("is a JSON document, not JSON Lines: write one mapping object per line")
    )


# --- checking ----------------------------------------------------------------------------


class _Context:
    """What every row is checked against, read once per import."""

    def __init__(self, refs: set[str], by=None) -> None:
        self.areas = {area.name: area for area in LocalPoliceArea.objects.all()}
        self.organisations = {o.code: o for o in Organisation.objects.all()}
        self.organisation_codes = set(self.organisations)
        self.by = by
        # Scenes a `--as` user cannot see are unknown to the import (no existence leak).
        self.visible = Scene.objects.all() if by is None else access.restrict(Scene.objects, by)
        self.scenes: dict[str, Scene] = {}
        ordered = sorted(refs)
        for start in range(0, len(ordered), 500):
            self.scenes.update(
                (scene.ref, scene)
                for scene in self.visible.filter(
                    ref__in=ordered[start : start + 500]
                ).select_related("local_police_area")
            )
        self._all_refs: list[str] | None = None
        self._questionnaires: dict[int, Any] = {}
        self._basic: dict[tuple[int, date], dict[str, list[str]]] = {}

    def all_refs(self) -> list[str]:
        if self._all_refs is None:
            self._all_refs = list(self.visible.values_list("ref", flat=True))
        return self._all_refs

    def questionnaire(self, year: int):
        if year not in self._questionnaires:
            self._questionnaires[year] = questionnaire_for_year(year=year)
        return self._questionnaires[year]

    def basic_problems(self, year: int, mapped_on: date) -> dict[str, list[str]]:
        key = (year, mapped_on)
        if key not in self._basic:
            self._basic[key] = services.basic_problems(
                year=year, mapped_on=mapped_on, participants=[]
            )
        return self._basic[key]


def _new(items: list[_Checked]) -> list[_Checked]:
    """The rows to compare with the stored mappings: valid, and not a repeat."""
    return [item for item in items if not item.problems and not item.duplicate]


def _rejection(items: list[_Checked], label: str) -> ImportRejected:
    return ImportRejected(
        ImportProblem(label, item.row.where, name, message)
        for item in items
        for name, message in sorted(item.problems, key=_column_order)
    )


def _column_order(problem: tuple[str, str]) -> int:
    """A row's problems in the order of the columns (the file's structure first)."""
    name = problem[0]
    return COLUMNS.index(name) + 1 if name in COLUMNS else (0 if not name else len(COLUMNS) + 1)


def _plain_ref(raw: Any) -> str | None:
    try:
        return _text(raw, required=True)
    except FieldInvalid:
        return None


def _check_row(row: _Row, context: _Context) -> _Checked:
    item = _Checked(row, problems=list(row.problems))
    if row.unreadable:
        return item

    def value(name: str, parse) -> Any:
        try:
            return parse(row.values.get(name))
        except FieldInvalid as exc:
            item.problems.append((name, str(exc)))
            return None

    item.scene = value("scene_ref", lambda raw: _scene(raw, context))
    item.year = value("year", _year)
    item.mapped_on = value("mapped_on", lambda raw: imports.date_value(raw, required=True))
    lead = value("lead_lpo", lambda raw: _police_area(raw, context))
    item.participants = value("participants", lambda raw: _organisations(raw, context)) or []
    item.lead = lead or (item.scene.local_police_area if item.scene else None)
    if item.year is None:
        return item
    # The year's range first (the service's rule), the window only for a readable date.
    in_range = services.FIRST_YEAR <= item.year <= date.max.year
    checked_on = item.mapped_on or (date(item.year, 1, 1) if in_range else date.min)
    basic = context.basic_problems(item.year, checked_on)
    for name, messages in basic.items():
        if name != "mapped_on" or item.mapped_on is not None:
            item.problems += [(name, message) for message in messages]
    if "year" in basic:
        return item
    questionnaire = context.questionnaire(item.year)
    if questionnaire is None:
        item.problems.append(
            ("year", _("No questionnaire is published for %(year)s.") % {"year": item.year})
        )
        return item
    _check_answers(item, questionnaire, context)
    return item


def _check_answers(item: _Checked, questionnaire, context: _Context) -> None:
    """The answer columns as answers to the year's questionnaire, checked as a mapping
    made in the system is when submitted; each problem is reported on its file column."""
    definition = questionnaire.parsed()
    answers: dict[str, Any] = {}
    failed: set[str] = set()
    for column, question in ANSWER_COLUMNS.items():
        raw = item.row.values.get(column)
        try:
            if column in LIST_COLUMNS:
                answer = _codes(raw)
                if answer == [] and not (
                    question in definition and definition.question(question).allow_empty
                ):
                    answer = None  # "none" is no answer where the question does not take it
            elif column == "near_transit":
                answer = _near_transit(raw)
            else:
                answer = _text(raw, required=column == "notes") or None
        except FieldInvalid as exc:
            item.problems.append((column, str(exc)))
            failed.add(column)
            continue
        if answer is not None:
            answers[question] = answer
    if "near_transit" not in answers and "near_transit" not in failed and item.scene:
        # As the mapping form prefills it from the scene's nearest station.
        prefill = services.near_transit_prefill(item.scene)
        if prefill is not None:
            answers["near_transit"] = prefill
            item.derived = frozenset({"near_transit"})
    item.answers = answers
    if "criteria" in failed:
        return  # which questions apply depends on it: the rest would only be noise
    problems = services.answer_problems(
        mapping=Mapping(questionnaire=questionnaire, year=item.year),
        answers=answers,
        complete=True,
        codes=context.organisation_codes,
    )
    # With an unknown code among the criteria, which questions apply is unknown too:
    # "must be answered" and "does not apply" elsewhere would only follow from the typo.
    follow_on = {_message("required"), _message("not_relevant")} if "criteria" in problems else ()
    for question, messages in problems.items():
        column = COLUMN_OF_QUESTION.get(question, question)
        if column in failed:
            continue
        with_hint = _codes_hint(column, question, answers, definition)
        item.problems += [
            (column, with_hint(message))
            for message in messages
            if column == "criteria" or message not in follow_on
        ]


def _message(code: str, **params: Any) -> str:
    """A questionnaire problem's text as `answer_problems` gives it."""
    return problem_text(ValidationProblem(code, PROBLEM_MESSAGES[code], params))


def _codes_hint(column: str, question: str, answers: dict[str, Any], definition):
    """Adds the question's codes to each message about an unknown code."""
    if column not in LIST_COLUMNS + CODE_COLUMNS or question not in definition:
        return lambda message: message
    codes = definition.question(question).option_codes
    given = answers.get(question)
    given = given if isinstance(given, list) else [given]
    unknown = {_message("invalid_option", value=code) for code in given if code not in codes}
    hint = _("Codes: %(codes)s.") % {"codes": ", ".join(codes)}
    return lambda message: f"{message} {hint}" if message in unknown else message


def _check_repeats(items: list[_Checked]) -> None:
    """A scene may be mapped several times a year, on different dates: an identical
    repeat of a row counts once, and two rows of one scene, year and mapped_on with
    different content are a conflict naming both rows."""
    first: dict[tuple[int, int, date], _Checked] = {}
    for item in items:
        earlier = first.setdefault((*item.key, item.mapped_on), item)
        if earlier is item:
            continue
        if earlier.content() == item.content():
            item.duplicate = True
        else:
            item.problems.append(
                (
                    "scene_ref",
                    _(
                        "%(other)s has the same scene_ref, year and mapped_on with different "
                        "content; keep one of them"
                    )
                    % {"other": earlier.row.where},
                )
            )


def _compare_with_stored(items: list[_Checked]) -> None:
    """A row equal to a recorded revision of its scene and year is unchanged. A row on a
    new date is a further mapping of the year, refused while the scene has a mapping of
    the year under way or while the year's round is closed or published. A row on the
    date of a recorded mapping that differs from it is refused: the system's mapping is
    corrected there, not overwritten by an import."""
    if not items:
        return
    stored = _stored_mappings(items)
    rounds: dict[int, str | None] = {}
    for item in items:
        revisions = stored.get(item.key, [])
        recorded = [m for m in revisions if m.status in RECORDED]
        same_date = [m for m in recorded if m.mapped_on == item.mapped_on]
        if any(not _differences(m, item) for m in same_date):
            item.recorded = True
            continue
        if len(recorded) < len(revisions):
            item.problems.append(
                (
                    "year",
                    _("This scene already has an unfinished mapping for %(year)s.")
                    % {"year": item.year},
                )
            )
        elif same_date:
            current = ([m for m in same_date if m.status == Mapping.Status.APPROVED] or same_date)[
                -1
            ]
            item.problems.append(
                (
                    "scene_ref",
                    _(
                        "this scene already has an approved mapping for %(year)s that differs "
                        "in %(columns)s; correct it in the system instead"
                    )
                    % {"year": item.year, "columns": ", ".join(_differences(current, item))},
                )
            )
        if item.year not in rounds:
            rounds[item.year] = services.round_problem(year=item.year)
        if rounds[item.year]:
            item.problems.append(("year", rounds[item.year]))


def _stored_mappings(items: list[_Checked]) -> dict[tuple[int, int], list[Mapping]]:
    """The stored mappings of the rows' scenes and years, oldest revision first."""
    stored: dict[tuple[int, int], list[Mapping]] = defaultdict(list)
    scene_ids = sorted({item.scene.pk for item in items})
    years = sorted({item.year for item in items})
    for start in range(0, len(scene_ids), 500):
        for mapping in (
            Mapping.objects.filter(scene_id__in=scene_ids[start : start + 500], year__in=years)
            .prefetch_related("participants")
            .order_by("revision")
        ):
            stored[(mapping.scene_id, mapping.year)].append(mapping)
    return stored


def _differences(mapping: Mapping, item: _Checked) -> list[str]:
    """The file's columns in which the row differs from a stored mapping (answers the
    file left to the system are not compared)."""
    columns = []
    if mapping.mapped_on != item.mapped_on:
        columns.append("mapped_on")
    if mapping.lead_local_police_area_id != item.lead.pk:
        columns.append("lead_lpo")
    if {o.code for o in mapping.participants.all()} != {o.code for o in item.participants}:
        columns.append("participants")
    for question in dict.fromkeys([*mapping.answers, *item.answers]):
        if question not in item.derived and _canonical_value(
            mapping.answers.get(question)
        ) != _canonical_value(item.answers.get(question)):
            columns.append(COLUMN_OF_QUESTION.get(question, question))
    return columns


def _canonical(answers: dict[str, Any]) -> str:
    values = {key: _canonical_value(value) for key, value in answers.items()}
    return json.dumps({k: v for k, v in values.items() if v is not None}, sort_keys=True)


def _canonical_value(value: Any) -> Any:
    """Answers compared by meaning: lists as sets; an empty text is no answer."""
    if isinstance(value, list):
        return sorted({str(item) for item in value})
    return None if value == "" else value


# --- values ------------------------------------------------------------------------------


def _text(raw: Any, *, required: bool) -> str:
    text = imports.text_value(raw, required=required)
    if "\x00" in text:
        # PostgreSQL stores no NUL in text or JSON.
        raise FieldInvalid(_("contains a null character (\\x00)"))
    return text


def _scene(raw: Any, context: _Context) -> Scene:
    ref = _text(raw, required=True)
    if ref in context.scenes:
        scene = context.scenes[ref]
        if context.by is not None and not access.may_write_in_area(
            context.by, scene.local_police_area_id, access.ADD
        ):
            raise FieldInvalid(
                _(
                    "you may not record mappings for %(value)s: only its local police "
                    "area's editors may"
                )
                % {"value": repr(ref)}
            )
        return scene
    close = difflib.get_close_matches(ref, context.all_refs(), n=1)
    hint = (
        _("did you mean %(name)s?") % {"name": close[0]}
        if close
        else _("import the scene first (drogscen import_scenes)")
    )
    raise FieldInvalid(_("unknown scene %(value)s; %(hint)s") % {"value": repr(ref), "hint": hint})


def _year(raw: Any) -> int:
    if imports.is_blank(raw):
        raise FieldInvalid(_("is required"))
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _YEAR_TEXT.fullmatch(raw.strip()):
        return int(raw.strip())
    raise FieldInvalid(
        _("must be a year (a whole number such as 2024), not %(value)s")
        % {"value": imports.shown(raw)}
    )


def _police_area(raw: Any, context: _Context) -> LocalPoliceArea | None:
    """A local police area by its name in the reference list, in any letter case (as the
    scene import reads it); empty means the scene's own area, as in the system."""
    name = _text(raw, required=False)
    return imports.name_from_list(name, context.areas) if name else None


def _codes(raw: Any) -> list[str] | None:
    """A list of codes: `;`-separated text (CSV) or an array of texts (JSON Lines); None
    when the value is missing (JSON null), [] when it is empty ("none of these")."""
    if raw is None:
        return None
    if isinstance(raw, str):
        items = raw.split(";")
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        items = raw
    else:
        raise FieldInvalid(
            _("must be a list of codes (an array of texts), not %(value)s")
            % {"value": imports.shown(raw)}
        )
    return list(dict.fromkeys(code for item in items if (code := _text(item, required=False))))


def _organisations(raw: Any, context: _Context) -> list[Organisation]:
    codes = _codes(raw) or []
    if unknown := [code for code in codes if code not in context.organisations]:
        raise FieldInvalid(
            " ".join(
                _("%(value)s is not a known organisation code.") % {"value": code}
                for code in unknown
            )
        )
    return [context.organisations[code] for code in codes]


def _near_transit(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    text = _text(raw, required=False)
    if not text:
        return None
    if text.casefold() in NEAR_TRANSIT_VALUES:
        return NEAR_TRANSIT_VALUES[text.casefold()]
    raise FieldInvalid(
        _("must be true, false or empty, not %(value)s") % {"value": imports.shown(text)}
    )


# --- writing -----------------------------------------------------------------------------


def _write(items: list[_Checked], *, label: str, progress: Progress) -> None:
    """Inside the pipeline's transaction; ImportRejected (rolling everything back) when
    the database refuses what the checks let through: a mapping recorded meanwhile."""
    for item in progress.over(items, total=len(items)):
        try:
            services.mapping_record_approved(
                scene=item.scene,
                year=item.year,
                mapped_on=item.mapped_on,
                participants=item.participants,
                answers=item.answers,
                lead_local_police_area=item.lead,
                source="import",
            )
        except IntegrityError:
            raise ImportRejected.of_file(
                label,
                _("a mapping of this scene for %(year)s was recorded during the import")
                % {"year": item.year},
                where=item.row.where,
                field="scene_ref",
            ) from None
