"""The delegation page: every part of the application, the policy check with its
justifications, the timeline of events, the actions each role is offered, and the reviewer's
side panel with the members' earlier trips and the unit's record."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.core.test_ui_shell import inline_code_in
from tests.delegations.conftest import traveller_of
from tests.delegations.test_browse_list import bulk_delegations
from waishi.delegations.models import AttachmentKind, Delegation, DelegationAttachment, Status


def page(user, delegation):
    client = client_for(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("delegations:detail", args=[delegation.pk]))
    assert response.status_code == 200
    return response


def html_of(user, delegation) -> str:
    return page(user, delegation).content.decode()


def offered(user, delegation) -> list[str]:
    return [item["action"] for item in page(user, delegation).context["actions"]]


def test_the_page_shows_every_part_of_the_application(make_delegation, liaison):
    delegation = make_delegation(title="汉堡港口合作考察")
    html = html_of(liaison, delegation)
    for text in (
        "汉堡港口合作考察",
        "市商务局",
        "深化港口物流合作",
        "签署港口合作备忘录",
        "考察物流园区",
        "Hamburg Port Authority",
        "Hamburg",
        "会谈",
        "部门预算",
        "Delegation leader",
        "局长",
    ):
        assert text in html, text
    member_names = [m.person.name for m in delegation.members.all()]
    assert all(name in html for name in member_names)


def test_a_draft_shows_the_policy_check_as_it_stands_with_the_budget_against_the_standard(
    make_delegation, liaison
):
    delegation = make_delegation()
    response = page(liaison, delegation)
    html = response.content.decode()
    assert "As the application stands now" in html
    assert "Against the standard" in html
    rows = response.context["budget"]["rows"]
    lodging = next(row for row in rows if row["kind"] == "Lodging")
    assert (lodging["currency"], lodging["claimed"]) == ("EUR", 500)


def test_the_timeline_lists_every_event_with_who_what_and_why(
    make_delegation, act, reviewer, liaison, head
):
    delegation = make_delegation()
    act(delegation, "submit")
    act(delegation, "head_return", comment="预算说明不全")
    html = html_of(reviewer, delegation)
    timeline = html[html.index('id="timeline"') :]
    assert timeline.index("Submit") < timeline.index("Return to the liaison")
    assert "预算说明不全" in timeline
    assert str(liaison) in timeline and str(head) in timeline
    assert "Returned for correction" in timeline
    assert "Policy check:" in timeline  # the findings of each approval-stage step, expandable


def test_reviewers_read_the_warning_justifications_given_at_submission(
    make_delegation, act, reviewer
):
    delegation = soon_delegation(make_delegation)
    act(delegation, "submit", justifications={"lead_time": "外方会期临时提前"})
    html = html_of(reviewer, delegation)
    findings = html[html.index('id="findings"') : html.index('id="timeline"')]
    assert "外方会期临时提前" in findings
    assert "As checked at" in findings


def soon_delegation(make_delegation):
    """An application filed 30 days before departure: the lead-time rule warns."""
    leave = timezone.localdate() + dt.timedelta(days=30)
    back = leave + dt.timedelta(days=3)
    return make_delegation(
        leave_china=leave,
        return_china=back,
        stops=[{"country": "DE", "city": "Hamburg", "arrive": leave, "depart": back}],
        schedule=[
            {"date": leave + dt.timedelta(days=i), "activity": "会谈", "kind": "official"}
            for i in range(4)
        ],
    )


def test_each_role_is_offered_only_its_own_actions(make_delegation, act, personas):
    delegation = make_delegation()
    assert offered(personas["liaison"], delegation) == ["submit", "withdraw"]
    assert offered(personas["head"], delegation) == []
    act(delegation, "submit")
    assert offered(personas["head"], delegation) == ["head_sign", "head_return"]
    assert offered(personas["liaison"], delegation) == ["withdraw"]
    assert offered(personas["reviewer"], delegation) == []
    act(delegation, "head_sign")
    assert offered(personas["reviewer"], delegation) == ["review_pass", "review_return"]
    assert offered(personas["inspector"], delegation) == []


def test_an_action_opens_a_small_form_that_posts_the_version_seen(make_delegation, act, head):
    delegation = make_delegation()
    act(delegation, "submit")
    delegation.refresh_from_db()
    html = html_of(head, delegation)
    url = reverse("delegations:transition", args=[delegation.pk, "head_return"])
    assert f'action="{url}"' in html
    assert f'name="expected_version" value="{delegation.version}"' in html
    assert "Reason" in html  # returning needs one


def test_the_approve_form_warns_that_the_password_will_be_asked(make_delegation, act, approver):
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    html = html_of(approver, delegation)
    assert "You will be asked for your password" in html


def test_an_outsider_gets_not_found(make_delegation, outsider):
    delegation = make_delegation()
    response = client_for(outsider).get(reverse("delegations:detail", args=[delegation.pk]))
    assert response.status_code == 404


def test_the_reviewer_sees_each_members_earlier_trips_and_the_units_record(
    make_delegation, act, reviewer, commerce
):
    veteran = traveller_of(commerce, name="吴处长")
    newcomer = traveller_of(commerce, name="郑科员")
    last_year = timezone.localdate() - dt.timedelta(days=300)
    bulk_delegations(commerce, veteran, 1, start=last_year, status=Status.REPORT_FILED)
    long_ago = timezone.localdate() - dt.timedelta(days=6 * 366)
    bulk_delegations(commerce, veteran, 1, start=long_ago, status=Status.ARCHIVED)
    # Report overdue, but by less than the 30 days that would block the unit from submitting.
    overdue_at = timezone.localdate() - dt.timedelta(days=40)
    bulk_delegations(
        commerce, newcomer, 1, start=overdue_at, status=Status.RETURNED_HOME, returned_at=overdue_at
    )
    delegation = make_delegation(people=[veteran, newcomer])
    act(delegation, "submit")
    act(delegation, "head_sign")

    response = page(reviewer, delegation)
    review = response.context["review"]
    trips = {member.person.name: rows for member, rows in review["members"]}
    assert [row.delegation.leave_china for row in trips["吴处长"]] == [last_year]
    assert len(trips["郑科员"]) == 1
    html = response.content.decode()
    panel = html[html.index('id="review-panel"') :]
    assert "Record of 市商务局" in panel
    assert "Trip report not filed" in panel


def test_the_liaison_does_not_get_the_reviewers_panel(make_delegation, act, liaison):
    delegation = make_delegation()
    act(delegation, "submit")
    assert page(liaison, delegation).context["review"] is None


def test_earlier_trips_the_head_may_not_see_are_left_out(
    make_delegation, act, head, commerce, education
):
    traveller = traveller_of(commerce, name="冯处长")
    bulk_delegations(education, traveller, 1, start=timezone.localdate() - dt.timedelta(days=200))
    delegation = make_delegation(people=[traveller])
    act(delegation, "submit")
    review = page(head, delegation).context["review"]
    assert review["members"][0][1] == []


def test_the_invitation_letter_and_other_attachments_are_listed_with_a_download_link(
    make_delegation, reviewer
):
    delegation = make_delegation()
    letter = DelegationAttachment.objects.create(
        delegation=delegation,
        kind=AttachmentKind.INVITATION,
        file=f"delegations/{delegation.pk}/invitation.pdf",
        original_name="邀请函.pdf",
        content_type="application/pdf",
        size=2048,
        uploaded_at=timezone.now(),
    )
    html = html_of(reviewer, delegation)
    section = html[html.index('id="attachments"') :]
    assert "Invitation letter" in section and "邀请函.pdf" in section
    assert reverse("delegations:attachment", args=[delegation.pk, letter.pk]) in section


def test_the_pages_carry_no_inline_script_or_style(make_delegation, act, approver):
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    client = client_for(approver)
    for url in (
        reverse("delegations:list"),
        reverse("delegations:detail", args=[delegation.pk]),
        reverse("delegations:transition", args=[delegation.pk, "approve"]),
        reverse("delegations:calendar"),
        reverse("delegations:mine"),
        reverse("core:sudo"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code_in(response.content.decode()) == [], url


def test_the_page_links_to_the_application_form_while_editable_and_to_the_trip_once_approved(
    make_delegation, act, liaison, reviewer
):
    delegation = make_delegation()
    edit = reverse("delegations:edit", args=[delegation.pk])
    trip = reverse("delegations:trip", args=[delegation.pk])
    assert edit in html_of(liaison, delegation)
    assert edit not in html_of(reviewer, delegation)
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    assert trip not in html_of(liaison, delegation)
    Delegation.objects.filter(pk=delegation.pk).update(status=Status.APPROVED)
    html = html_of(liaison, delegation)
    assert trip in html and edit not in html
