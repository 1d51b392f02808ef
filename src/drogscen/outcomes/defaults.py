"""The shipped defaults of the outcome configuration: crime codes → categories
(``data/crime_codes.json``) and the safety-survey indicators
(``data/survey_indicators.json``). Loaded by ``drogscen load_reference_data``.

Both are only a start: the coordination office edits them in the admin. Loading again
creates what is missing and leaves edited records alone; ``refresh`` puts the shipped
values back. A change of crime codes recomputes the indicators.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from drogscen.outcomes import recompute
from drogscen.outcomes.models import CrimeCode, CrimeEvent, SurveyIndicator

DATA = Path(__file__).resolve().parent / "data"
CRIME_CODES = DATA / "crime_codes.json"
SURVEY_INDICATORS = DATA / "survey_indicators.json"


def _ensure(model, rows: list[dict], *, refresh: bool) -> tuple[int, int]:
    existing = {obj.code: obj for obj in model.objects.all()}
    created = updated = 0
    for row in rows:
        obj = existing.get(row["code"])
        if obj is None:
            obj = model(**row)
            obj.full_clean()
            obj.save()
            created += 1
        elif refresh and any(getattr(obj, k) != v for k, v in row.items()):
            for key, value in row.items():
                setattr(obj, key, value)
            obj.full_clean()
            obj.save()
            updated += 1
    return created, updated


def outcome_defaults_ensure(*, refresh: bool = False) -> int:
    """Create the shipped crime codes and survey indicators that are missing (by code);
    with ``refresh`` also reset edited ones to the shipped values. Returns how many
    records were created or changed."""
    codes = json.loads(CRIME_CODES.read_text(encoding="utf-8"))["codes"]
    indicators = json.loads(SURVEY_INDICATORS.read_text(encoding="utf-8"))["indicators"]
    with transaction.atomic():
        code_changes = sum(_ensure(CrimeCode, codes, refresh=refresh))
        indicator_changes = sum(_ensure(SurveyIndicator, indicators, refresh=refresh))
        if code_changes and CrimeEvent.objects.exists():
            recompute.schedule_recompute(scene_ids=None, reason="crime codes")
    return code_changes + indicator_changes
