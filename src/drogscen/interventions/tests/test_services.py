"""The intervention services: the model rules, targets and progress, personal data and
optimistic locking."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from drogscen.interventions.models import Intervention, Target, TargetProgress
from drogscen.interventions.selectors import target_list
from drogscen.interventions.services import (
    InterventionConflict,
    intervention_create,
    intervention_update,
    progress_report,
    target_add,
)

pytestmark = pytest.mark.django_db


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return set(error.value.message_dict)


def test_create_records_the_intervention(create_kwargs, jarva_scene):
    intervention = intervention_create(
        **create_kwargs(
            scenes=[jarva_scene],
            target_groups=["young_people", "residents"],
            ends_on=date(2025, 12, 31),
            resources_hours=120,
            resources_sek=50_000,
        )
    )
    assert intervention.version == 1
    assert list(intervention.scenes.all()) == [jarva_scene]
    assert intervention.methods.count() == 1
    assert intervention.status == Intervention.Status.PLANNED


def test_the_end_cannot_come_before_the_start(create_kwargs):
    with pytest.raises(ValidationError) as error:
        intervention_create(**create_kwargs(ends_on=date(2024, 12, 31)))
    assert fields_of(error) == {"ends_on"}


def test_the_database_refuses_an_end_before_the_start(create_kwargs):
    intervention = intervention_create(**create_kwargs())
    with pytest.raises(IntegrityError), transaction.atomic():
        Intervention.objects.filter(pk=intervention.pk).update(ends_on=date(2020, 1, 1))


def test_at_least_one_method(create_kwargs):
    with pytest.raises(ValidationError) as error:
        intervention_create(**create_kwargs(methods=[]))
    assert fields_of(error) == {"methods"}


def test_a_scene_or_a_municipality(create_kwargs):
    with pytest.raises(ValidationError) as error:
        intervention_create(**create_kwargs(municipality=None))
    assert fields_of(error) == {"scenes"}


def test_unknown_or_repeated_target_groups_are_refused(create_kwargs):
    for groups in (["pensioners"], ["residents", "residents"], "residents"):
        with pytest.raises(ValidationError) as error:
            intervention_create(**create_kwargs(target_groups=groups))
        assert fields_of(error) == {"target_groups"}


def test_resources_cannot_be_negative(create_kwargs):
    with pytest.raises(ValidationError) as error:
        intervention_create(**create_kwargs(resources_hours=-1, resources_sek=-5))
    assert fields_of(error) == {"resources_hours", "resources_sek"}


@pytest.mark.parametrize(
    "text",
    ["Kontakt: 070-123 45 67", "Ansvarig anna.andersson@example.se", "Gäller 19121212-1212"],
)
def test_personal_data_in_the_description_is_refused(create_kwargs, text):
    with pytest.raises(ValidationError) as error:
        intervention_create(**create_kwargs(description=text))
    assert fields_of(error) == {"description"}
    assert "personuppgifter" in error.value.message_dict["description"][0]  # Swedish default
    assert not Intervention.objects.exists()


def test_personal_data_in_a_target_is_refused(create_kwargs):
    intervention = intervention_create(**create_kwargs())
    with pytest.raises(ValidationError) as error:
        target_add(
            intervention=intervention,
            description="Ring 08-123 456 78 för schema",
            unit="helger",
            planned_quantity=40,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
        )
    assert fields_of(error) == {"description"}


def test_update_with_a_stale_version_conflicts(create_kwargs):
    intervention = intervention_create(**create_kwargs())
    updated = intervention_update(
        intervention=intervention, expected_version=1, status=Intervention.Status.ONGOING
    )
    assert updated.version == 2
    with pytest.raises(InterventionConflict):
        intervention_update(intervention=intervention, expected_version=1, title="Ny titel")
    assert Intervention.objects.get().title == "Helgkvällsinsats"


def test_cancelling_is_an_update_and_nothing_is_lost(create_kwargs, jarva_scene):
    intervention = intervention_create(**create_kwargs(scenes=[jarva_scene]))
    cancelled = intervention_update(
        intervention=intervention, expected_version=1, status=Intervention.Status.CANCELLED
    )
    assert cancelled.status == "cancelled"
    assert list(cancelled.scenes.all()) == [jarva_scene]


def test_update_cannot_drop_the_last_method_or_place(create_kwargs):
    intervention = intervention_create(**create_kwargs())
    with pytest.raises(ValidationError):
        intervention_update(intervention=intervention, expected_version=1, methods=[])
    with pytest.raises(ValidationError):
        intervention_update(intervention=intervention, expected_version=1, municipality=None)
    with pytest.raises(TypeError):
        intervention_update(intervention=intervention, expected_version=1, organisation=None)


@pytest.fixture
def weekend_target(create_kwargs):
    intervention = intervention_create(**create_kwargs())
    return target_add(
        intervention=intervention,
        description="Helginsats minst 40 av 52 helger",
        unit="helger",
        planned_quantity=40,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )


def test_weekend_operation_31_of_40(weekend_target, make_user):
    for month, done in ((1, 9), (4, 8), (7, 7), (10, 7)):
        progress_report(target=weekend_target, period=date(2025, month, 1), actual_quantity=done)
    viewer = make_user("samordningskansliet")
    (target,) = target_list(intervention=weekend_target.intervention, fetched_by=viewer)
    progress = target.progress
    assert (progress.done, progress.planned, progress.percent) == (31, 40, 77.5)


def test_reporting_a_period_again_corrects_it(weekend_target):
    progress_report(target=weekend_target, period=date(2025, 1, 1), actual_quantity=9)
    progress_report(target=weekend_target, period=date(2025, 1, 1), actual_quantity=10)
    assert TargetProgress.objects.get().actual_quantity == 10
    assert weekend_target.progress.done == 10


def test_negative_actuals_are_refused(weekend_target):
    with pytest.raises(ValidationError) as error:
        progress_report(target=weekend_target, period=date(2025, 1, 1), actual_quantity=-1)
    assert fields_of(error) == {"actual_quantity"}


@pytest.mark.parametrize("period", [date(2025, 1, 15), date(2024, 12, 1), date(2026, 1, 1)])
def test_the_period_is_a_first_day_within_the_target(weekend_target, period):
    with pytest.raises(ValidationError) as error:
        progress_report(target=weekend_target, period=period, actual_quantity=1)
    assert fields_of(error) == {"period"}


def test_the_database_keeps_one_report_per_period(weekend_target):
    TargetProgress.objects.create(target=weekend_target, period=date(2025, 1, 1), actual_quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetProgress.objects.create(
            target=weekend_target, period=date(2025, 1, 1), actual_quantity=2
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"unit": ""}, "unit"),
        ({"unit": "   "}, "unit"),
        ({"planned_quantity": 0}, "planned_quantity"),
        ({"period_end": date(2024, 1, 1)}, "period_end"),
    ],
)
def test_target_rules(create_kwargs, changes, field):
    intervention = intervention_create(**create_kwargs())
    values = {
        "description": "Trygghetsvandringar",
        "unit": "trygghetsvandringar",
        "planned_quantity": 12,
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 12, 31),
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        target_add(intervention=intervention, **values)
    assert field in fields_of(error)
    assert not Target.objects.exists()


def test_the_database_refuses_a_target_without_unit(weekend_target):
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.filter(pk=weekend_target.pk).update(unit="")


def test_the_audit_trail_holds_the_code_an_intervention_is_given(create_kwargs):
    from drogscen.audit.models import AuditEntry
    from drogscen.audit.verification import audit_chain_verify

    intervention = intervention_create(**create_kwargs())
    intervention.refresh_from_db()
    assert intervention.ref == f"I-{intervention.pk}"
    entries = AuditEntry.objects.filter(
        object_type="interventions.intervention", object_id=str(intervention.pk)
    ).order_by("sequence")
    recorded = {}
    for entry in entries:
        recorded.update(entry.changes.get("after", {}))
    # Replaying the trail's after-values gives the code the row holds.
    assert recorded["ref"] == intervention.ref
    assert audit_chain_verify().intact
