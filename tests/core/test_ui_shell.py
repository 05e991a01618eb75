"""The UI shell: sign-in, lockout, language, navigation, dashboard, units, and the strict CSP."""

import importlib
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from tests.conftest import client_for
from tests.factories import PassportFactory, PersonFactory
from waishi.core.context import MODULES
from waishi.core.dashboard import add_months
from waishi.core.models import AuditEvent

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery"  # what UserFactory sets


def html_of(response) -> str:
    return response.content.decode()


def switch_language(client, code: str, next_url: str = "/"):
    response = client.post(reverse("set_language"), {"language": code, "next": next_url})
    assert response.status_code == 302


def sign_in(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline <script>, <style> blocks, style="" attrs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> block")
        if "style" in attrs:
            self.found.append(f'style="" on <{tag}>')
        self.found.extend(f"{name} handler on <{tag}>" for name in attrs if name.startswith("on"))


def inline_code_in(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def commerce_people(commerce, commerce_office):
    """Three people of 市商务局 (one in its office); two passports expire within 6 months."""
    soon = timezone.localdate() + timedelta(days=60)
    people = [
        PersonFactory(name="商务甲", unit=commerce),
        PersonFactory(name="商务乙", unit=commerce),
        PersonFactory(name="外事处丙", unit=commerce_office),
    ]
    PassportFactory(person=people[0], expires_on=soon)
    PassportFactory(person=people[2], expires_on=soon + timedelta(days=30))
    PassportFactory(person=people[1], expires_on=soon + timedelta(days=900))
    return people


@pytest.fixture
def education_person(education):
    person = PersonFactory(name="教育丁", unit=education)
    PassportFactory(person=person, expires_on=timezone.localdate() + timedelta(days=10))
    return person


# --- sign-in ---------------------------------------------------------------------------------


def test_login_page_speaks_chinese_by_default(client, db):
    html = html_of(client.get(LOGIN))
    assert '<html lang="zh-hans">' in html
    assert "用户名" in html and "密码" in html
    assert ">English</button>" in html  # the switch offers the other language


def test_login_page_speaks_english_after_switching_language(client, db):
    switch_language(client, "en", LOGIN)
    html = html_of(client.get(LOGIN))
    assert '<html lang="en">' in html
    assert "Username" in html and "Sign in" in html
    assert ">中文</button>" in html


def test_wrong_password_is_refused_with_an_error_in_the_users_language(client, liaison):
    response = sign_in(client, "liaison", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in html_of(response)
    switch_language(client, "en", LOGIN)
    response = sign_in(client, "liaison", "wrong-password")
    assert "Please enter a correct username and password" in html_of(response)
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_and_lands_on_the_dashboard(client, liaison):
    response = sign_in(client, "liaison", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_five_failures_lock_the_account_even_against_the_right_password(client, liaison):
    switch_language(client, "en", LOGIN)
    for _ in range(5):
        sign_in(client, "liaison", "wrong-password")
    response = sign_in(client, "liaison", PASSWORD)
    assert response.status_code == 429
    html = html_of(response)
    assert "Account locked" in html
    assert "signing in is locked for 30 minutes" in html
    assert "_auth_user_id" not in client.session


def test_locked_out_page_is_in_chinese_by_default(client, liaison):
    for _ in range(6):
        response = sign_in(client, "liaison", "wrong-password")
    assert response.status_code == 429
    html = html_of(response)
    assert '<html lang="zh-hans">' in html
    assert "30" in html and ">English</button>" in html


def test_production_settings_store_passwords_as_argon2(settings, liaison):
    # tests/settings.py swaps in MD5 for speed; the module production runs is what counts here.
    production = importlib.import_module("waishi.config.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    liaison.set_password("a-new-long-password")
    assert liaison.password.startswith("argon2$argon2id$")
    assert liaison.check_password("a-new-long-password")


def test_sign_out_is_a_post_form_that_ends_the_session(liaison):
    client = client_for(liaison)
    html = html_of(client.get("/"))
    assert f'method="post" action="{reverse("logout")}"' in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get("/").status_code == 302


# --- shell: navigation, language switch, CSP ------------------------------------------------


def test_navigation_shows_every_module_in_the_users_language(liaison):
    html = html_of(client_for(liaison).get("/"))
    with translation.override("zh-hans"):
        labels = [escape(label) for _key, label, _url, _coming in MODULES]
    for label in labels:
        assert f'<span class="nav-label">{label}</span>' in html
    coming = sum(1 for *_rest, module in MODULES if module)
    assert html.count('class="tag-coming"') == coming


def test_top_bar_names_the_city_the_user_and_their_roles(liaison, city):
    client = client_for(liaison)
    switch_language(client, "en")
    html = html_of(client.get("/"))
    assert "江海市" in html
    assert str(liaison) in html
    assert "Foreign affairs liaison" in html


def test_language_switch_returns_to_the_page_it_was_pressed_on(liaison, commerce):
    client = client_for(liaison)
    page = reverse("core:unit_detail", args=[commerce.pk])
    html = html_of(client.get(page))
    assert f'name="next" value="{page}"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert response["Location"] == page
    assert '<html lang="en">' in html_of(client.get(page))


@pytest.mark.parametrize(
    "url",
    ["/", "/units/", "/coming/delegations/", "/no-such-page/", LOGIN],
)
def test_pages_carry_no_inline_script_or_style(url, liaison, client):
    page_client = client if url == LOGIN else client_for(liaison)
    response = page_client.get(url)
    assert inline_code_in(html_of(response)) == []


def test_unit_detail_page_carries_no_inline_script_or_style(liaison, commerce, commerce_office):
    response = client_for(liaison).get(reverse("core:unit_detail", args=[commerce.pk]))
    assert inline_code_in(html_of(response)) == []


def test_pages_are_served_with_a_strict_content_security_policy(client, db):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


# --- dashboard ------------------------------------------------------------------------------


def test_dashboard_counts_only_what_the_liaison_may_see(liaison, commerce_people, education_person):
    response = client_for(liaison).get("/")
    counts = response.context["counts"]
    # 市商务局 and its office; three people there; two passports expire within 6 months.
    assert counts["units"] == 2
    assert counts["people"] == 3
    assert counts["passports_expiring"] == 2
    html = html_of(response)
    assert "商务甲" in html and "外事处丙" in html
    assert "教育丁" not in html


def test_outsider_dashboard_does_not_count_commerce_people(
    outsider, commerce_people, education_person
):
    response = client_for(outsider).get("/")
    counts = response.context["counts"]
    assert counts["people"] == 1
    assert counts["passports_expiring"] == 1
    html = html_of(response)
    assert "教育丁" in html
    assert "商务甲" not in html and "外事处丙" not in html


def test_inspector_dashboard_counts_the_whole_city(inspector, commerce_people, education_person):
    counts = client_for(inspector).get("/").context["counts"]
    assert counts["people"] == 4
    assert counts["passports_expiring"] == 3


def test_dashboard_counts_todays_audit_events_of_the_users_units(liaison, commerce, education):
    now = timezone.now()
    for seq, (unit, at) in enumerate(
        [(commerce, now), (commerce, now - timedelta(days=2)), (education, now)], start=1
    ):
        AuditEvent.objects.create(
            seq=seq, at=at, action="x.test", object_type="t", object_id=str(seq),
            unit_id=unit.pk, prev_hash="0", hash=str(seq),
        )  # fmt: skip
    assert client_for(liaison).get("/").context["counts"]["audit_today"] == 1


def test_dashboard_without_expiring_passports_says_so(liaison):
    switch = client_for(liaison)
    switch_language(switch, "en")
    html = html_of(switch.get("/"))
    assert "No passport in your units expires within the next 6 months." in html


def test_six_months_ahead_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2025, 1, 15), 6) == date(2025, 7, 15)
    assert add_months(date(2025, 9, 30), 6) == date(2026, 3, 30)


# --- units ----------------------------------------------------------------------------------


def test_unit_list_shows_the_tree_with_people_counts(liaison, commerce_people, commerce):
    client = client_for(liaison)
    html = html_of(client.get(reverse("core:units")))
    assert 'class="indent-1"' in html  # 市商务局 under the city
    assert 'class="indent-2"' in html  # its office below it
    assert f'href="{reverse("people:list")}?unit={commerce.pk}">2</a>' in html
    assert "市教育局" not in html


def test_unit_search_finds_by_name_and_says_when_nothing_matches(admin_user, commerce, education):
    client = client_for(admin_user)
    switch_language(client, "en")
    html = html_of(client.get(reverse("core:units"), {"q": "教育"}))
    assert "市教育局" in html and "市商务局" not in html
    html = html_of(client.get(reverse("core:units"), {"q": "nothing-like-this"}))
    assert "No unit matches “nothing-like-this”." in html


def test_unit_detail_shows_parent_children_and_a_link_to_its_people(
    liaison, commerce, commerce_office, city
):
    client = client_for(liaison)
    switch_language(client, "en")
    html = html_of(client.get(reverse("core:unit_detail", args=[commerce.pk])))
    assert "<li>江海市</li>" in html  # the city is named, not linked: the liaison can't open it
    assert reverse("core:unit_detail", args=[commerce_office.pk]) in html
    assert f'href="{reverse("people:list")}?unit={commerce.pk}"' in html


def test_unit_of_another_department_is_not_found(outsider, commerce):
    response = client_for(outsider).get(reverse("core:unit_detail", args=[commerce.pk]))
    assert response.status_code == 404
    html = html_of(response)
    assert '<p class="notice-code">404</p>' in html
    assert "市商务局" not in html


def test_coming_module_page_says_what_the_module_will_do(liaison):
    client = client_for(liaison)
    switch_language(client, "en")
    html = html_of(client.get(reverse("core:coming", args=["safety"])))
    assert "This module is coming." in html
    assert "country risk levels" in html


def test_server_error_page_renders_without_a_request_or_inline_code(db):
    # Django renders 500.html with no context at all: no user, no session, maybe no database.
    html = loader.get_template("500.html").render()
    assert "500" in html and 'href="/"' in html
    assert inline_code_in(html) == []


def test_forbidden_page_explains_how_to_get_access(liaison, rf):
    request = rf.get("/somewhere/")
    request.user = liaison
    with translation.override("en"):
        html = loader.render_to_string("403.html", request=request)
    assert "You may not open this page" in html
    assert "ask your unit's administrator" in html
