"""Demo mappings for 2023 and 2024 that reproduce the county's published figures (63 open
scenes in 2023; 53 in 2024, none new, 10 removed; 8 of 26 municipalities; 13 local
police areas; every district administration; 96 % joint), plus 2025 mappings in
progress so the workflow can be tried."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from drogscen.accounts.models import Organisation
from drogscen.geo.models import LocalPoliceArea
from drogscen.mappings import services
from drogscen.mappings.models import CRITERIA, CoSignature, Mapping
from drogscen.scenes.demo import demo_plan
from drogscen.scenes.models import Scene

SYMPTOMS = [
    "discomfort",
    "perceived_unsafe",
    "crime_hotspot",
    "attracts_vulnerable",
    "youth_discouraged",
    "public_avoids",
    "tolerance_zone",
]
SUBSTANCES = (
    ["cannabis"] * 6
    + ["cocaine"] * 2
    + ["amphetamine", "opioids", "benzodiazepines", "pregabalin", "synthetic_cannabinoids"]
)
ORIGINS = ["local", "travelled", "mixed", "mixed", "unknown"]
POLICE_METHODS = [
    "visible_patrolling",
    "focused_operations",
    "buy_bust",
    "intelligence_led",
    "camera_surveillance",
    "exclusion_orders",
    "collaboration",
]
NOT_JOINT_2024 = 2  # 54 of 56 mappings joint: 96 %
NOT_JOINT_2023 = 11  # the first joint round


def lead_area(scene: Scene, year: int) -> LocalPoliceArea:
    """The scene's area, or the predecessor that was in force at the end of the year."""
    end = date(year, 12, 31)
    area = scene.local_police_area
    if area.valid_from <= end and (area.valid_to is None or area.valid_to >= end):
        return area
    return area.predecessors.filter(valid_from__lte=end).order_by("-valid_from").first() or area


def answers_for(rng: random.Random, *, is_open: bool, substance: str, year: int) -> dict:
    if not is_open:
        return {
            "criteria": ["persistent", "perceived_problematic"],
            "symptoms": rng.sample(SYMPTOMS[:3], 1),
            "overall_assessment": "Ingen öppen handel iakttagen under året; platsen bevakas.",
        }
    return {
        "criteria": list(CRITERIA),
        "symptoms": sorted(rng.sample(SYMPTOMS, rng.randint(3, 6))),
        "place_type": rng.choice(
            ["square", "park", "station_or_stop", "shopping_centre", "residential_courtyard"]
        ),
        "near_transit": rng.choice(["yes", "yes", "no"]),
        "sellers_origin": rng.choice(ORIGINS),
        "buyers_origin": rng.choice(ORIGINS),
        "minors_present": rng.choice(["yes", "no", "unknown"]),
        "main_substance": substance,
        "police_methods": sorted(rng.sample(POLICE_METHODS, rng.randint(1, 4))),
        "severity": rng.choice(["level_1", "level_2", "level_2", "level_3"]),
        "overall_assessment": f"Etablerad plats, bedömd vid kartläggningen {year}.",
    }


def _record(scene, year, mapped_on, answers, *, joint, rng):
    municipality = Organisation.objects.get(code=f"kommun:{scene.municipality.code}")
    participants = [municipality] if joint else []
    if joint and rng.random() < 0.2:
        participants.append(Organisation.objects.get(code="region"))
    mapping = services.mapping_record_approved(
        scene=scene,
        year=year,
        mapped_on=mapped_on,
        participants=participants,
        answers=answers,
        lead_local_police_area=lead_area(scene, year),
        source="demo",
    )
    if joint:
        CoSignature.objects.create(
            mapping=mapping,
            organisation=municipality,
            signed_at=timezone.make_aware(
                timezone.datetime.combine(
                    mapped_on + timedelta(days=7), timezone.datetime.min.time()
                )
            ),
        )
    problems = services.answer_problems(mapping=mapping, answers=answers, complete=True)
    assert not problems, (scene.ref, problems)
    return mapping


@transaction.atomic
def demo_mappings_ensure() -> int:
    if Mapping.objects.filter(source="demo").exists():
        return 0
    rng = random.Random(96)
    scenes = list(Scene.objects.filter(ref__startswith="P-").order_by("ref"))
    active_2023 = [
        s
        for s in scenes
        if s.identified_on <= date(2023, 12, 31)
        and (s.closed_on is None or s.closed_on > date(2023, 12, 31))
    ]
    active_2024 = [s for s in scenes if s.closed_on is None]
    substance = {s.pk: rng.choice(SUBSTANCES) for s in scenes}
    watched = {s.pk for s in active_2024 if s.ref in _not_open_refs(scenes)}
    created = 0
    not_joint_2023 = set(rng.sample([s.pk for s in active_2023], NOT_JOINT_2023))
    for scene in active_2023:
        mapped_on = (
            date(2023, 11, rng.randint(1, 30))
            if rng.random() < 0.8
            else date(2024, 2, rng.randint(1, 28))
        )
        _record(
            scene,
            2023,
            mapped_on,
            answers_for(rng, is_open=True, substance=substance[scene.pk], year=2023),
            joint=scene.pk not in not_joint_2023,
            rng=rng,
        )
        created += 1
    not_joint_2024 = set(rng.sample([s.pk for s in active_2024], NOT_JOINT_2024))
    for scene in active_2024:
        is_open = scene.pk not in watched
        if is_open and rng.random() < 0.15:
            substance[scene.pk] = rng.choice(SUBSTANCES)  # the market shifted
        mapped_on = date(2024, rng.choice([10, 11]), rng.randint(1, 30))
        _record(
            scene,
            2024,
            mapped_on,
            answers_for(rng, is_open=is_open, substance=substance[scene.pk], year=2024),
            joint=scene.pk not in not_joint_2024,
            rng=rng,
        )
        created += 1
    # 2025 in progress in Järva: one draft, one submitted awaiting the City's co-signature.
    jarva = [s for s in active_2024 if s.local_police_area.slug == "jarva" and s.pk not in watched]
    stockholm = Organisation.objects.get(code="kommun:0180")
    for index, scene in enumerate(jarva[:2]):
        mapping = services.mapping_create(
            scene=scene,
            year=2025,
            mapped_on=date(2025, 11, 12 + index),
            participants=[stockholm],
            answers=answers_for(rng, is_open=True, substance=substance[scene.pk], year=2025),
        )
        Mapping.objects.filter(pk=mapping.pk).update(source="demo")
        if index == 1:
            services.mapping_submit(mapping=mapping)
        created += 1
    return created


def _not_open_refs(scenes) -> set[str]:
    return {p.ref for p in demo_plan() if p.fate == "not_open"}
