"""Bad input on the application page: each impossible itinerary, a member twice, an empty
delegation, an oversized or disguised upload gets a clear message next to the field, in the
user's language, and nothing is saved — not on creating, not on editing."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import client_for
from tests.delegations.application_support import (
    application_of,
    as_post,
    create_url,
    edit_url,
    errors_of,
    staff,
)
from waishi.delegations.models import Delegation, DelegationAttachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(liaison):
    client = client_for(liaison)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def application(commerce):
    return application_of(commerce, staff(commerce, 2))


def refused(client, commerce, application, **extra) -> str:
    response = client.post(create_url(), as_post(application, commerce, intent="save", **extra))
    assert response.status_code == 200, "the page again, with the errors"
    assert Delegation.objects.count() == 0 and DelegationAttachment.objects.count() == 0
    return errors_of(response)


def day(application, n):
    return application["leave_china"] + dt.timedelta(days=n)


def test_a_stop_departing_before_it_arrives_is_refused(client, commerce, application):
    application["stops"][0].update(arrive=day(application, 2), depart=day(application, 1))
    assert "before it arrives" in refused(client, commerce, application)


def test_a_return_before_leaving_china_is_refused(client, commerce, application):
    application["return_china"] = day(application, -3)
    assert "is before leaving China" in refused(client, commerce, application)


def test_overlapping_stops_are_refused(client, commerce, application):
    first = application["stops"][0]
    first.update(depart=day(application, 3))
    second = {
        "country": "FR",
        "city": "Paris",
        "arrive": day(application, 2),
        "depart": day(application, 3),
    }
    application["stops"].append(second)
    assert "stops overlap or are out of order" in refused(client, commerce, application)


@pytest.mark.parametrize("code", ["XX", "CN", "<b>"])
def test_an_unknown_country_or_china_itself_is_refused(client, commerce, application, code):
    application["stops"][0]["country"] = code
    assert "Select a valid choice" in refused(client, commerce, application)


def test_a_stop_outside_the_trip_is_refused(client, commerce, application):
    application["stops"][0]["depart"] = day(application, 30)
    message = refused(client, commerce, application)
    assert "lies outside the trip" in message


def test_a_member_listed_twice_is_refused(client, commerce, application):
    twice = {"person": application["members"][0]["person"], "role_in_delegation": "member"}
    application["members"].append(twice)
    assert "is listed twice" in refused(client, commerce, application)


def test_two_leaders_are_refused(client, commerce, application):
    application["members"][1]["role_in_delegation"] = "leader"
    assert "A delegation has one leader; 2 are marked." in refused(client, commerce, application)


def test_an_empty_delegation_is_refused(client, commerce, application):
    application.update(members=[], stops=[])
    message = refused(client, commerce, application)
    assert "A delegation needs at least one member." in message
    assert "The itinerary needs at least one stop abroad." in message


def test_a_negative_amount_and_a_made_up_currency_are_refused(client, commerce, application):
    application["budget"][0].update(amount="-5", currency="XYZ")
    message = refused(client, commerce, application)
    assert "greater than or equal to 0" in message and "“XYZ” is not a currency code" in message


def test_a_tampered_row_count_is_refused_not_a_crash(client, commerce, application):
    body = as_post(application, commerce, intent="save")
    body["stops-TOTAL_FORMS"] = "100000"
    response = client.post(create_url(), body)
    assert response.status_code == 200 and Delegation.objects.count() == 0


def test_an_oversized_upload_is_refused(client, commerce, application, settings):
    settings.WAISHI_UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("invitation.pdf", PDF + b"0" * 2048, "application/pdf")
    assert "files may be at most 1.0" in refused(client, commerce, application, invitation=big)


def test_a_disguised_upload_is_refused(client, commerce, application):
    fake = SimpleUploadedFile("invitation.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    message = refused(client, commerce, application, invitation_translation=fake)
    assert "not a PDF, JPEG, PNG, DOCX file, whatever its name says" in message


def test_a_spreadsheet_named_docx_is_refused_among_other_attachments(client, commerce, application):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("[Content_Types].xml", "<Types/>")
        handle.writestr("xl/workbook.xml", "<workbook/>")
    sheet = SimpleUploadedFile("plan.docx", archive.getvalue())
    good = SimpleUploadedFile("photo.png", PNG)
    message = refused(client, commerce, application, others=[good, sheet])
    assert "whatever its name says" in message


def test_bad_input_on_an_edit_leaves_the_stored_application_as_it_was(
    client, commerce, make_delegation
):
    delegation = make_delegation()
    application = application_of(commerce, [m.person for m in delegation.members.all()])
    application["stops"][0]["country"] = "XX"
    application["title"] = "改过的标题"
    body = as_post(application, commerce, version=delegation.version, intent="submit")
    response = client.post(edit_url(delegation), body)
    assert "Select a valid choice" in errors_of(response)
    delegation.refresh_from_db()
    assert (delegation.title, delegation.version, delegation.status) == (
        "汉堡港口合作考察",
        1,
        "draft",
    )


def test_uploads_are_stored_with_the_application_and_served_only_in_scope(
    client, commerce, application, outsider
):
    invitation = SimpleUploadedFile("邀请函.exe", PDF)
    translation = SimpleUploadedFile("译文.pdf", PDF)
    others = [SimpleUploadedFile("现场.png", PNG)]
    body = as_post(
        application,
        commerce,
        intent="save",
        invitation=invitation,
        invitation_translation=translation,
        others=others,
    )
    client.post(create_url(), body)
    delegation = Delegation.objects.get()
    stored = {a.kind: a for a in delegation.attachments.all()}
    assert stored["invitation"].original_name == "邀请函.pdf"  # named by what it is
    assert stored["invitation"].content_type == "application/pdf"
    assert set(stored) == {"invitation", "invitation_translation", "other"}
    url = reverse("delegations:attachment", args=[delegation.pk, stored["invitation"].pk])
    assert b"".join(client.get(url).streaming_content) == PDF
    assert client_for(outsider).get(url).status_code == 404


def test_a_new_invitation_replaces_the_old_and_a_ticked_file_is_removed(
    client, commerce, application, django_capture_on_commit_callbacks
):
    first = SimpleUploadedFile("old.pdf", PDF)
    other = SimpleUploadedFile("map.png", PNG)
    client.post(create_url(), as_post(application, commerce, invitation=first, others=[other]))
    delegation = Delegation.objects.get()
    old = delegation.attachments.get(kind="invitation")
    extra = delegation.attachments.get(kind="other")
    body = as_post(
        application,
        commerce,
        version=delegation.version,
        invitation=SimpleUploadedFile("new.pdf", PDF),
        remove_attachments=[extra.pk],
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(delegation), body)
    assert list(delegation.attachments.values_list("original_name", flat=True)) == ["new.pdf"]
    assert not old.file.storage.exists(old.file.name)


def test_a_malformed_live_check_or_row_request_gets_an_answer_not_a_crash(client):
    html = client.post(reverse("delegations:findings_new"), {"members-TOTAL_FORMS": "x"})
    assert (
        html.status_code == 200
        and "runs once the application has its dates" in html.content.decode()
    )
    assert client.post(reverse("delegations:rows_new"), {"add": "passwords"}).status_code == 400
    search = reverse("delegations:people_search")
    assert client.get(search, {"field": "title", "q": "张"}).status_code == 400
