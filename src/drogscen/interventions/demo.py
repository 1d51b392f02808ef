"""A demo inventory: every kind of actor at work at the demo scenes, ongoing and
finished work, targets with progress reported per quarter. Idempotent."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from drogscen.accounts.models import Organisation
from drogscen.geo.models import Municipality
from drogscen.interventions.models import Intervention, Method
from drogscen.interventions.services import intervention_create, progress_report, target_add
from drogscen.scenes.models import Scene

# organisation, title, methods, scene refs (or municipality), start, end, status,
# target (description, unit, planned) and quarterly actuals in 2025
DEMO_WORK = [
    (
        "lpo:jarva",
        "Helgpatrullering vid platserna i Järva",
        ["hot_spot_patrol"],
        ["P-0180-12", "P-0180-13"],
        date(2024, 1, 1),
        None,
        "ongoing",
        ("Helger med synlig patrullering", "helger", 40),
        [9, 10, 8, 4],
    ),
    (
        "kommun:0180",
        "Trygghetsvandringar och belysning vid torget",
        ["cpted_place_design", "place_activation"],
        ["P-0180-12"],
        date(2024, 3, 1),
        None,
        "ongoing",
        ("Trygghetsvandringar", "trygghetsvandringar", 12),
        [3, 3, 2, 1],
    ),
    (
        "kommun:0180",
        "Fältassistenter kvällstid",
        ["street_outreach", "early_youth_intervention"],
        ["P-0180-13", "P-0180-01"],
        date(2023, 9, 1),
        None,
        "ongoing",
        ("Kvällar med fältarbete", "kvällar", 150),
        [38, 35, 41, 20],
    ),
    (
        "region",
        "Sprututbyte och naloxon i närområdet",
        ["needle_syringe_programme", "naloxone_and_treatment_access"],
        ["P-0180-01"],
        date(2024, 1, 1),
        None,
        "ongoing",
        ("Utdelade naloxonkit", "kit", 200),
        [55, 48, 60, 30],
    ),
    (
        "kriminalvarden",
        "Förstärkt tillsyn av frivårdsklienter med koppling till platsen",
        ["probation_supervision"],
        ["P-0181-01"],
        date(2024, 2, 1),
        date(2025, 6, 30),
        "finished",
        ("Tillsynsbesök", "besök", 80),
        [24, 30, 0, 0],
    ),
    (
        "tullverket",
        "Riktade kontroller mot försändelser till länet",
        ["supply_interdiction"],
        "0180",
        date(2024, 1, 1),
        None,
        "ongoing",
        ("Riktade kontrolltillfällen", "tillfällen", 24),
        [6, 5, 7, 3],
    ),
    (
        "lansstyrelsen",
        "Samverkansforum för fastighetsägare i Södertälje",
        ["place_managers_third_party", "problem_solving_partnership"],
        ["P-0181-01"],
        date(2024, 5, 1),
        None,
        "ongoing",
        ("Forummöten", "möten", 8),
        [2, 2, 1, 1],
    ),
    (
        "samordningskansliet",
        "Gemensam lägesbild för länet",
        ["joint_situation_picture"],
        "0180",
        date(2023, 1, 1),
        None,
        "ongoing",
        ("Lägesbildsmöten", "möten", 4),
        [1, 1, 1, 0],
    ),
    (
        "lpo:sodertalje",
        "Fokuserade insatser mot försäljning",
        ["focused_drug_enforcement"],
        ["P-0181-01", "P-0181-02"],
        date(2025, 1, 1),
        None,
        "planned",
        None,
        [],
    ),
]


@transaction.atomic
def demo_interventions_ensure() -> int:
    if Intervention.objects.filter(title=DEMO_WORK[0][1]).exists():
        return 0
    created = 0
    for code, title, methods, where, starts, ends, status, target, actuals in DEMO_WORK:
        scenes = list(Scene.objects.filter(ref__in=where)) if isinstance(where, list) else []
        intervention = intervention_create(
            organisation=Organisation.objects.get(code=code),
            title=title,
            methods=list(Method.objects.filter(code__in=methods)),
            scenes=scenes,
            municipality=Municipality.objects.get(code=where) if isinstance(where, str) else None,
            starts_on=starts,
            ends_on=ends,
            status=status,
        )
        created += 1
        if target:
            description, unit, planned = target
            added = target_add(
                intervention=intervention,
                description=description,
                unit=unit,
                planned_quantity=planned,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 12, 31),
            )
            for quarter, actual in enumerate(actuals):
                if actual:
                    progress_report(
                        target=added,
                        period=date(2025, 1 + 3 * quarter, 1),
                        actual_quantity=actual,
                    )
    return created
