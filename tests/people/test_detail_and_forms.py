import re
from datetime import date, timedelta

from django.urls import reverse

from tests.conftest import client_for
from tests.people.conftest import INVALID_CHECKSUM_ID, ZHANG_ID
from waishi.people import services
from waishi.people.models import Passport, Person


def get(user, url, lang="en"):
    return client_for(user).get(url, HTTP_ACCEPT_LANGUAGE=lang)


def field_block(html: str, name: str) -> str:
    """The form row holding the input called `name`: its label, input, help and errors."""
    rows = re.findall(r'<div class="form-row[^"]*">.*?</div>', html, flags=re.S)
    return next(row for row in rows if f'name="{name}"' in row)


def test_the_detail_page_shows_numbers_masked(liaison, zhang, zhang_passport):
    html = get(liaison, reverse("people:detail", args=[zhang.pk])).content.decode()
    assert "110***********002X" in html and ZHANG_ID not in html
    assert "S*****567" in html and "SE1234567" not in html
    assert "In custody" in html


def test_an_outsider_gets_not_found_for_a_person_of_another_unit(outsider, zhang):
    assert get(outsider, reverse("people:detail", args=[zhang.pk])).status_code == 404
    assert get(outsider, reverse("people:edit", args=[zhang.pk])).status_code == 404


def test_the_detail_page_warns_when_the_official_passport_expires_within_six_months(liaison, zhang):
    services.passport_add(
        actor=None,
        person=zhang,
        kind=Passport.Kind.SERVICE,
        number="SE0000001",
        expires_on=date.today() + timedelta(days=100),
    )
    html = get(liaison, reverse("people:detail", args=[zhang.pk])).content.decode()
    assert "less than six months from now" in html


def test_no_expiry_warning_for_a_passport_valid_for_years(liaison, zhang, zhang_passport):
    html = get(liaison, reverse("people:detail", args=[zhang.pk])).content.decode()
    assert "six months" not in html


def test_a_liaison_registers_a_person_through_the_form(liaison, commerce):
    response = client_for(liaison).post(
        reverse("people:create"),
        {
            "name": "欧阳春",
            "unit": commerce.pk,
            "rank": "bureau",
            "id_number": ZHANG_ID,
            "surname_pinyin": "",
            "given_pinyin": "",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.passport_name == "OUYANG CHUN"


def test_a_wrong_id_number_shows_a_chinese_error_next_to_the_field(liaison, commerce):
    response = client_for(liaison).post(
        reverse("people:create"),
        {"name": "张伟", "unit": commerce.pk, "rank": "other", "id_number": INVALID_CHECKSUM_ID},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    row = field_block(response.content.decode(), "id_number")
    assert "身份证号码" in row and "校验" in row
    assert not Person.objects.exists()


def test_a_short_id_number_error_says_how_many_characters_it_has(liaison, commerce):
    response = client_for(liaison).post(
        reverse("people:create"),
        {"name": "张伟", "unit": commerce.pk, "rank": "other", "id_number": "1101051949"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    row = field_block(response.content.decode(), "id_number")
    assert "18" in row and "10" in row


def test_the_romanize_preview_fills_the_passport_spelling_inputs(liaison):
    response = client_for(liaison).get(reverse("people:romanize"), {"name": "吕晓梅"})
    html = response.content.decode()
    assert 'value="LYU"' in html and 'value="XIAOMEI"' in html


def test_the_edit_form_is_prefilled_and_keeps_the_id_number_when_left_empty(liaison, zhang):
    client = client_for(liaison)
    url = reverse("people:edit", args=[zhang.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="ZHANG"' in html and ZHANG_ID not in html and "110***********002X" in html
    response = client.post(
        url,
        {
            "name": "张伟",
            "surname_pinyin": "ZHANG",
            "given_pinyin": "WEI",
            "unit": zhang.unit_id,
            "rank": "bureau",
            "id_number": "",
            "version": zhang.version,
        },
    )
    assert response.status_code == 302
    saved = Person.objects.get(pk=zhang.pk)
    assert (saved.rank, saved.id_number, saved.version) == ("bureau", ZHANG_ID, zhang.version + 1)


def test_a_stale_edit_shows_the_conflict_instead_of_overwriting(liaison, zhang):
    services.person_update(
        actor=liaison, person=zhang, expected_version=zhang.version, position="局长"
    )
    response = client_for(liaison).post(
        reverse("people:edit", args=[zhang.pk]),
        {
            "name": "张伟",
            "unit": zhang.unit_id,
            "rank": "county",
            "position": "科长",
            "version": zhang.version,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Someone else changed this record; reload it" in response.content.decode()
    assert Person.objects.get(pk=zhang.pk).position == "局长"


def test_an_inspector_cannot_open_the_edit_form(inspector, zhang):
    assert get(inspector, reverse("people:edit", args=[zhang.pk])).status_code == 403


def test_a_passport_is_added_through_the_form_and_duplicates_are_shown_on_the_field(liaison, zhang):
    url = reverse("people:passport_create", args=[zhang.pk])
    data = {
        "kind": "service",
        "number": "SE7654321",
        "issued_on": "2024-01-01",
        "expires_on": "2034-01-01",
    }
    assert client_for(liaison).post(url, data).status_code == 302
    response = client_for(liaison).post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert "already registered" in field_block(response.content.decode(), "number")


def test_a_passport_officer_checks_a_passport_out_from_the_detail_page(
    passport_officer, zhang_passport
):
    detail = reverse("people:detail", args=[zhang_passport.person_id])
    assert "Update custody" in get(passport_officer, detail).content.decode()
    response = client_for(passport_officer).post(
        reverse("people:passport_custody", args=[zhang_passport.pk]),
        {"custody": "checked_out", "version": zhang_passport.version, "reason": "出访"},
    )
    assert response.status_code == 302
    assert Passport.objects.get(pk=zhang_passport.pk).custody == "checked_out"


def test_a_liaison_cannot_change_custody(liaison, zhang_passport):
    response = client_for(liaison).post(
        reverse("people:passport_custody", args=[zhang_passport.pk]),
        {"custody": "checked_out", "version": zhang_passport.version},
    )
    assert response.status_code == 403
    assert Passport.objects.get(pk=zhang_passport.pk).custody == "in_custody"
