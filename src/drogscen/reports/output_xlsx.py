"""The county report as an Excel workbook: one sheet per table, numbers as numbers with
their formats, text that looks like a formula kept as text."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from drogscen.core.spreadsheet import keep_as_text
from drogscen.evaluations.labels import EVALUATION_VERDICT, METHOD_VERDICT
from drogscen.reports import interventions_section, labels
from drogscen.reports.tables import (
    COUNT_FORMAT,
    PERCENT_FORMAT,
    TARGET_FORMAT,
    THOUSANDS_FORMAT,
    Sheet,
    evaluation_names,
    outcome_rows,
    survey_rows,
    total_label,
    yes_no,
    youth_rows,
)

HEADER_FILL = "F2F4F7"


def _sheet_title(text: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    for character in "[]:*?/\\":
        text = text.replace(character, "-")
    return text[:31]


def _summary_sheet(report: dict[str, Any]) -> Sheet:
    scenes = report["scenes"]
    municipalities = report["municipalities"]
    districts = report["stockholm_districts"]
    year = report["year"]
    rows: list[list[Any]] = [
        [_("Reference year"), year, None],
        [_("Open drug scenes"), scenes["count"], COUNT_FORMAT],
        [
            _("Open drug scenes the previous year (%(year)s)") % {"year": year - 1},
            scenes["previous_count"],
            COUNT_FORMAT,
        ],
        [_("Change from the previous year"), scenes["change"], "+0;-0;0"],
        [_("New open drug scenes"), scenes["new"], COUNT_FORMAT],
        [_("No longer open drug scenes"), scenes["removed"], COUNT_FORMAT],
        [_("Active scenes without an approved mapping"), scenes["unmapped"], COUNT_FORMAT],
        [_("Municipalities with open drug scenes"), municipalities["with_scenes"], COUNT_FORMAT],
        [_("Municipalities in the county"), municipalities["total"], COUNT_FORMAT],
        [
            _("Local police areas with open drug scenes"),
            report["local_police_areas"]["with_scenes"],
            COUNT_FORMAT,
        ],
        [
            _("District administrations of the City of Stockholm with open drug scenes"),
            districts["with_scenes"],
            COUNT_FORMAT,
        ],
        [
            _("District administrations of the City of Stockholm"),
            districts["total"],
            COUNT_FORMAT,
        ],
        [_("Approved mappings"), report["mappings"]["count"], COUNT_FORMAT],
        [
            _("Mappings made jointly with the municipality"),
            report["mappings"]["joint_share"],
            PERCENT_FORMAT,
        ],
        [_("Total area of the open drug scenes (m²)"), scenes["area_m2"], THOUSANDS_FORMAT],
        [
            _("Total area the previous year (m²)"),
            scenes["previous_area_m2"],
            THOUSANDS_FORMAT,
        ],
        [_("Fewer open drug scenes every year so far"), _on_track(report), None],
    ]
    outcomes = report.get("outcomes") or {}
    for key, label in (
        ("violent_inside", _("Reported violent crimes at the open drug scenes")),
        ("detected_inside", _("Crimes detected by the police at the open drug scenes")),
    ):
        if outcomes.get(key) is not None:
            rows.append([label, outcomes[key], THOUSANDS_FORMAT])
    interventions = report.get("interventions") or {}
    if interventions.get("active") is not None:
        rows.append([_("Active interventions"), interventions["active"], COUNT_FORMAT])
    return Sheet(
        _("Summary"),
        [_("Figure"), _("Value")],
        [[label, value] for label, value, _format in rows],
        row_formats=[number_format for _label, _value, number_format in rows],
    )


def _on_track(report: dict[str, Any]) -> str:
    value = report["goal"]["on_track"]
    if value is None:
        return _("Not yet known")
    return _("Yes") if value else _("No")


def _xlsx_sheets(report: dict[str, Any]) -> list[Sheet]:
    municipalities = labels.municipality_rows(report)
    areas = labels.police_area_rows(report)
    scenes = _("Open drug scenes")
    share = _("Share of the open drug scenes")
    return [
        _summary_sheet(report),
        Sheet(
            _("Municipalities"),
            [_("Municipality code"), _("Municipality"), scenes],
            [[r.code, r.name, r.scenes] for r in municipalities],
            {2: COUNT_FORMAT},
            [
                total_label(report),
                None,
                sum(r.scenes for r in municipalities if r.scenes is not None),
            ],
        ),
        Sheet(
            _("Local police areas"),
            [_("Local police area"), scenes],
            [[name, n] for name, n in areas],
            {1: COUNT_FORMAT},
            [total_label(report), sum(n for _name, n in areas)],
        ),
        Sheet(
            _("Districts"),
            [_("District administration"), _("Has open drug scenes")],
            [[r.name, yes_no(r.has_scenes)] for r in labels.district_rows(report)],
        ),
        Sheet(
            _("Substances"),
            [_("Main substance"), scenes, share, _("Code")],
            [[r.label, r.scenes, r.share, r.code] for r in labels.substance_rows(report)],
            {1: COUNT_FORMAT, 2: PERCENT_FORMAT},
        ),
        Sheet(
            _("Symptoms"),
            [_("Symptom"), scenes, share, _("Code")],
            [[r.label, r.scenes, r.share, r.code] for r in labels.symptom_rows(report)],
            {1: COUNT_FORMAT, 2: PERCENT_FORMAT},
        ),
        Sheet(
            _("Goal"),
            [_("Year"), scenes, _("Target path (illustrative)")],
            [
                [r.year, r.scenes, None if r.target is None else round(r.target, 1)]
                for r in labels.goal_rows(report)
            ],
            {1: COUNT_FORMAT, 2: TARGET_FORMAT},
        ),
        *interventions_section.report_sheets(report),
        *_outcome_sheets(report),
        *_evaluation_sheets(report),
    ]


DECIMAL_FORMAT = "0.0"
RES_FORMAT = "0.00"


def _outcome_sheets(report: dict[str, Any]) -> list[Sheet]:
    """The outcomes section's tables (crimes, safety surveys, youth signals), from the
    same rows as the HTML; codes in a last column for those who join on them."""
    year = report["year"]
    sheets = []
    if rows := outcome_rows(report):
        sheets.append(
            Sheet(
                _("Outcomes"),
                [_("Figure"), str(year - 1), str(year), _("Code")],
                [[r.label, r.previous, r.current, r.key] for r in rows],
                {1: THOUSANDS_FORMAT, 2: THOUSANDS_FORMAT},
            )
        )
    if rows := survey_rows(report):
        sheets.append(
            Sheet(
                _("Surveys"),
                [_("Indicator"), _("Value"), _("Code")],
                [[name, value, code] for code, name, value, _percent in rows],
                {1: DECIMAL_FORMAT},
            )
        )
    if rows := youth_rows(report):
        sheets.append(
            Sheet(
                _("Youth signals"),
                [_("Signal"), _("Count"), _("Code")],
                [[name, n, code] for code, name, n in rows],
                {1: COUNT_FORMAT},
            )
        )
    return sheets


def _evaluation_sheets(report: dict[str, Any]) -> list[Sheet]:
    items, methods, surveys = evaluation_names(report)
    sheets = []
    if items:
        sheets.append(
            Sheet(
                _("Evaluations"),
                [
                    _("Methods"),
                    _("Outcome"),
                    _("After period from"),
                    _("After period to"),
                    "RES",
                    _("Lower limit (95 %)"),
                    _("Upper limit (95 %)"),
                    _("Result"),
                ],
                [
                    [
                        ", ".join(methods.get(code, code) for code in item["methods"]),
                        labels.evaluation_outcome(item["outcome"], surveys),
                        item["after"][0],
                        item["after"][1],
                        item["res"],
                        item["ci_low"],
                        item["ci_high"],
                        str(EVALUATION_VERDICT.get(item["verdict"], item["verdict"] or "")),
                    ]
                    for item in items
                ],
                {4: RES_FORMAT, 5: RES_FORMAT, 6: RES_FORMAT},
            )
        )
    by_method = (report.get("evaluations") or {}).get("by_method") or {}
    if by_method:
        sheets.append(
            Sheet(
                _("Evaluated methods"),
                [
                    _("Method"),
                    _("Scenes"),
                    _("Pooled RES"),
                    _("Lower limit (95 %)"),
                    _("Upper limit (95 %)"),
                    _("Verdict"),
                    _("Code"),
                ],
                [
                    [
                        methods.get(code, code),
                        m["scenes"],
                        m["pooled_res"],
                        m["ci_low"],
                        m["ci_high"],
                        str(METHOD_VERDICT.get(m["verdict"], m["verdict"] or "")),
                        code,
                    ]
                    for code, m in sorted(by_method.items())
                ],
                {1: COUNT_FORMAT, 2: RES_FORMAT, 3: RES_FORMAT, 4: RES_FORMAT},
            )
        )
    return sheets


def render_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet per table (summary figures, municipalities, local police areas,
    districts, substances, symptoms, goal series, collaboration, outcomes, surveys,
    youth signals, evaluations): bold header row, frozen; number
    formats (per cent for shares, thousands for areas); columns wide enough to read."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = labels.report_title(report)
    workbook.properties.creator = "drogscen"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for sheet in _xlsx_sheets(report):
        ws = workbook.create_sheet(_sheet_title(sheet.title))
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for values in sheet.rows:
            ws.append(values)
            keep_as_text(ws[ws.max_row])
        if sheet.total is not None:
            ws.append(sheet.total)
            for cell in ws[ws.max_row]:
                cell.font = bold
        for row_index, row in enumerate(ws.iter_rows(min_row=2)):
            for column_index, cell in enumerate(row):
                number_format = sheet.formats.get(column_index)
                if sheet.row_formats and column_index == 1:
                    number_format = sheet.row_formats[row_index]
                if number_format and isinstance(cell.value, int | float):
                    cell.number_format = number_format
        ws.freeze_panes = "A2"
        _mark_preliminary(ws, report)
        for column_index, header in enumerate(sheet.headers, start=1):
            letter = get_column_letter(column_index)
            texts = [str(header)] + [
                _display_width(c.value) for c in ws[letter][1:] if c.value is not None
            ]
            ws.column_dimensions[letter].width = min(max(max(len(t) for t in texts) + 2, 10), 70)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _mark_preliminary(ws, report: dict[str, Any]) -> None:
    """ "Preliminary" in the header of every printed page of the sheet (first, odd and
    even pages alike), unless the report is a published edition; the table itself keeps
    its header row first, as those who read the file by program expect."""
    if not labels.is_preliminary(report):
        return
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        header.right.text = labels.preliminary_mark()
        header.right.font = "Arial,Bold"
    ws.oddFooter.left.text = labels.status_line(report)


def _display_width(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value > 1 else "100%"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
