"""A liaison signs in with a real browser, reads the dashboard and people pages in Chinese and in
English, on a 1280 px screen and on a phone. Screenshots land in ./screenshots/ (git-ignored)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import DESKTOP, PHONE, open_page
from tests.factories import PassportFactory, PersonFactory, UnitFactory, UserFactory, grant
from waishi.core.models import Unit
from waishi.core.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # what UserFactory sets


@pytest.fixture
def demo_city():
    """江海市 with 市商务局 (the liaison's bureau, with a sub-unit) and 市教育局 next to it."""
    city = UnitFactory(code="JH", name="江海市", name_en="Jianghai", kind=Unit.Kind.CITY)
    commerce = UnitFactory(code="SWJ", name="市商务局", name_en="Bureau of Commerce", parent=city)
    trade = UnitFactory(
        code="SWJ-WM", name="市商务局对外贸易处", parent=commerce, kind=Unit.Kind.SUBUNIT
    )
    education = UnitFactory(code="JYJ", name="市教育局", parent=city)
    soon = timezone.localdate() + timedelta(days=75)
    for name, surname, given, unit, expires in [
        ("张伟", "ZHANG", "WEI", commerce, soon),
        ("欧阳春", "OUYANG", "CHUN", commerce, soon + timedelta(days=40)),
        ("吕晓梅", "LYU", "XIAOMEI", trade, soon + timedelta(days=1000)),
        ("单立新", "SHAN", "LIXIN", trade, None),
    ]:
        person = PersonFactory(
            name=name, surname_pinyin=surname, given_pinyin=given, unit=unit, position="处长"
        )
        if expires:
            PassportFactory(person=person, expires_on=expires)
    PersonFactory(name="王芳", unit=education)  # another bureau's: never shown to the liaison
    user = UserFactory(username="liaison", full_name="李明", unit=commerce)
    return grant(user, Role.LIAISON, commerce)


def sign_in(page, base_url: str):
    page.goto(f"{base_url}/")
    assert page.url.startswith(f"{base_url}/accounts/login/")  # anonymous → the sign-in page
    page.get_by_label("用户名").fill("liaison")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


def switch_language(page, to_label: str, expect_lang: str):
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == expect_lang
    assert page.locator(".lang-form button").inner_text() != to_label


def fits_the_screen(page) -> bool:
    """No sideways scrolling of the whole page (wide tables scroll inside their own box)."""
    width = page.viewport_size["width"]  # on a phone innerWidth grows with too-wide content
    return page.evaluate(f"document.documentElement.scrollWidth <= {width} + 1")


def test_liaison_reads_dashboard_and_people_in_both_languages_on_a_desktop(
    browser, live_server, demo_city, screenshots
):
    page = open_page(browser, DESKTOP)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_label("用户名").is_visible()
    screenshots(page, "desktop-zh-login")

    sign_in(page, base)
    assert page.get_by_role("heading", level=1).inner_text().endswith("李明")
    stats = page.locator(".stats")
    assert stats.locator(".stat").nth(1).locator(".stat-value").inner_text() == "4"  # people
    assert stats.locator(".stat").nth(2).locator(".stat-value").inner_text() == "2"  # passports
    assert page.locator("#expiring").get_by_text("欧阳春").is_visible()
    assert page.get_by_text("江海市").first.is_visible()
    assert fits_the_screen(page)
    screenshots(page, "desktop-zh-dashboard")

    page.locator(".sidenav a[href='/people/']").click()
    page.wait_for_url(f"{base}/people/")
    for name in ("张伟", "欧阳春", "吕晓梅", "单立新"):
        assert page.get_by_role("link", name=name).is_visible()
    assert page.get_by_text("王芳").count() == 0
    assert page.locator(".sidenav a[aria-current='page']").get_attribute("href") == "/people/"
    assert fits_the_screen(page)
    screenshots(page, "desktop-zh-people")

    page.get_by_role("link", name="欧阳春").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("欧阳春")
    screenshots(page, "desktop-zh-person")

    page.locator(".sidenav a[href='/units/']").click()
    assert page.get_by_role("link", name="市商务局对外贸易处").is_visible()
    assert fits_the_screen(page)
    screenshots(page, "desktop-zh-units")

    page.get_by_role("link", name="市商务局", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("市商务局")
    assert page.locator(".breadcrumbs").get_by_text("江海市").is_visible()
    people_link = page.locator("main a[href^='/people/?unit=']").first
    assert people_link.is_visible()
    screenshots(page, "desktop-zh-unit")
    people_link.click()
    assert page.get_by_role("link", name="张伟").is_visible()

    page.goto(f"{base}/")
    switch_language(page, "English", "en")
    assert page.get_by_text("Passports expiring", exact=True).is_visible()
    assert page.get_by_role("link", name="Outbound delegations").is_visible()
    screenshots(page, "desktop-en-dashboard")

    page.locator(".sidenav a[href='/people/']").click()
    assert page.get_by_role("heading", name="People").is_visible()
    assert page.get_by_role("link", name="张伟").is_visible()
    screenshots(page, "desktop-en-people")

    page.goto(f"{base}/coming/safety/")
    assert page.get_by_text("This module is coming.").is_visible()
    screenshots(page, "desktop-en-coming")

    switch_language(page, "中文", "zh-hans")
    assert page.url == f"{base}/coming/safety/"  # the switch returns to the same page
    assert page.csp_violations == []
    page.context.close()


def test_liaison_uses_the_menu_and_reads_people_on_a_phone(
    browser, live_server, demo_city, screenshots
):
    page = open_page(browser, PHONE, phone=True)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    assert fits_the_screen(page)
    screenshots(page, "phone-zh-login")

    sign_in(page, base)
    assert page.get_by_role("heading", level=1).inner_text().endswith("李明")
    assert not page.locator(".sidenav").is_visible()  # folded away until asked for
    assert fits_the_screen(page)
    screenshots(page, "phone-zh-dashboard")

    page.locator(".nav-toggle-label").click()
    assert page.locator(".sidenav").is_visible()
    screenshots(page, "phone-zh-menu")
    page.locator(".sidenav a[href='/people/']").click()
    page.wait_for_url(f"{base}/people/")
    assert page.get_by_role("link", name="张伟").is_visible()
    assert fits_the_screen(page)
    screenshots(page, "phone-zh-people")

    switch_language(page, "English", "en")
    assert page.get_by_role("heading", name="People").is_visible()
    screenshots(page, "phone-en-people")
    page.goto(f"{base}/")
    assert page.get_by_text("Passports expiring", exact=True).is_visible()
    assert fits_the_screen(page)
    screenshots(page, "phone-en-dashboard")

    switch_language(page, "中文", "zh-hans")
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(f"{base}/accounts/login/")
    for _ in range(5):
        page.get_by_label("用户名").fill("liaison")
        page.get_by_label("密码").fill("not-the-password")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    assert page.locator(".notice").get_by_text("30").is_visible()  # locked for 30 minutes
    assert fits_the_screen(page)
    screenshots(page, "phone-zh-locked")
    assert page.csp_violations == []
    page.context.close()
