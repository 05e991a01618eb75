"""Returns (退件) and resubmission, and the review chain chosen by rank and trip type."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from tests.delegations.conftest import traveller_of
from waishi.delegations.models import Delegation, StatusGuardError
from waishi.delegations.services import delegation_update
from waishi.delegations.workflow import review_chain_for
from waishi.people.models import Rank


def history(delegation):
    return [
        (e.action, e.step, e.from_status, e.to_status)
        for e in delegation.events.order_by("at", "id")
    ]


def test_a_return_by_the_reviewer_sends_the_resubmission_straight_back_to_the_reviewer(
    make_delegation, act
):
    delegation = make_delegation()
    act(delegation, "submit")
    act(delegation, "head_sign")
    act(delegation, "review_return", comment="邀请函缺中文译本")
    delegation.refresh_from_db()
    assert (delegation.status, delegation.returned_by_step) == ("returned", "review")

    act(delegation, "submit")
    delegation.refresh_from_db()
    assert (delegation.status, delegation.pending_step) == ("head_signed", "review")
    assert history(delegation) == [
        ("submit", "", "draft", "submitted"),
        ("head_sign", "head", "submitted", "head_signed"),
        ("review_return", "review", "head_signed", "returned"),
        ("submit", "", "returned", "head_signed"),
    ]
    assert delegation.events.get(action="review_return").comment == "邀请函缺中文译本"


def test_a_return_by_the_unit_head_needs_the_heads_signature_again(make_delegation, act):
    delegation = make_delegation()
    act(delegation, "submit")
    act(delegation, "head_return", comment="请补充出访必要性")
    act(delegation, "submit")
    delegation.refresh_from_db()
    assert (delegation.status, delegation.pending_step) == ("submitted", "head")
    act(delegation, "head_sign")
    delegation.refresh_from_db()
    assert delegation.pending_step == "review"


def test_a_return_by_the_approver_goes_back_to_the_approver_not_to_the_reviewer(
    make_delegation, act
):
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    act(delegation, "review_return", as_="approver", comment="日程需细化")
    act(delegation, "submit")
    delegation.refresh_from_db()
    assert (delegation.status, delegation.pending_step) == ("head_signed", "approve")
    act(delegation, "approve")
    delegation.refresh_from_db()
    assert delegation.status == "approved"


def test_the_liaison_can_correct_a_returned_application_and_the_correction_is_what_is_checked(
    make_delegation, act, liaison
):
    delegation = make_delegation()
    act(delegation, "submit")
    act(delegation, "head_return", comment="标题不规范")
    delegation.refresh_from_db()
    delegation_update(
        actor=liaison,
        delegation=delegation,
        expected_version=delegation.version,
        title="赴德国汉堡港务局开展港口合作会谈",
    )
    act(delegation, "submit")
    delegation.refresh_from_db()
    assert delegation.title == "赴德国汉堡港务局开展港口合作会谈"
    assert delegation.status == "submitted"


def test_a_returning_step_must_give_a_reason(make_delegation, act):
    delegation = make_delegation()
    act(delegation, "submit")
    with pytest.raises(ValidationError) as refused:
        act(delegation, "head_return", comment="   ")
    assert "comment" in refused.value.message_dict
    delegation.refresh_from_db()
    assert delegation.status == "submitted"


def bureau_delegation(make_delegation, commerce):
    people = [
        traveller_of(commerce, name="赵局长", rank=Rank.BUREAU, position="局长"),
        traveller_of(commerce, name="钱科长", rank=Rank.SECTION),
    ]
    return make_delegation(people=people)


def test_a_bureau_rank_delegation_also_needs_the_fao_leaderships_review(
    make_delegation, act, commerce
):
    delegation = bureau_delegation(make_delegation, commerce)
    act(delegation, "submit")
    act(delegation, "head_sign")
    act(delegation, "review_pass")
    delegation.refresh_from_db()
    assert delegation.review_chain == ["review", "leader_review"]
    assert delegation.pending_step == "leader_review"
    with pytest.raises(PermissionDenied):
        act(delegation, "review_pass", as_="reviewer")
    act(delegation, "review_pass", as_="approver")
    act(delegation, "approve")
    delegation.refresh_from_db()
    assert delegation.status == "approved"
    steps = [e.step for e in delegation.events.order_by("at", "id")]
    assert steps == ["", "head", "review", "leader_review", "approve"]


def test_when_a_correction_changes_the_chain_review_restarts_at_its_first_step(
    make_delegation, act, commerce, liaison
):
    delegation = bureau_delegation(make_delegation, commerce)
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    act(delegation, "review_return", as_="approver", comment="改派处级干部带队")
    delegation.refresh_from_db()
    county = traveller_of(commerce, name="孙处长", rank=Rank.COUNTY)
    delegation_update(
        actor=liaison,
        delegation=delegation,
        expected_version=delegation.version,
        members=[{"person": county, "role_in_delegation": "leader"}],
        budget=[{"kind": "lodging", "amount": "250", "currency": "EUR"}],
    )
    act(delegation, "submit")
    delegation.refresh_from_db()
    assert delegation.review_chain == ["review"]
    assert (delegation.status, delegation.pending_step) == ("head_signed", "review")


def test_the_chain_is_configurable_by_trip_type(settings):
    settings.WAISHI_DELEGATION_REVIEW_CHAINS = [
        {"trip_type": ["training"], "steps": ["review", "training_review"]},
        {"steps": ["review"]},
    ]
    settings.WAISHI_DELEGATION_REVIEW_STEPS = {
        "review": "reviewer",
        "training_review": "approver",
    }
    assert review_chain_for("county", "training") == ["review", "training_review"]
    assert review_chain_for("county", "visit") == ["review"]


def test_a_chain_naming_an_unknown_step_is_a_configuration_error(settings):
    settings.WAISHI_DELEGATION_REVIEW_CHAINS = [{"steps": ["nobody_knows"]}]
    with pytest.raises(ImproperlyConfigured):
        review_chain_for("county", "visit")


def test_the_status_cannot_be_saved_except_through_the_workflow(make_delegation):
    delegation = make_delegation()
    delegation.status = "approved"
    with pytest.raises(StatusGuardError):
        delegation.save()
    assert Delegation.objects.get(pk=delegation.pk).status == "draft"
