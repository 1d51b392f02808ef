"""The county report's tables and notes as the HTML/PDF and the Excel outputs show them
(the table model: `Cell`, `Column`, `Table`, `ChartBlock`), built from the one
`report_build` dict. Text is in the active language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drogscen.core import numbers
from drogscen.evaluations.labels import EVALUATION_VERDICT, METHOD_VERDICT
from drogscen.reports import labels


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


def total_label(report: dict[str, Any]) -> str:
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
        footer=[Cell(total_label(report)), Cell(""), _count(sum(shown))],
    )


def police_area_table(report: dict[str, Any]) -> Table:
    rows = labels.police_area_rows(report)
    return Table(
        id="table-police-areas",
        caption=_("Open drug scenes per local police area %(year)s") % {"year": report["year"]},
        columns=[Column(_("Local police area")), Column(_("Open drug scenes"), True)],
        rows=[[Cell(name), _count(n)] for name, n in rows],
        footer=[Cell(total_label(report)), _count(sum(n for _name, n in rows))],
    )


def yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not shown")
    return _("Yes") if value else _("No")


def district_table(report: dict[str, Any]) -> Table:
    return Table(
        id="table-districts",
        caption=_("District administrations of the City of Stockholm %(year)s")
        % {"year": report["year"]},
        columns=[Column(_("District administration")), Column(_("Has open drug scenes"))],
        rows=[[Cell(r.name), Cell(yes_no(r.has_scenes))] for r in labels.district_rows(report)],
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


def evaluation_names(report: dict[str, Any]):
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
    items, methods, surveys = evaluation_names(report)
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
    by_method = (report.get("evaluations") or {}).get("by_method") or {}
    if not by_method:
        return None
    _items, methods, _surveys = evaluation_names(report)
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
        "share": numbers.percent_value(settings.TARGET_END_SHARE * 100),
    }


def definition_symptoms(report: dict[str, Any]) -> list[str]:
    """The symptoms as the year's questionnaire (and the county's FAQ) words them."""
    return list(labels.option_labels(report["year"], "symptoms").values())


# --- the sheets of the Excel output ------------------------------------------------------

COUNT_FORMAT = "0"
THOUSANDS_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"
TARGET_FORMAT = "0"


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    formats: dict[int, str] = field(default_factory=dict)  # column index → number format
    total: list[Any] | None = None
    row_formats: list[str | None] | None = None  # per row, for a label-value sheet
