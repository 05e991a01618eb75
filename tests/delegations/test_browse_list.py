"""The delegations list: filters, search, sorting, pages, Excel export, overdue markers, and a
constant number of queries whatever the number of rows."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.delegations.conftest import traveller_of
from tests.factories import UserFactory
from waishi.core.models import AuditEvent
from waishi.delegations.models import Delegation, DelegationMember, ItineraryStop, Status
from waishi.people.models import Rank

LIST = reverse("delegations:list")
EXPORT = reverse("delegations:export")


def bulk_delegations(unit, person, count, *, status=Status.APPROVED, start=None, **fields):
    """`count` delegations of `unit` led by `person`, written in bulk (no workflow needed to
    read them); each with one stop and one member."""
    start = start or dt.date(2027, 1, 1)
    rows = Delegation.objects.bulk_create(
        Delegation(
            title=f"批量团组{n:03d}",
            organising_unit=unit,
            leader=person,
            trip_type="visit",
            leave_china=start + dt.timedelta(days=n),
            return_china=start + dt.timedelta(days=n + 3),
            status=status,
            top_rank=person.rank,
            member_count=1,
            **fields,
        )
        for n in range(count)
    )
    ItineraryStop.objects.bulk_create(
        ItineraryStop(
            delegation=row,
            order=0,
            country="JP",
            city="Osaka",
            arrive=row.leave_china,
            depart=row.return_china,
        )
        for row in rows
    )
    DelegationMember.objects.bulk_create(
        DelegationMember(delegation=row, person=person, unit=unit, rank=person.rank) for row in rows
    )
    return rows


def titles_in(response) -> list[str]:
    return [row.title for row in response.context["page"].object_list]


@pytest.fixture
def reviewer_client(reviewer):
    return client_for(reviewer)


@pytest.fixture
def three_trips(make_delegation, act, commerce, education):
    """A submitted bureau-rank trip to Germany, a draft to Japan in 2028, and 市教育局's trip."""
    bureau = traveller_of(commerce, name="赵局长", rank=Rank.BUREAU)
    submitted = make_delegation(title="德国港口考察", people=[bureau])
    act(submitted, "submit")
    leave = dt.date(2028, 4, 1)
    japan = make_delegation(
        title="日本招商",
        leave_china=leave,
        return_china=leave + dt.timedelta(days=3),
        stops=[
            {
                "country": "JP",
                "city": "Osaka",
                "arrive": leave,
                "depart": leave + dt.timedelta(days=3),
            }
        ],
        schedule=[],
    )
    school = traveller_of(education, name="李老师")
    bulk_delegations(education, school, 1, status=Status.DRAFT)
    return submitted, japan


def test_the_list_filters_by_status_unit_country_year_and_highest_rank(
    reviewer_client, three_trips, commerce, education
):
    def titles(**query):
        return sorted(titles_in(reviewer_client.get(LIST, query)))

    assert titles(status="submitted") == ["德国港口考察"]
    assert titles(unit=education.pk) == ["批量团组000"]
    assert titles(unit=commerce.pk) == ["德国港口考察", "日本招商"]
    assert titles(country="JP") == ["批量团组000", "日本招商"]
    assert titles(year=2028) == ["日本招商"]
    assert titles(rank="bureau") == ["德国港口考察"]
    assert titles(country="DE", status="draft") == []


def test_the_search_finds_a_title_a_member_and_an_approval_number(reviewer_client, three_trips):
    _submitted, japan = three_trips
    Delegation.objects.filter(pk=japan.pk).update(approval_number="SWJ外字〔2028〕007号")

    def found(q):
        return sorted(titles_in(reviewer_client.get(LIST, {"q": q})))

    assert found("港口") == ["德国港口考察"]
    assert found("赵局长") == ["德国港口考察"]
    assert found("2028〕007") == ["日本招商"]
    assert found("无此团组") == []


def test_a_liaison_lists_only_the_units_delegations(liaison, three_trips):
    html = client_for(liaison).get(LIST).content.decode()
    assert "德国港口考察" in html and "日本招商" in html
    assert "批量团组000" not in html


def test_the_list_sorts_by_title_status_unit_and_departure(reviewer_client, three_trips):
    assert titles_in(reviewer_client.get(LIST, {"sort": "title"})) == sorted(
        ["德国港口考察", "日本招商", "批量团组000"]
    )
    by_status = titles_in(reviewer_client.get(LIST, {"sort": "status"}))
    assert by_status.index("日本招商") < by_status.index("德国港口考察")  # draft before submitted
    units_up = units_in(reviewer_client.get(LIST, {"sort": "unit"}))
    units_down = units_in(reviewer_client.get(LIST, {"sort": "-unit"}))
    assert units_up == sorted(units_up) and units_down == list(reversed(units_up))
    newest_first = titles_in(reviewer_client.get(LIST))
    oldest_first = titles_in(reviewer_client.get(LIST, {"sort": "leave"}))
    assert newest_first == list(reversed(oldest_first))


def test_bad_filter_values_are_ignored_instead_of_failing(reviewer_client, three_trips):
    response = reviewer_client.get(
        LIST, {"year": "soon", "status": "flying", "sort": "evil", "page": "-3", "country": "ZZ"}
    )
    assert response.status_code == 200
    assert len(titles_in(response)) == 3


def test_filtering_with_htmx_answers_only_the_results(reviewer_client, three_trips):
    response = reviewer_client.get(
        LIST,
        {"country": "JP"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="delegation-results",
    )
    html = response.content.decode()
    assert "日本招商" in html and "德国港口考察" not in html
    assert "<html" not in html and 'role="search"' not in html


def test_the_list_pages_through_many_delegations(reviewer_client, commerce):
    bulk_delegations(commerce, traveller_of(commerce, name="钱处长"), 30)
    first = reviewer_client.get(LIST)
    second = reviewer_client.get(LIST, {"page": 2})
    assert len(titles_in(first)) == 25 and len(titles_in(second)) == 5
    assert not set(titles_in(first)) & set(titles_in(second))
    assert "Page 1 of 2" in client_html(reviewer_client, {"page": 1})


def units_in(response) -> list[str]:
    return [row.organising_unit.name for row in response.context["page"].object_list]


def client_html(client, query) -> str:
    client.cookies["django_language"] = "en"
    return client.get(LIST, query, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_rows_show_a_status_badge_and_an_overdue_trip_report(reviewer_client, commerce):
    person = traveller_of(commerce, name="孙科长")
    long_ago = timezone.localdate() - dt.timedelta(days=90)
    bulk_delegations(
        commerce, person, 1, status=Status.RETURNED_HOME, start=long_ago, returned_at=long_ago
    )
    html = client_html(reviewer_client, {})
    assert 'class="badge status-returned_home"' in html
    assert "Trip report not filed" in html


def test_a_recent_return_is_not_marked_overdue(reviewer_client, commerce):
    person = traveller_of(commerce, name="孙科长")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    bulk_delegations(
        commerce, person, 1, status=Status.RETURNED_HOME, start=yesterday, returned_at=yesterday
    )
    assert "Trip report not filed" not in client_html(reviewer_client, {})


def count_queries(client, url, query=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(captured)


def test_the_list_and_the_export_take_as_many_queries_for_200_rows_as_for_10(reviewer, commerce):
    person = traveller_of(commerce, name="周处长")
    bulk_delegations(commerce, person, 10)
    client = client_for(reviewer)
    count_queries(client, LIST)  # warm: the session
    count_queries(client, EXPORT)  # warm: the audit chain's head row is created once
    few = (count_queries(client, LIST), count_queries(client, EXPORT, {"country": "JP"}))
    bulk_delegations(commerce, person, 190, start=dt.date(2030, 1, 1))
    many = (count_queries(client, LIST), count_queries(client, EXPORT, {"country": "JP"}))
    assert few == many
    assert few[0] <= 12


def test_the_export_holds_the_filtered_rows_and_is_recorded_in_the_audit_log(
    reviewer_client, three_trips, reviewer
):
    response = reviewer_client.get(EXPORT, {"country": "JP", "sort": "title"})
    assert response["Content-Disposition"].startswith('attachment; filename="delegations-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["批量团组000", "日本招商"]
    assert rows[2][2] == "市商务局"
    event = AuditEvent.objects.get(action="delegation.export")
    assert event.actor_id == reviewer.pk
    assert event.changes == {"filters": {"country": "JP"}, "rows": 2}


def test_someone_without_a_role_sees_an_empty_list(commerce, three_trips):
    nobody = UserFactory(username="nobody", unit=commerce)
    response = client_for(nobody).get(LIST)
    assert response.status_code == 200
    assert titles_in(response) == []


def test_the_navigation_leads_to_the_delegations_list(liaison):
    html = client_for(liaison).get(reverse("core:dashboard")).content.decode()
    assert f'href="{LIST}"' in html
