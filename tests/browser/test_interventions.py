"""A municipality editor records its work at its scene with a target, reports progress,
and the scene's action plan and the county inventory show it."""

import pytest
from playwright.sync_api import expect

from drogscen.interventions.models import Intervention, Method

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_work_with_a_target_reaches_the_action_plan_and_the_inventory(
    page, sign_in, make_user, scene_factory
):
    # The factory's default place lies in Järva, in the City of Stockholm (0180).
    scene_factory("B-INS", name="Plats vid torget")
    walks = Method.objects.get(code="cpted_place_design")
    sign_in(make_user("kommun:0180", "editor"))

    page.goto(f"{page.base_url}/platser/B-INS/")
    page.get_by_test_id("action-plan").locator('a[href$="/insatser/ny/?scenes=B-INS"]').click()
    expect(page.locator("[name=scenes]")).to_have_value("B-INS")
    page.locator("[name=title]").fill("Trygghetsvandringar vid torget")
    page.locator("[name=methods]").select_option(str(walks.pk))
    page.locator("[name=starts_on]").fill("2025-01-01")
    page.locator("[name=status]").select_option("ongoing")
    page.locator("form button.primary[type=submit]").click()

    expect(page.get_by_test_id("status")).to_have_text("pågående")
    intervention = Intervention.objects.get(title="Trygghetsvandringar vid torget")
    assert intervention.organisation.code == "kommun:0180"

    target_form = page.get_by_test_id("target-form")
    target_form.locator("[name=target-description]").fill("Minst 10 vandringar")
    target_form.locator("[name=target-unit]").fill("vandringar")
    target_form.locator("[name=target-planned_quantity]").fill("10")
    target_form.locator("[name=target-period_start]").fill("2025-01-01")
    target_form.locator("[name=target-period_end]").fill("2025-12-31")
    target_form.locator("button[type=submit]").click()
    target = intervention.targets.get()
    expect(page.get_by_test_id(f"progress-{target.pk}")).to_have_text("0 av 10 (0 %)")

    progress = page.locator(f'form[action$="/insatser/{intervention.pk}/uppfoljning/"]')
    progress.locator("[name=target]").select_option(str(target.pk))
    progress.locator("[name=period]").fill("2025-03-01")
    progress.locator("[name=actual_quantity]").fill("5")
    progress.locator("button[type=submit]").click()
    expect(page.get_by_test_id(f"progress-{target.pk}")).to_have_text("5 av 10 (50 %)")

    page.goto(f"{page.base_url}/platser/B-INS/")
    plan = page.get_by_test_id("action-plan")
    expect(plan.get_by_test_id(f"intervention-{intervention.pk}")).to_contain_text(
        "Trygghetsvandringar vid torget"
    )
    expect(plan.get_by_test_id(f"progress-{target.pk}")).to_have_text("5 av 10 (50 %)")

    # The coordination office's inventory of the county shows it, by kind of actor too.
    page.context.clear_cookies()
    sign_in(make_user("samordningskansliet", "viewer"))
    page.goto(f"{page.base_url}/insatser/oversikt/")
    expect(page.get_by_test_id(f"intervention-{intervention.pk}")).to_be_visible()
    expect(page.get_by_test_id("kind-municipality")).to_have_text("1")
    expect(page.get_by_test_id("status-ongoing")).to_have_text("1")
    expect(page.get_by_test_id("without-B-INS")).to_have_count(0)
