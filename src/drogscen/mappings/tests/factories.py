"""Test data for mappings, shared by the mapping tests and the apps above (outcomes,
reports, dashboards, the browser tests): the answers of an open scene, the form as a
browser posts it, and a published variant of questionnaire version 1. A factory module,
not a test module: any test may import it."""

from __future__ import annotations

import csv
import io

from drogscen.mappings.importing import COLUMNS
from drogscen.questionnaires.definition import load_builtin_definition
from drogscen.questionnaires.services import questionnaire_publish, questionnaire_save_draft

# Answers under which the place meets the definition of an open drug scene.
OPEN_ANSWERS = {
    "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
    "symptoms": ["perceived_unsafe", "crime_hotspot"],
    "sellers_origin": "local",
    "buyers_origin": "travelled",
    "main_substance": "cannabis",
    "overall_assessment": "Etablerad plats med daglig handel.",
}

# The mapping form of an open scene as the browser posts it.
FORM = {
    "year": "2024",
    "mapped_on": "2024-11-05",
    "participants": ["kommun:0180"],
    "criteria": ["persistent", "public_use", "public_sale", "perceived_problematic"],
    "criteria__shown": "True",
    "symptoms": ["perceived_unsafe"],
    "symptoms__shown": "True",
    "sellers_origin": "local",
    "buyers_origin": "mixed",
    "main_substance": "cannabis",
    "overall_assessment": "Daglig handel vid torget.",
}


def publish_variant(version: str, valid_from_year: int, change) -> object:
    """Publish questionnaire version 1 as `version` from `valid_from_year`, every question
    passed through `change(question)` (which edits it in place) first."""
    definition = load_builtin_definition("v1").to_dict()
    definition["version"], definition["valid_from_year"] = version, valid_from_year
    for section in definition["sections"]:
        for question in section["questions"]:
            change(question)
    return questionnaire_publish(version=questionnaire_save_draft(definition=definition))


# --- rows of a mappings file (the import tests) -------------------------------------------

OPEN = "persistent;public_use;public_sale;perceived_problematic"


def open_row(ref="S-1", **values):
    """A CSV row (all text) of a scene meeting all four criteria, mapped jointly."""
    return {
        "scene_ref": ref,
        "year": "2023",
        "mapped_on": "2023-11-15",
        "lead_lpo": "Järva",
        "participants": "lpo:jarva;kommun:0180",
        "criteria": OPEN,
        "symptoms": "discomfort;crime_hotspot;public_avoids",
        "main_substance": "cannabis",
        "near_transit": "true",
        "sellers_origin": "local",
        "buyers_origin": "travelled",
        "police_methods": "visible_patrolling;buy_bust",
        "partners": "property_owners;public_transport",
        "notes": "Etablerad plats vid tunnelbanan; handel kvällstid.",
        **values,
    }


def closed_row(ref="S-3", **values):
    """A scene that no longer meets the definition: the questions about sale don't apply."""
    return open_row(
        ref,
        **{
            "lead_lpo": "Södertälje",
            "participants": "lpo:sodertalje;kommun:0181",
            "criteria": "persistent;perceived_problematic",
            "symptoms": "discomfort",
            "main_substance": "",
            "near_transit": "",
            "sellers_origin": "",
            "buyers_origin": "",
            "police_methods": "",
            "partners": "",
            "notes": "Ingen öppen handel iakttagen under året.",
            **values,
        },
    )


def csv_text(rows, *, columns=COLUMNS, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns] if isinstance(row, dict) else row)
    return out.getvalue()


def write(tmp_path, content, name="mappings.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def write_csv(tmp_path, rows, name="mappings.csv", **options):
    return write(tmp_path, csv_text(rows, **options), name)
