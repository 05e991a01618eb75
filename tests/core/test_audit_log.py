"""Inspectors and administrators read, filter, verify and export the audit log."""

import io
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from waishi.core.audit import audit_record
from waishi.core.models import AuditEvent

URL = reverse("core:audit")


@pytest.fixture(autouse=True)
def _language_restored():
    # A request in English leaves English active in this thread; later tests expect the default.
    yield
    translation.deactivate()


def english_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def record(count, *, actor=None, action="unit.update", object_type="core.unit", unit=None):
    with transaction.atomic():
        for n in range(count):
            audit_record(
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=n + 1,
                unit_id=unit.pk if unit else None,
                changes={"name": [f"旧名{n}", f"新名{n}"]},
            )


def seqs(client, **filters) -> list[int]:
    html = client.get(URL, filters).content.decode()
    return [
        int(part.split("/", 1)[0])
        for part in html.split('href="/audit/')[1:]
        if part.split("/", 1)[0].isdigit()
    ]


def test_a_liaison_may_not_read_the_audit_log(liaison):
    record(1)
    client = english_client(liaison)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("core:audit_detail", args=[1])).status_code == 403
    assert client.post(reverse("core:audit_verify")).status_code == 403
    assert client.get(reverse("core:audit_export")).status_code == 403


def test_an_inspector_reads_the_log_newest_first(inspector):
    record(3)
    assert seqs(english_client(inspector)) == [3, 2, 1]


def test_the_log_filters_by_action_prefix_actor_and_object_type(inspector, liaison):
    record(2, action="unit.update")
    record(1, actor=liaison, action="role.grant", object_type="core.roleassignment")
    client = english_client(inspector)
    assert seqs(client, action="role.") == [3]
    assert seqs(client, action="unit") == [2, 1]
    assert seqs(client, actor="liaison") == [3]
    assert seqs(client, object_type="core.unit") == [2, 1]


def test_the_log_filters_by_a_units_subtree(inspector, commerce, commerce_office, education):
    record(1, unit=commerce)
    record(1, unit=commerce_office)
    record(1, unit=education)
    client = english_client(inspector)
    assert seqs(client, unit=commerce.pk) == [2, 1]
    assert seqs(client, unit=education.pk) == [3]


def test_the_log_filters_by_a_date_range_in_local_days(inspector):
    record(3)
    today = timezone.localdate()
    AuditEvent.objects.filter(seq=1).update(at=timezone.now() - timedelta(days=10))
    client = english_client(inspector)
    assert seqs(client, date_from=today.isoformat()) == [3, 2]
    week_ago = (today - timedelta(days=7)).isoformat()
    assert seqs(client, date_to=week_ago) == [1]


def test_older_events_are_reached_page_by_page(inspector):
    record(60)
    client = english_client(inspector)
    first = seqs(client)
    assert first == list(range(60, 10, -1))
    assert seqs(client, before=11) == list(range(10, 0, -1))


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_number_of_queries_for_10_and_500_events(inspector, commerce):
    client = english_client(inspector)
    record(10, actor=inspector, unit=commerce)
    few = count_queries(client)
    record(490, actor=inspector, unit=commerce)
    assert count_queries(client) == few


def test_the_detail_shows_the_changes_as_a_table_and_the_chain_hashes(admin_user):
    record(2)
    event = AuditEvent.objects.get(seq=2)
    html = english_client(admin_user).get(reverse("core:audit_detail", args=[2])).content
    html = html.decode()
    assert "<td>旧名1</td>" in html and "<td>新名1</td>" in html
    assert event.hash in html and event.prev_hash in html
    assert "matches its hash" in html


def test_the_verify_button_reports_an_intact_chain(inspector):
    record(5)
    response = english_client(inspector).post(
        reverse("core:audit_verify"), {"next": f"{URL}?action=unit"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{URL}?action=unit"
    assert "The audit chain is intact: 5 events checked." in response.content.decode()


def test_the_verify_button_names_the_first_tampered_event(inspector):
    record(5)
    AuditEvent.objects.filter(seq=3).update(changes={"name": ["旧名2", "篡改"]})
    response = english_client(inspector).post(reverse("core:audit_verify"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("core:audit_detail", args=[3])
    assert "The audit chain is broken at event #3: content does not match its hash" in html
    assert "does not match its hash: it was altered" in html


def test_the_verify_button_never_redirects_to_another_site(inspector):
    record(1)
    response = english_client(inspector).post(
        reverse("core:audit_verify"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == URL


@pytest.mark.parametrize("filters", [{}, {"action": "role."}])
def test_the_export_holds_the_filtered_events_and_is_itself_audited(inspector, liaison, filters):
    record(2, action="unit.update")
    record(1, actor=liaison, action="role.grant", object_type="core.roleassignment")
    response = english_client(inspector).get(reverse("core:audit_export"), filters)
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == ([3] if filters else [3, 2, 1])
    event = AuditEvent.objects.get(action="audit.export")
    assert (event.actor_name, event.changes["rows"]) == ("inspector", len(exported))


def test_the_audit_log_is_in_the_navigation_of_inspectors_and_administrators(
    inspector, admin_user, liaison
):
    def shows_link(user):
        html = english_client(user).get(reverse("core:dashboard")).content.decode()
        return f'href="{URL}"' in html

    assert shows_link(inspector) and shows_link(admin_user)
    assert not shows_link(liaison)
