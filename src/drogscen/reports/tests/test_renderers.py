"""Every output of the county report carries the builder's figures: JSON, CSV and XLSX
read back equal the builder; the HTML holds the charts and nothing external; the PDF
reads like the county's report, in Swedish, with page numbers and no scene named."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext, ngettext

from drogscen.geo.models import Municipality
from drogscen.reports import charts, labels, renderers
from drogscen.reports import tests as shared
from drogscen.reports.builder import report_build

report_2024 = shared.report_2024

pytestmark = pytest.mark.django_db

HEADLINE_SINGULAR, HEADLINE_PLURAL = "%(count)s open drug scene", "%(count)s open drug scenes"
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def without_generated_at(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "generated_at"}


# --- JSON, CSV ------------------------------------------------------------------------------


def test_json_reads_back_as_the_builders_dict(report_2024):
    fresh = report_build(year=2024)
    assert without_generated_at(json.loads(renderers.render_json(report_2024))) == (
        without_generated_at(fresh)
    )
    assert json.loads(renderers.render_json(fresh))["generated_at"] == fresh["generated_at"]


def test_csv_lists_every_municipality_with_its_count(report_2024):
    rows = list(csv.DictReader(io.StringIO(renderers.render_csv(report_2024))))
    names = dict(Municipality.objects.values_list("code", "name"))

    assert list(rows[0]) == ["code", "name", "scenes"]
    assert len(rows) == len(names) == 26
    assert [r["code"] for r in rows] == sorted(names)
    assert all(r["name"] == names[r["code"]] for r in rows)
    by_code = report_2024["municipalities"]["by_code"]
    assert {r["code"]: int(r["scenes"]) for r in rows} == {c: by_code.get(c, 0) for c in names}
    assert sum(int(r["scenes"]) for r in rows) == report_2024["scenes"]["count"] == 53
    assert sum(1 for r in rows if int(r["scenes"])) == 8
    assert next(r for r in rows if r["code"] == "0180") == {
        "code": "0180",
        "name": "Stockholm",
        "scenes": "30",
    }


def test_a_restricted_report_leaves_the_areas_it_does_not_show_empty(demo_county):
    from django.contrib.auth import get_user_model

    solna = get_user_model().objects.get(username="solna-handlaggare")
    report = report_build(year=2024, fetched_by=solna)
    text = renderers.render_csv(report)
    rows = {r["code"]: r["scenes"] for r in csv.DictReader(io.StringIO(text))}

    assert rows["0184"] == "4"
    assert rows["0180"] == "" and rows["0114"] == ""
    with translation.override("en"):
        document = renderers.render_html(report)
    assert "does not see the whole county" in document


# --- XLSX -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(report_2024, django_db_blocker):
    from openpyxl import load_workbook

    with django_db_blocker.unblock(), translation.override("en"):
        data = renderers.render_xlsx(report_2024)
    return load_workbook(io.BytesIO(data))


def test_xlsx_has_one_sheet_per_table_with_a_frozen_bold_header(workbook):
    assert workbook.sheetnames == [
        "Summary",
        "Municipalities",
        "Local police areas",
        "Districts",
        "Substances",
        "Symptoms",
        "Goal",
        "Collaboration",
        "Outcomes",
        "Surveys",
        "Youth signals",
        "Evaluations",
        "Evaluated methods",
    ]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1] if cell.value), sheet.title
        assert sheet.column_dimensions["A"].width >= 10, sheet.title


def test_xlsx_summary_figures_and_their_formats(workbook, report_2024):
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows(min_row=2)}

    assert summary["Open drug scenes"].value == 53
    assert summary["Open drug scenes the previous year (2023)"].value == 63
    assert summary["Change from the previous year"].value == -10
    assert summary["Municipalities with open drug scenes"].value == 8
    assert summary["Local police areas with open drug scenes"].value == 13
    joint = summary["Mappings made jointly with the municipality"]
    assert joint.value == 0.9643 == report_2024["mappings"]["joint_share"]
    assert joint.number_format == "0%"
    area = summary["Total area of the open drug scenes (m²)"]
    assert area.value == report_2024["scenes"]["area_m2"]
    assert area.number_format == "#,##0"


def test_xlsx_tables_equal_the_builder(workbook, report_2024):
    municipalities = list(workbook["Municipalities"].iter_rows(min_row=2, values_only=True))
    assert [h.value for h in workbook["Municipalities"][1]] == [
        "Municipality code",
        "Municipality",
        "Open drug scenes",
    ]
    *rows, total = municipalities
    assert len(rows) == 26
    by_code = report_2024["municipalities"]["by_code"]
    assert {code: n for code, _name, n in rows} == {code: by_code.get(code, 0) for code, *_ in rows}
    assert total == ("Total", None, 53)

    *areas, area_total = workbook["Local police areas"].iter_rows(min_row=2, values_only=True)
    assert dict(areas) == report_2024["local_police_areas"]["by_name"]
    assert area_total == ("Total", 53)

    substances = workbook["Substances"].iter_rows(min_row=2, values_only=True)
    assert {row[3]: row[1] for row in substances} == report_2024["substances"]
    symptoms = workbook["Symptoms"]
    assert {row[3]: row[1] for row in symptoms.iter_rows(min_row=2, values_only=True)} == (
        report_2024["symptoms"]
    )
    assert symptoms["C2"].number_format == "0%"
    assert symptoms["B2"].value == 40 and symptoms["A2"].value == "The public avoids the place"

    goal = list(workbook["Goal"].iter_rows(min_row=2, values_only=True))
    assert [(year, n) for year, n, _target in goal] == [
        (2023, 63),
        (2024, 53),
        (2025, None),
        (2026, None),
        (2027, None),
    ]
    targets = [target for *_rest, target in goal]
    assert targets[0] == 63 and targets[-1] == 31.5
    assert all(later < earlier for earlier, later in zip(targets, targets[1:], strict=False))


# --- words and the target path (no database needed, but the labels module reads it) --------


def test_target_path_runs_straight_to_half_the_first_year():
    path = labels.target_path({2023: 63, 2024: 53}, 2027)
    assert list(path) == [2023, 2024, 2025, 2026, 2027]
    assert path[2023] == 63 and path[2027] == 31.5
    assert path[2025] == pytest.approx(47.25)
    assert labels.target_path({2027: 10}, 2027) == {}
    assert labels.target_path({}, 2027) == {}


def test_the_steering_groups_own_target_share_moves_the_path_and_its_note(settings):
    settings.TARGET_END_SHARE = 0.7
    assert labels.target_path({2023: 60}, 2027)[2027] == pytest.approx(42)
    with translation.override("en"):
        note = renderers.target_path_note({"goal": {"target_year": 2027}})
    assert "to 70 % of it in 2027" in note


@pytest.mark.parametrize("text", ["0", "1.5", "hälften", "-0.2"])
def test_a_target_share_outside_0_to_1_stops_the_start(monkeypatch, text):
    from django.core.exceptions import ImproperlyConfigured

    from drogscen.config.settings import _share

    monkeypatch.setenv("DROGSCEN_TARGET_END_SHARE", text)
    with pytest.raises(ImproperlyConfigured, match="DROGSCEN_TARGET_END_SHARE"):
        _share("DROGSCEN_TARGET_END_SHARE", "0.5")


@pytest.mark.parametrize(
    ("count", "change", "new", "sentence"),
    [
        (53, -10, 0, "53 open drug scenes, 10 fewer than the previous year, no new ones."),
        (1, -1, 0, "1 open drug scene, 1 fewer than the previous year, no new ones."),
        (60, 7, 3, "60 open drug scenes, 7 more than the previous year, 3 new."),
        (5, 0, 1, "5 open drug scenes, as many as the previous year, 1 new."),
        (63, None, None, "63 open drug scenes."),
        (0, -2, 0, "No open drug scenes, 2 fewer than the previous year, no new ones."),
    ],
)
def test_headline_handles_plurals_and_directions(count, change, new, sentence):
    report = {"scenes": {"count": count, "change": change, "new": new}}
    with translation.override("en"):
        assert labels.headline(report) == sentence


def test_summary_sentences_follow_the_faq(report_2024):
    with translation.override("en"):
        sentences = labels.summary_sentences(report_2024)
    assert sentences[:4] == [
        "53 open drug scenes, 10 fewer than the previous year, no new ones.",
        "The scenes lie in 8 of 26 municipalities and are linked to 13 local police areas.",
        "In the City of Stockholm, open drug scenes were identified in all 11 district "
        "administrations.",
        "The local police areas made 96% of the mappings together with the municipality "
        "representatives concerned.",
    ]
    assert "decreased every year so far" in sentences[-1]


# --- charts ---------------------------------------------------------------------------------


def test_charts_are_deterministic_inline_svg_fit_for_a_strict_csp(report_2024):
    with translation.override("en"):
        first = charts.goal_chart(report_2024)
        assert charts.goal_chart(report_2024) == first
        drawn = {
            "goal": first,
            "municipalities": charts.municipality_chart(report_2024),
            "substances": charts.substance_chart(report_2024),
            "symptoms": charts.symptom_chart(report_2024),
            "map": charts.county_map(report_2024),
        }
    for key, svg in drawn.items():
        assert svg.startswith(f'<svg class="chart chart-{key}" role="img"'), key
        assert f'<title id="chart-{key}-title">' in svg, key
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata" not in svg, key
        assert " style=" not in svg and "<style" not in svg, key  # CSP: style-src 'self'
        assert re.findall(r"https?://[^\s\"'<>)]+", svg) == [
            "http://www.w3.org/1999/xlink",
            "http://www.w3.org/2000/svg",
        ], key
        assert all(i.startswith(f"chart-{key}-") for i in re.findall(r'\bid="([^"]+)"', svg))
    assert "Goal year 2027" in drawn["goal"]
    assert "Target path: halved by 2027 (illustrative)" in drawn["goal"]
    assert "Stockholm" in drawn["municipalities"] and "0180" not in drawn["municipalities"]
    assert "The public avoids the place" in drawn["symptoms"]
    assert "Cannabis (hashish, marijuana)" in drawn["substances"]


def test_chart_labels_follow_the_active_language(report_2024):
    # Questionnaire labels, not the catalogue: Swedish is there already.
    with translation.override("sv"):
        assert "Allmänheten undviker platsen" in charts.symptom_chart(report_2024)


def test_the_map_is_drawn_from_municipal_boundaries_not_scenes(report_2024):
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        svg = charts.county_map(report_2024)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "geo_municipality" in tables
    assert "scenes_scene" not in tables and "mappings_mapping" not in tables
    assert "Sundbyberg" in svg and ">30<" in svg  # Stockholm's count, named in the inset


# --- HTML -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_en(report_2024, django_db_blocker):
    with django_db_blocker.unblock(), translation.override("en"):
        return renderers.render_html(report_2024)


def test_html_is_standalone_with_charts_tables_and_no_external_url(html_en):
    assert html_en.startswith("<!doctype html>")
    assert '<html lang="en">' in html_en
    assert html_en.count('role="img"') == 5
    for key in ("goal", "map", "municipalities", "substances", "symptoms"):
        assert f'<svg class="chart chart-{key}"' in html_en
    for table in ("goal", "municipalities", "police-areas", "districts", "substances", "symptoms"):
        assert f'<table id="table-{table}">' in html_en
    assert 'aria-describedby="table-municipalities"' in html_en  # the map's figures
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html_en))
    assert urls <= SVG_NAMESPACES, urls - SVG_NAMESPACES
    assert "<link" not in html_en and "<script" not in html_en and "@import" not in html_en
    ids = re.findall(r'\bid="([^"]+)"', html_en)
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_html_says_the_summary_and_shows_no_scene(html_en):
    assert "53 open drug scenes, 10 fewer than the previous year, no new ones." in html_en
    assert "8 of 26" in html_en
    assert "An open drug scene is a geographic, persistent place" in html_en
    assert html_en.count("<li>The place") >= 5  # the symptoms in the definitions
    assert "P-" not in html_en and "Plats " not in html_en


# --- PDF (one render, in Swedish) -----------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_pages(report_2024, django_db_blocker):
    from pypdf import PdfReader

    with django_db_blocker.unblock(), translation.override("sv"):
        data = renderers.render_pdf(report_2024)
    reader = PdfReader(io.BytesIO(data))
    assert data.startswith(b"%PDF-")
    # Line breaks and non-breaking spaces as plain spaces: sentences wrap on the page.
    return [" ".join(page.extract_text().replace("\u00a0", " ").split()) for page in reader.pages]


def test_pdf_has_a_title_page_and_page_numbers(pdf_pages):
    assert len(pdf_pages) >= 6
    with translation.override("sv"):
        numbered = [
            gettext("Page %(page)s of %(pages)s") % {"page": n, "pages": len(pdf_pages)}
            for n in range(1, len(pdf_pages) + 1)
        ]
    assert numbered[0] not in pdf_pages[0]  # the title page carries none
    for number, text in zip(numbered[1:], pdf_pages[1:], strict=True):
        assert number in text
    assert "2024" in pdf_pages[0]


def test_pdf_names_and_locates_no_scene(pdf_pages):
    text = " ".join(pdf_pages)
    assert "P-" not in text
    assert "Plats " not in text
    assert not re.search(r"\b\d{2}\.\d{4,}", text)  # no coordinates either


def test_pdf_summary_in_swedish(pdf_pages):
    """The PDF's summary sentence exactly as the county writes it: fails if the Swedish
    catalogue loses the report's translations."""
    text = " ".join(pdf_pages)
    with translation.override("sv"):
        assert ngettext(HEADLINE_SINGULAR, HEADLINE_PLURAL, 53) == "%(count)s öppna drogscener"
    assert "53 öppna drogscener, 10 färre än föregående år, inga nya." in text
    assert "Platserna ligger i 8 av 26 kommuner och är knutna till 13 lokalpolisområden." in text
    assert "8 av 26 kommuner" in text
    assert "96 %" in text
    assert "I Stockholms stad finns det identifierade öppna drogscener i samtliga 11 " in text
    assert "En öppen drogscen är en geografisk, bestående plats där bruk och försäljning" in text


def test_the_first_year_has_no_comparison(demo_county):
    report = report_build(year=2023)
    with translation.override("en"):
        figures = [figure.label for figure in labels.key_figures(report)]
        document = renderers.render_html(report)
        workbook_bytes = renderers.render_xlsx(report)
        headline = labels.headline(report)

    assert headline == "63 open drug scenes."
    assert "Change from the previous year" not in figures
    assert "63 open drug scenes." in document
    assert "the first comparison comes with the next year" in document
    assert workbook_bytes.startswith(b"PK")


# --- outcomes, surveys and evaluations: named, not coded; numbers as elsewhere ---------------


@pytest.fixture(scope="module")
def html_sv(report_2024, django_db_blocker):
    with django_db_blocker.unblock(), translation.override("sv"):
        return renderers.render_html(report_2024)


def _text(document: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", document).replace("\u00a0", " ").split())


def test_outcome_survey_and_evaluation_tables_are_in_words(report_2024, html_sv, html_en):
    from drogscen.interventions.models import Method
    from drogscen.outcomes.models import SurveyIndicator

    outcomes = report_2024["outcomes"]
    evaluations = report_2024["evaluations"]
    assert outcomes["survey"] and outcomes["youth_signals"] and evaluations["items"]
    methods = {code for item in evaluations["items"] for code in item["methods"]}
    codes = methods | set(evaluations["by_method"]) | set(outcomes["survey"])
    codes |= set(outcomes["youth_signals"])
    for document, language in ((html_sv, "sv"), (html_en, "en")):
        section = document.split('id="evaluations"', 1)[1].split("</footer>", 1)[0]
        for code in codes:
            assert code not in section, (language, code)
        for method in Method.objects.filter(code__in=methods):
            name = method.name_sv if language == "sv" else method.name_en
            assert html.escape(name) in section, (language, name)
        for indicator in SurveyIndicator.objects.filter(code__in=outcomes["survey"]):
            name = indicator.name_sv if language == "sv" else indicator.name_en
            assert html.escape(name) in section, (language, name)
    text = _text(html_sv)
    assert outcomes["violent_inside_previous"] == 1387
    assert "1 387" in text and "1387" not in text  # grouped like every other number
    with translation.override("en"):
        assert "reports of concern to social services" in _text(html_en)


def test_xlsx_outcome_survey_and_evaluation_sheets_equal_the_builder(workbook, report_2024):
    outcomes = report_2024["outcomes"]
    crimes = {
        row[3]: row[1:3] for row in workbook["Outcomes"].iter_rows(min_row=2, values_only=True)
    }
    assert crimes["violent_inside"] == (1387, outcomes["violent_inside"])
    assert crimes["detected_inside"] == (
        outcomes["detected_inside_previous"],
        outcomes["detected_inside"],
    )
    assert workbook["Outcomes"]["B2"].number_format == "#,##0"
    surveys = workbook["Surveys"].iter_rows(min_row=2, values_only=True)
    assert {code: value for _name, value, code in surveys} == outcomes["survey"]
    youth = workbook["Youth signals"].iter_rows(min_row=2, values_only=True)
    assert {code: n for _name, n, code in youth} == outcomes["youth_signals"]
    items = report_2024["evaluations"]["items"]
    evaluations = list(workbook["Evaluations"].iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in evaluations] == [item["res"] for item in items]
    assert [(row[2], row[3]) for row in evaluations] == [tuple(item["after"]) for item in items]
    assert "early_youth_intervention" not in " ".join(str(v) for row in evaluations for v in row)
    methods = workbook["Evaluated methods"].iter_rows(min_row=2, values_only=True)
    assert {row[6]: row[1] for row in methods} == {
        code: m["scenes"] for code, m in report_2024["evaluations"]["by_method"].items()
    }


# --- a machine without Pango -----------------------------------------------------------------


@pytest.fixture
def without_pango(monkeypatch):
    """WeasyPrint's import as it fails when the Pango system library is missing."""
    import builtins
    import sys

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError(
                "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared "
                "object file: No such file or directory"
            )
        return real_import(name, *args, **kwargs)

    for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", failing_import)


def test_a_missing_pango_is_named_not_blamed_on_the_output_path(
    demo_county, without_pango, tmp_path
):
    from django.core.management import CommandError, call_command

    target = tmp_path / "x.pdf"
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("report", "--year", "2024", "--format", "pdf", "--out", str(target))
    message = str(raised.value)
    assert "Pango" in message and "libpango-1.0-0 libpangoft2-1.0-0" in message
    assert "cannot be written" not in message and str(target) not in message
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(renderers.PdfLibraryMissing):
        renderers.render_pdf({"year": 2024})


def test_the_system_check_names_the_pango_packages(monkeypatch):
    from drogscen.reports import checks

    monkeypatch.setattr(checks, "_loadable", lambda name, soname: name != "pangoft2-1.0")
    [warning] = checks.pango_installed()
    assert warning.id == "drogscen.reports.W001" and warning.level == 30  # a Warning
    assert warning.hint.endswith("libpangoft2-1.0-0")
    monkeypatch.setattr(checks, "_loadable", lambda name, soname: True)
    assert checks.pango_installed() == []
