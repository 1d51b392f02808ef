from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from conftest import square
from drogscen.evaluations import services
from drogscen.evaluations.models import Evaluation
from drogscen.evaluations.tests.factories import PERIODS, evaluation_setup, monthly

pytestmark = pytest.mark.django_db


def create(scene, intervention, **overrides):
    arguments = {
        "scene": scene,
        "interventions": [intervention],
        "outcome": "violent",
        **PERIODS,
        **overrides,
    }
    return services.evaluation_create(**arguments)


def test_a_clear_fall_against_steady_comparison_scenes_is_an_improvement(scene_factory):
    scene, controls, intervention = evaluation_setup(scene_factory)
    evaluation = create(scene, intervention)
    results = evaluation.results
    assert results["counts"]["treated"] == {"before": 120, "after": 48}
    assert results["counts"]["control"] == {"before": 192, "after": 192}
    # RES = (c_after/c_before)/(t_after/t_before) = 1 / 0.4
    assert results["res"]["res"] == pytest.approx(2.5)
    assert results["res"]["ci_low"] > 1
    assert results["verdict"] == "improved"
    assert results["wdq"]["interpretation"] == "diffusion"  # the ring fell too
    assert results["wdd"]["estimate"] == pytest.approx((48 - 120) + (36 - 60))
    assert results["its"]["level_change_rr"] < 0.6
    assert results["its"]["level_change_ci_high"] < 1
    assert len(results["its"]["counterfactual"]) == 24
    assert set(evaluation.control_scenes.values_list("ref", flat=True)) == {"E-C1", "E-C2"}
    assert evaluation.snapshot["control"]["basis"] == "municipality"


def test_displacement_into_the_ring_is_named(scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory, ring_after=12)
    results = create(scene, intervention).results
    assert results["wdq"]["interpretation"] == "displacement_exceeds_effect"


def test_the_snapshot_reproduces_the_saved_results(scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    evaluation = Evaluation.objects.get(pk=create(scene, intervention).pk)
    again = services.results_compute(evaluation.snapshot)
    stored = dict(evaluation.results)
    assert stored.pop("snapshot_sha256") == services.snapshot_digest(evaluation.snapshot)
    assert again == stored


def test_unequal_periods_weight_the_wdd_but_not_the_effect_size(scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    results = create(scene, intervention, after_end=date(2024, 12, 31)).results
    assert results["length_before"] == 12 and results["length_after"] == 6
    assert results["res"]["res"] == pytest.approx(2.5)
    assert results["wdd"]["estimate"] == pytest.approx((48 - 120) + (36 - 60))


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"before_start": date(2024, 5, 1)}, "before_start", "at least 3 months"),
        ({"after_start": date(2024, 3, 1)}, "after_start", "after the before period"),
        (
            {"before_end": date(2024, 8, 31), "after_start": date(2024, 9, 1)},
            "before_end",
            "started in 2024-07",
        ),
        (
            {"before_start": date(2022, 1, 1), "before_end": date(2022, 6, 30)},
            "before_start",
            "2023-01 – 2025-12 only",
        ),
        ({"after_end": date(2026, 6, 30)}, "after_end", "2023-01 – 2025-12 only"),
        ({"buffer": "buffer_900"}, "buffer", "ring"),
    ],
)
def test_bad_choices_are_named(scene_factory, overrides, field, text):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        create(scene, intervention, **overrides)
    assert text in " ".join(error.value.message_dict[field])
    assert not Evaluation.objects.exists()


def test_no_counts_at_the_scene_is_explained(scene_factory):
    scene, controls, intervention = evaluation_setup(scene_factory)
    monthly(controls[0], "inside", "drug", 3, 3)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        create(scene, intervention, outcome="drug")
    assert "no counts for the scene in the before period" in error.value.message_dict["outcome"][0]


def test_no_comparison_scene_asks_for_a_drawn_area(scene_factory):
    scene, controls, intervention = evaluation_setup(scene_factory)
    from drogscen.outcomes.models import Indicator

    Indicator.objects.filter(scene__in=controls).delete()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        create(scene, intervention)
    assert "draw a comparison area" in error.value.message_dict["control_kind"][0]


def test_a_drawn_comparison_area_is_counted_from_the_events(scene_factory):
    from datetime import UTC, datetime

    from conftest import square
    from drogscen.core import geo
    from drogscen.outcomes.models import CrimeCode, CrimeEvent

    scene, _controls, intervention = evaluation_setup(scene_factory)
    CrimeCode.objects.create(code="V1", name_sv="Misshandel", categories=["violent"])
    (x,), (y,) = geo.project_xy([17.97], [59.38], source=geo.WGS84, target=geo.SWEREF99TM)
    events = []
    for year, month in [(y_, m) for y_ in (2023, 2024, 2025) for m in range(1, 13)]:
        for i in range(6):
            events.append(
                CrimeEvent(
                    source="t",
                    event_id=f"{year}-{month}-{i}",
                    occurred_at=datetime(year, month, 10, tzinfo=UTC),
                    crime_code="V1",
                    x=x + i,
                    y=y,
                )
            )
        # One in the ring (about 100 m away) every month.
        events.append(
            CrimeEvent(
                source="t",
                event_id=f"{year}-{month}-ring",
                occurred_at=datetime(year, month, 10, tzinfo=UTC),
                crime_code="V1",
                x=x + 150,
                y=y,
            )
        )
    CrimeEvent.objects.bulk_create(events)
    evaluation = create(scene, intervention, control_geometry=square(17.97, 59.38, 50))
    assert evaluation.control_kind == "polygon"
    assert evaluation.results["counts"]["control"] == {"before": 72, "after": 72}
    assert evaluation.results["counts"]["control_buffer"] == {"before": 12, "after": 12}
    assert evaluation.results["res"]["res"] == pytest.approx(2.5)


def test_only_those_who_may_evaluate_the_scene_can(scene_factory, make_user):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    with pytest.raises(Http404):
        create(scene, intervention, by=make_user("kommun:0184", "editor"))  # Solna
    with pytest.raises(Http404):
        create(scene, intervention, by=make_user("lpo:jarva", "viewer"))
    assert create(scene, intervention, by=make_user("kommun:0180", "editor")).pk
    assert create(scene, intervention, by=make_user("samordningskansliet", "editor")).pk


def test_default_periods_are_equally_long_around_the_start(scene_factory):
    evaluation_setup(scene_factory)
    periods = services.default_periods(date(2024, 7, 15))
    assert periods == {
        "before_start": date(2023, 7, 1),
        "before_end": date(2024, 6, 30),
        "after_start": date(2024, 7, 1),
        "after_end": date(2025, 6, 30),
    }
    assert services.default_periods(date(2030, 1, 1)) is None


def test_monthly_helper_sums_scenes(scene_factory):
    scene = scene_factory("X-1")
    monthly(scene, "inside", "drug", 2, 3)
    series = services._monthly([scene.pk], "inside", "drug", range(2024 * 12, 2024 * 12 + 12))
    assert len(series) == 12 and sum(series) == 2 * 6 + 3 * 6


def test_a_note_with_personal_data_is_refused(scene_factory):
    scene, _controls, intervention = evaluation_setup(scene_factory)
    with pytest.raises(ValidationError) as error:
        create(scene, intervention, note="Kontakt: 070-123 45 67")
    assert "note" in error.value.message_dict
    assert not Evaluation.objects.exists()
    assert create(scene, intervention, note="Sommaren var lugn.").note == "Sommaren var lugn."


@pytest.mark.django_db
def test_a_partner_owning_work_at_the_scene_may_not_evaluate_it(scene_factory, make_user):
    # The Region sees the scene list and records its own work at a scene, but a scene's
    # crime figures are not for partners (docs/domain-rules.md#access): an evaluation
    # would show them.
    from drogscen.accounts.models import Organisation
    from drogscen.interventions.models import Method
    from drogscen.interventions.services import intervention_create

    scene, _controls, _police_work = evaluation_setup(scene_factory)
    needle_exchange = intervention_create(
        organisation=Organisation.objects.get(code="region"),
        title="Sprututbyte",
        methods=[Method.objects.get(code="hot_spot_patrol")],
        scenes=[scene],
        starts_on=date(2023, 1, 1),
        status="ongoing",
    )
    with pytest.raises(Http404):
        services.evaluation_create(
            scene=scene,
            interventions=[needle_exchange],
            outcome="violent",
            by=make_user("region", "editor"),
            **PERIODS,
        )
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
def test_only_county_wide_evaluators_draw_a_comparison_area(scene_factory, make_user):
    # A drawn area is counted from the raw events wherever it lies: an LPO editor could
    # otherwise read crime counts of any part of the county.
    scene, _controls, intervention = evaluation_setup(scene_factory)
    area = square(17.97, 59.38, 50)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        create(scene, intervention, control_geometry=area, by=make_user("lpo:jarva", "editor"))
    assert "Only the coordination office and the police region" in str(refused.value)
    assert "control_geometry" in refused.value.error_dict
    # The coordination office may draw it (here it holds no events, which is the only
    # problem then named).
    with pytest.raises(ValidationError) as counted:
        create(
            scene,
            intervention,
            control_geometry=area,
            by=make_user("samordningskansliet", "editor"),
        )
    assert "control_geometry" not in counted.value.error_dict


@pytest.mark.django_db
def test_proposed_comparison_scenes_are_among_those_the_evaluator_may_read(
    scene_factory, make_user
):
    # A Södermalm scene in the same municipality, at the treated scene's own level, is
    # proposed to the coordination office; a Järva editor may not read its figures, so
    # only the Järva comparison scenes are proposed to them.
    scene, controls, intervention = evaluation_setup(scene_factory)
    sodermalm = scene_factory("E-SOD", lpo="sodermalm", lon=18.0710, lat=59.3150)
    monthly(sodermalm, "inside", "violent", 10, 10)
    office = create(scene, intervention, by=make_user("samordningskansliet", "editor"))
    assert set(office.control_scenes.all()) == {*controls, sodermalm}
    jarva = create(scene, intervention, by=make_user("lpo:jarva", "editor"))
    assert set(jarva.control_scenes.all()) == set(controls)
