"""The county report in every output format, all from the one `report_build` dict:
JSON (the dict itself), CSV (the per-municipality table), XLSX (one sheet per table),
HTML (a standalone document with its own CSS and inline SVG charts) and PDF (WeasyPrint
from that same HTML).

Text is in the active language (`translation.override` around the call); numbers,
codes and the JSON/CSV keys stay language-independent. No output names or locates a
scene: the report holds counts only.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drogscen.core.spreadsheet import keep_as_text, safe_row
from drogscen.reports import labels

FORMATS = ("json", "html", "pdf", "xlsx", "csv")
BINARY_FORMATS = frozenset({"pdf", "xlsx"})
# For a view that offers the report as a download.
MEDIA_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
CSV_COLUMNS = ("code", "name", "scenes")  # a data contract: not translated
REPORT_CSS = Path(__file__).resolve().parent.parent / "static" / "drogscen" / "report-print.css"


def render(report: dict[str, Any], format: str) -> str | bytes:
    """The report in one of FORMATS: text (str) or, for BINARY_FORMATS, bytes."""
    renderer = {
        "json": render_json,
        "html": render_html,
        "pdf": render_pdf,
        "xlsx": render_xlsx,
        "csv": render_csv,
    }.get(format)
    if renderer is None:
        raise ValueError(f"unknown report format {format!r}; use one of {FORMATS}")
    return renderer(report)


# --- JSON and CSV ---------------------------------------------------------------------------


def render_json(report: dict[str, Any]) -> str:
    """The builder's dict as it is (docs/contracts.md#report-json)."""
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def render_csv(report: dict[str, Any]) -> str:
    """Open scenes per municipality: `code,name,scenes` for all the county's
    municipalities in SCB code order, 0 where there is none. A restricted report leaves
    `scenes` empty for the municipalities it does not show. UTF-8, RFC 4180."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in labels.municipality_rows(report):
        writer.writerow(safe_row([row.code, row.name, "" if row.scenes is None else row.scenes]))
    return buffer.getvalue()


# --- tables (HTML) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None


@dataclass(frozen=True)
class ChartBlock:
    """A chart with its title and the table that gives its figures (or the id of a
    table elsewhere on the page that does)."""

    key: str
    title: str
    svg: str
    table: Table | None = None
    table_ref: str | None = None
    note: str = ""


def _total_label(report: dict[str, Any]) -> str:
    if labels.is_restricted(report):
        return _("Total of the areas shown")
    return _("Total")


def _count(value: int | None) -> Cell:
    return Cell(labels.number(value), numeric=True)


def _share(value: float | None) -> Cell:
    return Cell(labels.percent(value), numeric=True)


def municipality_table(report: dict[str, Any]) -> Table:
    rows = labels.municipality_rows(report)
    shown = [r.scenes for r in rows if r.scenes is not None]
    return Table(
        id="table-municipalities",
        caption=labels.municipality_title(report),
        columns=[
            Column(_("Municipality")),
            Column(_("Municipality code")),
            Column(_("Open drug scenes"), True),
        ],
        rows=[[Cell(r.name), Cell(r.code), _count(r.scenes)] for r in rows],
        footer=[Cell(_total_label(report)), Cell(""), _count(sum(shown))],
    )


def police_area_table(report: dict[str, Any]) -> Table:
    rows = labels.police_area_rows(report)
    return Table(
        id="table-police-areas",
        caption=_("Open drug scenes per local police area %(year)s") % {"year": report["year"]},
        columns=[Column(_("Local police area")), Column(_("Open drug scenes"), True)],
        rows=[[Cell(name), _count(n)] for name, n in rows],
        footer=[Cell(_total_label(report)), _count(sum(n for _name, n in rows))],
    )


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not shown")
    return _("Yes") if value else _("No")


def district_table(report: dict[str, Any]) -> Table:
    return Table(
        id="table-districts",
        caption=_("District administrations of the City of Stockholm %(year)s")
        % {"year": report["year"]},
        columns=[Column(_("District administration")), Column(_("Has open drug scenes"))],
        rows=[[Cell(r.name), Cell(_yes_no(r.has_scenes))] for r in labels.district_rows(report)],
    )


def _coded_table(rows: list[labels.CodedRow], *, id: str, caption: str, label: str) -> Table:
    return Table(
        id=id,
        caption=caption,
        columns=[
            Column(label),
            Column(_("Open drug scenes"), True),
            Column(_("Share of the open drug scenes"), True),
        ],
        rows=[[Cell(r.label), _count(r.scenes), _share(r.share)] for r in rows],
    )


def substance_table(report: dict[str, Any]) -> Table:
    return _coded_table(
        labels.substance_rows(report),
        id="table-substances",
        caption=labels.substance_title(report),
        label=_("Main substance"),
    )


def symptom_table(report: dict[str, Any]) -> Table:
    return _coded_table(
        labels.symptom_rows(report),
        id="table-symptoms",
        caption=labels.symptom_title(report),
        label=_("Symptom"),
    )


def goal_table(report: dict[str, Any]) -> Table:
    return Table(
        id="table-goal",
        caption=labels.goal_title(report),
        columns=[
            Column(_("Year")),
            Column(_("Open drug scenes"), True),
            Column(_("Target path (illustrative)"), True),
        ],
        rows=[
            [Cell(str(r.year)), _count(r.scenes), _count(r.target)]
            for r in labels.goal_rows(report)
        ],
    )


# --- outcomes and evaluations (tables for the HTML/PDF and the Excel sheets) ---------------

OUTCOME_FIGURES = (
    ("violent_inside", gettext_lazy("Violent crimes inside the scenes")),
    ("violent_buffer_200", gettext_lazy("Violent crimes 0–200 m around the scenes")),
    ("violent_buffer_500", gettext_lazy("Violent crimes 200–500 m around the scenes")),
    ("detected_inside", gettext_lazy("Crimes detected by the police inside the scenes")),
    ("drug_inside", gettext_lazy("Drug offences inside the scenes")),
)


@dataclass(frozen=True)
class OutcomeRow:
    key: str
    label: str
    previous: int | None
    current: int | None


def outcome_rows(report: dict[str, Any]) -> list[OutcomeRow]:
    """The crime figures of the outcomes section; none when the year has no data."""
    outcomes = report.get("outcomes") or {}
    if outcomes.get("violent_inside") is None:
        return []
    return [
        OutcomeRow(key, str(label), outcomes.get(f"{key}_previous"), outcomes.get(key))
        for key, label in OUTCOME_FIGURES
    ]


def outcome_table(report: dict[str, Any]) -> Table | None:
    rows = outcome_rows(report)
    if not rows:
        return None
    year = report["year"]
    return Table(
        id="table-outcomes",
        caption=_("Reported crimes at and around the open drug scenes"),
        columns=[Column(_("Figure")), Column(str(year - 1), True), Column(str(year), True)],
        rows=[[Cell(r.label), _count(r.previous), _count(r.current)] for r in rows],
    )


def survey_rows(report: dict[str, Any]) -> list[tuple[str, str, float, bool]]:
    """(code, name, mean, is a percentage) of the year's safety-survey indicators."""
    survey = (report.get("outcomes") or {}).get("survey") or {}
    names = labels.survey_indicators(survey)
    rows = []
    for code, value in survey.items():
        indicator = names.get(code)
        rows.append(
            (
                code,
                indicator.name if indicator else code,
                value,
                bool(indicator and indicator.percent),
            )
        )
    return sorted(rows, key=lambda row: row[1])


def survey_table(report: dict[str, Any]) -> Table | None:
    rows = survey_rows(report)
    if not rows:
        return None
    return Table(
        id="table-surveys",
        caption=_("Safety surveys (mean over the scenes, weighted by respondents)"),
        columns=[Column(_("Indicator")), Column(_("Value"), True)],
        rows=[
            [
                Cell(name),
                Cell(labels.decimal_percent(value) if percent else labels.decimal(value), True),
            ]
            for _code, name, value, percent in rows
        ],
    )


def youth_rows(report: dict[str, Any]) -> list[tuple[str, str, int | str]]:
    """(code, name, count or "<3") of the year's aggregate youth signals."""
    signals = (report.get("outcomes") or {}).get("youth_signals") or {}
    return [(code, labels.youth_signal_name(code), n) for code, n in signals.items()]


def youth_table(report: dict[str, Any]) -> Table | None:
    rows = youth_rows(report)
    if not rows:
        return None
    return Table(
        id="table-youth-signals",
        caption=_("Young people at risk (aggregate signals for the year; below 3 not shown)"),
        columns=[Column(_("Signal")), Column(_("Count"), True)],
        rows=[
            [Cell(name), Cell(n if isinstance(n, str) else labels.number(n), True)]
            for _code, name, n in rows
        ],
    )


def _res_text(res: float | None, low: float | None, high: float | None) -> str:
    if res is None:
        return "–"
    return f"{labels.decimal(res, 2)} ({labels.decimal(low, 2)}–{labels.decimal(high, 2)})"


def _evaluation_names(report: dict[str, Any]):
    evaluations = report.get("evaluations") or {}
    items = evaluations.get("items") or []
    methods = labels.method_names(
        {code for item in items for code in item["methods"]}
        | set(evaluations.get("by_method") or {})
    )
    surveys = labels.survey_indicators(
        item["outcome"].removeprefix("survey:")
        for item in items
        if item["outcome"].startswith("survey:")
    )
    return items, methods, surveys


def evaluation_table(report: dict[str, Any]) -> Table | None:
    """The evaluations whose after period ends in the year: methods by their names in
    the knowledge bank, outcome and verdict in words."""
    from drogscen.evaluations.labels import EVALUATION_VERDICT

    items, methods, surveys = _evaluation_names(report)
    if not items:
        return None
    return Table(
        id="table-evaluations",
        caption=_("Evaluations with the after period ending in %(year)s")
        % {"year": report["year"]},
        columns=[
            Column(_("Methods")),
            Column(_("Outcome")),
            Column(_("After period")),
            # xgettext:no-python-format
            Column(_("RES (95 % confidence interval)"), True),
            Column(_("Result")),
        ],
        rows=[
            [
                Cell(", ".join(methods.get(code, code) for code in item["methods"]) or "–"),
                Cell(labels.evaluation_outcome(item["outcome"], surveys)),
                Cell(f"{item['after'][0][:7]} – {item['after'][1][:7]}"),
                Cell(_res_text(item["res"], item["ci_low"], item["ci_high"]), True),
                Cell(str(EVALUATION_VERDICT.get(item["verdict"], item["verdict"] or "–"))),
            ]
            for item in items
        ],
    )


def evaluation_method_table(report: dict[str, Any]) -> Table | None:
    from drogscen.evaluations.labels import METHOD_VERDICT

    by_method = (report.get("evaluations") or {}).get("by_method") or {}
    if not by_method:
        return None
    _items, methods, _surveys = _evaluation_names(report)
    return Table(
        id="table-evaluated-methods",
        caption=_("Per method (violent crime, all evaluations, one per scene)"),
        columns=[
            Column(_("Method")),
            Column(_("Scenes"), True),
            Column(_("Pooled RES"), True),
            Column(_("Verdict")),
        ],
        rows=[
            [
                Cell(methods.get(code, code)),
                _count(m["scenes"]),
                Cell(_res_text(m["pooled_res"], m["ci_low"], m["ci_high"]), True),
                Cell(str(METHOD_VERDICT.get(m["verdict"], m["verdict"] or "–"))),
            ]
            for code, m in sorted(by_method.items(), key=lambda i: methods.get(i[0], i[0]))
        ],
    )


def chart_blocks(report: dict[str, Any]) -> dict[str, ChartBlock]:
    """Every chart of the report with its title and figures, for any page to show."""
    from drogscen.reports import charts  # matplotlib: loaded only when a chart is drawn

    return {
        "goal": ChartBlock(
            "goal",
            labels.goal_title(report),
            mark_safe(charts.goal_chart(report)),  # noqa: S308 - our own SVG
            table=goal_table(report),
            note=target_path_note(report),
        ),
        "map": ChartBlock(
            "map",
            labels.map_title(report),
            mark_safe(charts.county_map(report)),  # noqa: S308
            table_ref="table-municipalities",
            note=_(
                "The municipalities are shaded by their number of open drug scenes; the "
                "number is written on each municipality with scenes. The figures are in the "
                "table of open drug scenes per municipality."
            ),
        ),
        "municipalities": ChartBlock(
            "municipalities",
            labels.municipality_title(report),
            mark_safe(charts.municipality_chart(report)),  # noqa: S308
            table=municipality_table(report),
            note=_(
                "The chart shows the municipalities with open drug scenes; the table shows all."
            ),
        ),
        "substances": ChartBlock(
            "substances",
            labels.substance_title(report),
            mark_safe(charts.substance_chart(report)),  # noqa: S308
            table=substance_table(report),
        ),
        "symptoms": ChartBlock(
            "symptoms",
            labels.symptom_title(report),
            mark_safe(charts.symptom_chart(report)),  # noqa: S308
            table=symptom_table(report),
            note=_("A scene can show several symptoms."),
        ),
    }


def method_notes(report: dict[str, Any]) -> list[tuple[str, str]]:
    """How the figures are counted (docs/domain-rules.md#county-report-figures), in words."""
    return [
        (
            _("Open drug scene in a year"),
            _(
                "A scene counts as open in a year when its latest approved mapping for that "
                "reference year finds all four criteria of the definition met: the place is "
                "persistent, narcotics are used in public, narcotics are sold in public, and "
                "the place is perceived as problematic by authorities or the public."
            ),
        ),
        (
            _("Reference year"),
            _(
                "A mapping counts for the year it assesses, not the day it was made: "
                "follow-up mappings are often made in the first months of the next year."
            ),
        ),
        (
            _("New and no longer open"),
            _(
                "A scene is new when it is open this year but was not open the year before; "
                "it is no longer open when it was open the year before but is not this year."
            ),
        ),
        (
            _("Without an approved mapping"),
            _(
                "Active scenes with no approved mapping for the year are listed as a gap in "
                "the yearly mapping; they are not counted as open."
            ),
        ),
        (
            _("Joint mappings"),
            _(
                "The share of the year's approved mappings in which at least one municipality "
                "took part."
            ),
        ),
        (
            _("Municipality, local police area and district"),
            _(
                "A scene belongs to the municipality that contains a representative point of "
                "its area, and to the district administration valid at the end of the year "
                "that contains it; it is counted for the local police area that led its "
                "mapping."
            ),
        ),
        (
            _("Area"),
            _(
                "The total area of the open drug scenes, by the boundaries valid at the end "
                "of the year."
            ),
        ),
        (_("Target path"), target_path_note(report)),
    ]


def target_path_note(report: dict[str, Any]) -> str:
    """Why the goal chart's target path is what it is (settings.TARGET_END_SHARE)."""
    return _(
        "The goal chart's target path is illustrative: the county's goal is a decrease every "
        "year until %(year)s, without a set number. The path runs straight from the first "
        "year's count to %(share)s %% of it in %(year)s."
    ) % {
        "year": report["goal"]["target_year"],
        "share": _percent(settings.TARGET_END_SHARE * 100),
    }


def _percent(value: float) -> str:
    return formats.number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def definition_symptoms(report: dict[str, Any]) -> list[str]:
    """The symptoms as the year's questionnaire (and the county's FAQ) words them."""
    return list(labels.option_labels(report["year"], "symptoms").values())


# --- HTML and PDF ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _report_css() -> str:
    return REPORT_CSS.read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_number_content() -> str:
    """CSS `content` for the page footer: the translated "Page %(page)s of %(pages)s"
    with the placeholders replaced by CSS counters (translators may reorder them)."""
    marker = "\x00"
    text = _("Page %(page)s of %(pages)s") % {
        "page": f"{marker}page{marker}",
        "pages": f"{marker}pages{marker}",
    }
    parts = []
    for index, piece in enumerate(text.split(marker)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


MARGIN_BOX_STYLE = (
    'font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 8pt; '
    "color: #4a5560;"
)


def _page_css(report: dict[str, Any]) -> str:
    """The paged-media rules (PDF): A4, running title, page numbers, none on the title
    page. Built here because their text is translated."""
    return f"""
@page {{
  size: A4;
  margin: 20mm 18mm 22mm 18mm;
  @top-left {{ content: {_css_string(labels.report_title(report))}; {MARGIN_BOX_STYLE} }}
  @bottom-right {{ content: {_page_number_content()}; {MARGIN_BOX_STYLE} }}
}}
@page :first {{
  @top-left {{ content: none; }}
  @bottom-right {{ content: none; }}
}}
"""


def report_context(report: dict[str, Any], *, for_pdf: bool = False) -> dict[str, Any]:
    """What the report templates need, in the active language."""
    from drogscen.reports import interventions_section  # it builds on this module's Table

    sentences = labels.summary_sentences(report)
    blocks = chart_blocks(report)
    return {
        "report": report,
        "for_pdf": for_pdf,
        "restricted": labels.is_restricted(report),
        "title": labels.report_title(report),
        "headline": sentences[0],
        "sentences": sentences[1:],
        "goal_status": labels.goal_status(report),
        "figures": labels.key_figures(report),
        "generated_on": labels.generated_on(report),
        "charts": blocks,
        "tables": {
            "police_areas": police_area_table(report),
            "districts": district_table(report),
        },
        "intervention_tables": interventions_section.report_tables(report),
        "outcome_tables": [
            t for t in (outcome_table(report), survey_table(report), youth_table(report)) if t
        ],
        "evaluation_tables": [
            t for t in (evaluation_table(report), evaluation_method_table(report)) if t
        ],
        "intervention_note": interventions_section.report_note(),
        "definition_symptoms": definition_symptoms(report),
        "method_notes": method_notes(report),
        "chapters": [
            ("summary", _("Summary")),
            ("goal", _("The goal")),
            ("places", _("Where the open drug scenes are")),
            ("substances", _("Substances and symptoms")),
            *(
                [("interventions", _("Interventions and collaboration"))]
                if report.get("interventions", {}).get("collaboration")
                else []
            ),
            ("definitions", _("Definitions")),
            ("method", _("How the figures are counted")),
        ],
        "css": mark_safe(_report_css()),  # noqa: S308 - a file of the package
        "page_css": mark_safe(_page_css(report) if for_pdf else ""),  # noqa: S308
    }


def render_html(report: dict[str, Any], *, for_pdf: bool = False) -> str:
    """A standalone HTML document: its own CSS, the charts as inline SVG, no external
    resource, so it works as a file, behind a strict CSP and as the PDF's input."""
    return render_to_string("reports/report.html", report_context(report, for_pdf=for_pdf))


# The Debian/Ubuntu packages of the system libraries WeasyPrint loads (Pango, and
# PangoFT2 for the fonts); named in the error and in the system check (reports/checks.py).
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")


class PdfLibraryMissing(RuntimeError):
    """WeasyPrint is installed but a system library it needs (Pango) is not."""


def pango_missing_message(error: object = "") -> str:
    text = _(
        "The PDF cannot be made: WeasyPrint needs the Pango text layout library, which is "
        "not installed on this machine. On Debian or Ubuntu install it with: "
        "apt-get install %(packages)s"
    ) % {"packages": " ".join(PANGO_PACKAGES)}
    return f"{text} ({error})" if error else text


def _weasyprint_html():
    try:
        from weasyprint import HTML  # imported here: slow to import, needed only for PDF
    except OSError as exc:  # cffi: "cannot load library 'libpango-1.0-0'"
        raise PdfLibraryMissing(pango_missing_message(exc)) from exc
    return HTML


def render_pdf(report: dict[str, Any]) -> bytes:
    """The report as a paged A4 document (WeasyPrint from `render_html(for_pdf=True)`).
    Raises PdfLibraryMissing, naming the packages to install, without Pango."""
    HTML = _weasyprint_html()  # noqa: N806 - WeasyPrint's class
    document = render_html(report, for_pdf=True)
    # No base URL and no external references: nothing is fetched while rendering.
    return HTML(string=document, base_url=None).write_pdf()


# --- XLSX -----------------------------------------------------------------------------------

HEADER_FILL = "F2F4F7"
COUNT_FORMAT = "0"
THOUSANDS_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"
TARGET_FORMAT = "0"


@dataclass
class _Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    formats: dict[int, str] = field(default_factory=dict)  # column index → number format
    total: list[Any] | None = None
    row_formats: list[str | None] | None = None  # per row, for a label-value sheet


def _sheet_title(text: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    for character in "[]:*?/\\":
        text = text.replace(character, "-")
    return text[:31]


def _summary_sheet(report: dict[str, Any]) -> _Sheet:
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
    return _Sheet(
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


def _xlsx_sheets(report: dict[str, Any]) -> list[_Sheet]:
    from drogscen.reports import interventions_section  # it builds on this module's _Sheet

    municipalities = labels.municipality_rows(report)
    areas = labels.police_area_rows(report)
    scenes = _("Open drug scenes")
    share = _("Share of the open drug scenes")
    return [
        _summary_sheet(report),
        _Sheet(
            _("Municipalities"),
            [_("Municipality code"), _("Municipality"), scenes],
            [[r.code, r.name, r.scenes] for r in municipalities],
            {2: COUNT_FORMAT},
            [
                _total_label(report),
                None,
                sum(r.scenes for r in municipalities if r.scenes is not None),
            ],
        ),
        _Sheet(
            _("Local police areas"),
            [_("Local police area"), scenes],
            [[name, n] for name, n in areas],
            {1: COUNT_FORMAT},
            [_total_label(report), sum(n for _name, n in areas)],
        ),
        _Sheet(
            _("Districts"),
            [_("District administration"), _("Has open drug scenes")],
            [[r.name, _yes_no(r.has_scenes)] for r in labels.district_rows(report)],
        ),
        _Sheet(
            _("Substances"),
            [_("Main substance"), scenes, share, _("Code")],
            [[r.label, r.scenes, r.share, r.code] for r in labels.substance_rows(report)],
            {1: COUNT_FORMAT, 2: PERCENT_FORMAT},
        ),
        _Sheet(
            _("Symptoms"),
            [_("Symptom"), scenes, share, _("Code")],
            [[r.label, r.scenes, r.share, r.code] for r in labels.symptom_rows(report)],
            {1: COUNT_FORMAT, 2: PERCENT_FORMAT},
        ),
        _Sheet(
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


def _outcome_sheets(report: dict[str, Any]) -> list[_Sheet]:
    """The outcomes section's tables (crimes, safety surveys, youth signals), from the
    same rows as the HTML; codes in a last column for those who join on them."""
    year = report["year"]
    sheets = []
    if rows := outcome_rows(report):
        sheets.append(
            _Sheet(
                _("Outcomes"),
                [_("Figure"), str(year - 1), str(year), _("Code")],
                [[r.label, r.previous, r.current, r.key] for r in rows],
                {1: THOUSANDS_FORMAT, 2: THOUSANDS_FORMAT},
            )
        )
    if rows := survey_rows(report):
        sheets.append(
            _Sheet(
                _("Surveys"),
                [_("Indicator"), _("Value"), _("Code")],
                [[name, value, code] for code, name, value, _percent in rows],
                {1: DECIMAL_FORMAT},
            )
        )
    if rows := youth_rows(report):
        sheets.append(
            _Sheet(
                _("Youth signals"),
                [_("Signal"), _("Count"), _("Code")],
                [[name, n, code] for code, name, n in rows],
                {1: COUNT_FORMAT},
            )
        )
    return sheets


def _evaluation_sheets(report: dict[str, Any]) -> list[_Sheet]:
    from drogscen.evaluations.labels import EVALUATION_VERDICT, METHOD_VERDICT

    items, methods, surveys = _evaluation_names(report)
    sheets = []
    if items:
        sheets.append(
            _Sheet(
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
            _Sheet(
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
        for column_index, header in enumerate(sheet.headers, start=1):
            letter = get_column_letter(column_index)
            texts = [str(header)] + [
                _display_width(c.value) for c in ws[letter][1:] if c.value is not None
            ]
            ws.column_dimensions[letter].width = min(max(max(len(t) for t in texts) + 2, 10), 70)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _display_width(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value > 1 else "100%"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
