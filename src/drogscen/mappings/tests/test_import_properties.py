"""Property-based tests of the mapping importer: whatever the rows hold, the importer
either records them or refuses the file with problems that each name a row (or line) and
a field, and never fails otherwise; consistent rows always import, and importing them
again changes nothing."""

import csv
import io
import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drogscen.audit.models import AuditEntry
from drogscen.core.imports import ImportRejected
from drogscen.mappings.importing import COLUMNS, mappings_import
from drogscen.mappings.models import CRITERIA, Mapping

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SYMPTOMS = [
    "discomfort",
    "perceived_unsafe",
    "crime_hotspot",
    "attracts_vulnerable",
    "youth_discouraged",
    "public_avoids",
    "tolerance_zone",
]
SUBSTANCES = ["cannabis", "cocaine", "amphetamine", "opioids", "pregabalin", "other", "unknown"]
ORIGINS = ["local", "travelled", "mixed", "unknown"]
POLICE_METHODS = ["visible_patrolling", "focused_operations", "buy_bust", "collaboration", "other"]
PARTNERS = ["property_owners", "businesses", "schools", "public_transport", "other"]
ORGANISATIONS = ["kommun:0180", "kommun:0184", "lpo:jarva", "lpo:solna", "region"]
LPOS = ["Järva", "Solna", "järva", "SOLNA", ""]
REFS = ["S-1", "S-2"]
YEARS = [2021, 2022, 2023, 2024, 2025, 2026]
# Text with no digits or "@": the personal-data guard never objects to it.
notes_text = st.text(
    st.characters(categories=("L", "Zs", "P"), exclude_characters="@"), min_size=1, max_size=80
).filter(str.strip)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def scenes(scene_factory):
    return [
        scene_factory("S-1", lpo="jarva", lon=17.9280, lat=59.3880),
        scene_factory("S-2", lpo="solna", lon=17.9993, lat=59.3600),
    ]


def subsets(codes):
    return st.lists(st.sampled_from(codes), unique=True, max_size=len(codes))


@st.composite
def in_window(draw, year):
    """A date in the default mapping window of the year: 1 January to 31 March after."""
    return draw(st.dates(date(year, 1, 1), date(year + 1, 3, 31)))


@st.composite
def consistent_rows(draw, ref, year):
    """A row that every rule accepts: the questions about sale are answered exactly when
    the criteria say narcotics are used or sold in public."""
    criteria = draw(subsets(list(CRITERIA)))
    public = {"public_use", "public_sale"} & set(criteria)
    return {
        "scene_ref": ref,
        "year": year,
        "mapped_on": draw(in_window(year)),
        "lead_lpo": draw(st.sampled_from(LPOS)),
        "participants": draw(subsets(ORGANISATIONS)),
        "criteria": criteria,
        "symptoms": draw(subsets(SYMPTOMS)),
        "main_substance": draw(st.sampled_from(SUBSTANCES)) if public else "",
        "near_transit": draw(st.sampled_from(["", "true", "false"])),
        "sellers_origin": draw(st.sampled_from(ORIGINS)) if public else "",
        "buyers_origin": draw(st.sampled_from(ORIGINS)) if public else "",
        "police_methods": draw(subsets(POLICE_METHODS)),
        "partners": draw(subsets(PARTNERS)),
        "notes": draw(notes_text),
    }


@st.composite
def code_rows(draw):
    """Rows from valid codes, each column drawn on its own: often contradictory (answers
    to questions the criteria rule out, a missing substance), sometimes a window missed,
    an unknown scene or a repeated scene and year."""
    year = draw(st.sampled_from([2014, *YEARS, 2030]))
    mapped_on = draw(st.one_of(in_window(year), st.dates(date(2014, 1, 1), date(2031, 12, 31))))
    return {
        "scene_ref": draw(st.sampled_from([*REFS, "S-3"])),
        "year": year,
        "mapped_on": mapped_on,
        "lead_lpo": draw(st.sampled_from([*LPOS, "Atlantis"])),
        "participants": draw(subsets([*ORGANISATIONS, "kommun:9999"])),
        "criteria": draw(subsets(list(CRITERIA))),
        "symptoms": draw(subsets(SYMPTOMS)),
        "main_substance": draw(st.sampled_from(["", *SUBSTANCES])),
        "near_transit": draw(st.sampled_from(["", "true", "false"])),
        "sellers_origin": draw(st.sampled_from(["", *ORIGINS])),
        "buyers_origin": draw(st.sampled_from(["", *ORIGINS])),
        "police_methods": draw(subsets(POLICE_METHODS)),
        "partners": draw(subsets(PARTNERS)),
        "notes": draw(st.one_of(notes_text, st.just(""), st.just("Ring 070-123 45 67"))),
    }


# --- junk -----------------------------------------------------------------------------------

TRICKY = [
    "",
    " ",
    ";",
    ";;",
    "true",
    "TRUE",
    "yes",
    "2023",
    "-1",
    "2023-02-30",
    "2023-11-15T12:00",
    "99999999999999999999",
    "\x00",
    "a\x00b",
    "\n",
    '"',
    "kommun:0180",
    "public_use;public_sale",
    "S-1",
    "Järva",
    "\u2028",
    "\ufeff",
]
csv_junk = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.text("0123456789-;:, ", max_size=12),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(300, 400).map(lambda digits: 10**digits),
    st.floats(allow_nan=True, allow_infinity=True),
    csv_junk,
    st.just("\ud800"),  # a lone surrogate, written as a JSON escape
)
json_junk = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=6), children, max_size=3),
    ),
    max_leaves=8,
)


@st.composite
def junk_rows(draw, fmt):
    """A consistent row with up to three columns replaced by junk or dropped (JSON)."""
    row = draw(consistent_rows(draw(st.sampled_from(REFS)), draw(st.sampled_from(YEARS))))
    row = {name: _as_json(name, value) for name, value in row.items()}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(COLUMNS))
        if fmt == "jsonl" and draw(st.booleans()):
            if draw(st.integers(0, 4)) == 0:
                row.pop(name, None)
            else:
                row[name] = draw(json_junk)
        else:
            row[name] = draw(csv_junk)
    if fmt == "jsonl" and draw(st.integers(0, 5)) == 0:
        row[draw(st.text(max_size=8))] = draw(json_junk)  # a key that is no column
    return row


# --- files ----------------------------------------------------------------------------------


def _as_json(name, value):
    if isinstance(value, date):
        return value.isoformat()
    if name == "near_transit" and value in ("true", "false", ""):
        return {"true": True, "false": False}.get(value)
    return value


def _as_cell(value):
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def csv_content(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_as_cell(row.get(name)) for name in COLUMNS])
    return out.getvalue().encode("utf-8")


def jsonl_content(rows) -> bytes:
    lines = [
        json.dumps({name: _as_json(name, value) for name, value in row.items()}) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_content(rows) -> bytes:
    """A workbook as a spreadsheet tool saves it: the year a number, the date a date
    cell, lists as in CSV, an empty cell blank."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        cells = [row.get(name) for name in COLUMNS]
        sheet.append(
            [
                value if isinstance(value, int | date) else (_as_cell(value) or None)
                for value in cells
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def content_of(rows, fmt) -> bytes:
    writers = {"csv": csv_content, "jsonl": jsonl_content, "xlsx": xlsx_content}
    return writers[fmt](rows)


def attempt(content: bytes, name: str):
    """Import in a transaction that is rolled back: every example starts from the same
    database (the two scenes, no mappings)."""
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        path = Path(directory) / name
        path.write_bytes(content)
        try:
            return mappings_import(path=path)
        finally:
            transaction.set_rollback(True)


def problems_of(call):
    """(result, []) for an import, (None, problems) for a refusal; anything else fails."""
    try:
        return call(), []
    except ImportRejected as exc:
        assert exc.problems and exc.total >= len(exc.problems)
        return None, exc.problems


def assert_located(problems, name, fmt, content=b""):
    unit = "line " if fmt == "jsonl" else "row "
    if b"\x00" in content:
        # A NUL byte makes any file binary to the file sniffer: refused as a whole.
        problems = [
            p for p in problems if not p.message.startswith("is of an unrecognised type, not CSV")
        ]
    for problem in problems:
        assert problem.file == name, problem
        assert problem.where.startswith(unit), problem
        assert problem.field and problem.message, problem
        assert str(problem).startswith(f"{name}, {problem.where}, {problem.field}: "), problem


# --- the tests ------------------------------------------------------------------------------


@SETTINGS
@given(
    rows=st.lists(code_rows(), min_size=1, max_size=5),
    fmt=st.sampled_from(["csv", "jsonl", "xlsx"]),
)
def test_rows_of_valid_codes_import_or_are_refused_row_by_row(scenes, rows, fmt):
    name = f"mappings.{fmt}"
    result, problems = problems_of(lambda: attempt(content_of(rows, fmt), name))
    if result is not None:
        assert result.read == len(rows)
        assert result.created + result.updated + result.unchanged == result.read
        assert result.updated == 0
    assert_located(problems, name, fmt)


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(["csv", "jsonl"]))
def test_rows_with_junk_in_any_field_never_crash(scenes, data, fmt):
    rows = data.draw(st.lists(junk_rows(fmt), min_size=1, max_size=4))
    name = f"mappings.{fmt}"
    content = content_of(rows, fmt)
    result, problems = problems_of(lambda: attempt(content, name))
    if result is not None:
        assert result.created + result.unchanged == result.read == len(rows)
    assert_located(problems, name, fmt, content)


@settings(SETTINGS, max_examples=25)
@given(data=st.data(), fmt=st.sampled_from(["csv", "jsonl", "xlsx"]))
def test_consistent_rows_always_import_and_again_change_nothing(scenes, data, fmt):
    keys = data.draw(
        st.lists(st.tuples(st.sampled_from(REFS), st.sampled_from(YEARS)), min_size=1, max_size=4)
    )
    keys = list(dict.fromkeys(keys))
    rows = [data.draw(consistent_rows(ref, year)) for ref, year in keys]
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        path = Path(directory) / f"mappings.{fmt}"
        path.write_bytes(content_of(rows, fmt))
        first = mappings_import(path=path)
        audit = AuditEntry.objects.count()
        again = mappings_import(path=path)
        stored = {(m.scene.ref, m.year): m for m in Mapping.objects.select_related("scene")}
        audit_after = AuditEntry.objects.count()
        transaction.set_rollback(True)
    assert (first.created, first.unchanged) == (len(rows), 0)
    assert (again.created, again.unchanged) == (0, len(rows))
    assert audit_after == audit
    for row in rows:
        mapping = stored[(row["scene_ref"], row["year"])]
        assert mapping.status == "approved" and mapping.mapped_on == row["mapped_on"]
        assert mapping.is_open == (set(row["criteria"]) == set(CRITERIA))
        assert mapping.answers["criteria"] == row["criteria"]
        assert mapping.main_substance == row["main_substance"]
        assert mapping.answers["overall_assessment"] == row["notes"].strip()
        assert mapping.answers.get("partner_types", []) == row["partners"]


def test_the_dates_of_the_window_are_those_of_the_service():
    # The strategies above draw from the default window; keep them in step with it.
    from drogscen.mappings.services import mapping_window

    assert mapping_window(2023) == (date(2023, 1, 1), date(2024, 3, 31))
