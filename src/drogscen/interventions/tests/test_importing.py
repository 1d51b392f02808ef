"""The template workbook, the export in its format and `drogscen import_interventions`:
round trip, insert or update by organisation and ref, all or nothing with messages naming
file, sheet, row and column."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from drogscen.audit.models import AuditEntry
from drogscen.core.imports import FieldInvalid, spec_for
from drogscen.interventions.importing import InterventionsImport
from drogscen.interventions.importing_sheets import Codes, int_value, parse_intervention_row
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.interventions.services import intervention_create, progress_report, target_add
from drogscen.interventions.workbook import INTERVENTION_COLUMNS, SHEETS


@pytest.fixture
def editor(make_user):
    return make_user("kommun:0180", "editor")


@pytest.fixture
def city_work(jarva_scene, org):
    """The City's work at its (Järva) scene with a target and two reports, and a
    municipality-wide piece without targets."""
    walks = intervention_create(
        organisation=org("kommun:0180"),
        ref="TRYGG-1",
        title="Trygghetsvandringar",
        description="Kvällstid",
        methods=[Method.objects.get(code="cpted_place_design")],
        scenes=[jarva_scene],
        starts_on=date(2025, 1, 1),
        status="ongoing",
        target_groups=["residents", "young_people"],
        resources_hours=120,
    )
    target = target_add(
        intervention=walks,
        description="Minst 12 vandringar",
        unit="vandringar",
        planned_quantity=12,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    progress_report(target=target, period=date(2025, 1, 1), actual_quantity=3)
    progress_report(target=target, period=date(2025, 4, 1), actual_quantity=2)
    wide = intervention_create(
        organisation=org("kommun:0180"),
        title="Hela staden",
        methods=[Method.objects.get(code="street_outreach")],
        municipality=org("kommun:0180").municipality,
        starts_on=date(2024, 5, 1),
        ends_on=date(2025, 4, 30),
        status="finished",
    )
    return {"walks": walks, "target": target, "wide": wide}


def exported(client, user) -> bytes:
    client.force_login(user)
    response = client.get(reverse("interventions:export"))
    assert response.status_code == 200
    return response.content


def run(path, user=None, *extra):
    out, err = io.StringIO(), io.StringIO()
    args = [str(path), *extra] + (["--as", user.username] if user else [])
    with translation.override("en"):
        call_command("import_interventions", *args, stdout=out, stderr=err)
    return out.getvalue()


def refused(path, user=None, *extra) -> str:
    err = io.StringIO()
    args = [str(path), *extra] + (["--as", user.username] if user else [])
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("import_interventions", *args, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 2
    assert "nothing was imported" in str(failure.value)
    return err.getvalue()


def snapshot():
    return (
        sorted(Intervention.objects.values_list("pk", "ref", "title", "version", "status")),
        sorted(Target.objects.values_list("pk", "unit", "planned_quantity", "period_end")),
        sorted(TargetProgress.objects.values_list("pk", "period", "actual_quantity")),
    )


def test_the_template_has_the_sheets_headers_and_lists(client, editor, jarva_scene, solna_scene):
    client.force_login(editor)
    response = client.get(reverse("interventions:template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["interventions", "targets", "progress", "lists"]
    assert book["lists"].sheet_state == "hidden"
    for name, columns in SHEETS.items():
        assert tuple(c.value for c in book[name][1]) == columns
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in book["lists"].columns}
    assert lists["organisations"] == ["kommun:0180"]  # only the user's own
    assert lists["scenes"] == ["S-JARVA"]  # not the Solna scene out of sight
    assert "hot_spot_patrol" in lists["methods"] and "ongoing" in lists["statuses"]
    validations = {
        str(v.sqref).split(":")[0]: v.formula1
        for v in book["interventions"].data_validations.dataValidation
    }
    assert validations["A2"] == "'lists'!$A$2:$A$2"  # organisation
    assert validations["E2"].startswith("'lists'!$C$2")  # scenes
    assert {"A2", "D2", "E2", "F2", "I2", "J2"} <= set(validations)


def test_viewers_get_no_template(client, make_user):
    client.force_login(make_user("kommun:0180", "viewer"))
    assert client.get(reverse("interventions:template")).status_code == 404
    assert client.get(reverse("interventions:export")).status_code == 404


def test_round_trip_changes_nothing(client, editor, city_work, tmp_path):
    path = tmp_path / "insatser.xlsx"
    path.write_bytes(exported(client, editor))
    book = load_workbook(path)
    assert [r[1] for r in book["interventions"].iter_rows(min_row=2, values_only=True)] == [
        city_work["wide"].ref,
        "TRYGG-1",
    ]
    assert book["progress"].max_row == 3
    before, entries = snapshot(), AuditEntry.objects.count()
    assert "0 created, 0 updated, 5 unchanged" in run(path, editor)
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries
    # and as the operator (no --as)
    assert "0 created, 0 updated, 5 unchanged" in run(path)


def test_an_edited_export_updates_and_adds(client, editor, city_work, tmp_path):
    path = tmp_path / "insatser.xlsx"
    path.write_bytes(exported(client, editor))
    book = load_workbook(path)
    sheet = book["interventions"]
    sheet["C3"] = "Trygghetsvandringar i Järva"  # TRYGG-1's title
    sheet.append(
        [
            "kommun:0180",
            "NY-1",
            "Ny insats",
            "street_outreach;place_activation",
            "S-JARVA",
            None,
            date(2025, 9, 1),
            None,
            "planned",
            "young_people",
            None,
            None,
            None,
        ]
    )
    book["targets"].append(
        ["kommun:0180", "NY-1", "Kvällar", "kvällar", 20, date(2025, 9, 1), date(2025, 12, 31)]
    )
    book["progress"].append(
        ["kommun:0180", "TRYGG-1", "vandringar", date(2025, 1, 1), date(2025, 7, 1), 4]
    )
    book["progress"]["F3"] = 5  # a correction of the April report
    book.save(path)
    assert "3 created, 2 updated, 3 unchanged" in run(path, editor)
    walks = Intervention.objects.get(ref="TRYGG-1")
    assert (walks.title, walks.version) == ("Trygghetsvandringar i Järva", 2)
    new = Intervention.objects.get(ref="NY-1")
    assert sorted(m.code for m in new.methods.all()) == ["place_activation", "street_outreach"]
    assert new.targets.get().planned_quantity == 20
    assert city_work["target"].progress.done == 3 + 5 + 4
    assert AuditEntry.objects.filter(action="import").count() == 1
    assert "0 created, 0 updated, 8 unchanged" in run(path, editor)


def test_dry_run_writes_nothing(client, editor, city_work, tmp_path):
    path = tmp_path / "insatser.xlsx"
    path.write_bytes(exported(client, editor))
    Intervention.objects.all().delete()
    assert "dry run, nothing written" in run(path, editor, "--dry-run")
    assert not Intervention.objects.exists()


def write_book(path, sheets: dict[str, list[list]], *, columns=SHEETS):
    book = Workbook()
    book.remove(book.active)
    for name, header in columns.items():
        ws = book.create_sheet(name)
        ws.append(list(header))
        for row in sheets.get(name, []):
            ws.append(row)
    book.save(path)
    return path


def row(**values):
    base = {
        "organisation": "kommun:0180",
        "ref": "R-1",
        "title": "Insats",
        "methods": "hot_spot_patrol",
        "scenes": "S-JARVA",
        "municipality": None,
        "starts_on": date(2025, 1, 1),
        "ends_on": None,
        "status": "ongoing",
        "target_groups": None,
        "description": None,
        "resources_hours": None,
        "resources_sek": None,
    }
    base.update(values)
    return [base[c] for c in INTERVENTION_COLUMNS]


TARGET = ["kommun:0180", "R-1", "Helger", "helger", 10, date(2025, 1, 1), date(2025, 12, 31)]


def test_a_new_file_is_imported_and_again_changes_nothing(editor, jarva_scene, tmp_path):
    path = write_book(
        tmp_path / "ny.xlsx",
        {
            "interventions": [row()],
            "targets": [TARGET],
            "progress": [["kommun:0180", "R-1", "helger", date(2025, 1, 1), date(2025, 2, 1), 3]],
        },
    )
    assert "3 created, 0 updated, 0 unchanged" in run(path, editor)
    assert "0 created, 0 updated, 3 unchanged" in run(path, editor)
    assert Intervention.objects.get().ref == "R-1"


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        (
            {"interventions": [row(methods="hot_spot_patrol;no_such")]},
            "ny.xlsx, sheet interventions, row 2, methods: unknown method codes: no_such",
        ),
        (
            {"interventions": [row(ends_on=date(2024, 1, 1))]},
            "sheet interventions, row 2, ends_on: the end date is before the start date",
        ),
        (
            {"interventions": [row(), row(ref="R-2", organisation="kommun:0184")]},
            "sheet interventions, row 3, organisation: kommun:0184 is not an organisation you "
            "record work for",
        ),
        (
            {"interventions": [row(organisation="kommun:9999")]},
            "organisation: unknown organisation code 'kommun:9999'",
        ),
        (
            {"interventions": [row(scenes="S-SOLNA")]},
            # Another area's scene reads as unknown: the import does not confirm it exists.
            "row 2, scenes: unknown scene references: S-SOLNA",
        ),
        (
            {"interventions": [row(status="klar")]},
            "row 2, status: unknown status 'klar'",
        ),
        (
            {"interventions": [row(description="Ring 070-123 45 67")]},
            "row 2, description:",
        ),
        (
            {"interventions": [row(), row()]},
            "sheet interventions, row 3, ref: the same reference as sheet interventions, row 2",
        ),
        (
            {"interventions": [row()], "targets": [TARGET[:3] + [None] + TARGET[4:]]},
            "sheet targets, row 2, unit: is required",
        ),
        (
            {
                "interventions": [row()],
                "targets": [TARGET[:5] + [date(2025, 6, 1), date(2025, 1, 1)]],
            },
            "sheet targets, row 2, period_end:",
        ),
        (
            {
                "interventions": [row()],
                "targets": [TARGET],
                "progress": [
                    ["kommun:0180", "R-1", "helger", date(2025, 1, 1), date(2025, 2, 1), -3]
                ],
            },
            "sheet progress, row 2, actual_quantity: must not be negative",
        ),
        (
            {
                "interventions": [row()],
                "targets": [TARGET],
                "progress": [
                    ["kommun:0180", "R-1", "helger", date(2025, 1, 1), date(2025, 2, 1), "många"]
                ],
            },
            "sheet progress, row 2, actual_quantity: must be a whole number, not 'många'",
        ),
        (
            {
                "interventions": [row()],
                "targets": [TARGET],
                "progress": [
                    ["kommun:0180", "R-1", "helger", date(2025, 1, 1), date(2026, 2, 1), 3]
                ],
            },
            "sheet progress, row 2, period: must lie within the target's period",
        ),
        (
            {"targets": [TARGET]},
            "sheet targets, row 2, intervention_ref: no intervention R-1 of kommun:0180",
        ),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_written(
    editor, jarva_scene, solna_scene, tmp_path, sheets, expected
):
    path = write_book(tmp_path / "ny.xlsx", sheets)
    assert expected in refused(path, editor)
    assert not Intervention.objects.exists() and not Target.objects.exists()


def test_a_workbook_that_is_not_the_template(editor, tmp_path):
    missing_sheet = write_book(
        tmp_path / "a.xlsx", {}, columns={"interventions": INTERVENTION_COLUMNS}
    )
    assert "a.xlsx: is not the template: the sheet targets, progress is missing" in refused(
        missing_sheet, editor
    )
    columns = dict(SHEETS, targets=SHEETS["targets"][:-1])
    missing_column = write_book(tmp_path / "b.xlsx", {}, columns=columns)
    assert "b.xlsx, sheet targets: is not the template: the column period_end is missing" in (
        refused(missing_column, editor)
    )


def with_part(workbook, path, name: str, content: bytes):
    """A copy of the workbook with one more part (e.g. a macro project)."""
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return path


def test_macro_enabled_and_corrupt_files_are_refused(editor, tmp_path):
    good = write_book(tmp_path / "good.xlsx", {})
    macro = with_part(good, tmp_path / "makro.xlsm", "xl/vbaProject.bin", b"\x00" * 64)
    assert "macro-enabled workbook" in refused(macro, editor)
    corrupt = tmp_path / "trasig.xlsx"
    corrupt.write_bytes(good.read_bytes()[:300])
    assert "trasig.xlsx:" in refused(corrupt, editor)
    binary = tmp_path / "bild.xlsx"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "bild.xlsx:" in refused(binary, editor)


def test_a_csv_of_interventions(editor, jarva_scene, tmp_path):
    path = tmp_path / "insatser.csv"
    path.write_text(
        ";".join(INTERVENTION_COLUMNS)
        + "\nkommun:0180;C-1;Från CSV;hot_spot_patrol;S-JARVA;;2025-01-01;;ongoing;residents;;;\n"
        + "kommun:0180;C-2;Felaktig;hot_spot_patrol;;;2025-01-01;;ongoing;;;-5;\n",
        encoding="utf-8",
    )
    message = refused(path, editor)
    assert "insatser.csv, row 3, resources_hours: must not be negative" in message
    assert "insatser.csv, row 3, scenes: name at least one scene or the municipality" in message
    path.write_text(path.read_text(encoding="utf-8").rsplit("kommun:0180;C-2", 1)[0])
    assert "1 created" in run(path, editor)
    assert Intervention.objects.get().target_groups == ["residents"]


def test_the_upload_page_uses_the_same_import(
    client, editor, jarva_scene, tmp_path, django_capture_on_commit_callbacks
):
    from drogscen.core.models import FileImport

    client.force_login(editor)
    old_address = client.get(reverse("interventions:import"))
    assert old_address.url == reverse("imports:upload", args=["interventions"])
    bad = write_book(tmp_path / "fel.xlsx", {"interventions": [row(methods="nej")]})
    with bad.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(old_address.url, {"file": handle})
    refused = FileImport.objects.get()
    assert response.url == reverse("imports:detail", args=[refused.pk])
    assert any("fel.xlsx, " in line and "methods" in line for line in refused.result["problems"])
    good = write_book(tmp_path / "ok.xlsx", {"interventions": [row()]})
    with good.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(old_address.url, {"file": handle})
    assert response.status_code == 302
    assert Intervention.objects.get().ref == "R-1"


# --- the row parser ------------------------------------------------------------------------

CODES = Codes(
    organisations={"kommun:0180": "STHLM"},
    methods={"hot_spot_patrol": "PATROL", "street_outreach": "OUTREACH"},
    scenes={"S-1": "SCENE-1"},
    municipalities={"0180": "STOCKHOLM"},
    all_organisations=frozenset({"kommun:0180", "kommun:0184"}),
    all_scenes=frozenset({"S-1", "S-2"}),
)
cell = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.dates().map(lambda d: datetime(d.year, d.month, d.day)),
    st.sampled_from(["kommun:0180", "hot_spot_patrol", "S-1", "S-2", "0180", "ongoing", "R-1"]),
)


@given(st.fixed_dictionaries({c: cell for c in INTERVENTION_COLUMNS}))
def test_the_row_parser_names_a_column_for_every_problem_and_never_raises(values):
    with translation.override("en"):
        parsed, problems = parse_intervention_row(values, CODES)
    assert {column for column, _message in problems} <= set(INTERVENTION_COLUMNS)
    if not problems:
        assert parsed.organisation == "STHLM" and parsed.methods
        assert parsed.scenes or parsed.municipality
        assert parsed.ends_on is None or parsed.ends_on >= parsed.starts_on


@given(st.integers(0, 10**9), st.sampled_from([int, float, str]))
def test_whole_numbers_read_in_any_spreadsheet_form(number, kind):
    assert int_value(kind(number), required=True) == number


@given(st.integers(max_value=-1))
def test_negative_numbers_are_refused(number):
    with pytest.raises(FieldInvalid):
        int_value(number, required=True)


def test_a_title_that_looks_like_a_formula_is_exported_as_text_and_reads_back(
    client, editor, city_work, tmp_path
):
    Intervention.objects.filter(pk=city_work["wide"].pk).update(title='=HYPERLINK("x","y")')
    path = tmp_path / "insatser.xlsx"
    path.write_bytes(exported(client, editor))
    cells = {
        row[1].value: row[2] for row in load_workbook(path)["interventions"].iter_rows(min_row=2)
    }
    title = cells[city_work["wide"].ref]
    assert (title.value, title.data_type) == ('=HYPERLINK("x","y")', "s")
    before = snapshot()
    assert "0 created, 0 updated, 5 unchanged" in run(path, editor)
    assert snapshot() == before


# --- the template saved as ODS (LibreOffice) ------------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_cell(value) -> str:
    """A cell as LibreOffice writes it: text, a number (float) or a date."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, date):
        kind, attribute = "date", f'office:date-value="{value.isoformat()}"'
    elif isinstance(value, int | float):
        kind, attribute = "float", f'office:value="{value}"'
    else:
        kind, attribute = "string", ""
    text = escape(str(value))
    return (
        f'<table:table-cell office:value-type="{kind}" {attribute}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods_row(cells: list) -> str:
    if all(cell is None for cell in cells):  # LibreOffice writes blank rows as a repeat
        return (
            '<table:table-row><table:table-cell table:number-columns-repeated="16"/>'
            "</table:table-row>"
        )
    return "<table:table-row>" + "".join(map(ods_cell, cells)) + "</table:table-row>"


def write_ods(path, sheets: dict[str, list[list]]):
    """An OpenDocument spreadsheet with one table per sheet (header row included), as
    LibreOffice saves the template: `mimetype` first and stored, then the manifest and
    the content, each sheet ending in the empty rows LibreOffice repeats to the end."""
    tail = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(map(ods_row, rows))
        + tail
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES}'
        f' office:version="1.3"><office:body><office:spreadsheet>{tables}'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return path


def saved_as_ods(xlsx, ods):
    """The workbook saved as ODS, every sheet (the hidden lists too) cell by cell."""
    book = load_workbook(xlsx)
    return write_ods(
        ods, {ws.title: [list(cells) for cells in ws.iter_rows(values_only=True)] for ws in book}
    )


def test_the_export_saved_as_ods_reads_back_unchanged(client, editor, city_work, tmp_path):
    xlsx = tmp_path / "insatser.xlsx"
    xlsx.write_bytes(exported(client, editor))
    ods = saved_as_ods(xlsx, tmp_path / "insatser.ods")
    before, entries = snapshot(), AuditEntry.objects.count()
    assert "insatser.ods: 5 read, 0 created, 0 updated, 5 unchanged" in run(ods, editor)
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries


def test_a_workbook_saved_as_ods_imports_as_the_xlsx_does(editor, jarva_scene, tmp_path):
    sheets = {
        "interventions": [row(resources_hours=40, target_groups="residents;young_people")],
        "targets": [TARGET],
        "progress": [["kommun:0180", "R-1", "helger", date(2025, 1, 1), date(2025, 2, 1), 3]],
    }
    xlsx = write_book(tmp_path / "ny.xlsx", sheets)
    ods = saved_as_ods(xlsx, tmp_path / "ny.ods")
    dry = run(ods, editor, "--dry-run")
    assert dry.replace("ny.ods", "ny.xlsx") == run(xlsx, editor, "--dry-run")
    assert "would create 3, update 0, leave 0 unchanged" in dry
    assert "ny.ods: 3 read, 3 created, 0 updated, 0 unchanged" in run(ods, editor)
    # the same content as the XLSX: importing that changes nothing
    assert "ny.xlsx: 3 read, 0 created, 0 updated, 3 unchanged" in run(xlsx, editor)
    intervention = Intervention.objects.get()
    assert (intervention.ref, intervention.resources_hours) == ("R-1", 40)
    assert intervention.target_groups == ["residents", "young_people"]
    target = intervention.targets.get()
    assert (target.planned_quantity, target.period_end) == (10, date(2025, 12, 31))
    assert target.progress.done == 3
    entry = AuditEntry.objects.get(action="import")
    assert (entry.changes["file"], entry.changes["format"]) == ("ny.ods", "ods")


def test_a_bad_target_row_in_an_ods_names_its_sheet_and_row(editor, jarva_scene, tmp_path):
    ods = write_ods(
        tmp_path / "ny.ods",
        {
            "interventions": [list(INTERVENTION_COLUMNS), row()],
            # a blank row first: rows are counted as the spreadsheet shows them
            "targets": [list(SHEETS["targets"]), [None] * 7, TARGET[:3] + [None] + TARGET[4:]],
            "progress": [list(SHEETS["progress"])],
        },
    )
    assert "ny.ods, sheet targets, row 3, unit: is required" in refused(ods, editor)
    assert not Intervention.objects.exists()


def test_an_ods_without_the_templates_sheets_is_refused(editor, tmp_path):
    ods = write_ods(tmp_path / "annat.ods", {"Blad1": [["a", "b"], [1, 2]]})
    assert "annat.ods: is not the template: the sheet interventions, targets, progress" in (
        refused(ods, editor)
    )


def test_an_excel_4_macro_sheet_is_refused_like_a_vba_project(editor, tmp_path):
    good = write_book(tmp_path / "good.xlsx", {})
    macro = with_part(good, tmp_path / "xlm.xlsx", "xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>")
    assert "xlm.xlsx: is a macro-enabled workbook" in refused(macro, editor)


def test_who_may_upload_interventions(editor, make_user):
    assert InterventionsImport.may_import(editor)
    assert not InterventionsImport.may_import(make_user("kommun:0180", "viewer"))
    assert spec_for("interventions").accepted == ("xlsx", "ods", "csv")


def test_progress_draws_a_bar_and_keeps_the_summary(editor, jarva_scene, tmp_path):
    path = write_book(tmp_path / "ny.xlsx", {"interventions": [row()], "targets": [TARGET]})
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(
            "import_interventions",
            str(path),
            "--progress",
            "--as",
            editor.username,
            stdout=out,
            stderr=err,
        )
    assert "ny.xlsx: 2 read, 2 created, 0 updated, 0 unchanged." in out.getvalue()
    assert "ny.xlsx" in err.getvalue()  # the bar, named by the file
