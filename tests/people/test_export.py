import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.people.conftest import ZHANG_ID
from waishi.core.models import AuditEvent
from waishi.people import export


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_the_excel_export_holds_the_filtered_people_with_masked_numbers(
    inspector, zhang, zhang_passport, teacher
):
    response = client_for(inspector).get(
        reverse("people:export"), {"rank": "county"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    header, *rows = rows_of(response)
    assert header[0] == "Name" and "ID card number" in header
    assert len(rows) == 1
    name, spelling, unit, position, _rank, id_masked, expires = rows[0]
    assert (name, spelling, unit, position) == ("张伟", "ZHANG WEI", "市商务局", "处长")
    assert id_masked == "110***********002X"
    assert expires.date() == zhang_passport.expires_on
    assert ZHANG_ID not in str(rows)


def test_an_outsider_exports_only_their_own_units_people(outsider, zhang, teacher):
    _header, *rows = rows_of(client_for(outsider).get(reverse("people:export")))
    assert [row[0] for row in rows] == ["王芳"]


def test_an_export_is_recorded_in_the_audit_log(inspector, zhang):
    client_for(inspector).get(reverse("people:export"), {"q": ZHANG_ID})
    event = AuditEvent.objects.get(action="person.export")
    assert event.actor_name == "inspector" and event.changes["rows"] == 1
    assert ZHANG_ID not in str(event.changes)


def test_an_export_past_the_limit_says_it_was_cut_short(inspector, zhang, teacher, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_LIMIT", 1)
    monkeypatch.setattr("waishi.people.views.EXPORT_LIMIT", 1)
    response = client_for(inspector).get(reverse("people:export"), HTTP_ACCEPT_LANGUAGE="en")
    *_rows, note = rows_of(response)
    assert "Only the first 1 of 2 people" in note[0]
