"""Builders for the annual report tests (imported by tests/commission/test_annual_report*.py).

Delegations are made through the delegation services, planned in the future as the rules want;
the trip kit's time machine (`shift_into_past`) then moves each one to the year under report
before its return is registered. Evaluations are rows of the evaluation models (the report only
reads them), meetings go through the commission services.

A test module uses them with `from tests.commission.annual_report_support import *`, which also
brings the delegation personas' fixtures (head, reviewer, approver, act, make_delegation …).
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from tests.delegations.conftest import (
    act,
    approver,
    evaluator,
    head,
    make_delegation,
    personas,
    reviewer,
    traveller_of,
    valid_application,
)
from tests.delegations.trip_support import APPROVE, disclose, planned_stops, shift_into_past
from tests.factories import UserFactory, grant
from waishi.commission import services as commission
from waishi.core.roles import Role
from waishi.delegations.models import Delegation
from waishi.delegations.models_trip import PassportCheckout
from waishi.delegations.services import delegation_create
from waishi.delegations.services_pretrip import passport_checkin, passport_checkout
from waishi.delegations.services_report import report_file, report_save
from waishi.delegations.services_trip import post_disclosure_record, return_register
from waishi.evaluation.models import Evaluation, FollowUpRound, RubricVersion

YEAR = timezone.localdate().year - 1
RUBRIC = Path(__file__).resolve().parents[2] / "src/waishi/evaluation/rubrics/default-v1.json"

__all__ = [
    "YEAR",
    "Trips",
    "act",
    "approver",
    "aware",
    "day",
    "evaluation",
    "evaluator",
    "head",
    "make_delegation",
    "meeting_of",
    "personas",
    "reviewer",
    "traveller_of",
    "trips",
    "year_of_work",
]


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class Trips:
    """Delegations that left China on a given day, in whatever state the test needs."""

    def __init__(self, act, liaison, commerce, city):
        self.act, self.liaison, self.commerce, self.city = act, liaison, commerce, city
        self.serial = 0
        self._officer = None

    @property
    def officer(self):
        if self._officer is None:
            user = UserFactory(username="passport", unit=self.city)
            self._officer = grant(user, Role.PASSPORT_OFFICER, self.city)
        return self._officer

    def people(self, n: int = 2) -> list:
        self.serial += 1
        return [
            traveller_of(self.commerce, name=f"出访人{self.serial}-{i}", position="处长")
            for i in range(n)
        ]

    def approved(self, *, people=None, unit=None, days=4, country="DE", city="Hamburg", **fields):
        people = people or self.people()
        # Planned well ahead, as the lead-time rule wants; moved back in time afterwards.
        leave = timezone.localdate() + dt.timedelta(days=90 + self.serial)
        data = {
            **valid_application(
                self.commerce, people, leave=leave, days=days, country=country, city=city
            ),
            **fields,
        }
        delegation = delegation_create(
            actor=self.liaison, organising_unit=unit or self.commerce, **data
        )
        disclose(delegation, self.liaison)
        for action in APPROVE:
            self.act(delegation, action)
        delegation.refresh_from_db()
        return delegation

    def departed(self, left: dt.date, *, passports=False, stops=None, **options) -> Delegation:
        """A delegation that left China on `left` and came back as planned (or via `stops`)."""
        return self.travel(self.approved(**options), left, passports=passports, stops=stops)

    def travel(self, delegation, left: dt.date, *, passports=False, stops=None) -> Delegation:
        """Move the approved `delegation` to leave on `left`, then register its return.

        A unit whose post-trip duties are long overdue may not submit again: a test that wants
        overdue duties approves all its trips first (`approved`), then makes them travel."""
        delegation = shift_into_past(delegation, (delegation.leave_china - left).days)
        if passports:
            for member in delegation.members.select_related("person"):
                passport = member.person.passports.get()
                passport_checkout(
                    actor=self.officer,
                    delegation=delegation,
                    person=member.person,
                    passport=passport,
                )
        delegation.refresh_from_db()
        return_register(
            actor=self.liaison,
            delegation=delegation,
            expected_version=delegation.version,
            left_china_on=delegation.leave_china,
            returned_on=delegation.return_china,
            stops=stops or planned_stops(delegation),
        )
        delegation.refresh_from_db()
        return delegation

    def report(self, delegation, *, filed_on: dt.date | None = None, **lists) -> Delegation:
        """File a complete trip report; `filed_on` dates the filing (else it is filed today)."""
        objectives = list(delegation.objectives.all())
        statuses = lists.pop("statuses", ["met"] * len(objectives))
        report = report_save(
            actor=self.liaison,
            delegation=delegation,
            expected_version=None,
            summary="访问取得预期成果。",
            compliance_declared=True,
            results=[
                {"objective": o.pk, "status": status, "result": "见报告"}
                for o, status in zip(objectives, statuses, strict=True)
            ],
            **lists,
        )
        delegation.refresh_from_db()
        report_file(actor=self.liaison, delegation=delegation, expected_version=report.version)
        if filed_on:
            Delegation.objects.filter(pk=delegation.pk).update(report_filed_at=aware(filed_on))
        delegation.refresh_from_db()
        return delegation

    def disclose_after(self, delegation, posted_on: dt.date):
        return post_disclosure_record(
            actor=self.liaison, delegation=delegation, where="单位网站", posted_on=posted_on
        )

    def passports_back(self, delegation, *on_days: dt.date | None):
        """Take the delegation's passports back, the n-th on `on_days[n]` (None: today)."""
        checkouts = PassportCheckout.objects.filter(delegation=delegation).order_by("pk")
        for checkout, day in zip(checkouts, on_days, strict=False):
            passport_checkin(actor=self.officer, checkout=checkout)
            if day:
                PassportCheckout.objects.filter(pk=checkout.pk).update(checked_in_at=aware(day))


@pytest.fixture
def trips(act, liaison, commerce, city):
    return Trips(act, liaison, commerce, city)


def rubric() -> RubricVersion:
    found = RubricVersion.objects.filter(is_active=True).first()
    if found:
        return found
    body = json.loads(RUBRIC.read_text(encoding="utf-8"))
    return RubricVersion.objects.create(
        number=1, label="默认指标", body=body, is_active=True, sha256="0" * 64
    )


def evaluation(
    delegation,
    *,
    grade="",
    total=None,
    completed=True,
    year=YEAR,
    vetoed=False,
    spent=None,
    amount=0,
    rounds=(),
) -> Evaluation:
    """An evaluation of `delegation` as the evaluation services leave it; `rounds` are
    (months, due_on, submitted, realised, results) follow-ups."""
    row = Evaluation.objects.create(
        delegation=delegation,
        rubric=rubric(),
        status="completed" if completed else "awaiting_evaluator",
        organising_unit=delegation.organising_unit,
        year=year,
        trip_type=delegation.trip_type,
        total=Decimal(str(total)) if total is not None else None,
        grade=grade,
        vetoed=vetoed,
        spent_cny=Decimal(str(spent)) if spent is not None else None,
        amount_cny=Decimal(str(amount)),
        completed_at=timezone.now() if completed else None,
    )
    for months, due_on, submitted, realised, results in rounds:
        FollowUpRound.objects.create(
            evaluation=row,
            months=months,
            due_on=due_on,
            status="submitted" if submitted else "scheduled",
            realised_count=realised,
            result_count=results,
        )
    return row


def meeting_of(
    secretariat, day: dt.date, *, title, documents=(), decisions=(), tasks=(), confirm=True
):
    """A meeting through the commission services; `tasks` are (text, unit, deadline, done)."""
    meeting = commission.meeting_create(
        actor=secretariat, title=title, date=day, chairs=["林海峰"], documents=list(documents)
    )
    decision = None
    for text in decisions:
        decision = commission.meeting_add_decision(actor=secretariat, meeting=meeting, text=text)
    for text, unit, deadline, done in tasks:
        task = commission.task_add(
            actor=secretariat,
            meeting=meeting,
            decision=decision,
            text=text,
            owner_unit=unit,
            deadline=deadline,
        )
        if done:
            commission.task_complete(actor=secretariat, task=task, expected_version=task.version)
    if confirm:
        meeting.refresh_from_db()
        meeting = commission.meeting_confirm(
            actor=secretariat, meeting=meeting, expected_version=meeting.version
        )
    return meeting


def day(month: int, dom: int, year: int = YEAR) -> dt.date:
    return dt.date(year, month, dom)


@pytest.fixture
def year_of_work(trips, secretariat, commerce, commerce_office):
    """The year under report, with a known answer for every number of the report:

    three delegations left China in YEAR (five person-trips by four people, to DE twice and JP
    once; one of them organised by a sub-unit of 市商务局); one left the year before. Trip
    reports: one on time, one late, one missing. Post-trip disclosures: on time, missing, late.
    Passports: one back on time, one late. One return deviated from the approved itinerary.
    Evaluations: excellent 92.5 and a vetoed fail 55 completed, one still open, one of another
    year. Meetings: two confirmed (one document, three decisions, a task done and one overdue)
    and a draft.
    """
    p1, p2, p3, p4 = trips.people(4)
    a = trips.approved(people=[p1, p2])
    b = trips.approved(
        people=[p1, p3],
        country="JP",
        city="Tokyo",
        budget=[{"kind": "lodging", "amount": "20000", "currency": "JPY"}],
    )
    c = trips.approved(people=[p4], unit=commerce_office)
    earlier = trips.approved()
    a = trips.travel(a, day(3, 10), passports=True)
    a = trips.report(
        a,
        filed_on=day(3, 20),
        statuses=["met", "partly"],
        agreements=[{"title": "港口合作备忘录", "partner": "汉堡港务局", "signed_on": day(3, 11)}],
        projects=[
            {"kind": "project", "name": "物流园区合作", "amount": "5000000", "currency": "EUR"},
            {"kind": "intention", "name": "航线合作意向", "currency": "EUR"},
        ],
        partners=[{"name": "Jens Meier", "organisation": "HPA", "country": "DE"}],
    )
    trips.disclose_after(a, day(3, 25))
    trips.passports_back(a, day(3, 15), day(4, 30))
    b = trips.travel(
        b,
        day(6, 2),
        stops=[
            {"country": "JP", "city": "Tokyo", "arrive": day(6, 3), "depart": day(6, 4)},
            {"country": "KR", "city": "Seoul", "arrive": day(6, 4), "depart": day(6, 5)},
        ],
    )
    b = trips.report(
        b,
        statuses=["met", "not"],
        projects=[{"kind": "project", "name": "智能制造合作", "amount": "10000000"}],
    )
    c = trips.travel(c, day(9, 1))
    trips.disclose_after(c, day(11, 20))
    earlier = trips.travel(earlier, day(5, 5, YEAR - 1))

    evaluation(
        a,
        grade="excellent",
        total="92.5",
        spent="50000",
        amount="1000000",
        rounds=[(6, day(9, 13), True, 2, 3), (12, day(3, 13, YEAR + 1), False, 0, 0)],
    )
    evaluation(b, grade="fail", total="55", vetoed=True, spent="30000")
    evaluation(c, completed=False)
    evaluation(earlier, grade="good", total="80", year=YEAR - 1)

    meeting_of(
        secretariat,
        day(3, 15),
        title="市委外事工作委员会第一次会议",
        documents=["年度外事工作要点"],
        decisions=["原则通过年度工作要点。", "加强因公出访管理。"],
        tasks=[
            ("制定落实方案", commerce, day(6, 30), True),
            ("修订出访管理办法", commerce, day(10, 31), False),
        ],
    )
    meeting_of(
        secretariat,
        day(11, 6),
        title="市委外事工作委员会第二次会议",
        decisions=["听取出访管理情况汇报。"],
    )
    meeting_of(secretariat, day(12, 1), title="市委外事工作委员会第三次会议", confirm=False)
    meeting_of(secretariat, day(4, 1, YEAR - 1), title="上一年度的会议", decisions=["不计入"])
    return {"a": a, "b": b, "c": c, "earlier": earlier, "people": [p1, p2, p3, p4]}
