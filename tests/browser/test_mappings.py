import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_whole_mapping_round(page, sign_in, make_user, scene_factory):
    scene_factory("K-1", name="Plats vid torget")
    editor = make_user("lpo:jarva", "editor")
    city = make_user("kommun:0180", "editor")
    manager = make_user("lpo:jarva", "manager")

    # The LPO editor fills in the mapping; relevance shows the seller questions live.
    sign_in(editor)
    page.goto(f"{page.base_url}/platser/K-1/")
    page.get_by_role("link", name="Påbörja en kartläggning").click()
    page.get_by_label("Referensår").fill("2025")
    page.get_by_label("Kartlagd").fill("2025-11-10")
    sellers = page.locator('[data-question="sellers_origin"]')
    expect(sellers).to_be_hidden()
    for criterion in [
        "Platsen är bestående",
        "Bruk av narkotika",
        "Försäljning av narkotika",
        "Platsen uppfattas som problematisk",
    ]:
        page.get_by_label(criterion).check()
    expect(sellers).to_be_visible()
    page.get_by_label("Platsen uppfattas som otrygg").check()
    sellers.get_by_label("Främst personer som bor i närområdet").check()
    page.locator('[data-question="buyers_origin"]').get_by_label("Vet ej").check()
    page.locator('[data-question="main_substance"]').get_by_label("Cannabis").check()
    page.get_by_label("Samlad bedömning av platsen").fill("Daglig handel vid torget.")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_test_id("classification")).to_have_text("Klassad som öppen drogscen")
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_test_id("status")).to_have_text("inskickad")
    mapping_url = page.url
    page.get_by_role("button", name="Logga ut").click()

    # The municipality co-signs.
    sign_in(city)
    page.goto(mapping_url)
    page.get_by_role("button", name="Kontrasignera för min kommun").click()
    expect(page.get_by_role("status")).to_contain_text("kontrasignerades")
    page.get_by_role("button", name="Logga ut").click()

    # The LPO manager approves; the scene's timeline shows the year.
    sign_in(manager)
    page.goto(mapping_url)
    page.get_by_role("button", name="Godkänn").click()
    expect(page.get_by_test_id("status")).to_have_text("godkänd")
    page.get_by_role("link", name="Plats vid torget (K-1)").click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("2025")
    expect(timeline).to_contain_text("godkänd")
    expect(timeline).to_contain_text("öppen drogscen")


def test_a_joint_mapping_with_a_neighbouring_municipality(page, sign_in, make_user, scene_factory):
    scene_factory("K-2", name="Plats vid gränsen")
    editor = make_user("lpo:jarva", "editor")
    solna = make_user("kommun:0184", "editor")
    city = make_user("kommun:0180", "editor")
    manager = make_user("lpo:jarva", "manager")

    # The LPO editor maps the scene with the City and Solna; on editing the draft, the
    # questions stay live (under the draft's own questionnaire version).
    sign_in(editor)
    page.goto(f"{page.base_url}/kartlaggningar/ny/K-2/?year=2025")
    page.get_by_label("Kartlagd").fill("2025-11-10")
    page.get_by_label("Deltagande organisationer").select_option(["kommun:0180", "kommun:0184"])
    page.get_by_role("button", name="Spara utkastet").click()
    page.get_by_role("link", name="Redigera").click()
    sellers = page.locator('[data-question="sellers_origin"]')
    expect(sellers).to_be_hidden()
    page.get_by_label("Försäljning av narkotika").check()
    expect(sellers).to_be_visible()
    for criterion in ["Platsen är bestående", "Bruk av narkotika"]:
        page.get_by_label(criterion).check()
    page.get_by_label("Platsen uppfattas som problematisk").check()
    page.get_by_label("Platsen uppfattas som otrygg").check()
    sellers.get_by_label("Vet ej").check()
    page.locator('[data-question="buyers_origin"]').get_by_label("Vet ej").check()
    page.locator('[data-question="main_substance"]').get_by_label("Cannabis").check()
    page.get_by_label("Samlad bedömning av platsen").fill("Handel på båda sidor om gränsen.")
    page.get_by_role("button", name="Spara utkastet").click()
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_test_id("status")).to_have_text("inskickad")
    mapping_url = page.url
    page.get_by_role("button", name="Logga ut").click()

    # Both municipalities co-sign; Solna reads the mapping though the scene is not its own.
    for who in (city, solna):
        sign_in(who)
        page.goto(mapping_url)
        page.get_by_role("button", name="Kontrasignera för min kommun").click()
        expect(page.get_by_role("status")).to_contain_text("kontrasignerades")
        page.get_by_role("button", name="Logga ut").click()

    sign_in(manager)
    page.goto(mapping_url)
    page.get_by_role("button", name="Godkänn").click()
    expect(page.get_by_test_id("status")).to_have_text("godkänd")
