"""`drogscen import_mappings`: CSV and JSON Lines recorded as approved mappings, the
counting rules over them, nothing written on any bad row, re-imports that change nothing."""

import io
import json
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone, translation

from drogscen.accounts.models import Organisation
from drogscen.audit.models import AuditEntry
from drogscen.core.imports import spec_for
from drogscen.mappings import importing, services
from drogscen.mappings.counting import year_summary
from drogscen.mappings.importing import COLUMNS, mappings_import
from drogscen.mappings.models import CoSignature, Mapping
from drogscen.mappings.selectors import approved_records
from drogscen.mappings.tests.factories import closed_row, csv_text, open_row, write, write_csv
from drogscen.questionnaires.models import QuestionnaireVersion
from drogscen.scenes.models import Scene

pytestmark = pytest.mark.django_db

RINKEBY = (17.9280, 59.3880)  # LPO Järva, municipality 0180; the metro station is 36 m away
SOLNA = (17.9993, 59.3600)  # LPO Solna, municipality 0184; station 100 m away
SODERTALJE = (17.6253, 59.1955)  # LPO Södertälje, municipality 0181; no station near
LAST_YEAR = timezone.localdate().year + 1


@pytest.fixture(autouse=True)
def english():
    # Messages are translated (Swedish is the default); the tests read the English.
    with translation.override("en"):
        yield


@pytest.fixture
def scenes(scene_factory):
    return {
        "S-1": scene_factory("S-1", lpo="jarva", lon=RINKEBY[0], lat=RINKEBY[1]),
        "S-2": scene_factory("S-2", lpo="solna", lon=SOLNA[0], lat=SOLNA[1]),
        "S-3": scene_factory("S-3", lpo="sodertalje", lon=SODERTALJE[0], lat=SODERTALJE[1]),
    }


def as_json(row):
    """The JSON Lines form of a CSV row: arrays, a number, a boolean, null for empty."""
    item = dict(row)
    for name in ("participants", "criteria", "symptoms", "police_methods", "partners"):
        item[name] = [code for code in item[name].split(";") if code]
    item["year"] = int(item["year"]) if item["year"].isdigit() else item["year"]
    item["near_transit"] = {"true": True, "false": False}.get(item["near_transit"])
    for name in ("main_substance", "sellers_origin", "buyers_origin", "lead_lpo"):
        item[name] = item[name] or None
    return item


def write_jsonl(tmp_path, rows, name="mappings.jsonl"):
    lines = [json.dumps(as_json(row) if "year" in row else row, ensure_ascii=False) for row in rows]
    return write(tmp_path, "\n".join(lines) + "\n", name)


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_mappings", str(path), *args, stdout=out, stderr=err)
    except CommandError:
        pytest.fail(err.getvalue())
    return out.getvalue()


def rejected(path, *args) -> str:
    """The problem lines of an import that must fail with exit 2 and write nothing."""
    before = state()
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_mappings", str(path), *args, stdout=io.StringIO(), stderr=err)
    assert excinfo.value.returncode == 2
    assert f"{path.name}: nothing was imported" in str(excinfo.value)
    assert state() == before
    return err.getvalue()


def state():
    """Everything an import may write: mappings, their participants, co-signatures, audit."""
    return (
        sorted(Mapping.objects.values_list("scene__ref", "year", "revision", "status", "version")),
        Mapping.participants.through.objects.count(),
        CoSignature.objects.count(),
        AuditEntry.objects.count(),
    )


def import_entries():
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT))


def mapping(ref, year=2023):
    return Mapping.objects.get(scene__ref=ref, year=year)


# --- importing ----------------------------------------------------------------------------


def test_csv_rows_become_approved_mappings_with_their_answers(scenes, tmp_path):
    path = write_csv(tmp_path, [open_row("S-1"), closed_row("S-3")])
    out = run_import(path)
    assert "mappings.csv: 2 read, 2 created, 0 updated, 0 unchanged" in out

    s1 = mapping("S-1")
    assert (s1.status, s1.source, s1.revision, s1.is_open) == ("approved", "import", 1, True)
    assert s1.approved_at is not None and s1.questionnaire.version == "2023.1"
    assert (s1.mapped_on, s1.lead_local_police_area.name) == (date(2023, 11, 15), "Järva")
    assert sorted(o.code for o in s1.participants.all()) == ["kommun:0180", "lpo:jarva"]
    assert s1.main_substance == "cannabis"
    assert s1.answers == {
        "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
        "symptoms": ["discomfort", "crime_hotspot", "public_avoids"],
        "main_substance": "cannabis",
        "near_transit": "yes",
        "sellers_origin": "local",
        "buyers_origin": "travelled",
        "police_methods": ["visible_patrolling", "buy_bust"],
        "partner_types": ["property_owners", "public_transport"],
        "overall_assessment": "Etablerad plats vid tunnelbanan; handel kvällstid.",
    }
    s3 = mapping("S-3")
    assert (s3.is_open, s3.main_substance, s3.lead_local_police_area.name) == (
        False,
        "",
        "Södertälje",
    )
    # The empty near_transit is taken from the nearest station, 12 km away.
    assert s3.answers == {
        "criteria": ["persistent", "perceived_problematic"],
        "symptoms": ["discomfort"],
        "near_transit": "no",
        "overall_assessment": "Ingen öppen handel iakttagen under året.",
    }
    # Imported mappings need no co-signing: the joint share counts participants.
    assert CoSignature.objects.count() == 0


def test_json_lines_rows_become_the_same_mappings(scenes, tmp_path):
    path = write_jsonl(tmp_path, [open_row("S-1"), closed_row("S-3")])
    out = run_import(path)
    assert "mappings.jsonl: 2 read, 2 created, 0 updated, 0 unchanged" in out
    assert mapping("S-1").answers["police_methods"] == ["visible_patrolling", "buy_bust"]
    assert mapping("S-1").answers["near_transit"] == "yes"
    assert mapping("S-3").answers["near_transit"] == "no"
    assert (mapping("S-1").is_open, mapping("S-3").is_open) == (True, False)
    assert {o.code for o in mapping("S-3").participants.all()} == {"lpo:sodertalje", "kommun:0181"}


def test_the_counting_rules_read_the_imported_mappings(scenes, tmp_path):
    rows = [
        open_row("S-1", year="2023", mapped_on="2023-11-15"),
        open_row("S-2", lead_lpo="Solna", participants="lpo:solna", year="2023"),
        closed_row("S-3", year="2023"),
        open_row("S-1", year="2024", mapped_on="2024-10-01"),
        closed_row(
            "S-2",
            lead_lpo="Solna",
            participants="lpo:solna;kommun:0184",
            year="2024",
            mapped_on="2024-10-01",
        ),
    ]
    run_import(write_csv(tmp_path, rows))
    records = approved_records()
    ids = {ref: scene.pk for ref, scene in scenes.items()}

    y2023 = year_summary(records, 2023, active_at_year_end=ids.values())
    assert (y2023.count, y2023.mappings) == (2, 3)
    assert y2023.joint_share == pytest.approx(2 / 3)  # S-2 was mapped by the police alone
    y2024 = year_summary(records, 2024, active_at_year_end=ids.values())
    assert (y2024.count, y2024.previous_count, y2024.change) == (1, 2, -1)
    assert y2024.removed == {ids["S-2"]} and y2024.new == frozenset()
    assert y2024.unmapped == {ids["S-3"]}
    assert y2024.joint_share == 1.0


def test_the_february_follow_up_counts_for_its_reference_year(scenes, tmp_path):
    run_import(write_csv(tmp_path, [open_row("S-1", year="2023", mapped_on="2024-02-20")]))
    follow_up = mapping("S-1", 2023)
    assert follow_up.mapped_on == date(2024, 2, 20)
    assert not Mapping.objects.filter(year=2024).exists()
    assert year_summary(approved_records(), 2023, active_at_year_end=[]).count == 1
    assert year_summary(approved_records(), 2024, active_at_year_end=[]).count == 0


@pytest.mark.parametrize("writer", [write_csv, write_jsonl])
def test_importing_the_same_file_again_changes_nothing(scenes, tmp_path, writer):
    path = writer(tmp_path, [open_row("S-1"), closed_row("S-3"), open_row("S-2", lead_lpo="")])
    run_import(path)
    (entry,) = import_entries()
    before = state()
    out = run_import(path)
    assert "3 read, 0 created, 0 updated, 3 unchanged" in out
    assert state() == before  # no new mapping, participant, co-signature or audit entry
    assert import_entries() == [entry]
    # An empty lead_lpo is the scene's own local police area.
    assert mapping("S-2").lead_local_police_area.name == "Solna"


def test_an_empty_near_transit_follows_the_station_but_does_not_make_the_row_differ(
    scenes, tmp_path
):
    path = write_csv(tmp_path, [open_row("S-2", lead_lpo="Solna", near_transit="")])
    run_import(path)
    assert mapping("S-2").answers["near_transit"] == "yes"  # 100 m from Solna centrum
    # The station data changes (a station closes): the file still says nothing else.
    Scene.objects.filter(ref="S-2").update(station_distance_m=900)
    before = state()
    assert "1 unchanged" in run_import(path)
    assert state() == before


def test_near_transit_false_overrides_the_station(scenes, tmp_path):
    run_import(write_csv(tmp_path, [open_row("S-1", near_transit="FALSE")]))
    assert mapping("S-1").answers["near_transit"] == "no"


def test_a_dry_run_checks_and_counts_but_writes_nothing(scenes, tmp_path):
    path = write_csv(tmp_path, [open_row("S-1"), closed_row("S-3")])
    before = state()
    out = run_import(path, "--dry-run")
    assert "mappings.csv: dry run, nothing written. 2 read; would create 2" in out
    assert state() == before
    # A dry run refuses what the import would refuse.
    bad = write_csv(tmp_path, [open_row("S-1", symptoms="smelly")], name="bad.csv")
    assert "bad.csv, row 2, symptoms: smelly is not one of the options" in rejected(
        bad, "--dry-run"
    )


def test_one_audit_entry_records_the_import(scenes, tmp_path):
    path = write_csv(tmp_path, [open_row("S-1"), closed_row("S-3")])
    run_import(path, "--progress")
    (entry,) = import_entries()
    assert (entry.object_type, entry.object_repr, entry.via, entry.user_id) == (
        "mappings.mapping",
        "mappings.csv",
        "command",
        None,
    )
    assert entry.changes["created"] == 2 and entry.changes["read"] == 2
    assert entry.changes["format"] == "csv"
    assert len(entry.changes["sha256"]) == 64


def test_identical_repeated_rows_count_once(scenes, tmp_path):
    path = write_csv(tmp_path, [open_row("S-1"), closed_row("S-3"), open_row("S-1")])
    assert "3 read, 2 created, 0 updated, 1 unchanged" in run_import(path)
    assert Mapping.objects.filter(scene__ref="S-1").count() == 1
    assert Mapping.objects.count() == 2


def test_the_result_of_the_service_counts_repeats_as_unchanged(scenes, tmp_path):
    path = write_csv(tmp_path, [open_row("S-1"), open_row("S-1")])
    result = mappings_import(path=path)
    assert (result.read, result.created, result.updated, result.unchanged) == (2, 1, 0, 1)


def test_years_before_the_first_questionnaire_are_read_under_it(scenes, tmp_path):
    run_import(write_csv(tmp_path, [open_row("S-1", year="2021", mapped_on="2021-10-01")]))
    assert mapping("S-1", 2021).questionnaire.version == "2023.1"
    assert year_summary(approved_records(), 2021, active_at_year_end=[]).count == 1


def test_a_year_without_a_published_questionnaire_is_refused(scenes, tmp_path):
    QuestionnaireVersion.objects.update(published_at=None)
    err = rejected(write_csv(tmp_path, [open_row("S-1")]))
    assert "mappings.csv, row 2, year: No questionnaire is published for 2023." in err


def test_spreadsheet_csv_forms_are_read(scenes, tmp_path):
    """Excel in Swedish writes a BOM and semicolons; header case and order do not matter;
    a note may span lines; the lead LPO may be written in any letter case."""
    columns = [name.upper() for name in reversed(COLUMNS)]
    rows = [
        [
            open_row("S-1", lead_lpo="JÄRVA", notes="Första raden.\nAndra raden.")[name]
            for name in reversed(COLUMNS)
        ],
        [closed_row("S-3")[name] for name in reversed(COLUMNS)],
    ]
    text = csv_text(rows, columns=columns, delimiter=";")
    path = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert "2 read, 2 created" in run_import(path)
    assert mapping("S-1").lead_local_police_area.name == "Järva"
    assert mapping("S-1").answers["overall_assessment"] == "Första raden.\nAndra raden."
    assert mapping("S-1").answers["symptoms"] == ["discomfort", "crime_hotspot", "public_avoids"]


def test_an_imported_mapping_that_was_corrected_since_is_left_alone(scenes, tmp_path):
    path = write_csv(tmp_path, [open_row("S-1", participants="lpo:jarva")])
    run_import(path)
    original = mapping("S-1")
    draft = services.mapping_correct(mapping=original, reason="Fel preparat angivet.")
    draft = services.mapping_update(
        mapping=draft,
        expected_version=draft.version,
        answers={**draft.answers, "main_substance": "cocaine"},
    )
    services.mapping_approve(mapping=services.mapping_submit(mapping=draft))
    before = state()
    assert "1 read, 0 created, 0 updated, 1 unchanged" in run_import(path)
    assert state() == before
    current = Mapping.objects.get(scene__ref="S-1", status="approved")
    assert (current.revision, current.main_substance) == (2, "cocaine")


def test_a_mapping_recorded_in_the_system_with_the_same_content_is_unchanged(scenes, tmp_path):
    row = closed_row("S-3", near_transit="false")
    services.mapping_record_approved(
        scene=scenes["S-3"],
        year=2023,
        mapped_on=date(2023, 11, 15),
        participants=list(Organisation.objects.filter(code__in=["lpo:sodertalje", "kommun:0181"])),
        answers={
            "criteria": ["perceived_problematic", "persistent"],  # another order: the same
            "symptoms": ["discomfort"],
            "near_transit": "no",
            "overall_assessment": row["notes"],
        },
        lead_local_police_area=scenes["S-3"].local_police_area,
    )
    before = state()
    assert "1 unchanged" in run_import(write_csv(tmp_path, [row]))
    assert state() == before


# --- refusing bad rows ----------------------------------------------------------------------

BAD_ROWS = [
    # (column values, field, message)
    ({"scene_ref": "S-11"}, "scene_ref", "unknown scene 'S-11'; did you mean S-1?"),
    ({"scene_ref": "ZZZZZZ"}, "scene_ref", "import the scene first (drogscen import_scenes)"),
    ({"scene_ref": ""}, "scene_ref", "is required"),
    ({"year": "twenty"}, "year", "must be a year (a whole number such as 2024), not 'twenty'"),
    ({"year": "2023.5"}, "year", "must be a year"),
    ({"year": ""}, "year", "is required"),
    ({"year": "2014"}, "year", f"must be between 2015 and {LAST_YEAR}"),
    ({"year": str(LAST_YEAR + 1)}, "year", f"must be between 2015 and {LAST_YEAR}"),
    ({"mapped_on": "15/11/2023"}, "mapped_on", "must be an ISO date (YYYY-MM-DD)"),
    ({"mapped_on": ""}, "mapped_on", "is required"),
    ({"mapped_on": "2024-04-01"}, "mapped_on", "mapping window for 2023: 2023-01-01 to 2024-03-31"),
    ({"mapped_on": "2022-12-31"}, "mapped_on", "mapping window for 2023"),
    ({"lead_lpo": "Jarva"}, "lead_lpo", "unknown local police area 'Jarva'; did you mean Järva?"),
    ({"lead_lpo": "Atlantis"}, "lead_lpo", "unknown local police area 'Atlantis'"),
    ({"participants": "kommun:0180;kommun:9999"}, "participants", "kommun:9999 is not a known"),
    ({"criteria": "persistent;public_sael"}, "criteria", "public_sael is not one of the options"),
    ({"symptoms": "discomfort;smelly"}, "symptoms", "smelly is not one of the options"),
    ({"main_substance": "heroin"}, "main_substance", "heroin is not one of the options"),
    ({"sellers_origin": "abroad"}, "sellers_origin", "abroad is not one of the options"),
    ({"buyers_origin": "abroad"}, "buyers_origin", "abroad is not one of the options"),
    ({"police_methods": "raids"}, "police_methods", "raids is not one of the options"),
    ({"partners": "police"}, "partners", "police is not one of the options"),
    ({"near_transit": "maybe"}, "near_transit", "must be true, false or empty, not 'maybe'"),
    ({"main_substance": ""}, "main_substance", "This question must be answered."),
    ({"sellers_origin": ""}, "sellers_origin", "This question must be answered."),
    ({"notes": ""}, "notes", "is required"),
    ({"notes": "Kontakt: 070-123 45 67."}, "notes", "Remove the phone number"),
    ({"notes": "Säljaren 811228-9874 ses ofta."}, "notes", "Remove the personal identity number"),
    ({"notes": "x" * 4001}, "notes", "Use at most 4000 characters (this text has 4001)"),
    # The flat file cannot leave a question out by its layout: a row that answers a
    # question its own criteria rule out contradicts itself.
    (
        {"criteria": "persistent;perceived_problematic", "main_substance": ""},
        "sellers_origin",
        "This question does not apply given the other answers; leave it empty.",
    ),
]


@pytest.mark.parametrize(("values", "field", "message"), BAD_ROWS)
def test_a_bad_row_is_refused_naming_file_row_and_field(scenes, tmp_path, values, field, message):
    path = write_csv(tmp_path, [closed_row("S-3"), open_row("S-1", **values)])
    err = rejected(path)
    assert f"mappings.csv, row 3, {field}: " in err
    assert message in err
    assert Mapping.objects.count() == 0


@pytest.mark.parametrize(("values", "field", "message"), BAD_ROWS[::3])
def test_a_bad_json_line_is_refused_naming_file_line_and_field(
    scenes, tmp_path, values, field, message
):
    path = write_jsonl(tmp_path, [closed_row("S-3"), open_row("S-1", **values)])
    err = rejected(path)
    assert f"mappings.jsonl, line 2, {field}: " in err
    assert message in err


def test_an_unknown_criterion_names_the_codes_and_nothing_that_follows_from_it(scenes, tmp_path):
    err = rejected(write_csv(tmp_path, [open_row(criteria="persistent;public_sael")]))
    assert err.splitlines() == [
        "mappings.csv, row 2, criteria: public_sael is not one of the options of this "
        "question. Codes: persistent, public_use, public_sale, perceived_problematic."
    ]


def test_every_problem_of_a_row_is_listed(scenes, tmp_path):
    row = open_row("S-1", year="2023", mapped_on="2025-01-01", symptoms="smelly", notes="")
    lines = rejected(write_csv(tmp_path, [row])).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "mappings.csv, row 2, mapped_on",
        "mappings.csv, row 2, symptoms",
        "mappings.csv, row 2, notes",
    ]


def test_rows_that_disagree_about_a_scene_and_year_are_refused_naming_both(scenes, tmp_path):
    path = write_csv(
        tmp_path,
        [
            open_row("S-1"),
            closed_row("S-3"),
            open_row("S-1", main_substance="cocaine"),
            open_row("S-1", mapped_on="2024-02-20"),
        ],
    )
    err = rejected(path)
    assert (
        "mappings.csv, row 4, scene_ref: row 2 has the same scene_ref, year and mapped_on "
        "with different content; keep one of them"
    ) in err
    # Row 5 maps S-1 again in 2023 on another date: a further mapping of the year, no
    # conflict any more (a scene may be mapped several times a year).
    assert "row 5" not in err


def test_a_row_differing_from_the_approved_mapping_is_refused(scenes, tmp_path):
    run_import(write_csv(tmp_path, [open_row("S-1")]))
    changed = write_csv(
        tmp_path, [open_row("S-1", symptoms="discomfort", notes="Lugnare nu.")], name="new.csv"
    )
    err = rejected(changed)
    assert (
        "new.csv, row 2, scene_ref: this scene already has an approved mapping for 2023 that "
        "differs in symptoms, notes; correct it in the system instead"
    ) in err


def test_a_row_for_a_scene_with_a_mapping_under_way_is_refused(scenes, tmp_path):
    services.mapping_create(
        scene=scenes["S-1"],
        year=2023,
        mapped_on=date(2023, 10, 1),
        participants=[],
        answers={"criteria": []},
    )
    err = rejected(write_csv(tmp_path, [open_row("S-1")]))
    assert "row 2, year: This scene already has an unfinished mapping for 2023." in err


def test_cells_outside_the_header_are_refused(scenes, tmp_path):
    cells = [open_row("S-1")[name] for name in COLUMNS]
    path = write_csv(tmp_path, [[*cells, "", "extra"], cells[:-2]])
    err = rejected(path)
    assert "mappings.csv, row 2, column 16: has a value but no column name in the header" in err
    assert "mappings.csv, row 3, partners: is missing: the row has fewer cells than the header" in (
        err
    )


def test_only_the_first_50_problems_are_listed(scenes, tmp_path):
    path = write_csv(tmp_path, [open_row(f"X-{n}") for n in range(61)])
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_mappings", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 51 and lines[-1] == "… and 11 more"
    assert "(61 problems)" in str(excinfo.value)


# --- refusing bad files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "mappings.csv", "mappings.csv: is empty"),
        (b"\n \n", "mappings.csv", "mappings.csv: is empty"),
        (b"\n\n", "mappings.jsonl", "mappings.jsonl: is empty"),
        (csv_text([]).encode(), "mappings.csv", "mappings.csv: holds no mappings"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "m.csv", "is a GeoPackage (SQLite database)"),
        (b"PK\x05\x06" + b"\x00" * 18, "m.csv", "m.csv: is a ZIP archive, not CSV or JSON Lines"),
        (b"PAR1\x00\x00", "m.csv", "is a Parquet file, not CSV or JSON Lines"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "m.csv", "is of an unrecognised type"),
        (
            "scene_ref,year\nJärva,2023\n".encode("latin-1"),
            "m.csv",
            "m.csv, line 2: not UTF-8 text; save the file as UTF-8",
        ),
        (
            json.dumps({"type": "FeatureCollection", "features": []}, indent=2).encode(),
            "scenes.geojson",
            "scenes.geojson: is a JSON document, not JSON Lines: write one mapping object per line",
        ),
        (
            json.dumps([{"scene_ref": "S-1"}]).encode(),
            "m.json",
            "m.json: is a JSON document, not JSON Lines",
        ),
        (
            b"scene_ref,year,mapped_on\nS-1,2023,2023-11-15\n",
            "m.csv",
            "m.csv, row 1: the header lacks the columns lead_lpo, participants, criteria, "
            "symptoms, main_substance, near_transit, sellers_origin, buyers_origin, "
            "police_methods, partners, notes",
        ),
        (
            csv_text([], columns=[*COLUMNS, "minors_present", "year"]).encode(),
            "m.csv",
            "m.csv, row 1: the columns year appear more than once",
        ),
        (
            csv_text([], columns=[*COLUMNS, "minors_present"]).encode(),
            "m.csv",
            "m.csv, row 1: minors_present: not columns of a mappings file, which has scene_ref,",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_message(scenes, tmp_path, content, name, message):
    assert message in rejected(write(tmp_path, content, name))


def test_a_file_over_the_size_limit_is_refused_before_reading(scenes, tmp_path, monkeypatch):
    monkeypatch.setattr(importing.MappingsImport, "max_bytes", 1024 * 1024)
    path = write_csv(tmp_path, [open_row(notes="x" * 3000)] * 400)
    assert "mappings.csv: is 1.2 MB, more than the 1 MB this import accepts" in rejected(path)


def test_a_missing_file_is_refused(scenes, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_mappings", str(tmp_path / "none.csv"), stderr=err)
    assert excinfo.value.returncode == 2
    assert "none.csv: no such file" in err.getvalue()


def test_json_lines_are_located_by_line_number(scenes, tmp_path):
    good = json.dumps(as_json(closed_row("S-3")), ensure_ascii=False)
    missing_criteria = as_json(open_row("S-1"))
    del missing_criteria["criteria"], missing_criteria["sellers_origin"]
    del missing_criteria["buyers_origin"], missing_criteria["main_substance"]
    lines = [
        good,
        "",
        json.dumps({**as_json(open_row("S-2", lead_lpo="Solna")), "severity": "level_2"}),
        "[1, 2]",
        '{"scene_ref": "S-1", ',
        json.dumps(missing_criteria),
        json.dumps({**as_json(open_row("S-2", lead_lpo="Solna")), "symptoms": "discomfort"}),
        json.dumps({**as_json(open_row("S-2", lead_lpo="Solna")), "symptoms": {"a": 1}}),
    ]
    err = rejected(write(tmp_path, "\n".join(lines), "mappings.jsonl"))
    assert err.splitlines()[:5] == [
        "mappings.jsonl, line 3, severity: is not a column of a mappings file, which has "
        + ", ".join(COLUMNS),
        "mappings.jsonl, line 4: must be a JSON object (one mapping)",
        "mappings.jsonl, line 5: is not valid JSON: Expecting property name enclosed in double "
        "quotes: line 1 column 22 (char 21)",
        "mappings.jsonl, line 6, criteria: This question must be answered.",
        "mappings.jsonl, line 8, symptoms: must be a list of codes (an array of texts), not "
        "{'a': 1}",
    ]
    # A single text is read as a CSV cell: line 7 is valid.
    assert len(err.splitlines()) == 5


# --- importing as a user ------------------------------------------------------------------


def test_as_a_police_area_editor_only_its_own_scenes_are_imported(scenes, tmp_path, make_user):
    editor = make_user("lpo:jarva", "editor")
    path = write_csv(tmp_path, [open_row("S-1")])
    run_import(path, "--as", editor.username)
    assert mapping("S-1").status == Mapping.Status.APPROVED
    assert import_entries()[0].username == editor.username


def test_as_a_user_a_scene_of_another_area_is_refused_and_nothing_written(
    scenes, tmp_path, make_user
):
    # The municipality sees its scene S-1 but does not lead mappings; Solna's S-2 it
    # cannot see at all, so the import treats it as unknown and hints only at refs the
    # user sees (never Södertälje's S-3).
    city = make_user("kommun:0180", "editor")
    path = write_csv(tmp_path, [open_row("S-1"), open_row("S-2", lead_lpo="Solna")])
    problems = rejected(path, "--as", city.username)
    assert "row 2, scene_ref: you may not record mappings for 'S-1'" in problems
    assert "row 3, scene_ref: unknown scene 'S-2'" in problems
    assert "S-3" not in problems


# --- spreadsheets, other delimiters, the pipeline -------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def sheet_rows(rows, columns=COLUMNS):
    return [list(columns), *([row[name] for name in columns] for row in rows)]


def write_xlsx(tmp_path, sheets, name="mappings.xlsx"):
    """A workbook of {sheet name: rows of cells}; an empty text is a blank cell."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([None if cell == "" else cell for cell in row])
    path = tmp_path / name
    workbook.save(path)
    return path


def write_ods(tmp_path, sheets, name="mappings.ods"):
    """An OpenDocument spreadsheet written by hand (no ODS writer is installed): the
    `mimetype` entry first and uncompressed, the manifest, and the sheets as text cells."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value):
        if value == "":
            return "<table:table-cell/>"
        paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in value.split("\n"))
        return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(title)}">'
        + "".join(
            "<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows
        )
        + "</table:table>"
        for title, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return path


def recorded():
    """The imported mappings as a user sees them, whatever file they came from."""
    return sorted(
        (
            m.scene.ref,
            m.year,
            m.status,
            m.mapped_on,
            m.lead_local_police_area.name,
            sorted(o.code for o in m.participants.all()),
            m.answers,
        )
        for m in Mapping.objects.select_related("scene", "lead_local_police_area")
    )


ROWS = [
    open_row("S-1", notes="Första raden.\nAndra raden."),
    closed_row("S-3"),
    open_row("S-2", lead_lpo="", participants="lpo:solna", near_transit=""),
]


@pytest.mark.parametrize(("writer", "name"), [(write_xlsx, "m.xlsx"), (write_ods, "m.ods")])
def test_a_spreadsheet_imports_to_what_the_same_csv_does(scenes, tmp_path, writer, name):
    # A second, empty sheet (as spreadsheet tools add) is not read.
    path = writer(tmp_path, {"Kartläggningar": sheet_rows(ROWS), "Blad2": []}, name=name)
    assert f"{name}: 3 read, 3 created, 0 updated, 0 unchanged" in run_import(path)
    from_sheet = recorded()
    (entry,) = import_entries()
    assert entry.changes["format"] == name.rsplit(".", 1)[1]

    # Blank list cells are "none of these" and the blank lead is the scene's own area,
    # as in CSV: the CSV of the same rows is that very content, and the sheet again too.
    assert "3 read, 0 created, 0 updated, 3 unchanged" in run_import(write_csv(tmp_path, ROWS))
    assert "3 read, 0 created, 0 updated, 3 unchanged" in run_import(path)
    assert recorded() == from_sheet and len(import_entries()) == 1
    assert mapping("S-1").answers["overall_assessment"] == "Första raden.\nAndra raden."
    assert mapping("S-2").lead_local_police_area.name == "Solna"


def test_a_csv_and_a_spreadsheet_of_the_same_rows_record_the_same_mappings(scenes, tmp_path):
    with transaction.atomic():
        run_import(write_csv(tmp_path, ROWS))
        from_csv = recorded()
        transaction.set_rollback(True)
    assert not Mapping.objects.exists()
    run_import(write_ods(tmp_path, {"Blad1": sheet_rows(ROWS)}))
    assert recorded() == from_csv


def test_a_workbook_may_hold_numbers_dates_and_booleans_in_their_own_types(scenes, tmp_path):
    row = open_row("S-1")
    cells = sheet_rows([row])
    typed = {"year": 2023, "mapped_on": datetime(2023, 11, 15), "near_transit": True}
    cells[1] = [typed.get(name, row[name]) for name in COLUMNS]
    path = write_xlsx(tmp_path, {"Blad1": cells})
    assert "1 read, 1 created" in run_import(path)
    assert "1 read, 0 created, 0 updated, 1 unchanged" in run_import(write_csv(tmp_path, [row]))


def test_a_bad_spreadsheet_row_is_located_by_its_row_number(scenes, tmp_path):
    # A blank row above the header: the rows are numbered as the spreadsheet shows them.
    rows = [[""], *sheet_rows([closed_row(), open_row("S-1", symptoms="smelly")])]
    err = rejected(write_xlsx(tmp_path, {"Blad1": rows}, name="m.xlsx"))
    (line,) = err.splitlines()
    assert line.startswith("m.xlsx, row 4, symptoms: smelly is not one of the options")
    columns = [name for name in COLUMNS if name != "notes"]
    err = rejected(write_ods(tmp_path, {"Blad1": sheet_rows([closed_row()], columns)}))
    assert err.splitlines() == ["mappings.ods, row 1: the header lacks the columns notes"]


def test_a_tab_separated_csv_is_read(scenes, tmp_path):
    path = write_csv(tmp_path, ROWS, name="mappings.tsv", delimiter="\t")
    assert "mappings.tsv: 3 read, 3 created" in run_import(path)
    assert mapping("S-1").answers["symptoms"] == ["discomfort", "crime_hotspot", "public_avoids"]


def test_excel_unicode_text_is_read(scenes, tmp_path):
    # Excel's "Unicode text": UTF-16 with a byte order mark, tab-separated.
    text = csv_text(ROWS, delimiter="\t")
    path = write(tmp_path, b"\xff\xfe" + text.encode("utf-16-le"), "mappings.txt")
    assert "mappings.txt: 3 read, 3 created" in run_import(path)
    assert mapping("S-3").answers["overall_assessment"] == closed_row()["notes"]


def test_a_refused_file_lists_row_problems_and_differences_from_stored_mappings_at_once(
    scenes, tmp_path
):
    run_import(write_csv(tmp_path, [open_row("S-1")]))
    rows = [open_row("S-1", notes="Lugnare nu."), closed_row("S-3", symptoms="smelly")]
    lines = rejected(write_csv(tmp_path, rows, name="new.csv")).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "new.csv, row 2, scene_ref",
        "new.csv, row 3, symptoms",
    ]
    assert "differs in notes; correct it in the system instead" in lines[0]


def test_the_import_reports_its_progress(scenes, tmp_path):
    reports = []
    result = mappings_import(
        path=write_csv(tmp_path, ROWS), on_progress=lambda *r: reports.append(r)
    )
    assert result.created == 3
    assert reports[-1] == (3, 3)


def test_mappings_are_an_import_kind_for_those_who_record_mappings(people, make_user):
    spec = spec_for("mappings")
    assert isinstance(spec, importing.MappingsImport)
    assert spec.may_import(people["editor"]) and spec.may_import(people["manager"])
    assert spec.may_import(make_user(superuser=True))
    # A municipality, a partner or a police area's viewer records no mappings.
    for name in ("city", "region"):
        assert not spec.may_import(people[name])
    assert not spec.may_import(make_user("lpo:jarva", "viewer"))
