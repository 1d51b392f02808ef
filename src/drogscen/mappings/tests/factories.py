"""Test data for mappings, shared by the mapping tests and the apps above (outcomes,
reports, dashboards, the browser tests): the answers of an open scene, the form as a
browser posts it, and a published variant of questionnaire version 1. A factory module,
not a test module: any test may import it."""

from __future__ import annotations

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
