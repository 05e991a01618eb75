"""What each transition leaves behind: the policy check on submission, business dates, the
event row, the audit chain, the outbox jobs, the approval number."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from tests.delegations.conftest import traveller_of
from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent, OutboxJob
from waishi.delegations.models import Delegation, PolicyJustification
from waishi.delegations.services import delegation_update
from waishi.delegations.workflow import JustificationRequired, PolicyBlocked
from waishi.people.models import Passport

FULL_TRIP = ["submit", "head_sign", "review_pass", "approve", "depart", "register_return"]


def test_a_blocking_finding_refuses_submission_and_nothing_changes(make_delegation, act, commerce):
    people = [traveller_of(commerce, name=f"成员{i}") for i in range(7)]
    delegation = make_delegation(people=people)
    with pytest.raises(PolicyBlocked) as refused:
        act(delegation, "submit")
    assert [f.rule for f in refused.value.findings] == ["delegation_size"]
    assert "7人" in refused.value.messages[0]
    delegation.refresh_from_db()
    assert (delegation.status, delegation.version, delegation.submitted_at) == ("draft", 1, None)
    assert not delegation.events.exists()


def test_a_retired_member_blocks_submission(make_delegation, act, commerce):
    people = [traveller_of(commerce, name="退休老同志", retired=True)]
    delegation = make_delegation(people=people)
    with pytest.raises(PolicyBlocked) as refused:
        act(delegation, "submit")
    assert [f.rule for f in refused.value.findings] == ["retired"]


def test_a_warning_needs_a_written_justification_which_reviewers_then_see(
    make_delegation, act, liaison
):
    delegation = make_delegation(invitation_kind="intermediary", invitation_from="某商务咨询公司")
    with pytest.raises(JustificationRequired) as refused:
        act(delegation, "submit")
    assert [f.rule for f in refused.value.findings] == ["invitation"]
    delegation.refresh_from_db()
    assert delegation.status == "draft"

    act(delegation, "submit", justifications={"invitation": "市政府已与该机构签署合作协议"})
    delegation.refresh_from_db()
    assert delegation.status == "submitted"
    justification = PolicyJustification.objects.get(delegation=delegation)
    assert (justification.rule, justification.by) == ("invitation", liaison)
    assert justification.justification == "市政府已与该机构签署合作协议"
    assert "中介机构" in justification.finding
    submitted = delegation.events.get(action="submit")
    assert justification.event == submitted
    assert [f["rule"] for f in submitted.findings["findings"]] == ["invitation"]


def test_a_blank_justification_does_not_count(make_delegation, act):
    delegation = make_delegation(invitation_kind="intermediary")
    with pytest.raises(JustificationRequired):
        act(delegation, "submit", justifications={"invitation": "  "})


def test_a_justification_given_once_still_holds_when_the_application_is_resubmitted(
    make_delegation, act
):
    delegation = make_delegation(invitation_kind="intermediary")
    act(delegation, "submit", justifications={"invitation": "经市政府同意"})
    act(delegation, "head_return", comment="请补充材料")
    act(delegation, "submit")
    delegation.refresh_from_db()
    assert delegation.status == "submitted"


def test_approval_is_refused_while_a_blocking_finding_stands(make_delegation, act):
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    # After submission the leader's official passport is found to be a private one.
    leader = delegation.members.get(role_in_delegation="leader").person
    Passport.objects.filter(person=leader).update(kind=Passport.Kind.PRIVATE)
    with pytest.raises(PolicyBlocked):
        act(delegation, "approve")
    delegation.refresh_from_db()
    assert (delegation.status, delegation.approval_number) == ("head_signed", None)


def test_each_step_records_who_when_what_and_the_findings_against_the_rule_set_version(
    make_delegation, act, personas
):
    delegation = make_delegation()
    for action in FULL_TRIP:
        act(delegation, action, comment=f"{action} 意见")
    events = list(delegation.events.order_by("at", "id"))
    assert [e.action for e in events] == FULL_TRIP
    assert [e.actor.username for e in events] == [
        "liaison",
        "head",
        "reviewer",
        "approver",
        "liaison",
        "liaison",
    ]
    assert [e.version for e in events] == [2, 3, 4, 5, 6, 7]
    assert all(e.comment == f"{e.action} 意见" for e in events)
    approval_stage, after = events[:4], events[4:]
    assert all(e.rule_set == "default-v1" and e.findings["compliant"] for e in approval_stage)
    assert all(e.findings["budget"]["days"] == 4 for e in approval_stage)
    assert all(e.findings is None and e.rule_set == "" for e in after)


def test_business_dates_are_set_by_the_steps_that_own_them(make_delegation, act):
    delegation = make_delegation()
    today = timezone.localdate()
    for action in FULL_TRIP[:-2]:
        act(delegation, action)
    act(delegation, "depart", on=today - dt.timedelta(days=6))
    act(delegation, "register_return", on=today - dt.timedelta(days=1))
    delegation.refresh_from_db()
    stamps = [
        delegation.submitted_at,
        delegation.head_signed_at,
        delegation.reviewed_at,
        delegation.approved_at,
    ]
    assert all(stamps) and stamps == sorted(stamps)
    assert delegation.departed_on == today - dt.timedelta(days=6)
    assert delegation.returned_at == today - dt.timedelta(days=1)
    assert delegation.rejected_at is delegation.cancelled_at is delegation.withdrawn_at is None


@pytest.mark.parametrize(
    ("path", "stamp"),
    [
        (["submit", "head_sign", "review_pass", "reject"], "rejected_at"),
        (["submit", "withdraw"], "withdrawn_at"),
        (["submit", "head_return"], "sent_back_at"),
        (["submit", "head_sign", "review_pass", "approve", "cancel"], "cancelled_at"),
    ],
)
def test_ending_and_returning_steps_stamp_their_dates(make_delegation, act, path, stamp):
    delegation = make_delegation()
    for action in path:
        act(delegation, action)
    delegation.refresh_from_db()
    assert getattr(delegation, stamp) is not None


def test_a_departure_in_the_future_or_a_return_before_departure_is_refused(make_delegation, act):
    delegation = make_delegation()
    for action in FULL_TRIP[:4]:
        act(delegation, action)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        act(delegation, "depart", on=today + dt.timedelta(days=1))
    act(delegation, "depart", on=today - dt.timedelta(days=3))
    with pytest.raises(ValidationError) as refused:
        act(delegation, "register_return", on=today - dt.timedelta(days=5))
    assert "on" in refused.value.message_dict


def test_every_transition_writes_an_audit_event_and_the_chain_stays_intact(make_delegation, act):
    delegation = make_delegation()
    for action in FULL_TRIP:
        act(delegation, action, comment="意见")
    audited = AuditEvent.objects.filter(
        object_type="delegations.delegation", object_id=str(delegation.pk)
    ).order_by("seq")
    assert [e.action for e in audited] == ["delegation.create"] + [
        f"delegation.{a}" for a in FULL_TRIP
    ]
    approve = audited.get(action="delegation.approve")
    assert approve.changes["approval_number"] == Delegation.objects.get().approval_number
    assert approve.changes["status"] == ["head_signed", "approved"]
    assert approve.unit_id == delegation.organising_unit_id
    assert audit_verify().ok


def test_transitions_leave_a_notification_and_a_return_leaves_deadline_reminders(
    make_delegation, act
):
    delegation = make_delegation()
    for action in FULL_TRIP:
        act(delegation, action)
    notes = OutboxJob.objects.filter(kind="delegations.notify").order_by("pk")
    assert [job.payload["action"] for job in notes] == FULL_TRIP
    assert notes[0].payload["roles"] == ["unit_head"]
    assert notes[1].payload["roles"] == ["reviewer"]
    assert notes[2].payload["roles"] == ["approver"]
    reminders = OutboxJob.objects.filter(kind="delegations.remind")
    assert sorted((j.payload["item"], j.payload["when"]) for j in reminders) == [
        ("passport_return", "after"),
        ("passport_return", "before"),
        ("trip_report", "after"),
        ("trip_report", "before"),
    ]
    passport_after = reminders.get(payload__item="passport_return", payload__when="after")
    due = timezone.localdate() + dt.timedelta(days=7)
    assert passport_after.payload["due"] == due.isoformat()


def test_approval_numbers_follow_the_pattern_and_count_up_within_the_year(make_delegation, act):
    year = timezone.localdate().year
    numbers = []
    for _ in range(2):
        delegation = make_delegation()
        for action in FULL_TRIP[:4]:
            act(delegation, action)
        delegation.refresh_from_db()
        numbers.append(delegation.approval_number)
    assert numbers == [f"SWJ外字〔{year}〕001号", f"SWJ外字〔{year}〕002号"]


def test_the_approval_number_pattern_is_configurable(make_delegation, act, settings):
    settings.WAISHI_APPROVAL_NUMBER_PATTERN = "{city_code}外批〔{year}〕{seq}号"
    delegation = make_delegation()
    for action in FULL_TRIP[:4]:
        act(delegation, action)
    delegation.refresh_from_db()
    assert delegation.approval_number == f"CITY外批〔{timezone.localdate().year}〕1号"


def test_a_number_already_issued_under_an_earlier_pattern_is_skipped(
    make_delegation, act, settings
):
    first = make_delegation()
    settings.WAISHI_APPROVAL_NUMBER_PATTERN = "外〔{year}〕{seq}"
    for action in FULL_TRIP[:4]:
        act(first, action)
    settings.WAISHI_APPROVAL_NUMBER_PATTERN = "{unit_code}〔{year}〕{seq}"
    second = make_delegation()
    Delegation.objects.filter(pk=first.pk).update(
        approval_number=f"SWJ〔{timezone.localdate().year}〕1"
    )
    for action in FULL_TRIP[:4]:
        act(second, action)
    second.refresh_from_db()
    assert second.approval_number == f"SWJ〔{timezone.localdate().year}〕2"


def test_a_pattern_without_a_sequence_number_is_a_configuration_error(
    make_delegation, act, settings
):
    settings.WAISHI_APPROVAL_NUMBER_PATTERN = "{unit_code}外字〔{year}〕号"
    delegation = make_delegation()
    for action in FULL_TRIP[:3]:
        act(delegation, action)
    with pytest.raises(ImproperlyConfigured):
        act(delegation, "approve")
    delegation.refresh_from_db()
    assert delegation.status == "head_signed"


def test_an_application_without_a_leader_cannot_be_submitted(make_delegation, act, commerce):
    people = [traveller_of(commerce, name="无团长")]
    delegation = make_delegation(people=people, members=[{"person": people[0]}])
    with pytest.raises(ValidationError) as refused:
        act(delegation, "submit")
    assert "members" in refused.value.message_dict
    delegation.refresh_from_db()
    assert delegation.status == "draft"


def test_every_correction_is_audited_with_what_changed(make_delegation, liaison):
    delegation = make_delegation()
    delegation_update(
        actor=liaison, delegation=delegation, expected_version=1, purpose="新的出访目的"
    )
    event = AuditEvent.objects.get(action="delegation.update")
    assert event.changes == {"purpose": ["深化港口物流合作", "新的出访目的"]}
    delegation.refresh_from_db()
    assert delegation.version == 2
